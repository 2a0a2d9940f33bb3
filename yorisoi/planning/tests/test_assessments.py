"""Assessments: create, edit (no lost update), history, side-by-side comparison, what each role sees."""

import pytest
from django.urls import reverse

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.planning.models import Assessment, AssessmentDomain, AssessmentDomainEntry, AssessmentKind
from yorisoi.privacy.models import AccessLog

from .factories import domain, make_assessment

pytestmark = pytest.mark.django_db

HEALTH = ("糖尿病で通院が必要（架空）", "受診の同行", "high")
JUSTICE = ("起訴猶予、更生緊急保護を申出予定（架空）", "保護観察所との調整", "medium")
HOUSING = ("帰住先なし（架空）", "一時的な居所の確保", "high")


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker)


@pytest.fixture
def assessment(case, worker):
    return make_assessment(actor=worker, case=case, texts={"health": HEALTH, "justice": JUSTICE, "housing": HOUSING})


def _form(assessment=None, **domains) -> dict:
    data = {"kind": AssessmentKind.MINIMAL, "assessed_on": "R8.11.2", "assessor": "", "summary": ""}
    if assessment is not None:
        data["version"] = assessment.version
        data["kind"] = assessment.kind
        for entry in assessment.entries.all():
            data.update({f"d{entry.domain_id}_findings": entry.findings, f"d{entry.domain_id}_needs": entry.needs,
                         f"d{entry.domain_id}_level": entry.level})
    for code, (findings, needs, level) in domains.items():
        pk = domain(code).pk
        data.update({f"d{pk}_findings": findings, f"d{pk}_needs": needs, f"d{pk}_level": level})
    return data


def test_the_nine_domains_are_data(db):
    labels = list(AssessmentDomain.objects.filter(active=True).values_list("label", flat=True))
    assert labels == ["健康・服薬", "障害", "日常生活", "住まい", "収入・債務", "家族・人間関係", "就労・日中活動",
                      "司法の状況", "本人の希望"]


def test_worker_records_a_minimal_assessment_with_a_row_per_domain(case, worker, worker_client):
    response = worker_client.post(reverse("planning:assessment_create", args=[case.pk]),
                                  _form(health=HEALTH, wishes=("「また働きたい」（架空）", "", "")))
    assert response.status_code == 302
    assessment = Assessment.objects.get(case=case)
    assert assessment.kind == AssessmentKind.MINIMAL
    assert assessment.entries.count() == AssessmentDomain.objects.filter(active=True).count()
    entry = assessment.entries.get(domain__code="health")
    assert (entry.findings, entry.needs, entry.level) == HEALTH
    assert response["Location"] == reverse("planning:assessment_detail", args=[case.pk, assessment.pk])


def test_findings_are_encrypted_in_the_database(assessment):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT findings FROM planning_assessmentdomainentry WHERE findings <> ''")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all("架空" not in value and "$gAAAAA" in value for value in stored)


def test_invalid_form_keeps_input_with_japanese_errors(case, worker_client):
    response = worker_client.post(reverse("planning:assessment_create", args=[case.pk]),
                                  {**_form(housing=HOUSING), "kind": "", "assessed_on": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "種類を選んでください。" in body
    assert "実施日を入力してください。" in body
    assert "帰住先なし（架空）" in body


def test_worker_edits_an_assessment_and_the_version_moves(assessment, worker_client):
    response = worker_client.post(reverse("planning:assessment_edit", args=[assessment.case_id, assessment.pk]),
                                  _form(assessment, housing=("自立準備ホームに入居（架空）", "", "low")))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.version == 2
    assert assessment.entries.get(domain__code="housing").findings == "自立準備ホームに入居（架空）"


def test_stale_edit_is_refused_with_409_naming_the_changed_domain(assessment, director_client, worker_client):
    url = reverse("planning:assessment_edit", args=[assessment.case_id, assessment.pk])
    opened = _form(assessment)
    first = director_client.post(url, {**opened, **_form(housing=("管理者が書いた住まいの所見（架空）", "", "high"))})
    assert first.status_code == 302
    second = worker_client.post(url, {**opened, **_form(work=("相談員の入力（架空）", "", ""))})
    assert second.status_code == 409
    body = second.content.decode()
    assert "保存できませんでした。" in body
    assert "住まい：所見（本人の状況）" in body and "管理者が書いた住まいの所見（架空）" in body
    assert "相談員の入力（架空）" in body  # what the worker typed stays on the page
    assert 'name="version" value="2"' in body
    assert not AssessmentDomainEntry.objects.filter(findings="相談員の入力（架空）").exists()


def test_worker_sees_every_domain(assessment, worker_client):
    body = worker_client.get(reverse("planning:assessment_detail", args=[assessment.case_id, assessment.pk])
                             ).content.decode()
    assert HEALTH[0] in body and JUSTICE[0] in body and HOUSING[0] in body


def test_clerk_sees_that_an_assessment_exists_but_no_findings(assessment, clerk_client):
    listing = clerk_client.get(reverse("planning:assessment_list", args=[assessment.case_id])).content.decode()
    assert "必要最低限のアセスメント" in listing and "令和8年11月2日" in listing
    detail = clerk_client.get(reverse("planning:assessment_detail", args=[assessment.case_id, assessment.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    for text in (HEALTH[0], JUSTICE[0], HOUSING[0], "司法の状況", "健康・服薬"):
        assert text not in body
    assert clerk_client.get(reverse("planning:assessment_compare", args=[assessment.case_id])).status_code == 403


def test_justice_domain_hidden_without_justice_rights_and_health_without_health_rights(assessment, worker):
    from dataclasses import replace

    from yorisoi.planning import selectors
    from yorisoi.planning.rules import planning_access

    full = planning_access(worker)
    no_justice = [r.domain.code for r in selectors.domain_rows(assessments=[assessment],
                                                               pa=replace(full, can_see_justice=False))]
    no_health = [r.domain.code for r in selectors.domain_rows(assessments=[assessment],
                                                              pa=replace(full, can_see_health=False))]
    assert "justice" not in no_justice and "health" in no_justice
    assert "health" not in no_health and "disability" not in no_health and "justice" in no_health


def test_auditor_reads_but_cannot_write(assessment, auditor_client):
    detail = auditor_client.get(reverse("planning:assessment_detail", args=[assessment.case_id, assessment.pk]))
    assert JUSTICE[0] in detail.content.decode()
    assert auditor_client.get(reverse("planning:assessment_create", args=[assessment.case_id])).status_code == 403
    edit = reverse("planning:assessment_edit", args=[assessment.case_id, assessment.pk])
    assert auditor_client.post(edit, _form(assessment)).status_code == 403


def test_clerk_cannot_write(assessment, clerk_client):
    assert clerk_client.get(reverse("planning:assessment_create", args=[assessment.case_id])).status_code == 403
    edit = reverse("planning:assessment_edit", args=[assessment.case_id, assessment.pk])
    assert clerk_client.post(edit, _form(assessment)).status_code == 403
    assert AccessLog.objects.filter(action="denied", section="planning.write").exists()


def test_outsider_gets_404_for_every_assessment_page(assessment, outsider_client):
    case_pk = assessment.case_id
    for url in (reverse("planning:assessment_list", args=[case_pk]),
                reverse("planning:assessment_create", args=[case_pk]),
                reverse("planning:assessment_compare", args=[case_pk]),
                reverse("planning:assessment_detail", args=[case_pk, assessment.pk]),
                reverse("planning:assessment_edit", args=[case_pk, assessment.pk])):
        assert outsider_client.get(url).status_code == 404, url


def test_assessment_of_another_case_is_404(assessment, center, worker, worker_client):
    other = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    url = reverse("planning:assessment_detail", args=[other.pk, assessment.pk])
    assert worker_client.get(url).status_code == 404


def test_comparison_marks_the_changed_domains_only(case, worker, worker_client):
    first = make_assessment(actor=worker, case=case, texts={"housing": HOUSING, "health": HEALTH})
    second = make_assessment(actor=worker, case=case, kind=AssessmentKind.FULL, assessed_on=first.assessed_on.replace(
        day=20), texts={"housing": ("自立準備ホームに入居（架空）", "アパート探し", "medium"), "health": HEALTH})
    response = worker_client.get(reverse("planning:assessment_compare", args=[case.pk]) +
                                 f"?a={first.pk}&b={second.pk}")
    assert response.status_code == 200
    rows = {r.domain.code: r for r in response.context["rows"]}
    assert rows["housing"].changed and not rows["health"].changed and not rows["work"].changed
    assert response.context["changed_count"] == 1
    body = response.content.decode()
    assert "1つの領域</strong>で内容が変わりました" in body
    assert "自立準備ホームに入居（架空）" in body and "帰住先なし（架空）" in body


def test_comparison_defaults_to_the_two_latest_oldest_on_the_left(case, worker, worker_client):
    first = make_assessment(actor=worker, case=case)
    second = make_assessment(actor=worker, case=case, kind=AssessmentKind.FULL,
                             assessed_on=first.assessed_on.replace(day=20))
    response = worker_client.get(reverse("planning:assessment_compare", args=[case.pk]))
    assert [a.pk for a in response.context["pair"]] == [first.pk, second.pk]


def test_reassessment_can_start_from_the_previous_one(assessment, worker_client):
    url = reverse("planning:assessment_create", args=[assessment.case_id]) + f"?kind=full&from={assessment.pk}"
    body = worker_client.get(url).content.decode()
    assert HOUSING[0] in body
    assert 'value="full" selected' in body
