"""Writes of the inbox app: the calendar feed's token and the choice to show names in it. Each writes its
access-log row in the same transaction."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from .models import CalendarFeedToken
from .rules import may_use_feed

SECTION = "calendar_feed_settings"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require(actor: Staff) -> None:
    if not may_use_feed(actor):
        raise PermissionDenied


def _revoke_active(actor: Staff) -> int:
    return (CalendarFeedToken.objects.select_for_update().filter(user_id=actor.pk, revoked_at__isnull=True)
            .update(revoked_at=timezone.now()))


@transaction.atomic
def issue_feed_token(*, actor: Staff, request=None) -> CalendarFeedToken:
    """A new secret feed URL for the actor; the previous one (if any) stops working at once."""
    _require(actor)
    replaced = _revoke_active(actor)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeedToken(user=actor, token=token, token_digest=token_digest(token))
    feed.full_clean()
    feed.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=feed, section=SECTION,
               detail="regenerated" if replaced else "created")
    return feed


@transaction.atomic
def revoke_feed_token(*, actor: Staff, request=None) -> bool:
    """Stop the actor's feed. False when there was none to stop."""
    _require(actor)
    feed = CalendarFeedToken.objects.select_for_update().filter(user_id=actor.pk, revoked_at__isnull=True).first()
    if feed is None:
        return False
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=feed, section=SECTION, detail="revoked")
    return True


@transaction.atomic
def set_calendar_names(*, actor: Staff, shows_names: bool, request=None) -> None:
    """Whether the actor's feed names the persons (off by default). accounts.Staff owns the field; this is its
    only writer, one UPDATE of the actor's own row."""
    _require(actor)
    Staff.objects.filter(pk=actor.pk).update(calendar_shows_names=bool(shows_names))
    actor.calendar_shows_names = bool(shows_names)
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=actor, section=SECTION,
               detail=f"calendar_shows_names={int(bool(shows_names))}")
