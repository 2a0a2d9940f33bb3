from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "yorisoi.partners"
    verbose_name = "関係機関・社会資源"
