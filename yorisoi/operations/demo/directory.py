"""The center's directory of agencies (partners.Organization) as plain data for the demo generator.

The demo's referral agencies, officers, custody places, welfare offices and facilities are the organizations
of the center's own (fictional) directory, so a case's narrative, its placement and the directory page name the
same places. Loaded once in the parent process before any chunk is built; the child that builds chunks only
reads these tuples (no database). A kind the directory lacks falls back to an invented name (id None).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Agency:
    id: int | None
    name: str  # the organization's name
    label: str  # name and department, as str(Organization)
    kind: str  # partners.OrganizationKind.code
    municipality: str = ""
    surnames: tuple[str, ...] = ()  # family names of its current contacts, in the directory's order
    accepts_sex: str = ""  # residential facilities: "male", "female", "any" or ""
    service_kinds: str = ""

    def officer(self, rng: random.Random, fallback: list) -> str:
        """A family name of one of its contacts (the same officers recur across cases), else an invented one."""
        if self.surnames and rng.random() < 0.85:
            return self.surnames[rng.randrange(len(self.surnames))]
        return rng.choice(fallback)[0]


# Residential kinds of the directory, and the placement kind / funding each implies (placements app codes).
RESIDENTIAL = {
    "rehabilitation_facility": ("rehabilitation_facility", "urgent_protection"),
    "self_reliance_home": ("self_reliance_home", "urgent_protection"),
    "free_low_cost_lodging": ("free_low_cost_lodging", "public_assistance"),
    "relief_facility": ("relief_facility", "public_assistance"),
    "group_home": ("group_home", "disability_welfare"),  # a welfare provider offering 共同生活援助
}

FALLBACK: dict[str, list[str]] = {
    "prosecutors_office": ["みどり地方検察庁"],
    "probation_office": ["みどり保護観察所"],
    "police": ["みどり中央警察署", "あおば中央警察署"],
    "lawyer": ["みどり総合法律事務所", "あおば法律事務所"],
    "correctional_facility": ["みどり刑務所", "みどり拘置支所"],
    "hospital": ["みどり中央病院", "あおば総合病院", "さくら台クリニック"],
    "consult": ["相談支援事業所 つばさ", "地域包括支援センター ささえ"],
    "employer": ["協力雇用主 有限会社みどり清掃", "ハローワークみどり"],
    "rehabilitation_facility": ["更生保護施設 若竹寮"],
    "self_reliance_home": ["自立準備ホーム かけはし"],
    "free_low_cost_lodging": ["無料低額宿泊所 ふれあい荘"],
    "relief_facility": ["救護施設 しらさぎ苑"],
    "group_home": ["グループホーム たんぽぽ"],
    "other_center": ["あおば県地域生活定着支援センター"],
}


class Directory:
    """The agencies of one center by role in the demo, each list in the directory's order (deterministic)."""

    def __init__(self, prefecture: str, agencies: list[Agency]):
        self.prefecture = prefecture
        kinds: dict[str, list[Agency]] = defaultdict(list)
        for agency in agencies:
            kinds[agency.kind].append(agency)
        self.prosecutors = kinds["prosecutors_office"] or _fallback("prosecutors_office")
        self.probation = kinds["probation_office"] or _fallback("probation_office")
        self.police = [a for a in kinds["police"] if a.name.endswith("警察署")] or _fallback("police")
        lawyers = kinds["lawyer"]
        self.law_offices = [a for a in lawyers if "事務所" in a.name] or lawyers or _fallback("lawyer")
        correctional = kinds["correctional_facility"]
        self.prisons = [a for a in correctional if "少年院" not in a.name] or _fallback("correctional_facility")
        self.hospitals = kinds["hospital"] or _fallback("hospital")
        self.consult = (kinds["consultation_support"] + kinds["community_support_center"]) or _fallback("consult")
        workplaces = [a for a in kinds["welfare_provider"] if "就労" in a.service_kinds]
        self.employers = (kinds["cooperating_employer"] + kinds["hello_work"] + workplaces) or _fallback("employer")
        self.other_centers = kinds["other_center"] or _fallback("other_center")
        self.welfare_offices = [a for a in kinds["municipality"] if "生活保護" in a.label or "福祉事務所" in a.name]
        group_homes = [Agency(a.id, a.name, a.label, "group_home", a.municipality, a.surnames, a.accepts_sex,
                              a.service_kinds)
                       for a in kinds["welfare_provider"] if "共同生活援助" in a.service_kinds]
        self.residential = {kind: (group_homes if kind == "group_home" else kinds[kind]) or _fallback(kind)
                            for kind in RESIDENTIAL}

    @classmethod
    def load(cls, center, prefecture: str) -> Directory:
        from yorisoi.partners.models import Organization, OrganizationContact

        surnames: dict[int, list[str]] = defaultdict(list)
        contacts = (OrganizationContact.objects.filter(center=center, ended_on__isnull=True)
                    .order_by("organization_id", "id").values_list("organization_id", "name"))
        for organization_id, name in contacts:
            surnames[organization_id].append(name.split()[0] if name.split() else name)
        organizations = (Organization.objects.filter(center=center, active=True).select_related("kind")
                         .order_by("id"))
        return cls(prefecture, [
            Agency(o.pk, o.name, str(o), o.kind.code, o.municipality, tuple(surnames.get(o.pk, ())), o.accepts_sex,
                   o.service_kinds)
            for o in organizations])

    def welfare_office(self, municipality: str) -> Agency:
        """The office deciding public assistance where the person lives: the city's own (生活福祉課), else the
        prefecture's office for towns and villages."""
        same = [a for a in self.welfare_offices if a.municipality == municipality and "生活保護" in a.label]
        if same:
            return same[0]
        offices = [a for a in self.welfare_offices if "福祉事務所" in a.name]
        if offices:
            return offices[0]
        return Agency(None, f"{municipality}福祉事務所", f"{municipality}福祉事務所", "municipality", municipality)


def _fallback(kind: str) -> list[Agency]:
    return [Agency(None, name, name, kind) for name in FALLBACK[kind]]
