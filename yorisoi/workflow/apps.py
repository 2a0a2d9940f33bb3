from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "yorisoi.workflow"
    verbose_name = "支援の流れ"
