"""The person and case lists offer 「一覧を出力（申請）」 to the roles that may ask for that export, and the button
leads into the export-request flow (never straight to a file)."""

from django.urls import reverse


def test_the_person_list_offers_an_export_request_to_a_worker_and_not_to_an_auditor(worker_client, auditor_client):
    assert "一覧を出力（申請）" in worker_client.get(reverse("people:list")).content.decode()
    assert "一覧を出力（申請）" not in auditor_client.get(reverse("people:list")).content.decode()


def test_the_case_list_button_carries_the_filters_into_the_request(worker_client, auditor_client):
    body = worker_client.get(reverse("cases:list") + "?mine=1").content.decode()
    assert f'{reverse("reports:export_create")}?target=cases&amp;mine=1' in body
    assert "一覧を出力（申請）" not in auditor_client.get(reverse("cases:list")).content.decode()


def test_the_person_list_button_opens_the_request_form(worker_client):
    response = worker_client.post(reverse("reports:export_create") + "?target=persons", {"start": "1", "q": ""})
    assert response.status_code == 200
    assert "理由" in response.content.decode()


def test_the_password_change_link_is_in_the_header(worker_client):
    assert reverse("accounts:password_change") in worker_client.get(reverse("home")).content.decode()
