from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "yorisoi.inbox"
    verbose_name = "やること・カレンダー"
