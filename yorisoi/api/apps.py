from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "yorisoi.api"
    label = "api"
    verbose_name = "API"
