from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "yorisoi.records"
    verbose_name = "支援経過記録"
