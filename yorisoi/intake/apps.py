from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "yorisoi.intake"
    verbose_name = "相談受付・事前相談"
