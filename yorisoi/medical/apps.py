from django.apps import AppConfig


class MedicalConfig(AppConfig):
    name = "yorisoi.medical"
    verbose_name = "医療連携"
