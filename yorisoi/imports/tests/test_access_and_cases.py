"""Who may import (directors only), another center's batch (404), and the case target: the person found by the
external id of an imported person or by name and birth date, a missing person named, re-import without duplicates."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import verified_client
from yorisoi.accounts.models import Role
from yorisoi.accounts.tests.factories import StaffFactory
from yorisoi.cases.models import Case
from yorisoi.imports import services
from yorisoi.imports.models import BatchStatus
from yorisoi.people.models import Person
from yorisoi.people.tests.factories import PersonFactory

from .helpers import PERSON_HEADINGS, PERSON_ROWS, check, commit, csv_bytes, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

CASE_HEADINGS = ["外部ケースID", "対象者の外部ID", "氏名", "生年月日", "支援の種別", "依頼元の種別", "依頼日"]


@pytest.mark.parametrize("role_client", ["worker_client", "colleague_client", "clerk_client", "auditor_client"])
def test_only_directors_may_open_the_wizard(role_client, request):
    client = request.getfixturevalue(role_client)
    assert client.get(reverse("imports:start")).status_code == 403
    assert upload(client, csv_bytes([PERSON_HEADINGS]), "a.csv").status_code == 403


def test_the_service_refuses_a_worker_too(worker):
    with pytest.raises(PermissionDenied):
        services.start_batch(actor=worker, target="persons",
                             uploaded=SimpleUploadedFile("a.csv", csv_bytes([PERSON_HEADINGS, *PERSON_ROWS])))


def test_another_centers_director_gets_404_for_a_batch(director_client, director, other_center):
    batch = check(director_client, director, xlsx_bytes([PERSON_HEADINGS, *PERSON_ROWS]))
    other = verified_client(StaffFactory(center=other_center, role=Role.DIRECTOR, username="other-director"))
    for name in ("imports:batch", "imports:mapping", "imports:sheet"):
        assert other.get(reverse(name, args=[batch.pk])).status_code == 404
    assert other.post(reverse("imports:run", args=[batch.pk]), {"action": "commit"}).status_code == 404
    assert not Person.objects.exists()


def test_the_same_name_at_another_center_is_no_duplicate(director_client, director, other_center):
    PersonFactory(center=other_center, family_name="輪島", given_name="一郎", family_name_kana="ワジマ",
                  given_name_kana="イチロウ")
    batch = check(director_client, director, xlsx_bytes([PERSON_HEADINGS, *PERSON_ROWS]))
    assert batch.counts["duplicate"] == 0 and batch.counts["new"] == 3


def test_cases_find_their_person_by_external_id_or_by_name_and_birth_date(director_client, director, center):
    commit(director_client, check(director_client, director, xlsx_bytes([PERSON_HEADINGS, *PERSON_ROWS])))
    rows = [CASE_HEADINGS,
            ["C-1", "A-1", "", "", "出口支援（特別調整）", "保護観察所", "令和8年4月1日"],
            ["C-2", "", "能登 花子", "昭和35年5月6日", "入口支援", "検察庁", "2026-05-01"],
            ["C-3", "A-99", "", "", "出口支援", "保護観察所", "令和8年4月1日"],
            ["C-4", "", "加賀 四郎", "昭和40年1月1日", "出口支援", "保護観察所", "令和8年4月1日"]]
    batch = check(director_client, director, xlsx_bytes(rows), target="cases")
    assert batch.counts == {**batch.counts, "new": 2, "error": 2}
    page = director_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "対象者の外部ID『A-99』の対象者が見つかりません" in page
    assert "この氏名・生年月日の対象者が登録されていません" in page
    commit(director_client, batch, skip_all_problems="1")
    assert batch.status == BatchStatus.DONE and batch.counts["created"] == 2
    cases = Case.objects.filter(center=center).select_related("person")
    assert {(str(c.person), c.kind) for c in cases} == {("輪島 一郎", "exit"), ("能登 花子", "entrance")}
    again = check(director_client, director, xlsx_bytes(rows), target="cases")
    assert again.counts["already"] == 2
    commit(director_client, again, skip_all_problems="1")
    assert Case.objects.filter(center=center).count() == 2


def test_a_failure_inside_the_commit_rolls_back_every_row(director_client, director, center):
    """A person registered by someone else between the preview and the commit: the commit finds the same-name
    person, refuses, and keeps none of the rows before it."""
    batch = check(director_client, director, xlsx_bytes([PERSON_HEADINGS, *PERSON_ROWS]))
    PersonFactory(center=center, family_name="珠洲", given_name="三郎", family_name_kana="スズ",
                  given_name_kana="サブロウ")
    commit(director_client, batch)
    assert batch.status == BatchStatus.FAILED
    assert "4行目" in batch.errors[0]
    assert Person.objects.filter(center=center).count() == 1
