"""Reads of this app. Every query is scoped to the user's center; person-scoped reads also to the persons the
user may open (policy.persons_for), except for directors and auditors, who keep the whole center's ledger
(including the records of persons deleted since: the ledger must outlive them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from yorisoi.common.dates import format_checked
from yorisoi.common.forms import id_in_text
from yorisoi.common.kana import name_search_key
from yorisoi.partners.models import OrganizationKind
from yorisoi.privacy import policy
from yorisoi.privacy.policy import areas

from . import conf
from .models import (
    AgreementStatus,
    Consent,
    ConsentTemplate,
    DataSubjectRequest,
    DisclosureRecord,
    Purpose,
    ReceiptRecord,
    SharingAgreement,
)


def _center_id(user):
    return user.center_id if user.is_authenticated else None


_center_wide = areas.sees_whole_ledger


# --- consent ----------------------------------------------------------------------------------------


def templates_for(user) -> QuerySet:
    return ConsentTemplate.objects.filter(center_id=_center_id(user)).select_related("created_by")


def get_template_or_404(user, pk) -> ConsentTemplate:
    template = templates_for(user).filter(pk=pk).first()
    if template is None:
        raise Http404("同意書の文面が見つかりません。")
    return template


def latest_template(user) -> ConsentTemplate | None:
    return templates_for(user).order_by("-version").first()


def consents_of(person) -> list[Consent]:
    kinds = Prefetch("agency_kinds", queryset=OrganizationKind.objects.order_by("sort_order", "id"))
    return list(Consent.objects.filter(person=person).select_related("template", "taken_by")
                .prefetch_related(kinds).order_by("-consented_on", "-id"))


def get_consent_or_404(user, pk) -> Consent:
    """A consent of the user's center (the view then opens its person through the policy)."""
    consent = Consent.objects.filter(center_id=_center_id(user), pk=pk).select_related(
        "template", "taken_by", "person", "withdrawal_recorded_by").first()
    if consent is None:
        raise Http404("同意の記録が見つかりません。")
    return consent


@dataclass
class ConsentStatus:
    """The person's consent as of `today`: those in force (with their scope) and those withdrawn."""

    today: dt.date
    in_force: list[Consent] = field(default_factory=list)
    withdrawn: list[Consent] = field(default_factory=list)
    future: list[Consent] = field(default_factory=list)

    @property
    def missing(self) -> bool:
        return not self.in_force

    @property
    def purposes(self) -> list[str]:
        codes = {code for c in self.in_force for code in c.purposes or []}
        return [label for code, label in Purpose.choices if code in codes]

    @property
    def kinds(self) -> list[str]:
        seen, labels = set(), []
        for consent in self.in_force:
            for kind in consent.agency_kinds.all():
                if kind.pk not in seen:
                    seen.add(kind.pk)
                    labels.append(kind.short_label)
        return labels


def consent_status(person, *, today: dt.date | None = None, consents: list[Consent] | None = None) -> ConsentStatus:
    today = today or timezone.localdate()
    status = ConsentStatus(today=today)
    for consent in consents if consents is not None else consents_of(person):
        if consent.in_force_on(today):
            status.in_force.append(consent)
        elif consent.withdrawn_on is not None and consent.withdrawn_on <= today:
            status.withdrawn.append(consent)
        else:
            status.future.append(consent)
    return status


@dataclass(frozen=True)
class ConsentCheck:
    consent: Consent | None
    problem: str = ""  # why no consent covers the provision, in Japanese


def covering_consent(person, *, kind: OrganizationKind, purpose: str, day: dt.date) -> ConsentCheck:
    """The most recent consent that, on `day`, covers `purpose` with an agency of `kind`; else why not."""
    consents = consents_of(person)
    for consent in consents:
        if consent.covers(day=day, kind_id=kind.pk, purpose=purpose):
            return ConsentCheck(consent)
    if not consents:
        return ConsentCheck(None, "この対象者の同意は記録されていません。")
    purpose_label = dict(Purpose.choices).get(purpose, purpose)
    in_force = [c for c in consents if c.in_force_on(day)]
    if not in_force:
        withdrawn = [c for c in consents if c.withdrawn_on is not None and c.withdrawn_on <= day]
        if withdrawn:
            return ConsentCheck(None, f"同意は{format_checked(withdrawn[0].withdrawn_on)}に撤回されています。")
        return ConsentCheck(None, "提供日に有効な同意がありません。")
    if not any(kind.pk in {k.pk for k in c.agency_kinds.all()} for c in in_force):
        return ConsentCheck(None, f"同意の範囲に提供先の種別「{kind.short_label}」が含まれていません。")
    return ConsentCheck(None, f"同意の利用目的に「{purpose_label}」が含まれていません。")


# --- agreements ---------------------------------------------------------------------------------------


def agreements_for(user) -> QuerySet:
    return SharingAgreement.objects.filter(center_id=_center_id(user)).select_related(
        "organization", "organization__kind")


def draft_agreement_count(user) -> int:
    """取り決め drafted by workers (締結準備中) waiting for the director's 決裁."""
    return agreements_for(user).filter(status=AgreementStatus.DRAFT).count()


def get_agreement_or_404(user, pk) -> SharingAgreement:
    agreement = agreements_for(user).filter(pk=pk).first()
    if agreement is None:
        raise Http404("取り決めが見つかりません。")
    return agreement


@dataclass(frozen=True)
class AgreementCheck:
    agreement: SharingAgreement | None
    problem: str = ""


def valid_agreement(*, organization, day: dt.date, purpose: str, groups: list[str]) -> AgreementCheck:
    """An agreement with `organization` in force on `day` whose scope covers the purpose and the item
    groups (an agreement that lists no purposes or no groups is not limited by them); else why not."""
    agreements = list(SharingAgreement.objects.filter(center_id=organization.center_id, organization=organization)
                      .order_by("-valid_from", "-id"))
    if not agreements:
        return AgreementCheck(None, "この機関との取り決めは登録されていません。")
    valid = [a for a in agreements if a.valid_on(day)]
    if not valid:
        expired = [a for a in agreements if a.status == AgreementStatus.ACTIVE and a.valid_to and a.valid_to < day]
        if expired:
            return AgreementCheck(None, f"取り決めの有効期間が{format_checked(expired[0].valid_to)}で終わっています。")
        return AgreementCheck(None, "提供日に有効な取り決めがありません（締結準備中・終了を含む）。")
    from .items import group_labels

    for agreement in valid:
        purpose_ok = not agreement.purposes or purpose in agreement.purposes
        groups_ok = not agreement.item_groups or set(groups) <= set(agreement.item_groups)
        if purpose_ok and groups_ok:
            return AgreementCheck(agreement)
    agreement = valid[0]
    if agreement.purposes and purpose not in agreement.purposes:
        label = dict(Purpose.choices).get(purpose, purpose)
        return AgreementCheck(None, f"取り決めの利用目的に「{label}」が含まれていません。")
    outside = group_labels([g for g in groups if g not in agreement.item_groups])
    return AgreementCheck(None, f"取り決めの対象項目に「{'・'.join(outside)}」が含まれていません。")


@dataclass(frozen=True)
class ExpiringAgreement:
    agreement: SharingAgreement
    days_left: int

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def agreements_expiring(user, today: dt.date | None = None, *, days: int | None = None) -> list[ExpiringAgreement]:
    """Agreements in force (締結済み) that end within `days` (default YORISOI_AGREEMENT_WARNING_DAYS, 60),
    and those already past their end but still marked 締結済み, soonest first: for the home screen and the
    agreement list. Empty for users who may not read agreements."""
    from .rules import disclosure_access

    if not disclosure_access(user).can_read:
        return []
    today = today or timezone.localdate()
    days = conf.agreement_warning_days() if days is None else days
    qs = agreements_for(user).filter(status=AgreementStatus.ACTIVE, valid_to__isnull=False,
                                     valid_to__lte=today + dt.timedelta(days=days)).order_by("valid_to", "id")
    return [ExpiringAgreement(a, (a.valid_to - today).days) for a in qs]


# --- ledger --------------------------------------------------------------------------------------------


def _person_scope(user, qs: QuerySet) -> QuerySet:
    if _center_wide(user):
        return qs
    return qs.filter(person_id__in=policy.persons_for(user).values("pk"))


def _person_text(user, qs: QuerySet, person: str) -> QuerySet:
    from yorisoi.people.models import Person

    person = (person or "").strip()
    if not person:
        return qs
    digits = person.lstrip("#").strip()
    if digits.isdecimal():  # an id (2**63 and more is no id: nothing matches)
        person_id = id_in_text(digits)
        return qs.filter(person_id=person_id) if person_id else qs.none()
    key = name_search_key(person)
    if not key:
        return qs.none()
    return qs.filter(person_id__in=policy.of_center(Person._base_manager,
                                                    user).filter(search_key__contains=key).values("pk"))


def records_for(user) -> QuerySet:
    qs = DisclosureRecord.objects.filter(center_id=_center_id(user))
    return _person_scope(user, qs).select_related("person", "recipient", "staff", "consent", "agreement")


def ledger(user, *, date_from=None, date_to=None, recipient=None, person: str = "", basis: str = "") -> QuerySet:
    qs = records_for(user)
    if date_from:
        qs = qs.filter(provided_on__gte=date_from)
    if date_to:
        qs = qs.filter(provided_on__lte=date_to)
    if recipient is not None:
        qs = qs.filter(recipient=recipient)
    if basis:
        qs = qs.filter(basis=basis)
    return _person_text(user, qs, person).order_by("-provided_on", "-id")


def get_record_or_404(user, pk) -> DisclosureRecord:
    record = DisclosureRecord.objects.filter(center_id=_center_id(user), pk=pk).select_related(
        "person", "recipient", "staff", "consent", "agreement").first()
    if record is None:
        raise Http404("提供記録が見つかりません。")
    return record


def receipts_for(user) -> QuerySet:
    qs = ReceiptRecord.objects.filter(center_id=_center_id(user))
    return _person_scope(user, qs).select_related("person", "provider", "staff")


def receipts(user, *, date_from=None, date_to=None, provider=None, person: str = "") -> QuerySet:
    qs = receipts_for(user)
    if date_from:
        qs = qs.filter(received_on__gte=date_from)
    if date_to:
        qs = qs.filter(received_on__lte=date_to)
    if provider is not None:
        qs = qs.filter(provider=provider)
    return _person_text(user, qs, person).order_by("-received_on", "-id")


def person_records(user, person) -> list[DisclosureRecord]:
    return list(records_for(user).filter(person=person).order_by("-provided_on", "-id"))


def person_receipts(user, person) -> list[ReceiptRecord]:
    return list(receipts_for(user).filter(person=person).order_by("-received_on", "-id"))


# --- requests --------------------------------------------------------------------------------------------


def requests_for(user) -> QuerySet:
    return DataSubjectRequest.objects.filter(center_id=_center_id(user)).select_related("person", "created_by")


def get_request_or_404(user, pk) -> DataSubjectRequest:
    found = requests_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("請求の記録が見つかりません。")
    return found


def person_requests(user, person) -> list[DataSubjectRequest]:
    return list(requests_for(user).filter(person=person))


# --- the subject-access report ------------------------------------------------------------------------------


def access_summary(user, person) -> list[dict]:
    """The person's access history summarised: per action, how many times, first and last (no staff names)."""
    from django.db.models import Count, Max, Min

    from yorisoi.privacy.models import AccessAction
    from yorisoi.privacy.selectors import center_log

    rows = (center_log(user=user).filter(person_id_value=person.pk).order_by().values("action")
            .annotate(n=Count("id"), first=Min("at"), last=Max("at")).order_by("action"))
    labels = dict(AccessAction.choices)
    return [{"action": labels.get(r["action"], r["action"]), "count": r["n"], "first": r["first"],
             "last": r["last"]} for r in rows]


def expired_before(today: dt.date | None = None) -> dt.date:
    """Records dated before this day are past the retention period (YORISOI_DISCLOSURE_RETENTION_YEARS)."""
    today = today or timezone.localdate()
    years = conf.retention_years()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)
