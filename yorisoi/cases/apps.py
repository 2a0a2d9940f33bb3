from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "yorisoi.cases"
    verbose_name = "支援ケース"
