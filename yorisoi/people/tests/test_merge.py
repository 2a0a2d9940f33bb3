"""Merging two records of one person: every row moves, both identities are kept, the policy is the service's own."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.urls import reverse

from yorisoi.cases.models import Case
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.disclosure.tests.factories import ConsentFactory
from yorisoi.people import merging
from yorisoi.people.models import DistinctPersonStatement, Person, PersonMerge
from yorisoi.people.selectors import search_persons
from yorisoi.people.tests.factories import CertificateFactory, FamilyContactFactory, PersonFactory
from yorisoi.placements.tests.factories import PlacementFactory
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessLog
from yorisoi.privacy.selectors import person_access_rows
from yorisoi.records.models import Activity
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(center, worker):
    survivor = PersonFactory(center=center, family_name="斎藤", given_name="一郎", family_name_kana="サイトウ",
                             given_name_kana="イチロウ", birth_date=dt.date(1947, 3, 5))
    absorbed = PersonFactory(center=center, family_name="齋藤", given_name="一朗", family_name_kana="サイトー",
                             given_name_kana="イチロー", birth_date=dt.date(1947, 3, 5), aliases="さいとう いっちゃん")
    return survivor, absorbed


def _fill(person, worker):
    case = CaseFactory(person=person, main_staff=worker)
    ActivityFactory(case=case)
    ActivityFactory(case=case)
    FamilyContactFactory(person=person)
    CertificateFactory(person=person)
    ConsentFactory(person=person)
    PlacementFactory(case=case)
    return case


def test_every_foreign_key_to_person_is_found_from_the_model_graph():
    found = {(fk.model, fk.name) for fk in merging.person_references()}
    for model in apps.get_models():
        if hasattr(model, "instance_type"):
            continue  # history tables record what was
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is Person:
                if (model, field.name) in {(PersonMerge, "survivor"), (PersonMerge, "absorbed")}:
                    continue
                assert (model, field.name) in found, f"{model._meta.label}.{field.name}"
    assert (DistinctPersonStatement, "other") in found  # hidden reverse relations too
    assert (Person, "merged_into") in found


def test_a_merge_moves_every_row_and_leaves_none_pointing_at_the_merged_record(pair, director, worker):
    survivor, absorbed = pair
    _fill(survivor, worker)
    case = _fill(absorbed, worker)
    DistinctPersonStatement.objects.create(person=absorbed, other=survivor, score=60, agreeing="生年月日",
                                           stated_by=worker)
    earlier = PersonFactory(center=survivor.center)
    Person.objects.filter(pk=earlier.pk).update(merged_into=absorbed,
                                                deleted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    PlacementFactory._meta.model.objects.filter(person=survivor).update(exited_on=dt.date(2026, 11, 20),
                                                                         exit_reason="moved_on")

    record = merging.merge_persons(actor=director, survivor=survivor, merged=absorbed, reason="旧姓で二重登録")

    for fk in merging.person_references():
        assert not fk.model._base_manager.filter(**{fk.name: absorbed.pk}).exists(), fk
    assert Case.objects.get(pk=case.pk).person_id == survivor.pk
    assert Activity.objects.filter(person=survivor).count() == 4
    assert record.moved_records["cases.Case.person"] == 1
    assert record.moved_records["records.Activity.person"] == 2
    assert record.moved_records["disclosure.Consent.person"] == 1
    assert record.moved_records["people.FamilyContact.person"] == 1
    assert record.moved_records["people.Person.merged_into"] == 1
    assert record.absorbed_before["family_name"] == "齋藤" and record.absorbed_before["id"] == absorbed.pk
    assert record.survivor_before["given_name"] == "一郎" and record.absorbed_before["birth_date"] == "1947-03-05"
    assert record.absorbed_before["dropped_statements"][0]["agreeing"] == "生年月日"
    absorbed.refresh_from_db()
    survivor.refresh_from_db()
    assert absorbed.merged_into_id == survivor.pk and absorbed.deleted_at is not None
    assert Person.objects.get(pk=earlier.pk).merged_into_id == survivor.pk
    assert "齋藤 一朗" in survivor.aliases and "さいとう いっちゃん" in survivor.aliases
    row = AccessLog.objects.get(section="person_merge")
    assert row.person_id_value == survivor.pk and row.detail == f"absorbed={absorbed.pk}"
    # The moved case keeps its history: a history row says why it moved.
    assert case.history.filter(history_change_reason=merging.MOVE_REASON).exists()


def test_the_merged_record_leaves_search_and_its_old_spelling_finds_the_survivor(pair, director):
    survivor, absorbed = pair
    Person.objects.filter(pk=survivor.pk).update(family_name="斎藤", given_name="太郎")
    survivor.refresh_from_db()
    merging.merge_persons(actor=director, survivor=survivor, merged=absorbed, reason="同一人物")
    hits = search_persons(user=director, query="齋藤一朗")
    assert [h.person.pk for h in hits] == [survivor.pk]


def test_the_log_of_the_old_record_is_found_from_the_survivor(pair, director, client):
    survivor, absorbed = pair
    AccessLog.objects.all().delete()
    log_access(actor=director, action="view", obj=absorbed, person_id=absorbed.pk, section="face_sheet")
    merging.merge_persons(actor=director, survivor=survivor, merged=absorbed, reason="同一人物")
    rows = list(person_access_rows(user=director, person=survivor))
    assert any(r.person_id_value == absorbed.pk and r.section == "face_sheet" for r in rows)


def test_a_worker_may_not_merge(pair, worker):
    with pytest.raises(PermissionDenied):
        merging.merge_persons(actor=worker, survivor=pair[0], merged=pair[1], reason="同一人物")
    assert not PersonMerge.objects.exists()


def test_a_director_may_not_merge_a_record_of_another_center(pair, director, other_center):
    stranger = PersonFactory(center=other_center)
    with pytest.raises(PermissionDenied):
        merging.merge_persons(actor=director, survivor=pair[0], merged=stranger, reason="同一人物")
    with pytest.raises(PermissionDenied):
        merging.merge_persons(actor=director, survivor=stranger, merged=pair[0], reason="同一人物")
    assert Person.objects.get(pk=stranger.pk).merged_into_id is None


def test_a_record_is_not_merged_with_itself_nor_twice(pair, director):
    survivor, absorbed = pair
    with pytest.raises(ValidationError, match="同じ記録"):
        merging.merge_persons(actor=director, survivor=survivor, merged=survivor, reason="同一人物")
    merging.merge_persons(actor=director, survivor=survivor, merged=absorbed, reason="同一人物")
    with pytest.raises(ValidationError, match="すでに別の記録に統合"):
        merging.merge_persons(actor=director, survivor=survivor, merged=absorbed, reason="もう一度")
    with pytest.raises(ValidationError, match="すでに別の記録に統合"):
        merging.merge_persons(actor=director, survivor=absorbed, merged=survivor, reason="逆向き")
    assert PersonMerge.objects.count() == 1


def test_a_merge_needs_a_reason(pair, director):
    with pytest.raises(ValidationError, match="理由"):
        merging.merge_persons(actor=director, survivor=pair[0], merged=pair[1], reason="  ")


def test_two_current_placements_refuse_the_merge_in_japanese_and_nothing_moves(pair, director, worker):
    survivor, absorbed = pair
    _fill(survivor, worker)
    case = _fill(absorbed, worker)
    with pytest.raises(ValidationError, match="両方の記録にあり"):
        merging.merge_persons(actor=director, survivor=survivor, merged=absorbed, reason="同一人物")
    assert Case.objects.get(pk=case.pk).person_id == absorbed.pk
    assert Person.objects.get(pk=absorbed.pk).merged_into_id is None


# --- pages ---------------------------------------------------------------------------------------------


def test_director_compares_both_records_and_merges_them(pair, director_client, worker):
    survivor, absorbed = pair
    case = CaseFactory(person=absorbed, main_staff=worker)
    chooser = director_client.get(reverse("people:merge_choose", args=[survivor.pk]))
    assert chooser.status_code == 200
    confirm_url = reverse("people:merge_confirm", args=[survivor.pk, absorbed.pk])
    assert confirm_url in chooser.content.decode()
    page = director_client.get(confirm_url)
    text = page.content.decode()
    assert page.status_code == 200 and "齋藤 一朗" in text and "斎藤 一郎" in text and "支援ケース 1件" in text
    refused = director_client.post(confirm_url, {"reason": ""})
    assert refused.status_code == 200 and "統合の理由を入力してください" in refused.content.decode()
    done = director_client.post(confirm_url, {"reason": "旧姓で二重登録されていた"})
    assert done.status_code == 302 and done["Location"] == reverse("people:detail", args=[survivor.pk])
    assert Case.objects.get(pk=case.pk).person_id == survivor.pk
    old = director_client.get(reverse("people:detail", args=[absorbed.pk]), follow=True)
    assert old.redirect_chain[-1][0] == reverse("people:detail", args=[survivor.pk])
    assert "統合済み" in old.content.decode()
    history = director_client.get(reverse("people:merge_history"))
    assert history.status_code == 200 and "旧姓で二重登録されていた" in history.content.decode()


def test_merge_by_number_leads_to_the_confirm_page(pair, director_client):
    response = director_client.get(reverse("people:merge_choose", args=[pair[0].pk]), {"other": pair[1].pk})
    assert response["Location"] == reverse("people:merge_confirm", args=[pair[0].pk, pair[1].pk])


def test_worker_and_auditor_may_not_merge_but_the_auditor_reads_the_history(pair, worker_client, auditor_client):
    url = reverse("people:merge_confirm", args=[pair[0].pk, pair[1].pk])
    assert worker_client.get(url).status_code == 403
    assert worker_client.post(url, {"reason": "同一人物"}).status_code == 403
    assert auditor_client.get(url).status_code == 403
    assert auditor_client.get(reverse("people:merge_history")).status_code == 200
    assert worker_client.get(reverse("people:merge_history")).status_code == 403
    assert not PersonMerge.objects.exists()


def test_another_centers_record_is_not_found_on_the_merge_pages(pair, director_client, other_center):
    stranger = PersonFactory(center=other_center)
    assert director_client.get(reverse("people:merge_confirm", args=[pair[0].pk, stranger.pk])).status_code == 404
    assert director_client.post(reverse("people:merge_confirm", args=[stranger.pk, pair[0].pk]),
                                {"reason": "同一人物"}).status_code == 404
    assert director_client.get(reverse("people:merge_choose", args=[stranger.pk])).status_code == 404
    assert not PersonMerge.objects.exists()
