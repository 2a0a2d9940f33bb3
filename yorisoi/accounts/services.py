import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Center, Staff

DEVICE_NAME = "認証アプリ"


def confirmed_device(user: Staff) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def pending_device(user: Staff) -> TOTPDevice:
    """The unconfirmed device shown during set-up; reused so a reload keeps the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def confirm_device(device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


# --- center settings ------------------------------------------------------------------------------------


@transaction.atomic
def update_center_settings(*, actor: Staff, version: int, name: str, phone: str, case_visibility: str,
                           request=None) -> Center:
    """A director changes the center's name, phone and case visibility. Refused as stale when another director
    saved since `version`; the change is kept in the center's history and the access log (values, no names)."""
    from yorisoi.common.concurrency import lock_for_edit
    from yorisoi.privacy import policy
    from yorisoi.privacy.audit import log_access
    from yorisoi.privacy.models import AccessAction

    if not policy.may_manage_center(actor):
        raise PermissionDenied
    center = lock_for_edit(Center, pk=actor.center_id, expected_version=version)
    before = center.case_visibility
    center.name, center.phone, center.case_visibility = name, phone, case_visibility
    center.version += 1
    center.updated_at = timezone.now()
    center.updated_by = actor
    center.full_clean()
    center._history_user = actor
    center.save()
    detail = "センターの設定を変更"
    if before != case_visibility:
        detail += f"（ケースの閲覧範囲 {before}→{case_visibility}）"
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=center, section="center_settings",
               detail=detail)
    actor.center = center
    return center


# --- passwords and log-in throttling ------------------------------------------------------------------------


def change_password(*, actor: Staff, form, request=None) -> Staff:
    """Save a valid StaffPasswordChangeForm, keep this session (other sessions end) and log it."""
    from django.contrib.auth import update_session_auth_hash

    from yorisoi.privacy.audit import log_access
    from yorisoi.privacy.models import AccessAction

    user = form.save()
    if request is not None:
        update_session_auth_hash(request, user)
    log_access(request=request, actor=user, action=AccessAction.UPDATE, obj=user, section="password",
               detail="パスワードを変更")
    return user


def ip_failure_limit() -> int:
    return int(getattr(settings, "YORISOI_LOGIN_IP_FAILURE_LIMIT", 30))


def ip_window() -> dt.timedelta:
    return dt.timedelta(minutes=float(getattr(settings, "YORISOI_LOGIN_IP_WINDOW_MINUTES", 15)))


def login_throttled(ip: str | None) -> bool:
    """Too many failed log-ins from one address in the window, whatever the user names (password spraying).

    Accounts are locked by user name (django-axes, 5 failures); this limit is per address and higher, because a
    center's staff share one office address behind NAT. Counted from the access log, which every failed log-in
    (and every refused attempt) already writes, so it holds across processes without a shared cache."""
    from yorisoi.privacy.audit import trusted_proxies
    from yorisoi.privacy.models import AccessAction, AccessLog

    if not ip or ip in trusted_proxies():  # the proxy itself: the client is unknown, never lock everyone out
        return False

    since = timezone.now() - ip_window()
    return AccessLog.objects.filter(at__gte=since, ip_address=ip, action=AccessAction.LOGIN_FAILED).count() \
        >= ip_failure_limit()
