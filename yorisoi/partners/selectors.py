"""Reads of the partner network. Every query starts from a function here that scopes to the user's center.

The directory holds no personal data of the persons supported, so reading it writes no access-log row;
writes (services.py) and exports are logged.

Relationship history and the date of last contact
--------------------------------------------------
`CONTACT_DATE_SOURCES` lists, per kind of contact, a function giving a Subquery: the latest date on which
that kind of contact involved the organization `OuterRef("pk")`. `last_contact_date_expression()` takes
the greatest of them (NULL-safe on SQLite and PostgreSQL), so lists annotate it in one query and
`last_contact_date(organization)` answers for one organization.

`HISTORY_SOURCES` lists, per kind of contact, a function giving the `RelationshipEvent`s of one
organization for its page.

When support records, placements, service connections, meetings or provisions get a link to an
organization, their app adds one function to each list (e.g. "latest Activity.occurred_at date where
Activity.organization = OuterRef('pk')") and the organization page, the list and the "not contacted for a
while" list pick it up without further changes. Sources must apply the user's center scope themselves
(they receive the user) so a later source can also apply its own visibility rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import DateField, F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, Length, NullIf
from django.db.models.lookups import Contains
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from yorisoi.common.kana import name_search_key
from yorisoi.common.names import is_kana, reading_key
from yorisoi.privacy.policy import areas

from .models import MEDICAL_FEATURES, KindGroup, Organization, OrganizationContact, OrganizationKind, Outreach

# --- an organization named in free text ------------------------------------------------------------------

MIN_NAME_LENGTH = 3  # shorter names (「県庁」) would match too much free text


def organization_named_in(*, center_id: int | None, text: str) -> int | None:
    """The id of the center's organization whose name `text` contains (the longest such name; names of
    MIN_NAME_LENGTH characters or more), or None. Services of apps whose rows name an agency in free text (a
    support record's 相手方) store it when the row is written, so that dates of last contact are indexed
    lookups rather than text searches over every row."""
    text = (text or "").strip()
    if center_id is None or len(text) < MIN_NAME_LENGTH:
        return None
    return (Organization.objects.filter(center_id=center_id)
            .annotate(_name_length=Length("name")).filter(_name_length__gte=MIN_NAME_LENGTH)
            .filter(Contains(Value(text), F("name")))
            .order_by("-_name_length", "id").values_list("pk", flat=True).first())


# --- who may do what in the directory ----------------------------------------------------------


DirectoryAccess = areas.DirectoryAccess  # the role rules live in the policy (privacy/policy/areas.py)
directory_access = areas.directory_access


# --- scoped querysets ---------------------------------------------------------------------------------


def _center_id(user):
    return user.center_id if user.is_authenticated else None


def organizations_for(user) -> QuerySet:
    center_id = _center_id(user)
    if center_id is None:
        return Organization.objects.none()
    return Organization.objects.filter(center_id=center_id)


# Which organizations a picker offers, by what the pick is for. Justice agencies (police, prosecutors, probation…)
# are never a place to live nor a service: offering them invites a wrong click that passes personal data.
_PLACE_KINDS = (Q(kind__is_residential=True) | Q(capacity__isnull=False) | Q(kind__is_medical=True)
                | Q(kind__has_services=True) | Q(kind__group=KindGroup.RESIDENTIAL))


def facilities_for(user) -> QuerySet:
    """Places a person can stay or be asked to be taken in: residential kinds or anything with a capacity,
    hospitals, welfare providers (group homes). For placements, inquiries and the follow-up's 受入先."""
    return organizations_for(user).filter(_PLACE_KINDS).exclude(kind__group=KindGroup.JUSTICE)


def service_providers_for(user) -> QuerySet:
    """Organizations a person is connected to for a service (つなぎ): welfare, government, medical, employment,
    other; not justice agencies, not residential facilities."""
    return organizations_for(user).exclude(kind__group__in=[KindGroup.JUSTICE, KindGroup.RESIDENTIAL])


def medical_organizations_for(user) -> QuerySet:
    """Hospitals, clinics and health centers for a person's medication, appointments, health checks and urgent
    route: the medical kinds and any organization marked with a medical flag; the center's partners first."""
    medical = Q(kind__is_medical=True) | Q(kind__group=KindGroup.MEDICAL)
    for name, _label in MEDICAL_FEATURES:
        medical |= Q(**{name: True})
    return (organizations_for(user).filter(medical).exclude(kind__group=KindGroup.JUSTICE).select_related("kind")
            .order_by("-is_medical_partner", "name_kana", "name", "id"))


def non_justice_for(user) -> QuerySet:
    """Every organization but justice agencies: the wide choice when the fitting kinds do not have it."""
    return organizations_for(user).exclude(kind__group=KindGroup.JUSTICE)


def contacts_for(user) -> QuerySet:
    center_id = _center_id(user)
    if center_id is None:
        return OrganizationContact.objects.none()
    return OrganizationContact.objects.filter(center_id=center_id)


def outreach_for(user) -> QuerySet:
    center_id = _center_id(user)
    if center_id is None:
        return Outreach.objects.none()
    return Outreach.objects.filter(center_id=center_id)


def kinds_for(user, *, active_only: bool = False) -> QuerySet:
    """The shared kinds plus the kinds the user's center added."""
    center_id = _center_id(user)
    if center_id is None:
        return OrganizationKind.objects.none()
    qs = OrganizationKind.objects.filter(Q(center__isnull=True) | Q(center_id=center_id))
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("sort_order", "id")


def get_organization_or_404(request, pk) -> Organization:
    """The organization, if it belongs to the user's center; 404 exactly as for a missing one."""
    organization = organizations_for(request.user).select_related("kind").filter(pk=pk).first()
    if organization is None:
        raise Http404("関係機関が見つかりません。")
    return organization


def get_contact_or_404(request, pk) -> OrganizationContact:
    contact = contacts_for(request.user).select_related("organization", "successor").filter(pk=pk).first()
    if contact is None:
        raise Http404("担当者が見つかりません。")
    return contact


def get_outreach_or_404(request, pk) -> Outreach:
    outreach = outreach_for(request.user).filter(pk=pk).first()
    if outreach is None:
        raise Http404("周知啓発の記録が見つかりません。")
    return outreach


def get_kind_or_404(request, pk) -> OrganizationKind:
    """Only the center's own kinds are editable; shared kinds answer 404 here like another center's."""
    kind = OrganizationKind.objects.filter(pk=pk, center_id=_center_id(request.user)).first()
    if kind is None or kind.center_id is None:
        raise Http404("種別が見つかりません。")
    return kind


# --- last contact -------------------------------------------------------------------------------------

_NEVER = dt.date(1, 1, 1)  # stands in for NULL inside GREATEST (SQLite's MAX(a, b) is NULL if any is)


def _last_outreach_date(user) -> Subquery:
    return Subquery(
        outreach_for(user).filter(organizations=OuterRef("pk"))
        .order_by().values("organizations").annotate(latest=Max("held_on")).values("latest")[:1],
        output_field=DateField(),
    )


# Add a function(user) -> Subquery of a date for OuterRef("pk") per kind of contact (see module docstring).
CONTACT_DATE_SOURCES: list[Callable] = [_last_outreach_date]


def last_contact_date_expression(user):
    """An expression for `.annotate(last_contact=...)` on organizations: the latest date of any contact."""
    parts = [source(user) for source in CONTACT_DATE_SOURCES]
    if len(parts) == 1:
        return parts[0]
    never = Value(_NEVER, output_field=DateField())
    return NullIf(Greatest(*[Coalesce(p, never) for p in parts], output_field=DateField()), never)


def last_contact_date(*, user, organization: Organization) -> dt.date | None:
    return (organizations_for(user).filter(pk=organization.pk)
            .annotate(last_contact=last_contact_date_expression(user))
            .values_list("last_contact", flat=True).first())


@dataclass(frozen=True)
class RelationshipEvent:
    on: dt.date
    kind: str  # label shown on the page: 周知啓発, 支援記録, 会議…
    summary: str
    url: str = ""
    person_id: int | None = None  # the person whose case the entry names (the page logs that it showed them)


def _outreach_events(user, organization: Organization) -> list[RelationshipEvent]:
    return [RelationshipEvent(on=o.held_on, kind="周知啓発", summary=o.title,
                              url=reverse("partners:outreach_detail", args=[o.pk]))
            for o in outreach_for(user).filter(organizations=organization).order_by("-held_on", "-id")]


# Add a function(user, organization) -> list[RelationshipEvent] per kind of contact.
HISTORY_SOURCES: list[Callable] = [_outreach_events]


def relationship_history(*, user, organization: Organization, limit: int = 50) -> list[RelationshipEvent]:
    events = [event for source in HISTORY_SOURCES for event in source(user, organization)]
    return sorted(events, key=lambda e: e.on, reverse=True)[:limit]


# --- lists --------------------------------------------------------------------------------------------


def organization_list(*, user, kind_id: int | None = None, municipality: str = "", query: str = "",
                      include_inactive: bool = False, care: str = "") -> QuerySet:
    """The directory, filtered; each row carries `last_contact`. A constant number of queries. `care`: one of the
    medical flags (models.MEDICAL_FEATURES), e.g. offers_psychiatry for the clinics with a 精神科."""
    qs = organizations_for(user).select_related("kind")
    if care in dict(MEDICAL_FEATURES):
        qs = qs.filter(**{care: True})
    if not include_inactive:
        qs = qs.filter(active=True)
    if kind_id:
        qs = qs.filter(kind_id=kind_id)
    if municipality:
        qs = qs.filter(municipality=municipality)
    key = name_search_key(query)
    if key:
        qs = qs.filter(search_key__contains=key)
    return (qs.annotate(last_contact=last_contact_date_expression(user))
            .order_by("kind__sort_order", "kind_id", "name_kana", "name", "id"))


def municipalities_for(user) -> list[str]:
    """Municipalities that occur in the directory, for the filter."""
    return list(organizations_for(user).exclude(municipality="").order_by("municipality")
                .values_list("municipality", flat=True).distinct())


def organizations_not_contacted(*, user, days: int = 180, today: dt.date | None = None,
                                kind_id: int | None = None, include_never: bool = True) -> list[Organization]:
    """Active organizations whose last contact is older than `days`, the longest silence first; then, unless
    asked not to, those with no contact on record (a fading relation matters more than an unknown one).

    A list: the period is applied in Python to the center's active organizations (a few hundred rows at most), so
    the database computes every organization's last contact once, not again in a WHERE clause."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=days)
    qs = organizations_for(user).filter(active=True).select_related("kind")
    if kind_id:
        qs = qs.filter(kind_id=kind_id)
    qs = qs.annotate(last_contact=last_contact_date_expression(user)).order_by(
        F("last_contact").asc(nulls_last=True), "kind__sort_order", "name_kana", "id")
    return [o for o in qs if (o.last_contact < since if o.last_contact is not None else include_never)]


def contacts_of(*, user, organization: Organization) -> tuple[list, list]:
    """(current, past) contacts of an organization; past ones newest end first."""
    rows = list(contacts_for(user).filter(organization=organization).select_related("successor"))
    current = [c for c in rows if c.ended_on is None]
    past = sorted((c for c in rows if c.ended_on is not None), key=lambda c: (c.ended_on, c.pk), reverse=True)
    return current, past


def outreach_list(*, user, organization_id: int | None = None) -> QuerySet:
    qs = outreach_for(user).prefetch_related("organizations", "staff")
    if organization_id:
        qs = qs.filter(organizations=organization_id)
    return qs.order_by("-held_on", "-id")


# --- the header search --------------------------------------------------------------------------------

DIRECTORY_CONTACT_ROWS = 3000  # current contacts read per search (a center's directory holds a few hundred)


@dataclass
class DirectoryHit:
    kind: str  # "organization" | "contact"
    obj: object
    score: int
    reason: str

    @property
    def label(self) -> str:
        return "関係機関" if self.kind == "organization" else "関係機関の担当者"


def _text_score(query_name: str, query_reading: str, name: str, kana: str) -> tuple[int, str]:
    """(score, reason) of a name and its reading against the query keys: equal > prefix > contained."""
    best = (0, "")
    for key, query, label in ((name_search_key(name), query_name, "名称"),
                              (reading_key(kana), query_reading, "フリガナ")):
        if not key or not query:
            continue
        if key == query:
            found = (300, f"{label}が一致")
        elif key.startswith(query):
            found = (200, f"{label}が前方一致")
        elif query in key:
            found = (100, f"{label}の一部が一致")
        else:
            continue
        best = max(best, found)
    return best


def search_directory(*, user, query: str, limit: int = 10) -> list[DirectoryHit]:
    """Organizations and current contacts of the user's center whose name or reading matches `query` (variant
    kanji, kana script, width and spacing folded), best first. Two queries."""
    query_name = name_search_key(query)
    if not query_name:
        return []
    query_reading = reading_key(query) if is_kana(query) else ""
    hits = []
    for org in organizations_for(user).filter(search_key__contains=query_name).order_by("name_kana", "id")[:200]:
        score, reason = _text_score(query_name, query_reading, org.name, org.name_kana)
        hits.append(DirectoryHit("organization", org, score or 50, reason or "名称・部署の一部が一致"))
    contacts = (contacts_for(user).filter(ended_on__isnull=True).select_related("organization")
                .only("id", "name", "name_kana", "department", "organization__name")[:DIRECTORY_CONTACT_ROWS])
    for contact in contacts:
        score, reason = _text_score(query_name, query_reading, contact.name, contact.name_kana)
        if score:
            hits.append(DirectoryHit("contact", contact, score, reason))
    hits.sort(key=lambda h: -h.score)
    return hits[:limit]
