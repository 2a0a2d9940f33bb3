from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "yorisoi.common"
    verbose_name = "共通"
