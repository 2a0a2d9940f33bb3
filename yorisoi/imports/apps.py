from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "yorisoi.imports"
    verbose_name = "データの取り込み"
