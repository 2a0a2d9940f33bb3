from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "yorisoi.disclosure"
    verbose_name = "同意・取り決め・第三者提供"
