"""Case-study material: the anonymised draft holds none of the person's identifying values, and it is released
only by its author once nothing identifying remains."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yorisoi.meetings import anonymise, services
from yorisoi.meetings.models import MaterialStatus
from yorisoi.people.tests.factories import ExternalContactFactory
from yorisoi.privacy.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def identified_case(case):
    person = case.person
    person.family_name, person.given_name = "寄添", "太郎"
    person.family_name_kana, person.given_name_kana = "ヨリソイ", "タロウ"
    person.aliases = "旧姓山川\nタロちゃん"
    person.birth_date = dt.date(1951, 3, 14)
    person.phone = "090-1111-2222"
    person.postal_code = "330-0063"
    person.prefecture, person.municipality, person.address_line = "埼玉県", "さいたま市浦和区", "高砂9-9-9"
    person.wishes = "寄添太郎です。さいたま市浦和区の高砂で、タロちゃんと呼ばれて暮らしたい。090-1111-2222に電話して。"
    person.save()
    case.referral_agency, case.referral_officer = "さいたま保護観察所", "観察官 山田一郎"
    case.release_place, case.expected_release_date = "川越少年刑務所", case.referral_date + dt.timedelta(days=40)
    case.save()
    ExternalContactFactory(person=person, name="弁護士 佐藤花子", agency="浦和中央法律事務所")
    return case


def test_no_identifying_value_of_the_person_survives_in_the_draft(worker, identified_case):
    material = services.draft_case_study(actor=worker, case=identified_case)
    values = anonymise.identifying_values(identified_case)
    for value in ("寄添", "太郎", "ヨリソイ", "タロウ", "旧姓山川", "タロちゃん", "090-1111-2222", "09011112222",
                  "330-0063", "さいたま市浦和区", "高砂9-9-9", identified_case.number, "さいたま保護観察所",
                  "観察官 山田一郎", "川越少年刑務所", "弁護士 佐藤花子", "浦和中央法律事務所", "1951-03-14",
                  "昭和26年3月14日", "1951年3月14日"):
        assert value in values, value
        assert value not in material.text, value
    assert "Aさん" in material.text and "70代" in material.text
    assert AccessLog.objects.filter(section="case_study", action="create", object_id=material.pk).exists()


def test_release_is_refused_while_the_author_left_an_identifying_value_and_allowed_once_removed(
        worker, identified_case):
    material = services.draft_case_study(actor=worker, case=identified_case)
    with pytest.raises(ValidationError):
        services.save_case_study(actor=worker, material=material, expected_version=material.version,
                                 text=material.text + "\n寄添さんは…", release=True)
    released = services.save_case_study(actor=worker, material=material, expected_version=material.version,
                                        text=material.text + "\n検討したいこと：本人との約束の仕方", release=True)
    assert released.status == MaterialStatus.RELEASED and released.released_at


def test_only_the_author_releases_the_material(worker, colleague, identified_case):
    material = services.draft_case_study(actor=worker, case=identified_case)
    with pytest.raises(PermissionDenied):
        services.save_case_study(actor=colleague, material=material, expected_version=material.version,
                                 text=material.text, release=True)


# --- the pages ----------------------------------------------------------------------------------------------------


@pytest.fixture
def case_study_meeting(center, worker, identified_case):
    from yorisoi.meetings.models import MeetingKind

    from .factories import MeetingFactory

    return MeetingFactory(center=center, kind=MeetingKind.CASE_STUDY, title="事例検討会", cases=[identified_case],
                          staff=[worker])


def _draft(client, meeting, case):
    from django.urls import reverse

    from yorisoi.meetings.models import CaseStudyMaterial

    response = client.post(reverse("meetings:material_draft", args=[meeting.pk, case.pk]))
    material = CaseStudyMaterial.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("meetings:material", args=[material.pk])
    return material


def test_the_author_drafts_material_from_a_case_study_meeting_and_sees_the_anonymised_text(
        worker_client, case_study_meeting, identified_case):
    from django.urls import reverse

    detail = worker_client.get(reverse("meetings:detail", args=[case_study_meeting.pk])).content.decode()
    assert reverse("meetings:material_draft", args=[case_study_meeting.pk, identified_case.pk]) in detail
    material = _draft(worker_client, case_study_meeting, identified_case)
    page = worker_client.get(reverse("meetings:material", args=[material.pk])).content.decode()
    assert "Aさん" in page and "確かめたので公開する" in page
    assert "寄添" not in page.split('name="text"')[1].split("</textarea>")[0]
    assert AccessLog.objects.filter(section="case_study", action="view", object_id=material.pk).exists()


def test_release_from_the_page_is_refused_while_an_identifying_value_remains_then_accepted(
        worker_client, case_study_meeting, identified_case):
    from django.urls import reverse

    material = _draft(worker_client, case_study_meeting, identified_case)
    url = reverse("meetings:material", args=[material.pk])
    refused = worker_client.post(url, {"text": material.text + "\n寄添さんの件", "version": material.version,
                                       "release": "1"})
    assert refused.status_code == 200
    assert "本人を特定できる記載が1か所残っています" in refused.content.decode()
    material.refresh_from_db()
    assert material.status == MaterialStatus.DRAFT
    accepted = worker_client.post(url, {"text": material.text + "\n検討したいこと：約束の仕方",
                                        "version": material.version, "release": "1"})
    assert accepted.status_code == 302
    material.refresh_from_db()
    assert material.status == MaterialStatus.RELEASED and "約束の仕方" in material.text


def test_others_see_only_released_material_and_cannot_edit_it(
        worker_client, colleague_client, case_study_meeting, identified_case):
    from django.urls import reverse

    material = _draft(worker_client, case_study_meeting, identified_case)
    url = reverse("meetings:material", args=[material.pk])
    meeting_url = reverse("meetings:detail", args=[case_study_meeting.pk])
    assert colleague_client.get(url).status_code == 404
    assert colleague_client.get(reverse("meetings:material_print", args=[material.pk])).status_code == 404
    assert url not in colleague_client.get(meeting_url).content.decode()
    services.save_case_study(actor=material.author, material=material, expected_version=material.version,
                             text=material.text, release=True)
    page = colleague_client.get(url).content.decode()
    assert "Aさん" in page and 'name="text"' not in page and url in colleague_client.get(meeting_url).content.decode()
    assert colleague_client.post(url, {"text": "書き換え", "version": 2, "release": "1"}).status_code == 403
    printed = colleague_client.get(reverse("meetings:material_print", args=[material.pk]))
    assert printed.status_code == 200 and "事例検討の資料" in printed.content.decode()
    assert AccessLog.objects.filter(section="case_study", action="print", object_id=material.pk).exists()


def test_material_is_drafted_only_from_a_case_study_meeting(worker_client, center, worker, identified_case):
    from django.urls import reverse

    from yorisoi.meetings.models import CaseStudyMaterial

    from .factories import MeetingFactory

    conference = MeetingFactory(center=center, cases=[identified_case], staff=[worker])
    response = worker_client.post(reverse("meetings:material_draft", args=[conference.pk, identified_case.pk]))
    assert response.status_code == 404 and not CaseStudyMaterial.objects.exists()
    with pytest.raises(ValidationError):
        services.draft_case_study(actor=worker, case=identified_case, meeting=conference)
