"""The catalogue of procedure types and the templates: seeded shared rows; directors add, edit, hide, copy."""

import pytest
from django.urls import reverse

from yorisoi.procedures.models import CaseTemplate, CaseTemplateItem, ProcedureType, ReferenceKind
from yorisoi.procedures.tests.factories import procedure_type

pytestmark = pytest.mark.django_db

SEEDED = ["住民票の回復", "生活保護申請", "援護の実施者の確定", "身体障害者手帳", "療育手帳", "精神障害者保健福祉手帳",
          "障害支援区分認定調査", "要介護認定", "受診・無料低額診療", "健康保険", "年金", "身分証明書", "銀行口座",
          "携帯電話", "債務整理"]


def test_the_shared_catalogue_is_seeded():
    assert list(ProcedureType.objects.filter(center=None).values_list("name", flat=True)) == SEEDED
    assert "14日以内" in procedure_type("public_assistance").duration_notes
    assert "30日" in procedure_type("public_assistance").duration_notes
    assert procedure_type("mental_health_certificate").renewal_months == 24
    assert "30日以内" in procedure_type("care_level").duration_notes
    assert procedure_type("resident_registration").responsible_kind.code == "municipality"
    assert set(CaseTemplate.objects.filter(center=None).values_list("case_kind", flat=True)) == {"entrance", "exit"}


def test_everyone_reads_the_catalogue(center, worker_client, clerk_client, auditor_client):
    for client in (worker_client, clerk_client, auditor_client):
        body = client.get(reverse("procedures:types")).content.decode()
        assert "精神障害者保健福祉手帳" in body and "24か月ごとに更新" in body
        assert client.get(reverse("procedures:templates")).status_code == 200


def test_director_adds_and_edits_a_center_type(center, director_client, worker_client):
    data = {"name": "成年後見の申立て", "category": "legal", "usual_steps": "家庭裁判所へ相談\n申立て",
            "responsible_kind": "", "duration_notes": "", "renewal_months": "", "sort_order": "500", "active": "on"}
    assert worker_client.post(reverse("procedures:types"), data).status_code == 403
    assert director_client.post(reverse("procedures:types"), data).status_code == 302
    added = ProcedureType.objects.get(center=center)
    assert added.step_list == ["家庭裁判所へ相談", "申立て"]
    duplicate = director_client.post(reverse("procedures:types"), {**data, "name": "年金"})
    assert "同じ名前の手続きがすでにあります。" in duplicate.content.decode()
    response = director_client.post(reverse("procedures:type_edit", args=[added.pk]), {**data, "active": ""})
    assert response.status_code == 302
    added.refresh_from_db()
    assert not added.active


def test_a_shared_type_is_hidden_not_edited(center, director_client):
    shared = procedure_type("mobile_phone")
    assert director_client.get(reverse("procedures:type_edit", args=[shared.pk])).status_code == 404
    assert director_client.post(reverse("procedures:type_hidden", args=[shared.pk]), {"hidden": "1"}).status_code == 302
    assert shared.hidden_by.filter(pk=center.pk).exists()
    body = director_client.get(reverse("procedures:types")).content.decode()
    assert "このセンターでは使わない" in body


def test_another_centers_type_is_404(other_center, director_client):
    foreign = ProcedureType.objects.create(center=other_center, code="x-1", name="他県の手続き")
    assert director_client.get(reverse("procedures:type_edit", args=[foreign.pk])).status_code == 404
    assert "他県の手続き" not in director_client.get(reverse("procedures:types")).content.decode()


def test_director_copies_a_shared_template_and_changes_it(center, director_client, worker_client):
    shared = CaseTemplate.objects.get(center=None, case_kind="exit")
    assert worker_client.post(reverse("procedures:template_copy", args=[shared.pk])).status_code == 403
    assert director_client.get(reverse("procedures:template_edit", args=[shared.pk])).status_code == 404
    response = director_client.post(reverse("procedures:template_copy", args=[shared.pk]))
    copy = CaseTemplate.objects.get(center=center)
    assert response.url == reverse("procedures:template_detail", args=[copy.pk])
    assert copy.items.count() == shared.items.count()
    issue = copy.items.get(title="身体障害者手帳の交付")
    assert issue.after.title == "身体障害者手帳の判定" and issue.after.template == copy

    item_url = reverse("procedures:template_item_add", args=[copy.pk])
    data = {"procedure_type": procedure_type("debt_arrangement").pk, "title": "", "reference": ReferenceKind.PREVIOUS,
            "offset_days": "7", "offset_unit": "calendar", "after": "", "sort_order": "900"}
    refused = director_client.post(item_url, data)
    assert "前の手続きを選んでください" in refused.content.decode()
    assert director_client.post(item_url, {**data, "after": issue.pk}).status_code == 302
    assert copy.items.filter(procedure_type=procedure_type("debt_arrangement"), after=issue).exists()


def test_an_item_others_wait_for_cannot_be_removed(center, director, director_client):
    from yorisoi.procedures import services

    copy = services.copy_template(actor=director, template=CaseTemplate.objects.get(center=None, case_kind="exit"))
    assess = copy.items.get(title="身体障害者手帳の判定")
    response = director_client.post(reverse("procedures:template_item_delete", args=[copy.pk, assess.pk]))
    assert response.status_code == 302
    assert CaseTemplateItem.objects.filter(pk=assess.pk).exists()
    issue = copy.items.get(title="身体障害者手帳の交付")
    director_client.post(reverse("procedures:template_item_delete", args=[copy.pk, issue.pk]))
    assert not CaseTemplateItem.objects.filter(pk=issue.pk).exists()


def test_an_item_cannot_follow_itself_round_a_circle(center, director):
    from django.core.exceptions import ValidationError

    from yorisoi.procedures import services

    template = services.add_template(actor=director, name="循環テスト", case_kind="entrance")
    first = services.add_template_item(actor=director, template=template, procedure_type=procedure_type(),
                                       reference=ReferenceKind.RELEASE, offset_days=0, offset_unit="calendar")
    second = services.add_template_item(actor=director, template=template, procedure_type=procedure_type(),
                                        reference=ReferenceKind.PREVIOUS, after=first, offset_days=3,
                                        offset_unit="calendar")
    with pytest.raises(ValidationError):
        services.update_template_item(actor=director, item=first, reference=ReferenceKind.PREVIOUS, after=second)


def test_outsider_gets_404_for_this_centers_template(center, director, outsider_client):
    from yorisoi.procedures import services

    own = services.add_template(actor=director, name="このセンターのテンプレート", case_kind="entrance")
    assert outsider_client.get(reverse("procedures:template_detail", args=[own.pk])).status_code == 404
    # copying is for directors: the rule refuses a worker (of any center) before the template is read
    assert outsider_client.post(reverse("procedures:template_copy", args=[own.pk])).status_code == 403
