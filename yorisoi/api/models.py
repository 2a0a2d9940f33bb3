"""API tokens: one or more per staff member, stored as a hash (the token itself is shown once, when issued)."""

from django.conf import settings
from django.db import models

from yorisoi.common import dates
from yorisoi.common.text import CleanCharField


class ApiToken(models.Model):
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                              verbose_name="職員")
    name = CleanCharField("用途", max_length=100, help_text="例：市の統計システムとの連携")
    # SHA-256 of the token: a token is 32 random bytes, so a plain hash cannot be guessed back (no salt needed),
    # and the lookup stays one indexed query.
    key_hash = CleanCharField(max_length=64, unique=True, editable=False)
    # The first characters, to tell tokens apart on the page (not enough to use one).
    prefix = CleanCharField("先頭の文字", max_length=8, editable=False)
    created_at = dates.DateTimeField("発行日時", auto_now_add=True)
    last_used_at = dates.DateTimeField("最後に使った日時", null=True, blank=True)
    revoked_at = dates.DateTimeField("失効日時", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "APIトークン"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"APIトークン {self.prefix}…（{self.name}）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
