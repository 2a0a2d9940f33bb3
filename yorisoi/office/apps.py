from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "yorisoi.office"
    verbose_name = "センター運営"

    def ready(self):
        from yorisoi.common import nightly

        from . import trainees

        # A trainee's account ends itself: from the day after the last day the policy refuses it; tonight's job
        # deactivates it for good.
        nightly.register(nightly.NightlyJob("expire_trainees", "実習期間の終わった実習生のアカウントの停止",
                                            run=trainees.expire_trainees))
