"""Issuing and revoking API tokens. Only staff of a center who have enrolled two-factor authentication (a confirmed
TOTP device) get a token; the token is returned once and stored as its SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.accounts.services import confirmed_device
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import areas

from .models import ApiToken

SECTION = "api_token"
MAX_ACTIVE_TOKENS = 5  # per staff member: a token per system it connects, not one per request


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def may_hold_token(user) -> bool:
    """Staff of a center, active, with a confirmed second factor (the same accounts as the pages)."""
    return (getattr(user, "is_authenticated", False) and user.is_active and user.center_id is not None
            and confirmed_device(user) is not None)


@transaction.atomic
def issue_token(*, actor: Staff, name: str, request=None) -> tuple[ApiToken, str]:
    """A new token for `actor`; returns the row and the token text (shown once, never stored)."""
    if not may_hold_token(actor):
        raise PermissionDenied
    Staff.objects.select_for_update().filter(pk=actor.pk).first()  # two issues at once count each other
    if ApiToken.objects.filter(staff=actor, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(f"有効なトークンは{MAX_ACTIVE_TOKENS}つまでです。使わないトークンを失効させてください。")
    raw = "ys_" + secrets.token_urlsafe(32)
    token = ApiToken(staff=actor, name=(name or "").strip(), key_hash=hash_token(raw), prefix=raw[:8])
    token.full_clean()
    token.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=token, section=SECTION)
    return token, raw


@transaction.atomic
def revoke_token(*, actor: Staff, token: ApiToken, request=None) -> ApiToken:
    """A staff member revokes their own token; a director may revoke any token of the center's staff."""
    if not areas.may_revoke_token(actor, token):
        raise PermissionDenied
    current = ApiToken.objects.select_for_update().get(pk=token.pk)
    if current.revoked_at is None:
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
        log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, section=SECTION,
                   detail="revoked")
    return current


def token_for(raw: str) -> ApiToken | None:
    """The active token of this text, with its staff member; None for an unknown or revoked token."""
    if not raw or len(raw) > 200:
        return None
    return (ApiToken.objects.select_related("staff", "staff__center")
            .filter(key_hash=hash_token(raw), revoked_at__isnull=True).first())


def note_use(token: ApiToken) -> None:
    """Last use, to the minute (one UPDATE a minute per token at most, not one per request)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
