"""The wizard's background tasks (django-tasks). Their only arguments are ids: no personal data in the queue."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def check_import(batch_id: int) -> None:
    services.check_batch(batch_id)


@task()
def run_import(batch_id: int, dry_run: bool) -> None:
    services.run_batch(batch_id, dry_run=dry_run)
