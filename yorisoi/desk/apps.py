from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "yorisoi.desk"
    verbose_name = "ホーム・ナビゲーション"
