from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "yorisoi.planning"
    verbose_name = "アセスメント・支援計画・決裁"
