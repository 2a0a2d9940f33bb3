"""`seed_demo --centers N`: a fictional national set of unequal centers (make bench-load)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from yorisoi.accounts.demo import DEMO_CENTER
from yorisoi.accounts.models import Center, Role, Staff
from yorisoi.operations.demo.centers import MAX_CENTERS, PREFECTURES, center_sizes
from yorisoi.people.models import Person


def test_the_sizes_add_up_with_one_large_center_and_the_rest_falling_off():
    sizes = center_sizes(300_000, 47)
    assert sum(sizes) == 300_000 and len(sizes) == 47
    assert sizes[0] == 30_000
    assert sizes[1:] == sorted(sizes[1:], reverse=True) and min(sizes) > 1_000
    assert center_sizes(3_000, 47)[0] == 300 and min(center_sizes(3_000, 47)) > 0


def test_the_prefectures_are_fictional_and_fit_the_field():
    assert MAX_CENTERS >= 47 and len(set(PREFECTURES)) == len(PREFECTURES)
    assert all(len(name + "県") <= 4 for name in PREFECTURES)
    assert PREFECTURES[0] == "みどり"


@pytest.mark.django_db
def test_seed_demo_spreads_the_persons_over_centers_each_with_its_staff():
    call_command("seed_demo", persons=120, centers=4, seed=1, detailed=0, stdout=StringIO())
    per_center = dict(Person.objects.values_list("center__name").annotate(n=Count("id")))
    assert len(per_center) == 4 and sum(per_center.values()) == 120
    assert per_center[DEMO_CENTER] == 12
    for center in Center.objects.filter(name__in=per_center):
        assert Staff.objects.filter(center=center, role=Role.WORKER).count() >= 3
        assert Person.objects.filter(center=center).exists()
    assert Staff.objects.filter(username="c02_kanri", role=Role.DIRECTOR).exists()
