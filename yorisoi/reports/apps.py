from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "yorisoi.reports"
    verbose_name = "報告・出力"
