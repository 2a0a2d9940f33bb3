from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "yorisoi.meetings"
    verbose_name = "会議とチームの実践"

    def ready(self) -> None:
        # The minutes of the meetings that discussed a case are drawn in that case's timeline, between its records.
        from yorisoi.records.timeline import TIMELINE_SOURCES

        from .selectors import case_timeline_source

        if case_timeline_source not in TIMELINE_SOURCES:
            TIMELINE_SOURCES.append(case_timeline_source)
