"""Hosted trainees (実習生の受け入れ): reads and writes (kept apart from services.py and selectors.py, as training.py).

A director hosts a trainee of another center: a time-limited account of this center (role 実習生), usable only once
the signed confidentiality pledge (誓約書: its date and the signed file) is on file, only within the period, and only
for the cases the director assigns (the policy decides: privacy/policy `trainee_in_force`, `cases_for`…). The
account ends itself: after the last day the policy gives it nothing and the log-in refuses it, and the nightly job
`expire_trainees` deactivates it. Every view the trainee makes is in the access log like anyone's; the trainee's
page shows it to the director.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.common.concurrency import lock_for_edit
from yorisoi.common.uploads import check_upload
from yorisoi.meetings import services as meeting_services
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction, AccessLog
from yorisoi.privacy.policy.areas import may_manage_trainees

from .models import Trainee, TraineeAssignment

SECTION = "office_trainees"
PLEDGE_MAX_BYTES = 10 * 1024 * 1024
TRAINEE_FIELDS = ["name", "home_center_name", "home_organization", "starts_on", "ends_on", "purpose"]


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _log(request, actor, action, obj, *, detail: str = "", person_id: int | None = None) -> None:
    log_access(request=request, actor=actor, action=action, obj=obj, section=SECTION, detail=detail,
               person_id=person_id)


# --- reads ----------------------------------------------------------------------------------------------------


def trainees(user) -> QuerySet:
    """The center's trainees, current first, with their accounts."""
    if not may_manage_trainees(user):
        return Trainee.objects.none()
    return policy.of_center(Trainee, user).select_related("account", "home_organization")


def assignments(trainee: Trainee) -> QuerySet:
    return (trainee.assignments.select_related("case", "case__person", "assigned_by", "revoked_by")
            .order_by("revoked_at", "-created_at", "-id"))


def access_log(trainee: Trainee, *, limit: int = 100) -> QuerySet:
    """What the trainee's account did, newest first (every view, search and refusal is a row of the log)."""
    return (AccessLog.objects.filter(center_id_value=trainee.center_id, staff_id=trainee.account_id)
            .order_by("-at", "-id")[:limit])


def status_label(trainee: Trainee, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    if trainee.ended_at is not None or trainee.ends_on < today:
        return "終了"
    if not trainee.has_pledge:
        return "誓約書の登録待ち（ログインできません）"
    if not trainee.account.is_active:
        return "利用停止中"
    if trainee.starts_on > today:
        return "開始前"
    return "実習中"


# --- writes ---------------------------------------------------------------------------------------------------


def _attach_pledge(trainee: Trainee, upload) -> None:
    kind = check_upload(upload, max_bytes=PLEDGE_MAX_BYTES, field="pledge_file")
    trainee.pledge_file_name = (upload.name or "pledge").replace("/", "_").replace("\\", "_")[-200:]
    trainee.pledge_file_type = kind.content_type
    upload.name = f"pledge{kind.extension}"
    trainee.pledge_file = upload


def _activate_if_ready(trainee: Trainee, today: dt.date) -> None:
    """The account opens only with the pledge on file and before the end of the period (it still refuses log-ins
    before the first day: the policy asks the period)."""
    if trainee.has_pledge and trainee.ended_at is None and trainee.ends_on >= today \
            and not trainee.account.is_active:
        trainee.account.is_active = True
        trainee.account.save(update_fields=["is_active"])


@transaction.atomic
def host_trainee(*, actor: Staff, username: str, password: str, name: str, home_center_name: str,
                 starts_on: dt.date, ends_on: dt.date, home_organization=None, purpose: str = "",
                 pledge_signed_on: dt.date | None = None, pledge_upload=None, request=None) -> Trainee:
    """Create the trainee's account (role 実習生, of the actor's center) and its record. Without the pledge (signed
    date and file) the account stays inactive: nobody can log in with it until `record_pledge`."""
    _require(may_manage_trainees(actor))
    policy.require_same_center(actor, home_organization)
    today = timezone.localdate()
    errors = {}
    if ends_on < starts_on:
        errors["ends_on"] = "実習の終了日は開始日以降の日付にしてください。"
    elif ends_on < today:
        errors["ends_on"] = "終了日が過ぎた実習は登録できません。"
    if Staff.objects.filter(username=username).exists():
        errors["username"] = "このユーザー名はすでに使われています。別の名前にしてください。"
    if (pledge_signed_on is None) != (pledge_upload is None):
        errors["pledge_file" if pledge_upload is None else "pledge_signed_on"] = (
            "誓約書は署名日と署名済みのファイルを両方登録してください。")
    if errors:
        raise ValidationError(errors)
    account = Staff.new_trainee_account(username=username, center_id=actor.center_id, name=name)
    try:
        password_validation.validate_password(password, account)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    account.set_password(password)
    account.full_clean()
    account.save()
    trainee = Trainee(center_id=actor.center_id, account=account, name=name, home_center_name=home_center_name,
                      home_organization=home_organization, starts_on=starts_on, ends_on=ends_on, purpose=purpose,
                      created_by=actor, updated_by=actor)
    if pledge_upload is not None:
        _attach_pledge(trainee, pledge_upload)
        trainee.pledge_signed_on = pledge_signed_on
        trainee.pledge_recorded_by = actor
    trainee.full_clean()
    trainee.save()
    _activate_if_ready(trainee, today)
    _log(request, actor, AccessAction.CREATE, trainee,
         detail="誓約書あり" if trainee.has_pledge else "誓約書なし（利用停止のまま）")
    return trainee


@transaction.atomic
def record_pledge(*, actor: Staff, trainee: Trainee, signed_on: dt.date, upload, request=None) -> Trainee:
    """The signed pledge on file (its date and the scan); the account opens with it."""
    _require(may_manage_trainees(actor))
    policy.require_same_center(actor, trainee)
    current = Trainee.objects.select_for_update().select_related("account").get(pk=trainee.pk)
    if current.ended_at is not None:
        raise ValidationError("終了した実習には誓約書を登録できません。")
    today = timezone.localdate()
    if signed_on > today:
        raise ValidationError({"pledge_signed_on": "署名日に未来の日付は入力できません。"})
    _attach_pledge(current, upload)
    current.pledge_signed_on = signed_on
    current.pledge_recorded_by = actor
    current.version += 1
    current.updated_by = actor
    current.full_clean()
    current.save()
    _activate_if_ready(current, today)
    _log(request, actor, AccessAction.UPDATE, current, detail="誓約書を登録")
    return current


@transaction.atomic
def update_trainee(*, actor: Staff, trainee: Trainee, expected_version: int, request=None, **values) -> Trainee:
    """Name, home center, period and purpose; refused as stale when another director saved since `expected_version`.
    Shortening the period to before today ends nothing by itself: the policy refuses from the day after the new end,
    and the nightly job deactivates."""
    _require(may_manage_trainees(actor))
    policy.require_same_center(actor, trainee, values.get("home_organization"))
    if set(values) - set(TRAINEE_FIELDS):
        raise PermissionDenied
    current = lock_for_edit(Trainee, pk=trainee.pk, expected_version=expected_version)
    if current.ended_at is not None:
        raise ValidationError("終了した実習は変更できません。")
    for name, value in values.items():
        setattr(current, name, value)
    if current.ends_on < current.starts_on:
        raise ValidationError({"ends_on": "実習の終了日は開始日以降の日付にしてください。"})
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current.save()
    _log(request, actor, AccessAction.UPDATE, current)
    return current


@transaction.atomic
def assign_case(*, actor: Staff, trainee: Trainee, case, shows_justice: bool = False,
                request=None) -> TraineeAssignment:
    """Let the trainee read one case (its person and records); justice sections only when `shows_justice`."""
    _require(may_manage_trainees(actor))
    policy.require_same_center(actor, trainee)
    policy.require(actor, "view", case)
    if trainee.ended_at is not None or trainee.ends_on < timezone.localdate():
        raise ValidationError("終了した実習にはケースを割り当てられません。")
    if TraineeAssignment.objects.filter(trainee=trainee, case=case, revoked_at__isnull=True).exists():
        raise ValidationError({"case": "このケースはすでに割り当てています。"})
    assignment = TraineeAssignment(center_id=actor.center_id, trainee=trainee, case=case,
                                   shows_justice=shows_justice, assigned_by=actor)
    assignment.full_clean()
    assignment.save()
    _log(request, actor, AccessAction.CREATE, assignment, person_id=case.person_id,
         detail="司法の情報も見せる" if shows_justice else "")
    return assignment


@transaction.atomic
def revoke_assignment(*, actor: Staff, assignment: TraineeAssignment, request=None) -> TraineeAssignment:
    _require(may_manage_trainees(actor))
    policy.require_same_center(actor, assignment)
    current = TraineeAssignment.objects.select_for_update().select_related("case").get(pk=assignment.pk)
    if current.revoked_at is None:
        current.revoked_at, current.revoked_by = timezone.now(), actor
        current.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        _log(request, actor, AccessAction.UPDATE, current, person_id=current.case.person_id, detail="取り消し")
    return current


def _end(trainee: Trainee, *, by: Staff | None) -> None:
    trainee.ended_at, trainee.ended_by = timezone.now(), by
    trainee.save(update_fields=["ended_at", "ended_by", "updated_at"])
    account = trainee.account
    if account.is_active:
        account.is_active = False  # the session ends too: an inactive user is no longer authenticated
        account.save(update_fields=["is_active"])


@transaction.atomic
def end_trainee(*, actor: Staff, trainee: Trainee, request=None) -> Trainee:
    """End the training before its last day (the account is deactivated at once)."""
    _require(may_manage_trainees(actor))
    policy.require_same_center(actor, trainee)
    current = Trainee.objects.select_for_update().select_related("account").get(pk=trainee.pk)
    if current.ended_at is None:
        _end(current, by=actor)
        _log(request, actor, AccessAction.UPDATE, current, detail="実習を終了")
    return current


def expire_trainees(today: dt.date | None = None) -> int:
    """The nightly job: every trainee whose last day has passed is ended and their account deactivated (the policy
    already refuses them from the day after; this closes the account for good). Returns how many."""
    today = today or timezone.localdate()
    count = 0
    due = Trainee.objects.filter(ended_at__isnull=True, ends_on__lt=today).select_related("account")
    for trainee in due:
        with transaction.atomic():
            current = Trainee.objects.select_for_update().select_related("account").get(pk=trainee.pk)
            if current.ended_at is not None:
                continue
            _end(current, by=None)
            log_access(action=AccessAction.UPDATE, obj=current, section=SECTION, center_id=current.center_id,
                       detail="実習期間の満了によりアカウントを停止")
            count += 1
    return count


# --- presence at a case conference ----------------------------------------------------------------------------


@transaction.atomic
def record_presence(*, actor: Staff, trainee: Trainee, meeting, shows_personal_data: bool, request=None) -> list:
    """The trainee was present at `meeting`. Where the meeting showed the persons of its cases to the trainee, each
    case's summary is provided to the trainee's home center exactly as to an external participant's agency
    (meetings.services.hand_summary: the person's consent and the 取り決め decide what may be shown, and each
    provision writes its 第三者提供記録). A case nothing may be shown of refuses the whole record, with why."""
    _require(may_manage_trainees(actor))
    policy.require_same_center(actor, trainee, meeting)
    if trainee.ended_at is not None:
        raise ValidationError("終了した実習の出席は記録できません。")
    meeting_day = meeting.date
    if not trainee.starts_on <= meeting_day <= trainee.ends_on:
        raise ValidationError({"meeting": "実習の期間外の会議です。"})
    meeting_services.add_trainee(actor=actor, meeting=meeting, trainee=trainee.account, request=request)
    handed = []
    cases = list(meeting.cases.filter(deleted_at__isnull=True).select_related("person"))
    if shows_personal_data and cases:
        if trainee.home_organization is None:
            raise ValidationError({"shows_personal_data": (
                "個人情報を示した会議には、提供の記録のため、所属センターを関係機関の名簿から選んでください"
                "（実習生の編集）。")})
        for case in cases:
            done, refused = meeting_services.hand_summary(actor=actor, meeting=meeting, case=case,
                                                          organizations=[trainee.home_organization],
                                                          request=request)
            if refused:
                reasons = "、".join(r for allowance in refused for r in allowance.problems) or "提供できません"
                raise ValidationError({"shows_personal_data": (
                    f"ケース {case.number} の情報は所属センターに提供できないため、実習生に示せません（{reasons}）。"
                    "個人情報を示さない出席として記録してください。")})
            handed += done
    _log(request, actor, AccessAction.UPDATE, trainee,
         detail=f"会議への出席（提供の記録 {len(handed)}件）")
    return handed
