"""Retention: per kind of record, how long a center keeps it after the person's last case closed (the director's
page), and `manage.py anonymise_expired`, which then replaces names, contacts and narratives in every related record
and their change history, keeps birth year and municipality for the statistics, and logs what it did."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from yorisoi.cases.models import ClosureOutcome, Phase
from yorisoi.cases.tests.factories import CaseFactory, CaseFlagFactory
from yorisoi.medical.models import Medication, UrgentRoute
from yorisoi.medical.tests.factories import MedicationFactory, UrgentRouteFactory
from yorisoi.operations.retention import anonymise
from yorisoi.operations.retention.kinds import ANONYMISED_NAME, KINDS
from yorisoi.operations.retention.rules import rules_for
from yorisoi.people.models import FamilyContact, Person
from yorisoi.people.tests.factories import ExternalContactFactory, FamilyContactFactory, PersonFactory
from yorisoi.privacy.models import AccessAction, AccessLog, Anonymisation, RetentionRule
from yorisoi.records.models import Activity
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

TODAY = "2026-11-23"
NAME, GIVEN, KANA = "鷲羽山", "澄香", "ワシュウザン"


def closed_case(center, *, ended: dt.date, **person):
    return CaseFactory(person=PersonFactory(center=center, **person), phase=Phase.CLOSED, end_date=ended,
                       closure_outcome=ClosureOutcome.values[0])


@pytest.fixture
def expired(center, worker):
    """A person whose only case closed more than five years ago, with a record of every kind nearby."""
    case = closed_case(center, ended=dt.date(2020, 3, 31), family_name=NAME, given_name=GIVEN,
                       family_name_kana=KANA, phone="090-1111-2222", birth_date=dt.date(1958, 7, 14),
                       municipality="みどり市", justice_details=f"{NAME}さんの事件の概要（架空）")
    person = case.person
    ActivityFactory(case=case, author=worker, narrative=f"{NAME}さんと面接した（架空）", counterpart="本人の姉（架空）")
    FamilyContactFactory(person=person, name="鷲羽山 花子")
    MedicationFactory(person=person, name="架空錠（鷲羽山さん用）")
    UrgentRouteFactory(person=person, note="鷲羽山さんの保険証は引き出し")
    ExternalContactFactory(person=person, name="架空 観察官")
    CaseFlagFactory(case=case, label="本人が名付けた独自の注意（架空）", instruction="鷲羽山さんの元交際相手に注意")
    person.refresh_from_db()
    person.family_name_kana = KANA  # a later edit, so that the history holds the name twice
    person.save()
    return person


def run(*args):
    call_command("anonymise_expired", "--yes", "--today", TODAY, *args)


def test_an_expired_person_is_anonymised_in_every_related_record_keeping_birth_year_and_municipality(expired):
    run()
    person = Person._base_manager.get(pk=expired.pk)
    assert person.family_name == ANONYMISED_NAME and person.given_name == str(person.pk)
    assert person.phone == "" and person.justice_details == ""
    assert person.birth_date == dt.date(1958, 1, 1)  # the year only
    assert person.municipality == "みどり市" and person.sex == expired.sex  # kept for the statistics
    assert person.anonymised_at is not None
    activity = Activity._base_manager.get(person=person)
    assert NAME not in activity.narrative and activity.counterpart == ""
    assert activity.kind and activity.occurred_at  # kind and date stay
    assert not FamilyContact._base_manager.filter(person=person).exists()  # deleted
    assert not Medication.objects.filter(person=person).exists()  # 医療連携: deleted
    assert not UrgentRoute.objects.filter(person=person).exists()
    external = person.external_contacts.get()
    assert "観察官" not in external.name
    flag = person.cases.get().flags.get()
    assert flag.label == "その他（匿名化済み）" and flag.instruction == ""


def test_the_change_history_no_longer_holds_the_old_values(expired):
    assert Person.history.filter(id=expired.pk, family_name=NAME).exists()
    run()
    assert not Person.history.filter(id=expired.pk, family_name=NAME).exists()
    assert not Person.history.filter(id=expired.pk, family_name_kana=KANA).exists()
    assert Person.history.filter(id=expired.pk).count() == 1  # one row: the anonymised state
    narratives = [h.narrative for h in Activity.history.filter(person_id=expired.pk)]
    assert narratives and all(NAME not in n for n in narratives)


def test_the_run_is_logged_with_counts_and_without_names(expired):
    run()
    rows = AccessLog.objects.filter(action=AccessAction.ANONYMISE)
    person_row = rows.get(person_id_value=expired.pk)
    assert person_row.username == "system:anonymise_expired" and person_row.center_id_value == expired.center_id
    assert "支援経過記録 1件" in person_row.detail and "基準日 2020-03-31" in person_row.detail
    summary = rows.get(person_id_value__isnull=True)
    assert "対象者 1人" in summary.detail
    for row in rows:
        assert NAME not in row.detail and GIVEN not in row.detail


def test_running_again_does_nothing_new(expired):
    run()
    before = Anonymisation.objects.count()
    assert anonymise.plan(today=dt.date.fromisoformat(TODAY)).people == []
    run()
    assert Anonymisation.objects.count() == before


def test_open_cases_and_recent_closures_are_kept(center, expired):
    open_case = CaseFactory(person=PersonFactory(center=center, family_name="進行中"), phase=Phase.INTAKE)
    recent = closed_case(center, ended=dt.date(2024, 3, 31), family_name="最近終結")
    run()
    assert Person.objects.get(pk=open_case.person_id).family_name == "進行中"
    assert Person.objects.get(pk=recent.person_id).family_name == "最近終結"


def test_a_shorter_period_for_support_records_anonymises_them_first_and_keeps_the_name(center, director):
    from yorisoi.operations.retention.rules import set_retention_rules

    case = closed_case(center, ended=dt.date(2023, 3, 31), family_name="記録のみ")
    ActivityFactory(case=case, narrative="記録のみさんの面接（架空）")
    years = rules_for(center.pk)
    set_retention_rules(actor=director, years={**years, "activity": 2})
    run()
    assert Person.objects.get(pk=case.person_id).family_name == "記録のみ"
    assert "記録のみ" not in Activity._base_manager.get(case=case).narrative


def test_a_provision_record_within_its_legal_period_keeps_the_name(center, worker, settings, tmp_path):
    from yorisoi.disclosure.models import Basis, Purpose
    from yorisoi.disclosure.services import provide_information
    from yorisoi.disclosure.tests.factories import AgreementFactory, ConsentFactory, municipality

    settings.MEDIA_ROOT = str(tmp_path)
    case = closed_case(center, ended=dt.date(2020, 3, 31), family_name="提供記録あり")
    case.phase, case.end_date, case.closure_outcome = Phase.INTAKE, None, ""  # provide while the case is open
    case.save()
    ConsentFactory(person=case.person)
    city = municipality(center)
    AgreementFactory(organization=city, valid_from=dt.date(2020, 4, 1), valid_to=None)
    provide_information(actor=worker, person=case.person, recipient=city, purpose=Purpose.WELFARE,
                        item_codes=["phone"], basis=Basis.CONSENT)
    case.phase, case.end_date, case.closure_outcome = Phase.CLOSED, dt.date(2020, 3, 31), ClosureOutcome.values[0]
    case.save()
    plan = anonymise.plan(today=dt.date.fromisoformat(TODAY))
    assert [item.held for item in plan.people if item.person_id == case.person_id] == [True]
    run()
    assert Person.objects.get(pk=case.person_id).family_name == "提供記録あり"


def test_dry_run_and_a_missing_yes_change_nothing(expired):
    call_command("anonymise_expired", "--dry-run", "--today", TODAY)
    with pytest.raises(CommandError, match="--yes"):
        call_command("anonymise_expired", "--today", TODAY)
    assert Person.objects.get(pk=expired.pk).family_name == NAME
    assert not AccessLog.objects.filter(action=AccessAction.ANONYMISE).exists()


def test_an_anonymised_person_page_still_opens(expired, director_client):
    run()
    page = director_client.get(f"/people/{expired.pk}/")
    assert page.status_code == 200 and ANONYMISED_NAME in page.content.decode()


# --- the page -----------------------------------------------------------------------------------------------------


URL = "/operations/retention/"


def years_form(center, **changes):
    return {**rules_for(center.pk), **changes}


def test_the_director_changes_a_period_and_it_is_logged_with_its_history(center, director, director_client):
    page = director_client.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    for kind in KINDS:
        assert kind.label in body
    response = director_client.post(URL, years_form(center, activity=3))
    assert response.status_code == 302
    assert RetentionRule.objects.get(center=center, kind="activity").years == 3
    log = AccessLog.objects.get(section="retention", action=AccessAction.UPDATE)
    assert log.staff == director and "activity 5年→3年" in log.detail
    history = director_client.get(URL).content.decode()
    assert "支援経過記録" in history and str(director) in history


def test_the_person_period_must_cover_every_other_kind(center, director_client):
    response = director_client.post(URL, years_form(center, person=5, activity=8))
    assert response.status_code == 200
    body = response.content.decode()
    assert "対象者の保存期間は、ほかの記録の最も長い期間（8年）以上にしてください。" in body
    assert 'value="8"' in body  # what was typed stays
    assert not RetentionRule.objects.exists()


def test_the_disclosure_records_are_kept_at_least_the_legal_period(center, director_client):
    response = director_client.post(URL, years_form(center, disclosure=1))
    assert "3年以上にしてください" in response.content.decode()


def test_a_word_instead_of_years_is_a_message_not_an_error(center, director_client):
    response = director_client.post(URL, years_form(center, activity="五"))
    assert response.status_code == 200 and "数字で入力してください" in response.content.decode()


def test_the_page_shows_what_the_next_run_would_do(expired, director_client):
    page = director_client.get(URL)
    assert page.context["preview"]["persons"] == 1


def test_auditors_read_the_periods_and_may_not_change_them(center, auditor_client):
    page = auditor_client.get(URL)
    assert page.status_code == 200 and "保存期間を変更できるのは管理者です。" in page.content.decode()
    assert auditor_client.post(URL, years_form(center, activity=3)).status_code == 403
    assert not RetentionRule.objects.exists()


def test_workers_and_clerks_do_not_open_the_page(worker_client, clerk_client):
    for client in (worker_client, clerk_client):
        assert client.get(URL).status_code == 403


def test_the_page_uses_the_reverse_name():
    assert reverse("operations:retention") == URL
