"""axe-core in the browser: the main pages have no serious or critical accessibility violation (labels, contrast,
landmarks, names of controls), each checked as the staff member who uses it, with records on the page."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from e2e.helpers import shot
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.medical.tests.factories import HealthCheckFactory, MedicationFactory
from yorisoi.partners.tests.factories import OrganizationFactory
from yorisoi.people.tests.factories import CertificateFactory, ExternalContactFactory, PersonFactory
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.e2e

BLOCKING = {"serious", "critical"}


def violations(page) -> list[str]:
    """The serious and critical violations axe finds on the page, one line each with where they are."""
    found = []
    for violation in Axe().run(page).response["violations"]:
        if violation["impact"] in BLOCKING:
            where = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
            found.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} — {where}")
    return found


@pytest.fixture
def records(center, worker):
    person = PersonFactory(center=center, family_name="架空", given_name="花子")
    case = CaseFactory(person=person, main_staff=worker, expected_release_date=timezone.localdate() + dt.timedelta(3))
    activity = ActivityFactory(case=case, author=worker)
    CertificateFactory(person=person)
    ExternalContactFactory(person=person)
    OrganizationFactory(center=center, name="架空の自立準備ホームかえで", capacity=4)
    MedicationFactory(person=person, supply_until=timezone.localdate() + dt.timedelta(days=3))
    HealthCheckFactory(person=person, due_on=timezone.localdate() - dt.timedelta(days=2))
    return case, activity


def check_pages(page, pages: dict[str, str]) -> list[str]:
    problems = []
    for name, path in pages.items():
        page.goto(path)
        page.locator("main").wait_for()
        shot(page, f"a11y_{name}")
        problems += [f"{name} ({path}) {line}" for line in violations(page)]
    return problems


def test_the_worker_s_main_pages_have_no_serious_accessibility_violation(logged_in, worker, records):
    case, activity = records
    page = logged_in(worker)
    problems = check_pages(page, {
        "home": "/",
        "person": f"/people/{case.person_id}/",
        "case": f"/cases/{case.pk}/",
        "records": f"/records/case/{case.pk}/add/",
        "record_history": f"/records/{activity.pk}/history/",
        "inbox": "/inbox/",
        "vacancies": f"/placements/vacancies/?case={case.pk}",
        "medical_list": "/medical/",
        "medical_person": f"/medical/persons/{case.person_id}/",
        "medication_form": f"/medical/persons/{case.person_id}/medications/add/",
    })
    assert not problems, "axe-core:\n  " + "\n  ".join(problems)


def test_the_director_s_audit_pages_have_no_serious_accessibility_violation(logged_in, director, records):
    case, _ = records
    page = logged_in(director)
    page.goto(f"/people/{case.person_id}/")  # so that the access log has rows
    problems = check_pages(page, {
        "director_home": "/",
        "audit": "/privacy/audit/",
        "person_access": f"/privacy/people/{case.person_id}/access/",
        "break_glass": "/privacy/break-glass/",
        "deleted": "/privacy/deleted/",
        "retention": "/privacy/retention/",
    })
    assert not problems, "axe-core:\n  " + "\n  ".join(problems)
