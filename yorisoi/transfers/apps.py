from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "yorisoi.transfers"
    verbose_name = "広域調整（他センターへの引継ぎ）"
