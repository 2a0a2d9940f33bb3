from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "yorisoi.privacy"
    verbose_name = "個人情報保護と監査"

    def ready(self):
        # Log-in, failed log-in and log-out come from django.contrib.auth's own signals:
        # they are the only place these events can be seen.
        from . import auth_events  # noqa: F401
