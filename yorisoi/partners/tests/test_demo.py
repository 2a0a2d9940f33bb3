import datetime as dt
import random

import pytest

from yorisoi.partners import selectors
from yorisoi.partners.demo import seed_directory
from yorisoi.partners.models import Organization, OrganizationContact, Outreach
from yorisoi.partners.normalize import normalize_phone

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 4, 15)


def test_demo_directory_is_complete_valid_and_idempotent(center, worker):
    orgs = seed_directory(center, random.Random(1), today=TODAY)
    assert len(orgs) >= 60
    assert {o.kind.code for o in orgs} >= {"prosecutors_office", "probation_office", "self_reliance_home",
                                          "relief_facility", "hospital", "cooperating_employer", "other_center"}
    for org in orgs:
        org.full_clean()
        assert normalize_phone(org.phone) == org.phone
        assert org.phone.split("-")[1].startswith("0")  # an exchange that is never assigned
    home = Organization.objects.get(center=center, name="あおぞら自立準備ホーム")
    assert home.capacity == 4
    assert OrganizationContact.objects.filter(center=center, ended_on__isnull=False, successor__isnull=False).exists()
    assert Outreach.objects.filter(center=center).count() >= 8
    assert selectors.organizations_not_contacted(user=worker, days=180, today=TODAY)  # a list since issue 10
    assert seed_directory(center, random.Random(2), today=TODAY) == orgs
    assert Organization.objects.filter(center=center).count() == len(orgs)


def test_demo_directory_is_deterministic(center, other_center):
    first = seed_directory(center, random.Random(7), today=TODAY)
    second = seed_directory(other_center, random.Random(7), today=TODAY)
    assert [(o.name, o.phone) for o in first] == [(o.name, o.phone) for o in second]
