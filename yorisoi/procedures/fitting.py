"""Which of a template's procedures fit the person, and why (the proposal shown when a case opens).

An item's conditions (age, certificates, 住民票) all must hold; the reasons say which facts decided, in
Japanese, e.g. 「65歳以上（72歳）」「療育手帳を持っていない」「住民票：職権消除」. A condition that
cannot be decided (no birth date) leaves the item to the worker, unticked, with the reason.
`proposal_only` items are never added by themselves: the worker ticks them when they apply.

The contact of a proposed procedure is the organization of the procedure type's kind (市区町村, 病院…) in
the person's municipality (for the 住民票, the municipality where it was), when the directory has one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from yorisoi.cases.models import Case
from yorisoi.common.eras import age_on
from yorisoi.partners.models import Organization
from yorisoi.people.models import CertificateKind, DisabilityCertificate, RegistrationStatus
from yorisoi.privacy import policy

from .models import CaseTemplateItem, CertificateHeld, ResidenceCondition

# Which department of a municipality usually handles a category of procedure (the first that matches).
DEPARTMENT_HINTS = {
    "welfare": ("生活", "保護", "福祉事務所"),
    "disability": ("障害",),
    "care": ("介護", "高齢"),
    "residence": ("市民", "住民", "戸籍"),
    "medical": ("保険", "年金"),
    "living": ("市民", "住民", "戸籍"),
}


@dataclass(frozen=True)
class PersonFacts:
    age: int | None
    age_on: dt.date
    certificates: dict[str, str]  # kind → 「療育手帳 B（中軽度）」
    registration_status: str
    no_fixed_abode: bool
    municipality: str
    registration_municipality: str

    @property
    def registration_unclear(self) -> bool:
        """職権消除 or 不明, or not checked yet for a person with no fixed abode: recover the 住民票 first."""
        return self.registration_status in (RegistrationStatus.DELETED, RegistrationStatus.UNKNOWN) or (
            self.registration_status == RegistrationStatus.UNCHECKED and self.no_fixed_abode)


def facts_for(case: Case, *, today: dt.date | None = None) -> PersonFacts:
    """The person's facts the conditions read. The age counts at the expected release when it is ahead (the
    procedures start then), otherwise today."""
    today = today or timezone.localdate()
    person = case.person
    on = case.expected_release_date if case.expected_release_date and case.expected_release_date > today else today
    certificates = {}
    for certificate in DisabilityCertificate.objects.filter(person_id=person.pk).order_by("kind", "id"):
        certificates.setdefault(certificate.kind, f"{certificate.get_kind_display()} {certificate.grade_label}")
    return PersonFacts(
        age=age_on(person.birth_date, on) if person.birth_date else None, age_on=on, certificates=certificates,
        registration_status=person.registration_status, no_fixed_abode=person.no_fixed_abode,
        municipality=person.municipality, registration_municipality=person.registration_municipality)


@dataclass
class Fit:
    fits: bool | None  # None: cannot be decided from the record
    reasons: list[str] = field(default_factory=list)

    @property
    def reason_text(self) -> str:
        return "・".join(self.reasons)


def item_fit(item: CaseTemplateItem, facts: PersonFacts) -> Fit:
    reasons: list[str] = []
    undecided = False
    fits = True
    if item.min_age is not None or item.max_age is not None:
        if facts.age is None:
            undecided = True
            reasons.append("生年月日が未登録のため年齢で判断できません")
        else:
            if item.min_age is not None:
                ok = facts.age >= item.min_age
                fits &= ok
                reasons.append(f"{item.min_age}歳以上（{facts.age}歳）" if ok
                               else f"{item.min_age}歳未満（{facts.age}歳）")
            if item.max_age is not None:
                ok = facts.age <= item.max_age
                fits &= ok
                reasons.append(f"{item.max_age + 1}歳未満（{facts.age}歳）" if ok
                               else f"{item.max_age + 1}歳以上（{facts.age}歳）")
    if item.certificate_held:
        kinds = [item.certificate_kind] if item.certificate_kind else list(CertificateKind.values)
        held = [facts.certificates[k] for k in kinds if k in facts.certificates]
        name = CertificateKind(item.certificate_kind).label if item.certificate_kind else "障害者手帳"
        if item.certificate_held == CertificateHeld.HELD:
            fits &= bool(held)
            reasons.append(f"{'・'.join(held)}を持っている" if held else f"{name}を持っていない")
        else:
            fits &= not held
            reasons.append(f"{name}を持っていない" if not held else f"{'・'.join(held)}を持っている")
    if item.residence:
        unclear = facts.registration_unclear
        status = RegistrationStatus(facts.registration_status).label
        described = f"住民票：{status}" + ("・住居不定" if facts.no_fixed_abode else "")
        if item.residence == ResidenceCondition.UNCLEAR:
            fits &= unclear
        else:
            fits &= not unclear
        reasons.append(described)
    if not reasons:
        reasons.append("標準の手続き（誰にでも）")
    if undecided and fits:
        return Fit(None, reasons)
    return Fit(fits, reasons)


def contact_for(item: CaseTemplateItem, facts: PersonFacts, actor) -> Organization | None:
    """The center's organization of the type's kind in the person's municipality, if the directory has one."""
    procedure_type = item.procedure_type
    if procedure_type.responsible_kind_id is None:
        return None
    municipality = facts.municipality
    if procedure_type.category == "residence" and facts.registration_municipality:
        municipality = facts.registration_municipality
    if not municipality:
        return None
    candidates = list(policy.of_center(Organization, actor).filter(
        kind_id=procedure_type.responsible_kind_id, active=True)
        .filter(Q(municipality=municipality) | Q(name__startswith=municipality)).order_by("name", "id")[:20])
    for hint in DEPARTMENT_HINTS.get(procedure_type.category, ()):
        for organization in candidates:
            if hint in organization.department or hint in organization.name:
                return organization
    return candidates[0] if candidates else None
