"""Writes of the meetings app. Every function checks the policy, validates (full_clean) and writes its access-log
row in the same transaction. Minutes, decisions, actions, concerns and outcomes are versioned: a correction keeps
the earlier text in the history table, and a stale save is refused."""

from __future__ import annotations

import datetime as dt
import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.common.concurrency import lock_for_edit
from yorisoi.common.uploads import check_upload
from yorisoi.disclosure.services import provide_information
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from . import anonymise, conf, summary
from .models import (
    Absence,
    ActionStatus,
    CaseStudyMaterial,
    Concern,
    ConcernIdea,
    ConcernStatus,
    Decision,
    Handout,
    MaterialStatus,
    Meeting,
    MeetingAction,
    MeetingKind,
    MinutesAttachment,
    Recurrence,
    ReviewOutcome,
)
from .rules import case_staff_for, meeting_access

MEETING_FIELDS = ["kind", "title", "date", "start_time", "end_time", "place", "online", "online_note", "agenda",
                  "recurrence"]


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _require_writer(actor: Staff) -> None:
    _require(meeting_access(actor).can_write)


def _check_fields(values: dict, allowed: list[str]) -> None:
    if set(values) - set(allowed):
        raise PermissionDenied


def _check_links(actor: Staff, *, staff, contacts, cases) -> None:
    """Participants and contacts of the actor's center; cases the actor may open. A hosted trainee is not named
    here: their presence is recorded through `add_trainee` (which the host's page pairs with the provision
    record), never in passing."""
    policy.require_same_center(actor, *staff, *contacts)
    if any(policy.is_trainee(member) for member in staff):
        raise PermissionDenied
    for case in cases:
        policy.require(actor, "view", case)


def _save(obj, actor: Staff) -> None:
    obj.full_clean()
    obj._history_user = actor
    obj.save()


def _log(request, actor, action, obj, *, section: str = "meeting", person_id: int | None = None,
         detail: str = "") -> None:
    log_access(request=request, actor=actor, action=action, obj=obj, section=section, person_id=person_id,
               detail=detail)


# --- meetings ---------------------------------------------------------------------------------------------------


@transaction.atomic
def schedule_meeting(*, actor: Staff, staff=(), contacts=(), cases=(), request=None, **values) -> Meeting:
    """A new meeting. A weekly one also gets its next occurrences (YORISOI_MEETING_SERIES_WEEKS ahead)."""
    _require_writer(actor)
    _check_fields(values, MEETING_FIELDS)
    staff, contacts, cases = list(staff), list(contacts), list(cases)
    _check_links(actor, staff=staff, contacts=contacts, cases=cases)
    meeting = Meeting(center_id=actor.center_id, created_by=actor, updated_by=actor, **values)
    _save(meeting, actor)
    meeting.staff.set(staff)
    meeting.contacts.set(contacts)
    meeting.cases.set(cases)
    _log(request, actor, AccessAction.CREATE, meeting)
    if meeting.recurrence == Recurrence.WEEKLY:
        _generate_occurrences(actor, meeting, until=meeting.date + dt.timedelta(weeks=conf.series_weeks()))
    return meeting


def _generate_occurrences(actor: Staff, root: Meeting, *, until: dt.date) -> list[Meeting]:
    """Copies of the root, one a week after the last one scheduled, up to `until` (the cases are not copied:
    each week's review chooses its own)."""
    last = root.occurrences.order_by("-date").values_list("date", flat=True).first() or root.date
    made = []
    day = last + dt.timedelta(weeks=1)
    staff = list(root.staff.all())
    while day <= until:
        occurrence = Meeting(center_id=root.center_id, kind=root.kind, title=root.title, date=day,
                             start_time=root.start_time, end_time=root.end_time, place=root.place,
                             online=root.online, online_note=root.online_note, agenda=root.agenda,
                             recurrence=Recurrence.NONE, series=root, created_by=actor, updated_by=actor)
        _save(occurrence, actor)
        occurrence.staff.set(staff)
        made.append(occurrence)
        day += dt.timedelta(weeks=1)
    return made


@transaction.atomic
def extend_series(*, actor: Staff, meeting: Meeting, request=None) -> list[Meeting]:
    """Schedule the weekly series of `meeting` up to YORISOI_MEETING_SERIES_WEEKS weeks from today."""
    _require_writer(actor)
    policy.require_same_center(actor, meeting)
    root = meeting.series or meeting
    if root.recurrence != Recurrence.WEEKLY:
        raise ValidationError("この会議は繰り返しの設定がありません。")
    made = _generate_occurrences(actor, root, until=timezone.localdate() + dt.timedelta(weeks=conf.series_weeks()))
    _log(request, actor, AccessAction.CREATE, root, detail=f"added={len(made)}")
    return made


@transaction.atomic
def update_meeting(*, actor: Staff, meeting: Meeting, expected_version: int, staff=(), contacts=(), cases=(),
                   request=None, **values) -> Meeting:
    _require_writer(actor)
    policy.require_same_center(actor, meeting)
    _check_fields(values, MEETING_FIELDS)
    staff, contacts, cases = list(staff), list(contacts), list(cases)
    _check_links(actor, staff=staff, contacts=contacts, cases=cases)
    current = lock_for_edit(Meeting, pk=meeting.pk, expected_version=expected_version)
    for name, value in values.items():
        setattr(current, name, value)
    current.version = expected_version + 1
    current.updated_by = actor
    _save(current, actor)
    # Trainees recorded as present are not on the form (add_trainee records them): they stay.
    trainees = [member for member in current.staff.all() if policy.is_trainee(member)]
    current.staff.set([*staff, *trainees])
    current.contacts.set(contacts)
    # Cases the actor may not open (ASSIGNED mode) were not on the form: they stay.
    hidden = [c for c in current.cases.all() if not policy.may_reach(actor, c)]
    current.cases.set([*cases, *hidden])
    _log(request, actor, AccessAction.UPDATE, current)
    return current


@transaction.atomic
def add_trainee(*, actor: Staff, meeting: Meeting, trainee: Staff, request=None) -> Meeting:
    """Record a hosted trainee (実習生) of the center as present at the meeting. The version moves on, so that a form
    opened before does not drop the trainee unseen."""
    _require_writer(actor)
    policy.require_same_center(actor, meeting, trainee)
    if not policy.is_trainee(trainee):
        raise PermissionDenied
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current.cancelled_at is not None:
        raise ValidationError("中止した会議には出席を記録できません。")
    if not current.staff.filter(pk=trainee.pk).exists():
        current.version += 1
        current.updated_by = actor
        _save(current, actor)
        current.staff.add(trainee)
        _log(request, actor, AccessAction.UPDATE, current, detail="実習生の出席を記録")
    return current


# --- minutes ----------------------------------------------------------------------------------------------------


@transaction.atomic
def record_minutes(*, actor: Staff, meeting: Meeting, expected_version: int, discussion: str,
                   change_reason: str = "", request=None) -> Meeting:
    """Write or correct the discussion; the earlier text stays in the history with who changed it and why."""
    _require_writer(actor)
    policy.require_same_center(actor, meeting)
    current = lock_for_edit(Meeting, pk=meeting.pk, expected_version=expected_version)
    first = not current.minutes_at
    current.discussion = discussion
    current.minutes_by = actor
    current.minutes_at = timezone.now()
    current.version = expected_version + 1
    current.updated_by = actor
    current._change_reason = change_reason.strip() or None
    _save(current, actor)
    _log(request, actor, AccessAction.CREATE if first else AccessAction.UPDATE, current, section="meeting_minutes")
    return current


@transaction.atomic
def attach_to_minutes(*, actor: Staff, meeting: Meeting, upload, request=None) -> MinutesAttachment:
    """Keep a document with the minutes (PDF, JPEG or PNG, checked by content, within the size limit)."""
    _require_writer(actor)
    policy.require_same_center(actor, meeting)
    kind = check_upload(upload, max_bytes=conf.attachment_max_bytes())
    original = (os.path.basename(upload.name or "") or f"document{kind.extension}")[:200]
    attachment = MinutesAttachment(meeting=meeting, original_name=original, content_type=kind.content_type,
                                   size=upload.size, uploaded_by=actor)
    attachment.file = upload
    attachment.full_clean()
    attachment.save()
    _log(request, actor, AccessAction.CREATE, attachment, section="meeting_attachment")
    return attachment


@transaction.atomic
def remove_minutes_attachment(*, actor: Staff, attachment: MinutesAttachment, request=None) -> None:
    """Take a document off the minutes; the access log keeps that it was there and who removed it."""
    _require_writer(actor)
    policy.require_same_center(actor, attachment.meeting)
    _log(request, actor, AccessAction.DELETE, attachment, section="meeting_attachment",
         detail=f"meeting={attachment.meeting_id}")
    name, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    # the file goes only once the row is gone for good
    transaction.on_commit(lambda: storage.delete(name))


def _check_case_of_meeting(actor: Staff, meeting: Meeting, case) -> None:
    if case is None:
        return
    policy.require(actor, "view", case)
    if not meeting.cases.filter(pk=case.pk).exists():
        raise ValidationError({"case": "この会議で扱うケースから選んでください。"})


@transaction.atomic
def add_decision(*, actor: Staff, meeting: Meeting, text: str, is_team_decision: bool = True, decided_by=None,
                 case=None, organization=None, request=None) -> Decision:
    _require_writer(actor)
    policy.require_same_center(actor, meeting, decided_by, organization)
    _check_case_of_meeting(actor, meeting, case)
    decision = Decision(meeting=meeting, text=text, is_team_decision=is_team_decision,
                        decided_by=decided_by or actor, case=case, organization=organization, updated_by=actor)
    _save(decision, actor)
    _log(request, actor, AccessAction.CREATE, decision, section="meeting_minutes",
         person_id=case.person_id if case else None)
    return decision


@transaction.atomic
def correct_decision(*, actor: Staff, decision: Decision, expected_version: int, text: str,
                     change_reason: str = "", request=None) -> Decision:
    _require_writer(actor)
    policy.require_same_center(actor, decision.meeting)
    current = lock_for_edit(Decision, pk=decision.pk, expected_version=expected_version)
    current.text = text
    current.version = expected_version + 1
    current.updated_by = actor
    current._change_reason = change_reason.strip() or None
    _save(current, actor)
    _log(request, actor, AccessAction.UPDATE, current, section="meeting_minutes")
    return current


@transaction.atomic
def add_action(*, actor: Staff, meeting: Meeting, description: str, owner: Staff, due_date: dt.date, case=None,
               request=None) -> MeetingAction:
    """An action item: it appears in the owner's やること and calendar until it is closed."""
    _require_writer(actor)
    policy.require_same_center(actor, meeting, owner)
    if not case_staff_for(actor).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": "担当は管理者か相談員から選んでください。"})
    _check_case_of_meeting(actor, meeting, case)
    action = MeetingAction(meeting=meeting, description=description, owner=owner, due_date=due_date, case=case,
                           updated_by=actor)
    _save(action, actor)
    _log(request, actor, AccessAction.CREATE, action, section="meeting_action",
         person_id=case.person_id if case else None)
    return action


@transaction.atomic
def set_action_status(*, actor: Staff, action: MeetingAction, done: bool, request=None) -> MeetingAction:
    """Close an action (or open it again). The owner, or any writer of the center."""
    _require_writer(actor)
    policy.require_same_center(actor, action.meeting)
    current = MeetingAction.objects.select_for_update().get(pk=action.pk)
    current.status = ActionStatus.DONE if done else ActionStatus.OPEN
    current.closed_at = timezone.now() if done else None
    current.closed_by = actor if done else None
    current.version += 1
    current.updated_by = actor
    _save(current, actor)
    _log(request, actor, AccessAction.UPDATE, current, section="meeting_action", detail=f"status={current.status}")
    return current


# --- concerns ---------------------------------------------------------------------------------------------------


@transaction.atomic
def raise_concern(*, actor: Staff, case, text: str, request=None) -> Concern:
    _require_writer(actor)
    policy.require(actor, "add_record", case)
    concern = Concern(center_id=case.center_id, case=case, text=text, raised_by=actor, updated_by=actor)
    _save(concern, actor)
    _log(request, actor, AccessAction.CREATE, concern, section="concern", person_id=case.person_id)
    return concern


@transaction.atomic
def add_idea(*, actor: Staff, concern: Concern, text: str, request=None) -> ConcernIdea:
    _require_writer(actor)
    policy.require(actor, "add_record", concern.case)
    if concern.status != ConcernStatus.OPEN:
        raise ValidationError("解決した悩み・課題にはアイデアを追加できません。")
    idea = ConcernIdea(concern=concern, text=text, author=actor)
    idea.full_clean()
    idea.save()
    _log(request, actor, AccessAction.CREATE, idea, section="concern", person_id=concern.case.person_id)
    return idea


@transaction.atomic
def resolve_concern(*, actor: Staff, concern: Concern, expected_version: int, resolution: str, meeting=None,
                    request=None) -> Concern:
    """Resolve with a decision recorded as the organisation's (not one worker's)."""
    _require_writer(actor)
    policy.require(actor, "add_record", concern.case)
    policy.require_same_center(actor, meeting)
    if not resolution.strip():
        raise ValidationError({"resolution": "組織としての決定を入力してください。"})
    current = lock_for_edit(Concern, pk=concern.pk, expected_version=expected_version)
    current.status = ConcernStatus.RESOLVED
    current.resolution = resolution
    current.resolved_by = actor
    current.resolved_at = timezone.now()
    current.resolved_in = meeting
    current.version = expected_version + 1
    current.updated_by = actor
    _save(current, actor)
    _log(request, actor, AccessAction.UPDATE, current, section="concern", person_id=current.case.person_id,
         detail="status=resolved")
    return current


# --- the weekly review ------------------------------------------------------------------------------------------


@transaction.atomic
def record_review_outcome(*, actor: Staff, meeting: Meeting, case, outcome: str, request=None) -> ReviewOutcome:
    """The outcome of one case at a review (written again, it is corrected and the earlier text kept)."""
    _require_writer(actor)
    policy.require_same_center(actor, meeting)
    policy.require(actor, "add_record", case)
    if not outcome.strip():
        raise ValidationError({"outcome": "検討の結果を入力してください。"})
    found = ReviewOutcome.objects.select_for_update().filter(meeting=meeting, case=case).first()
    if found is None:
        found = ReviewOutcome(meeting=meeting, case=case)
        action = AccessAction.CREATE
    else:
        found.version += 1
        action = AccessAction.UPDATE
    found.outcome = outcome
    found.recorded_by = actor
    found.updated_by = actor
    _save(found, actor)
    meeting.cases.add(case)
    _log(request, actor, action, found, section="review_board", person_id=case.person_id)
    return found


# --- absences ---------------------------------------------------------------------------------------------------


@transaction.atomic
def add_absence(*, actor: Staff, staff: Staff, date: dt.date, kind: str, note: str = "", request=None) -> Absence:
    _require(meeting_access(actor).can_record_absence)
    policy.require_same_center(actor, staff)
    absence = Absence(center_id=actor.center_id, staff=staff, date=date, kind=kind, note=note, created_by=actor)
    absence.full_clean()
    absence.save()
    _log(request, actor, AccessAction.CREATE, absence, section="absence")
    return absence


@transaction.atomic
def remove_absence(*, actor: Staff, absence: Absence, request=None) -> None:
    _require(meeting_access(actor).can_record_absence)
    policy.require_same_center(actor, absence)
    _log(request, actor, AccessAction.DELETE, absence, section="absence")
    absence.delete()


# --- the case summary handed to external participants -----------------------------------------------------------


@transaction.atomic
def hand_summary(*, actor: Staff, meeting: Meeting, case, organizations=None,
                 request=None) -> tuple[list[Handout], list[summary.Allowance]]:
    """Give the case summary to each agency of the meeting's external participants: each gets only what the
    person's consent and that agency's 取り決め allow, and each provision writes its 第三者提供記録 (法29条) through
    disclosure.services.provide_information. Agencies nothing may be given to are returned, with why, and skipped.
    `organizations`: these agencies instead (a hosted trainee's home center, whose trainee saw the case)."""
    _require_writer(actor)
    policy.require_same_center(actor, meeting)
    policy.require(actor, "view", case)
    if not meeting.cases.filter(pk=case.pk).exists():
        raise ValidationError("この会議で扱うケースではありません。")
    handed, refused = [], []
    if organizations is None:
        organizations = summary.external_organizations(meeting)
    else:
        policy.require_same_center(actor, *organizations)
    for organization in organizations:
        allowance = summary.allowed_for(actor, case, organization)
        content = summary.build(case, groups=allowance.groups) if allowance.allowed else None
        if content is None or not content.item_codes:
            refused.append(allowance)
            continue
        extra = [s.label for s in content.sections if s.group in ("basic", "wishes", "welfare", "deadlines")]
        record = provide_information(
            actor=actor, person=case.person, recipient=organization, purpose=summary.PURPOSE,
            item_codes=content.item_codes, basis=summary.BASIS, request=request,
            note=f"{meeting}の会議資料（ケースの概要。{'・'.join(extra)}を含む）")
        handout = Handout(meeting=meeting, case=case, organization=organization, disclosure_record=record,
                          handed_by=actor)
        handout.full_clean()
        handout.save()
        handed.append(handout)
    _log(request, actor, AccessAction.PROVIDE, meeting, section="case_summary", person_id=case.person_id,
         detail=f"handed={len(handed)} refused={len(refused)}")
    return handed, refused


# --- case-study material ----------------------------------------------------------------------------------------


@transaction.atomic
def draft_case_study(*, actor: Staff, case, meeting=None, request=None) -> CaseStudyMaterial:
    """An anonymised draft of the case for a 事例検討会, for its author to review; producing it is logged."""
    _require_writer(actor)
    policy.require(actor, "add_record", case)
    policy.require_same_center(actor, meeting)
    if meeting is not None:
        if meeting.kind != MeetingKind.CASE_STUDY:
            raise ValidationError("事例検討の資料は事例検討会の会議から作成してください。")
        if not meeting.cases.filter(pk=case.pk).exists():
            raise ValidationError("この会議で扱うケースではありません。")
    material = CaseStudyMaterial(center_id=case.center_id, case=case, meeting=meeting, author=actor, updated_by=actor,
                                 text=anonymise.draft(case, today=timezone.localdate()))
    _save(material, actor)
    _log(request, actor, AccessAction.CREATE, material, section="case_study", person_id=case.person_id)
    return material


@transaction.atomic
def save_case_study(*, actor: Staff, material: CaseStudyMaterial, expected_version: int, text: str,
                    release: bool = False, request=None) -> CaseStudyMaterial:
    """The author's edit of the draft; `release` makes it usable at the meeting, refused while a value that
    identifies the person (name, reading, aliases, birth date, address, phone, case number, agencies…) remains."""
    _require_writer(actor)
    policy.require(actor, "add_record", material.case)
    current = lock_for_edit(CaseStudyMaterial, pk=material.pk, expected_version=expected_version)
    if current.author_id != actor.pk:
        raise PermissionDenied  # the author reviews their own material before release
    if current.status != MaterialStatus.DRAFT:
        raise ValidationError("公開した資料は変更できません。")
    left = anonymise.remaining(text, anonymise.identifying_values(current.case))
    if release and left:
        raise ValidationError({"text": f"本人を特定できる記載が{len(left)}か所残っています。"
                                       "「〇〇」などに置き換えてから公開してください。"})
    current.text = text
    if release:
        current.status = MaterialStatus.RELEASED
        current.released_at = timezone.now()
    current.version = expected_version + 1
    current.updated_by = actor
    _save(current, actor)
    _log(request, actor, AccessAction.UPDATE, current, section="case_study", person_id=current.case.person_id,
         detail="status=released" if release else "")
    return current
