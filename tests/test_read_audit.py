"""Every page that shows a person writes the access-log row for that person in the same request.

The guard walks the authorization matrix (tests/test_authorization_matrix.py: every URL and how to build its
arguments) as the director, the worker in charge, the clerk and the auditor, on a world of fictional persons whose
names, readings, case numbers and phones are distinctive, and fails on any page whose answer names one of them
without a row of this request that records the person: a detail row (`person_id_value`) or a list row naming the
persons shown (「一覧で表示」, AccessLog.listed).

A page that shows a person through a file the scan cannot read (PDF) is not checked here; those pages read one
object through the policy and are covered by its own tests.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

import tests.test_authorization_matrix as matrix
from conftest import verified_client
from yorisoi.cases.models import Case
from yorisoi.people.models import Person
from yorisoi.people.services import derive_search_key
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessLog, AccessLogPerson
from yorisoi.procedures.models import FollowUp, FollowUpTarget

pytestmark = pytest.mark.django_db

# Rare surnames with unmistakable readings (fictional persons; nothing on a page but a person uses them).
SURNAMES = [
    ("鬼瓦", "オニガワラ"), ("勘解由小路", "カデノコウジ"), ("五百旗頭", "イオキベ"), ("百目鬼", "ドウメキ"),
    ("四十物", "アイモノ"), ("薬袋", "ミナイ"), ("小鳥遊", "タカナシ"), ("十六沢", "イザサワ"),
    ("東坊城", "ヒガシボウジョウ"), ("月見里", "ヤマナシ"), ("九十九", "ツクモ"), ("栗花落", "ツユリ"),
]
GIVEN = ("寅之丞", "トラノジョウ")

# Pages of the issue that showed persons without a row: the scan must find persons there, or it proves nothing.
PAGES_THAT_SHOW_PERSONS = {
    "home", "people:list", "cases:list", "inbox:index", "procedures:due_list", "planning:approvals",
    "records:add", "procedures:follow_up_record", "privacy:delete", "placements:organization",
}


@dataclass(frozen=True)
class Marker:
    person_id: int
    what: str  # 氏名 / フリガナ / ケース番号 / 電話番号
    text: str


class GuardWorld(matrix.World):
    """The matrix's world with every object built, dated so that the lists of due work show them, and the
    persons renamed to distinctive fictional names."""

    def build(self) -> list[Marker]:
        for name, attribute in vars(matrix.World).items():
            if isinstance(attribute, (property, functools.cached_property)):
                getattr(self, name)
        self.second_case  # noqa: B018  (built for the lists)
        PersonFactory(center=self.center, created_by=self.worker)  # registered, no case yet
        today = timezone.localdate()
        type(self.procedure).objects.filter(pk=self.procedure.pk).update(due_date=today)
        type(self.follow_up).objects.filter(pk=self.follow_up.pk).update(due_date=today)
        type(self.placement).objects.filter(pk=self.placement.pk).update(organization=self.organization,
                                                                          facility_name="")
        return self.rename_persons()

    @functools.cached_property
    def second_case(self):
        """Another person of the worker, with a record and work due today: the lists show two persons, so a page
        that logs one person while it shows another is noticed."""
        from yorisoi.cases.tests.factories import CaseFactory
        from yorisoi.records.tests.factories import ActivityFactory

        case = CaseFactory(person=PersonFactory(center=self.center), main_staff=self.worker)
        ActivityFactory(case=case, author=self.worker)
        FollowUp.objects.create(center=self.center, case=case, target=FollowUpTarget.values[0],
                                due_date=timezone.localdate(), created_by=self.worker)
        return case

    def rename_persons(self) -> list[Marker]:
        markers = []
        persons = list(Person._base_manager.order_by("pk"))
        assert len(persons) <= len(SURNAMES), "add surnames for the guard's world"
        for n, (person, (family, kana)) in enumerate(zip(persons, SURNAMES, strict=False)):
            person.family_name, person.given_name = family, GIVEN[0]
            person.family_name_kana, person.given_name_kana = kana, GIVEN[1]
            person.phone = f"070-7{n:03d}-3{n:03d}"
            person.search_key = derive_search_key(person)
            Person._base_manager.filter(pk=person.pk).update(
                family_name=person.family_name, given_name=person.given_name,
                family_name_kana=person.family_name_kana, given_name_kana=person.given_name_kana,
                phone=person.phone, search_key=person.search_key)
            markers += [Marker(person.pk, "氏名", family), Marker(person.pk, "フリガナ", kana),
                        Marker(person.pk, "電話番号", person.phone)]
        for n, case in enumerate(Case._base_manager.order_by("pk")):
            number = f"2026-8{n:03d}"
            Case._base_manager.filter(pk=case.pk).update(number=number)
            markers.append(Marker(case.person_id, "ケース番号", number))
        return markers


def _logged_persons(rows: list[AccessLog]) -> set[int]:
    ids = {row.person_id_value for row in rows if row.person_id_value is not None}
    ids |= set(AccessLogPerson.objects.filter(log__in=rows).values_list("person_id_value", flat=True))
    return ids


def _text(response) -> str | None:
    content_type = response.get("Content-Type", "")
    if response.status_code != 200 or not content_type.startswith(("text/", "application/json")):
        return None
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _url(name: str, world) -> str:
    row = matrix.MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
    return url + ("?" + row.query(world) if row.query else "")


def _missing(text: str, markers: list[Marker], logged: set[int]) -> list[tuple[int, str]]:
    """The persons (and what of them) that `text` names although no row of the request records them."""
    return sorted({(m.person_id, m.what) for m in markers if m.text in text and m.person_id not in logged})


def _walk(client, world, markers) -> tuple[list[str], set[str]]:
    """GET every page of the matrix: the pages that name persons without a row, and the pages that name persons."""
    unlogged, showing = [], set()
    names = sorted(n for n in matrix.MATRIX if n in {r.name for r in matrix.ROUTES})
    for name in names:
        url = _url(name, world)
        last = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
        text = _text(client.get(url))
        if text is None or not any(m.text in text for m in markers):
            continue
        showing.add(name)
        missing = _missing(text, markers, _logged_persons(list(AccessLog.objects.filter(id__gt=last))))
        if missing:
            unlogged.append(f"{name} ({url}): " + ", ".join(f"対象者 #{pid} の{what}" for pid, what in missing))
    return unlogged, showing


@pytest.mark.parametrize("role", ["director", "worker", "clerk", "auditor"])
def test_every_page_that_shows_a_person_logs_the_access_to_that_person(request, role, center, worker, director):
    world = GuardWorld(center, worker, director)
    try:
        markers = world.build()
        unlogged, showing = _walk(verified_client(request.getfixturevalue(role)), world, markers)
    finally:
        for stored in world.files:
            stored.storage.delete(stored.name)
    assert not unlogged, ("These pages show a person without an access-log row for that person in the same "
                          "request (log through yorisoi.privacy.policy):\n  " + "\n  ".join(unlogged))
    if role not in ("director", "worker"):  # the worker's due work and 決裁 are not on their pages
        return
    expected = {name for name in PAGES_THAT_SHOW_PERSONS if matrix.MATRIX[name].statuses[role] == 200}
    assert expected <= showing, (
        f"the scan found no person on {sorted(expected - showing)}: the world no longer shows them there, so the "
        "guard would not notice a missing row")


def test_the_scan_reports_a_person_on_a_page_without_a_row_for_them(center, worker, director, director_client):
    world = GuardWorld(center, worker, director)
    person = world.person
    markers = world.rename_persons()
    person.refresh_from_db()
    last = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    text = _text(director_client.get(reverse("people:detail", args=[person.pk])))
    logged = _logged_persons(list(AccessLog.objects.filter(id__gt=last)))
    assert logged == {person.pk}
    assert _missing(text, markers, logged) == []
    assert _missing(text, markers, set()) == [(person.pk, what) for what in sorted(("氏名", "フリガナ", "電話番号",
                                                                                   "ケース番号"))]
