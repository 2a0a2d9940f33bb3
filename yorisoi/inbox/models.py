"""The calendar feed's secret: one active token per staff member, revoked rather than deleted (the access log
names it). The token is the credential of the feed URL, which calendar apps fetch without logging in."""

from django.conf import settings
from django.db import models

from yorisoi.common import dates
from yorisoi.common.text import CleanCharField


class CalendarFeedToken(models.Model):
    """`token` is shown to its owner as part of the feed URL (secrets.token_urlsafe(32)). The feed looks a
    token up by `token_digest` (SHA-256 of the token) and then compares the token itself in constant time, so
    the database index lookup never times the secret."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_tokens",
                             verbose_name="職員")
    token = CleanCharField("配信用トークン", max_length=64)
    token_digest = CleanCharField("トークンのハッシュ", max_length=64, unique=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    revoked_at = dates.DateTimeField("停止日時", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "カレンダー配信のトークン"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(revoked_at__isnull=True),
                                    name="inbox_one_active_feed_token_per_user"),
        ]

    def __str__(self) -> str:
        return f"カレンダー配信 {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
