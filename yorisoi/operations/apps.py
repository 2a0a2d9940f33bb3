from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "yorisoi.operations"
    verbose_name = "運用"

    def ready(self) -> None:
        from yorisoi.common import nightly

        from .nightly import JOBS

        for job in JOBS:
            nightly.register(job)
