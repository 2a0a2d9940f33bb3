from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        abstract = True


class CenterOwnedModel(TimeStampedModel):
    """Every row of a center's data carries its center: the unit that no query may cross."""

    center = models.ForeignKey("accounts.Center", on_delete=models.PROTECT, verbose_name="センター")

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """Optimistic locking: a save names the version it was read at; a stale save is refused."""

    version = models.PositiveIntegerField("版", default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="最終更新者",
    )

    class Meta:
        abstract = True
