"""The rest of an organization's relationship history: support records and meetings, referrals, consultations
(相談支援・会議), pre-consultations, procedures, and provisions and receipts of personal data.

Registered into partners' extension lists by `PlacementsConfig.ready()` beside history.py (placements' own
rows). The apps these rows live in do not know about partners' lists; reading their rows here keeps the
directory's memory in one place.

How a row involves an organization
----------------------------------
- a support record (支援経過記録; 会議 when its kind is 会議): its 相手方 contains the organization's name (the
  same rule as the network map: names of 3 characters or more, and a record naming a longer organization
  name that contains this one belongs to the longer one only), or it is the record of a follow-up with the
  organization as the accepting facility;
- a case's referral: its 依頼元機関 contains the organization's name (same rule);
- a consultation (相談支援, or 会議・事例検討 by its method) or a pre-consultation (事前相談) that names it;
- a procedure of a case (手続き) with it as the responsible office: on its start and completion dates;
- a provision (情報提供, 第三者提供記録) to it and a receipt (情報受領) from it.

Dates of last contact count every such row of the center (a date names no person). History entries name a
case by its number only, and only rows the user may open: support records through `policy.activities_for`,
cases through `policy.cases_for`, pre-consultations only for staff who see justice data, provisions and
receipts through the disclosure ledger's person scope. No entry shows a person's name or a narrative.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case as DbCase
from django.db.models import DateField, Exists, F, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.db.models.lookups import Contains
from django.urls import reverse
from django.utils import timezone

from yorisoi.partners.models import Organization
from yorisoi.partners.selectors import MIN_NAME_LENGTH, RelationshipEvent
from yorisoi.privacy import policy

EVENTS_PER_SOURCE = 50


def _center(user) -> int | None:
    return user.center_id if user.is_authenticated else None


def _max_date(qs, expression, *, outer: str = "pk") -> Subquery:
    """The latest `expression` of `qs` (already correlated to the organization) as a date subquery."""
    return Subquery(qs.order_by().annotate(_one=F("center_id")).values("_one")
                    .annotate(latest=Max(expression)).values("latest")[:1], output_field=DateField())


# --- matching an organization's name in free text ---------------------------------------------------------


def _names_text(field: str, center_id, name: str | None = None) -> Q:
    """Rows whose `field` contains the organization's name, unless they contain a longer name of another
    organization of the center that contains this one. `name` None: the name of the organization of the outer
    query (for a subquery annotating organizations)."""
    here, there = (name, name) if name is not None else (OuterRef("name"), OuterRef(OuterRef("name")))
    longer = (Organization.objects.filter(center_id=center_id, name__contains=there)
              .exclude(name=there).filter(Contains(OuterRef(field), F("name"))))
    return Q(**{f"{field}__contains": here}) & ~Q(Exists(longer))


def _follow_up_activity_ids(center_id, organization_ref):
    from yorisoi.procedures.models import FollowUp

    return (FollowUp.objects.filter(center_id=center_id, organization=organization_ref, activity__isnull=False)
            .values("activity_id"))


# --- last contact ---------------------------------------------------------------------------------------------


def last_record_date(user):
    """The latest support record naming the organization (Activity.organization, set from the 相手方 when the
    record is written) or recording a follow-up with it as the facility: two indexed lookups per organization."""
    from yorisoi.procedures.models import FollowUp
    from yorisoi.records.models import Activity

    center_id = _center(user)
    named = Subquery(Activity.objects.filter(center_id=center_id, organization=OuterRef("pk"),
                                             deleted_at__isnull=True)
                     .order_by("-occurred_at").values("occurred_at")[:1])
    followed = Subquery(FollowUp.objects.filter(center_id=center_id, organization=OuterRef("pk"),
                                                activity__isnull=False, activity__deleted_at__isnull=True)
                        .order_by("-activity__occurred_at").values("activity__occurred_at")[:1])
    latest = Greatest(Coalesce(named, followed), Coalesce(followed, named))
    return TruncDate(latest, output_field=DateField())


def _dates_by_organization(latest: dict[int, dt.date]):
    """A {organization id: date} computed in Python as an expression on organizations (OuterRef-free)."""
    by_date: dict[dt.date, list[int]] = {}
    for pk, on in latest.items():
        by_date.setdefault(on, []).append(pk)
    if not by_date:
        return Value(None, output_field=DateField())
    return DbCase(*[When(pk__in=pks, then=Value(on)) for on, pks in sorted(by_date.items())],
                  default=None, output_field=DateField())


def _organizations_named(text: str, names: list[tuple[int, str]]) -> list[int]:
    """_names_text's rule in Python: the organizations whose name `text` contains, less those whose name is
    contained in a longer matching name."""
    matched = [(pk, name) for pk, name in names if name in text]
    return [pk for pk, name in matched if not any(other != name and name in other for _, other in matched)]


def last_referral_date(user):
    """The latest referral (依頼) from the organization, by its name in the cases' 依頼元機関: one GROUP BY over the
    center's distinct agency texts (few: agencies, not persons), matched to the directory in Python."""
    from yorisoi.cases.models import Case

    center_id = _center(user)
    names = [(pk, name) for pk, name in Organization.objects.filter(center_id=center_id).values_list("pk", "name")
             if len(name) >= MIN_NAME_LENGTH]  # a name containing one of these is as long: none is lost
    texts = (Case.objects.filter(center_id=center_id, deleted_at__isnull=True, referral_date__lte=timezone.localdate())
             .exclude(referral_agency="").order_by().values_list("referral_agency").annotate(latest=Max("referral_date")))
    latest: dict[int, dt.date] = {}
    for text, on in texts:
        for pk in _organizations_named(text, names):
            if pk not in latest or on > latest[pk]:
                latest[pk] = on
    return _dates_by_organization(latest)


def last_consultation_date(user) -> Subquery:
    from yorisoi.intake.models import Consultation

    return _max_date(Consultation.objects.filter(center_id=_center(user), organization=OuterRef("pk")),
                     "consulted_on")


def last_pre_consultation_date(user) -> Subquery:
    from yorisoi.intake.models import PreConsultation

    return _max_date(PreConsultation.objects.filter(center_id=_center(user), organization=OuterRef("pk")),
                     "consulted_on")


def last_procedure_date(user) -> Subquery:
    from yorisoi.procedures.models import CaseProcedure

    today = timezone.localdate()
    qs = CaseProcedure.objects.filter(center_id=_center(user), organization=OuterRef("pk"),
                                      case__deleted_at__isnull=True)
    # Each of the two dates only when it is not in the future; Greatest of a date and NULL is NULL on SQLite.
    started = _max_date(qs.filter(started_on__lte=today), "started_on")
    completed = _max_date(qs.filter(completed_on__lte=today), "completed_on")
    return Greatest(Coalesce(started, completed), Coalesce(completed, started), output_field=DateField())


def last_provision_date(user) -> Subquery:
    from yorisoi.disclosure.models import DisclosureRecord

    return _max_date(DisclosureRecord.objects.filter(center_id=_center(user), recipient=OuterRef("pk")),
                     "provided_on")


def last_receipt_date(user) -> Subquery:
    from yorisoi.disclosure.models import ReceiptRecord

    return _max_date(ReceiptRecord.objects.filter(center_id=_center(user), provider=OuterRef("pk")),
                     "received_on")


# --- history entries ------------------------------------------------------------------------------------------


def record_events(user, organization) -> list[RelationshipEvent]:
    """Support records (and 会議) of cases the user may open; the record's kind and 相手方, never its text."""
    from yorisoi.records.models import ActivityKind

    center_id = _center(user)
    involved = Q(pk__in=_follow_up_activity_ids(center_id, organization.pk))
    if len(organization.name) >= MIN_NAME_LENGTH:
        involved |= _names_text("counterpart", center_id, organization.name)
    qs = policy.activities_for(user).filter(involved)
    follow_up_ids = set(_follow_up_activity_ids(center_id, organization.pk).values_list("activity_id", flat=True))
    rows = qs.select_related("case").order_by("-occurred_at", "-id")[:EVENTS_PER_SOURCE]
    events = []
    for a in rows:
        if a.pk in follow_up_ids:
            label = "フォローアップ"
        elif a.kind == ActivityKind.MEETING:
            label = "会議"
        else:
            label = "支援記録"
        summary = f"ケース {a.case.number}（{a.get_kind_display()}"
        summary += f"：{a.counterpart}）" if a.counterpart else "）"
        events.append(RelationshipEvent(on=timezone.localtime(a.occurred_at).date(), kind=label, summary=summary,
                                        url=reverse("cases:detail", args=[a.case_id]) + f"#activity-{a.pk}",
                                        person_id=a.case.person_id))
    return events


def referral_events(user, organization) -> list[RelationshipEvent]:
    if len(organization.name) < MIN_NAME_LENGTH:
        return []
    rows = (policy.cases_for(user).filter(_names_text("referral_agency", _center(user), organization.name))
            .order_by("-referral_date", "-id")[:EVENTS_PER_SOURCE])
    return [RelationshipEvent(on=c.referral_date, kind="依頼",
                              summary=f"ケース {c.number}（{c.get_referral_source_display()}からの依頼）",
                              url=reverse("cases:detail", args=[c.pk]), person_id=c.person_id)
            for c in rows]


def consultation_events(user, organization) -> list[RelationshipEvent]:
    from yorisoi.intake.models import ConsultationMethod
    from yorisoi.intake.selectors import consultations_for

    rows = (consultations_for(user).filter(organization=organization)
            .order_by("-consulted_on", "-id")[:EVENTS_PER_SOURCE])
    return [RelationshipEvent(on=c.consulted_on,
                              kind="会議" if c.method == ConsultationMethod.MEETING else "相談支援",
                              summary=f"{c.get_topic_display()}（{c.get_method_display()}）",
                              url=reverse("intake:consultation_detail", args=[c.pk]))
            for c in rows]


def pre_consultation_events(user, organization) -> list[RelationshipEvent]:
    from yorisoi.intake.selectors import pre_consultations_for

    rows = (pre_consultations_for(user).filter(organization=organization)
            .order_by("-consulted_on", "-id")[:EVENTS_PER_SOURCE])
    return [RelationshipEvent(on=p.consulted_on, kind="事前相談", summary=f"事前相談（{p.get_status_display()}）",
                              url=reverse("intake:preconsultation_detail", args=[p.pk]))
            for p in rows]


def procedure_events(user, organization) -> list[RelationshipEvent]:
    from yorisoi.procedures.models import CaseProcedure

    today = timezone.localdate()
    rows = (CaseProcedure.objects.filter(case__in=policy.cases_for(user), organization=organization)
            .filter(Q(started_on__lte=today) | Q(completed_on__lte=today)).select_related("case")
            .order_by(F("completed_on").desc(nulls_last=True), "-started_on", "-id")[:EVENTS_PER_SOURCE])
    events = []
    for p in rows:
        url = reverse("procedures:case", args=[p.case_id])
        if p.completed_on and p.completed_on <= today:
            events.append(RelationshipEvent(on=p.completed_on, kind="手続き",
                                            summary=f"ケース {p.case.number}（{p.title}：完了）", url=url,
                                            person_id=p.case.person_id))
        if p.started_on and p.started_on <= today and p.started_on != p.completed_on:
            events.append(RelationshipEvent(on=p.started_on, kind="手続き",
                                            summary=f"ケース {p.case.number}（{p.title}：着手）", url=url,
                                            person_id=p.case.person_id))
    return events


def provision_events(user, organization) -> list[RelationshipEvent]:
    from yorisoi.disclosure.selectors import records_for

    rows = records_for(user).filter(recipient=organization).order_by("-provided_on", "-id")[:EVENTS_PER_SOURCE]
    return [RelationshipEvent(on=r.provided_on, kind="情報提供",
                              summary=f"{r.number}（{r.get_purpose_display()}）",
                              url=reverse("disclosure:record_detail", args=[r.pk]))
            for r in rows]


def receipt_events(user, organization) -> list[RelationshipEvent]:
    from yorisoi.disclosure.selectors import receipts_for

    rows = receipts_for(user).filter(provider=organization).order_by("-received_on", "-id")[:EVENTS_PER_SOURCE]
    return [RelationshipEvent(on=r.received_on, kind="情報受領",
                              summary=f"個人情報の受領（{r.get_obtained_how_display()}）")
            for r in rows]


CONTACT_DATE_SOURCES = [last_record_date, last_referral_date, last_consultation_date, last_pre_consultation_date,
                        last_procedure_date, last_provision_date, last_receipt_date]
HISTORY_SOURCES = [record_events, referral_events, consultation_events, pre_consultation_events, procedure_events,
                   provision_events, receipt_events]
