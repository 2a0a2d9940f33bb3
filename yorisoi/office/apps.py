from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "yorisoi.office"
    verbose_name = "センター運営"
