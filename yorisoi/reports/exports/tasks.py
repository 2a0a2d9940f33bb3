"""The export's background task (django-tasks; the same API is `django.tasks` in Django 6). Its only argument is
the request id: no personal data goes into the task queue."""

from __future__ import annotations

from django_tasks import task

from . import building


@task()
def build_export(export_request_id: int) -> None:
    building.build_file(export_request_id)
