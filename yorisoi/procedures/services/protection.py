"""更生緊急保護 (更生保護法85条): the application in writing, the decision, the period and its extensions.

The period runs from release (`start_date`): conf.urgent_protection_months() (6) months, each extension
conf.urgent_protection_extension_months() (6) more after a new written application, never beyond the guidance
limit of conf.urgent_protection_max_guidance_years() (2) years from release. Months are counted as the civil
code does (dates.add_months).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.cases.models import Case
from yorisoi.common.concurrency import lock_for_edit
from yorisoi.common.dates import format_checked
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from .. import conf
from ..dates import add_months
from ..models import ProtectionExtension, ProtectionStatus, UrgentProtection
from ._common import check_fields, require_case_right

SECTION = "urgent_protection"
PROTECTION_FIELDS = ["written_request", "application_date", "applied_in_custody", "probation_office",
                     "approval_date", "start_date", "status", "ended_on", "notes"]
WRITTEN_REQUEST_MESSAGE = "更生緊急保護は本人の書面による申出が必要です。申出書を受け取ってから登録してください。"


def protection_dates(start: dt.date | None, extension_months: int = 0) -> tuple[dt.date | None, dt.date | None]:
    """(end of the period, guidance limit) for a protection that started on `start`."""
    if start is None:
        return None, None
    limit = add_months(start, 12 * conf.urgent_protection_max_guidance_years())
    end = add_months(start, conf.urgent_protection_months() + extension_months)
    return min(end, limit), limit


def _validate(protection: UrgentProtection, today: dt.date) -> None:
    errors: dict[str, str] = {}
    p = protection
    if not p.written_request:
        errors["written_request"] = WRITTEN_REQUEST_MESSAGE
    if p.application_date and p.application_date > today:
        errors["application_date"] = "申出日に今日より後の日付は入力できません。"
    since = conf.custody_application_since()
    if p.applied_in_custody and p.application_date and p.application_date < since:
        errors["applied_in_custody"] = (f"収容中の申出は{format_checked(since)}からできるようになりました。"
                                        "申出日を確認してください。")
    if p.application_date and p.start_date:
        if p.applied_in_custody and p.application_date > p.start_date:
            errors["application_date"] = "収容中に申し出たときは、申出日は開始日（釈放日）より前の日付です。"
        elif not p.applied_in_custody and p.application_date < p.start_date:
            errors["applied_in_custody"] = "釈放より前に申し出たときは「収容中に申し出た」を選んでください。"
    if p.approval_date and p.application_date and p.approval_date < p.application_date:
        errors["approval_date"] = "決定日は申出日より後の日付にしてください。"
    if p.status in (ProtectionStatus.ACTIVE, ProtectionStatus.ENDED):
        if p.approval_date is None:
            errors["approval_date"] = "実施の決定日を入力してください。"
        if p.start_date is None:
            errors["start_date"] = "開始日（釈放日）を入力してください。"
    if p.status == ProtectionStatus.ENDED and p.ended_on is None:
        errors["ended_on"] = "終了にするときは、実際に終了した日を入力してください。"
    if p.ended_on and p.start_date and p.ended_on < p.start_date:
        errors["ended_on"] = "終了した日は開始日より後の日付にしてください。"
    if p.status in (ProtectionStatus.APPLIED, ProtectionStatus.ACTIVE):
        p.ended_on = None
    if errors:
        raise ValidationError(errors)


def _check_organization(case: Case, values: dict) -> None:
    office = values.get("probation_office")
    if office is not None and office.center_id != case.center_id:
        raise PermissionDenied


def _extension_months(protection: UrgentProtection) -> int:
    if protection.pk is None:
        return 0
    return protection.extensions.aggregate(n=Sum("months"))["n"] or 0


def _save(protection: UrgentProtection, actor: Staff, reason: str | None = None) -> None:
    protection.end_date, protection.guidance_limit_date = protection_dates(
        protection.start_date, _extension_months(protection))
    protection.updated_by = actor
    protection.full_clean()
    protection._history_user = actor
    protection._change_reason = reason
    protection.save()


@transaction.atomic
def register_protection(*, actor: Staff, case: Case, request=None, **values) -> UrgentProtection:
    """Record the person's written application (and, when known, the decision and the release date)."""
    require_case_right(actor, case)
    check_fields(values, PROTECTION_FIELDS)
    _check_organization(case, values)
    if UrgentProtection.objects.filter(case=case).exists():
        raise ValidationError("このケースの更生緊急保護はすでに登録されています。")
    protection = UrgentProtection(center_id=case.center_id, case=case, created_by=actor, **values)
    _validate(protection, timezone.localdate())
    _save(protection, actor)
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=protection, person_id=case.person_id,
               section=SECTION)
    return protection


@transaction.atomic
def update_protection(*, actor: Staff, protection: UrgentProtection, expected_version: int, request=None,
                      **values) -> UrgentProtection:
    """A stale `expected_version` raises StaleEditError. The end date is recomputed from the start date."""
    case = protection.case
    require_case_right(actor, case)
    check_fields(values, PROTECTION_FIELDS)
    _check_organization(case, values)
    current = lock_for_edit(UrgentProtection, pk=protection.pk, expected_version=expected_version)
    for name, value in values.items():
        setattr(current, name, value)
    _validate(current, timezone.localdate())
    current.version = expected_version + 1
    _save(current, actor)
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, person_id=case.person_id,
               section=SECTION, detail=",".join(sorted(values)))
    return current


@transaction.atomic
def extend_protection(*, actor: Staff, protection: UrgentProtection, expected_version: int, written_request: bool,
                      application_date: dt.date, reason: str, request=None) -> ProtectionExtension:
    """An extension needs its own written application and a reason; the end moves by the extension period
    (conf), never beyond the guidance limit. The reason is support judgement: workers and directors only."""
    case = protection.case
    require_case_right(actor, case, "edit")
    require_case_right(actor, case, "see_narrative")
    current = lock_for_edit(UrgentProtection, pk=protection.pk, expected_version=expected_version)
    errors: dict[str, str] = {}
    if current.status != ProtectionStatus.ACTIVE or current.end_date is None:
        raise ValidationError("延長できるのは実施中の更生緊急保護だけです。")
    if current.guidance_limit_date and current.end_date >= current.guidance_limit_date:
        raise ValidationError(f"これ以上は延長できません（上限は{format_checked(current.guidance_limit_date)}）。")
    if not written_request:
        errors["written_request"] = ("延長には本人の新たな書面による申出が必要です。"
                                     "申出書を受け取ってから登録してください。")
    last = current.extensions.order_by("-application_date").values_list("application_date", flat=True).first()
    earliest = last or current.application_date
    if application_date is None:
        errors["application_date"] = "延長の申出日を入力してください。"
    elif application_date <= earliest:
        errors["application_date"] = (f"延長の申出日は前回の申出（{format_checked(earliest)}）より後の日付です。"
                                      "延長ごとに新しい申出が必要です。")
    elif application_date > current.end_date:
        errors["application_date"] = f"延長の申出は期間の終了日（{format_checked(current.end_date)}）までに必要です。"
    elif application_date > timezone.localdate():
        errors["application_date"] = "申出日に今日より後の日付は入力できません。"
    if not (reason or "").strip():
        errors["reason"] = "延長の理由を入力してください。"
    if errors:
        raise ValidationError(errors)
    months = conf.urgent_protection_extension_months()
    previous_end = current.end_date
    extension = ProtectionExtension(center_id=current.center_id, protection=current, written_request=True,
                                    application_date=application_date, reason=reason.strip(), months=months,
                                    previous_end_date=previous_end, new_end_date=previous_end, created_by=actor)
    extension.save()
    current.version = expected_version + 1
    _save(current, actor, reason="期間の延長")
    extension.new_end_date = current.end_date
    extension.full_clean()
    extension.save(update_fields=["new_end_date"])
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, person_id=case.person_id,
               section=SECTION, detail=f"extended_to={current.end_date.isoformat()}")
    return extension
