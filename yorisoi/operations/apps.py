from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "yorisoi.operations"
    verbose_name = "運用"
