"""Templates that fit the person: the proposal at case opening (age, certificates, 住民票) with a reason for each,
the contact of the person's municipality, the worker's confirmation, and cancelling along the waiting chain."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from yorisoi.cases.models import CaseKind
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.partners.tests.factories import OrganizationFactory, kind
from yorisoi.people.models import CertificateKind, RegistrationStatus
from yorisoi.people.tests.factories import CertificateFactory, PersonFactory
from yorisoi.procedures import services
from yorisoi.procedures.models import CaseProcedure, ProcedureStatus, ReferenceDates

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)  # Friday 12:00 in Japan
RELEASE = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOON, tick=False):
        yield


def _case(center, worker, *, born, kind=CaseKind.ENTRANCE, **person):
    person = PersonFactory(center=center, birth_date=born, municipality="架空市", **person)
    return CaseFactory(person=person, main_staff=worker, kind=kind, expected_release_date=RELEASE)


def _by_title(proposals):
    return {p.item.display_title: p for p in proposals}


def _titles(case):
    return set(CaseProcedure.objects.filter(case=case).exclude(status=ProcedureStatus.CANCELLED)
               .values_list("title", flat=True))


def test_a_72_year_old_is_proposed_care_assessment_and_not_a_rehabilitation_certificate(center, worker):
    case = _case(center, worker, born=dt.date(1954, 6, 1))
    proposals = _by_title(services.proposals_for(case=case, actor=worker))
    assert proposals["要介護認定"].fit.fits is True
    assert proposals["要介護認定"].fit.reason_text == "65歳以上（72歳）"
    assert proposals["療育手帳の申請"].fit.fits is False
    assert "65歳以上（72歳）" in proposals["療育手帳の申請"].fit.reason_text
    assert proposals["療育手帳の交付"].fit.fits is False  # the chain follows its first step
    assert proposals["生活保護申請"].fit.reason_text == "標準の手続き（誰にでも）"
    added = {p.title for p in services.apply_case_template(case=case, actor=worker)}
    assert {"要介護認定", "年金（老齢年金の確認）", "生活保護申請"} <= added
    assert not added & {"療育手帳の申請", "療育手帳の判定", "障害支援区分認定調査"}


def test_a_36_year_old_with_a_rehabilitation_certificate_gets_disability_procedures_not_care(center, worker):
    case = _case(center, worker, born=dt.date(1990, 5, 10), kind=CaseKind.EXIT)
    CertificateFactory(person=case.person, kind=CertificateKind.INTELLECTUAL, grade="B")
    proposals = _by_title(services.proposals_for(case=case, actor=worker))
    assert proposals["要介護認定"].fit.fits is False and "65歳未満（36歳）" in proposals["要介護認定"].fit.reason_text
    assert proposals["障害支援区分認定調査"].fit.fits is True
    assert proposals["療育手帳の申請"].fit.fits is False
    assert "療育手帳 B（中軽度）を持っている" in proposals["療育手帳の申請"].fit.reason_text
    # a physical certificate is for the worker to decide: proposed, not ticked, not added by itself
    shintai = proposals["身体障害者手帳の申請"]
    assert shintai.fit.fits is True and shintai.item.proposal_only and not shintai.ticked
    added = {p.title for p in services.apply_case_template(case=case, actor=worker)}
    assert "障害支援区分認定調査" in added and "年金" in added
    assert not added & {"要介護認定", "身体障害者手帳の申請", "療育手帳の申請"}


def test_a_deleted_registration_puts_the_recovery_of_the_registration_first(center, worker):
    case = _case(center, worker, born=dt.date(1970, 1, 1), registration_status=RegistrationStatus.DELETED,
                 registration_municipality="架空町")
    added = {p.title: p for p in services.apply_case_template(case=case, actor=worker)}
    first = added["住民票の回復（職権消除・不明：前住所地と先に調整）"]
    assert "住民票の回復" not in added
    assert first.due_date < RELEASE  # before the release, unlike the usual 3 business days after
    assert first.due_date == min(p.due_date for p in added.values() if p.due_date)


def test_no_fixed_abode_with_an_unchecked_registration_counts_as_unclear(center, worker):
    case = _case(center, worker, born=dt.date(1970, 1, 1), no_fixed_abode=True)
    proposals = _by_title(services.proposals_for(case=case, actor=worker))
    assert proposals["住民票の回復（職権消除・不明：前住所地と先に調整）"].fit.fits is True
    assert proposals["住民票の回復（職権消除・不明：前住所地と先に調整）"].fit.reason_text == "住民票：未確認・住居不定"
    assert proposals["住民票の回復"].fit.fits is False


def test_without_a_birth_date_age_bound_items_are_left_to_the_worker(center, worker):
    case = _case(center, worker, born=None)
    proposals = _by_title(services.proposals_for(case=case, actor=worker))
    care = proposals["要介護認定"]
    assert care.fit.fits is None and not care.ticked
    assert care.fit.reason_text == "生年月日が未登録のため年齢で判断できません"
    assert "要介護認定" not in {p.title for p in services.apply_case_template(case=case, actor=worker)}


def test_a_proposed_procedure_names_the_right_department_of_the_persons_municipality(center, worker, other_center):
    elderly = OrganizationFactory(center=center, kind=kind("municipality"), name="架空市役所", department="高齢介護課",
                                  municipality="架空市")
    OrganizationFactory(center=center, kind=kind("municipality"), name="架空市役所", department="生活福祉課",
                        municipality="架空市")
    OrganizationFactory(center=center, kind=kind("municipality"), name="別の市役所", department="高齢介護課",
                        municipality="別市")
    OrganizationFactory(center=other_center, kind=kind("municipality"), name="架空市役所（他センター）",
                        department="高齢介護課", municipality="架空市")
    case = _case(center, worker, born=dt.date(1950, 1, 1))
    added = {p.title: p for p in services.apply_case_template(case=case, actor=worker)}
    assert added["要介護認定"].organization == elderly
    assert added["生活保護申請"].organization.department == "生活福祉課"
    assert added["受診・無料低額診療"].organization is None  # no hospital in the directory


def test_the_worker_confirms_the_proposal_unticking_one_and_ticking_another(center, worker, worker_client):
    case = _case(center, worker, born=dt.date(1990, 5, 10), kind=CaseKind.EXIT)
    services.apply_case_template(case=case, actor=worker)
    page = worker_client.get(reverse("procedures:case", args=[case.pk])).content.decode()
    assert "手続きの提案を確認する" in page
    proposals = _by_title(services.proposals_for(case=case, actor=worker))
    shown = worker_client.get(reverse("procedures:propose", args=[case.pk])).content.decode()
    assert "36歳" in shown and "65歳未満（36歳）" in shown and "この人には合わない手続き" in shown
    ticked = [p.item.pk for p in proposals.values() if p.ticked and p.item.display_title != "年金"]
    ticked.append(proposals["身体障害者手帳の申請"].item.pk)
    response = worker_client.post(reverse("procedures:propose", args=[case.pk]),
                                  {"template": proposals["年金"].item.template_id, "items": ticked})
    assert response.status_code == 302
    assert CaseProcedure.objects.get(case=case, title="年金").status == ProcedureStatus.CANCELLED
    assert "身体障害者手帳の申請" in _titles(case)
    assert ReferenceDates.objects.get(case=case).proposals_confirmed_by == worker
    page = worker_client.get(reverse("procedures:case", args=[case.pk])).content.decode()
    assert "手続きの提案を確認する" not in page
    # ticked again later: the cancelled one is taken up again, not added twice
    worker_client.post(reverse("procedures:propose", args=[case.pk]),
                       {"template": proposals["年金"].item.template_id, "items": [*ticked, proposals["年金"].item.pk]})
    assert list(CaseProcedure.objects.filter(case=case, title="年金").values_list("status", flat=True)) == [
        ProcedureStatus.NOT_STARTED]


def test_opening_a_case_from_the_page_goes_on_to_the_proposal(center, worker, worker_client):
    person = PersonFactory(center=center, birth_date=dt.date(1954, 6, 1))
    response = worker_client.post(f"{reverse('cases:create')}?person={person.pk}", {
        "kind": "entrance", "referral_source": "prosecutor", "referral_date": "R8.11.20",
        "expected_release_date": "R8.11.27", "main_staff": worker.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    case = person.cases.get()
    assert response["Location"] == reverse("procedures:propose", args=[case.pk])


def test_a_template_item_of_another_template_is_refused(center, worker, worker_client):
    case = _case(center, worker, born=dt.date(1954, 6, 1))
    exit_case = _case(center, worker, born=dt.date(1954, 6, 1), kind=CaseKind.EXIT)
    foreign = services.proposals_for(case=exit_case, actor=worker)[0].item
    template = services.default_template_for(case, worker)
    response = worker_client.post(reverse("procedures:propose", args=[case.pk]),
                                  {"template": template.pk, "items": [foreign.pk]})
    assert response.status_code == 200
    assert "選択肢から選んでください" in response.content.decode()


# --- cancelling along the chain -------------------------------------------------------------------------


def _chain_case(center, worker):
    case = _case(center, worker, born=dt.date(1990, 5, 10))
    added = {p.title: p for p in services.apply_case_template(case=case, actor=worker)}
    return case, added["療育手帳の申請"]


def test_cancelling_a_step_others_wait_for_asks_first(center, worker, worker_client):
    case, apply = _chain_case(center, worker)
    url = reverse("procedures:status", args=[case.pk, apply.pk])
    response = worker_client.post(url, {"status": "cancelled", "version": apply.version})
    text = response.content.decode()
    assert response.status_code == 200
    assert "を不要にすると、次の手続きが待つ先を失います" in text
    assert "療育手帳の判定" in text and "療育手帳の交付" in text
    apply.refresh_from_db()
    assert apply.status == ProcedureStatus.NOT_STARTED  # nothing changed yet
    response = worker_client.post(url, {"status": "cancelled", "version": apply.version, "waiting": "cancel"})
    assert response.status_code == 302
    statuses = set(CaseProcedure.objects.filter(case=case, title__startswith="療育手帳")
                   .values_list("status", flat=True))
    assert statuses == {ProcedureStatus.CANCELLED}
    judged = CaseProcedure.objects.get(case=case, title="療育手帳の判定")
    assert judged.history.first().history_change_reason == "前の手続き「療育手帳の申請」を不要にしたため"


def test_keeping_the_waiting_steps_leaves_them_for_a_date_by_hand(center, worker):
    case, apply = _chain_case(center, worker)
    services.change_procedure_status(actor=worker, procedure=apply, expected_version=apply.version,
                                     status=ProcedureStatus.CANCELLED, waiting=services.WAITING_KEEP)
    judged = CaseProcedure.objects.get(case=case, title="療育手帳の判定")
    issued = CaseProcedure.objects.get(case=case, title="療育手帳の交付")
    assert judged.status == ProcedureStatus.NOT_STARTED and judged.depends_on is None
    assert not judged.follows_reference
    assert issued.depends_on == judged  # still waits for the judgement


def test_the_service_refuses_to_cancel_silently(center, worker):
    _, apply = _chain_case(center, worker)
    with pytest.raises(services.WaitingProceduresError) as raised:
        services.change_procedure_status(actor=worker, procedure=apply, expected_version=apply.version,
                                         status=ProcedureStatus.CANCELLED)
    assert [p.title for p in raised.value.chain] == ["療育手帳の判定", "療育手帳の交付"]
