"""Everything yorisoi holds about one person, for a 保有個人データの開示請求 (directors only).

Reads every section without the role filters of the other pages (the director sees all), including records
of deleted cases, and the provision, receipt and request records and a summary of the access history."""

from __future__ import annotations

import json

from django.apps import apps
from django.utils import timezone

from . import selectors


def subject_access(user, person) -> dict:
    from yorisoi.cases.models import Case
    from yorisoi.records.models import Activity

    cases = list(Case.objects.filter(person=person, deleted_at__isnull=True)
                 .select_related("main_staff", "sub_staff").prefetch_related("transitions", "flags")
                 .order_by("referral_date", "id"))
    activities = list(Activity.objects.filter(person=person, deleted_at__isnull=True).select_related("case", "author")
                      .order_by("occurred_at", "id"))
    records = selectors.person_records(user, person)
    for record in records:
        record.content_data = json.loads(record.content or "{}")
    report = {
        "person": person,
        "family_contacts": list(person.family_contacts.all()),
        "certificates": list(person.certificates.all()),
        "external_contacts": list(person.external_contacts.all()),
        "cases": cases,
        "activities": activities,
        "consents": selectors.consents_of(person),
        "records": records,
        "receipts": selectors.person_receipts(user, person),
        "requests": selectors.person_requests(user, person),
        "access_summary": selectors.access_summary(user, person),
        "generated_at": timezone.now(),
        "assessments": [],
        "plans": [],
    }
    if apps.is_installed("yorisoi.planning"):
        from yorisoi.planning.models import Assessment, SupportPlan

        report["assessments"] = list(
            Assessment.objects.filter(case__person=person, case__deleted_at__isnull=True)
            .select_related("case", "assessor").prefetch_related("entries__domain").order_by("assessed_on", "id"))
        report["plans"] = list(SupportPlan.objects.filter(case__person=person, case__deleted_at__isnull=True)
                               .select_related("case").order_by("case_id", "revision"))
    return report
