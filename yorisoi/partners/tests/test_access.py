"""Who reaches which page of the directory: own center only (another center's rows answer 404), and
auditors never write."""

import pytest

from yorisoi.partners.models import OrganizationKind
from yorisoi.partners.tests.factories import ContactFactory, OrganizationFactory, OutreachFactory
from yorisoi.privacy.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(center):
    org = OrganizationFactory(center=center, name="みどり市障害福祉課")
    contact = ContactFactory(organization=org)
    outreach = OutreachFactory(center=center, organizations=[org])
    kind = OrganizationKind.objects.create(center=center, code="c-own", label="フードバンク")
    return {"org": org, "contact": contact, "outreach": outreach, "kind": kind}


def object_urls(rows) -> list[str]:
    org, contact, outreach, kind = rows["org"], rows["contact"], rows["outreach"], rows["kind"]
    return [
        f"/partners/{org.pk}/", f"/partners/{org.pk}/edit/", f"/partners/{org.pk}/contacts/new/",
        f"/partners/contacts/{contact.pk}/edit/", f"/partners/contacts/{contact.pk}/end/",
        f"/partners/outreach/{outreach.pk}/", f"/partners/outreach/{outreach.pk}/edit/",
        f"/partners/kinds/{kind.pk}/edit/",
    ]


def write_urls(rows) -> list[str]:
    org, contact, outreach, kind = rows["org"], rows["contact"], rows["outreach"], rows["kind"]
    return [
        "/partners/new/", f"/partners/{org.pk}/edit/", f"/partners/{org.pk}/contacts/new/",
        f"/partners/contacts/{contact.pk}/edit/", f"/partners/contacts/{contact.pk}/end/",
        "/partners/outreach/new/", f"/partners/outreach/{outreach.pk}/edit/", f"/partners/kinds/{kind.pk}/edit/",
        "/partners/import/",
    ]


def test_outsider_gets_404_for_every_organization_url(rows, outsider_client):
    for url in object_urls(rows):
        # the kinds are set by directors: the rule refuses a worker (of any center) before the kind is read
        expected = 403 if "/kinds/" in url else 404
        assert outsider_client.get(url).status_code == expected, url
        assert outsider_client.post(url, {"name": "上書き"}).status_code == expected, url
    rows["org"].refresh_from_db()
    assert rows["org"].name == "みどり市障害福祉課"


def test_outsider_answer_is_the_same_as_for_a_missing_organization(rows, outsider_client):
    foreign = outsider_client.get(f"/partners/{rows['org'].pk}/")
    missing = outsider_client.get("/partners/999999/")
    assert foreign.status_code == missing.status_code == 404


def test_list_shows_only_own_center(center, other_center, worker_client):
    OrganizationFactory(center=center, name="自センターの機関")
    OrganizationFactory(center=other_center, name="他センターの機関")
    body = worker_client.get("/partners/").content.decode()
    assert "自センターの機関" in body
    assert "他センターの機関" not in body


def test_other_centers_kinds_are_not_offered(center, other_center, worker_client):
    OrganizationKind.objects.create(center=other_center, code="c-x", label="他県だけの種別")
    body = worker_client.get("/partners/new/").content.decode()
    assert "他県だけの種別" not in body
    assert "自立準備ホーム" in body


def test_auditor_reads_every_page(rows, auditor_client):
    for url in ["/partners/", f"/partners/{rows['org'].pk}/", "/partners/not-contacted/", "/partners/outreach/",
                f"/partners/outreach/{rows['outreach'].pk}/", "/partners/kinds/"]:
        assert auditor_client.get(url).status_code == 200, url


def test_auditor_gets_403_on_every_write(rows, auditor_client):
    for url in write_urls(rows):
        assert auditor_client.get(url).status_code == 403, url
        assert auditor_client.post(url, {"name": "上書き"}).status_code == 403, url
    assert auditor_client.post("/partners/kinds/", {"label": "新種別"}).status_code == 403
    assert auditor_client.post("/partners/import/confirm/", {"token": "x"}).status_code == 403
    body = auditor_client.get(f"/partners/{rows['org'].pk}/").content.decode()
    assert "機関の情報を編集" not in body
    assert "担当者を追加" not in body


def test_auditor_may_export_and_the_export_is_logged(rows, auditor_client):
    response = auditor_client.get("/partners/export/?format=csv")
    assert response.status_code == 200
    assert AccessLog.objects.filter(action=AccessAction.EXPORT, section="partners").count() == 1


def test_clerk_keeps_the_directory_but_does_not_write_outreach(rows, clerk_client):
    assert clerk_client.get("/partners/new/").status_code == 200
    assert clerk_client.get(f"/partners/{rows['org'].pk}/edit/").status_code == 200
    assert clerk_client.get(f"/partners/{rows['org'].pk}/contacts/new/").status_code == 200
    assert clerk_client.get(f"/partners/contacts/{rows['contact'].pk}/end/").status_code == 200
    assert clerk_client.get("/partners/import/").status_code == 200
    assert clerk_client.get("/partners/outreach/new/").status_code == 403
    assert clerk_client.get(f"/partners/outreach/{rows['outreach'].pk}/edit/").status_code == 403


def test_only_directors_manage_kinds(rows, worker_client, director_client):
    assert worker_client.post("/partners/kinds/", {"label": "子ども食堂", "group": "welfare",
                                                   "sort_order": 300, "active": "on"}).status_code == 403
    assert worker_client.get(f"/partners/kinds/{rows['kind'].pk}/edit/").status_code == 403
    response = director_client.post("/partners/kinds/", {"label": "子ども食堂", "group": "welfare",
                                                         "sort_order": 300, "active": "on"})
    assert response.status_code == 302
    added = OrganizationKind.objects.get(label="子ども食堂")
    assert added.center_id == rows["org"].center_id


def test_shared_kinds_cannot_be_edited_by_a_director(director_client):
    shared = OrganizationKind.objects.get(center=None, code="hospital")
    assert director_client.get(f"/partners/kinds/{shared.pk}/edit/").status_code == 404


def test_a_director_cannot_add_a_kind_that_already_exists(director_client):
    response = director_client.post("/partners/kinds/", {"label": "自立準備ホーム", "group": "residential",
                                                         "sort_order": 1, "active": "on"})
    assert response.status_code == 200
    assert "すでにあります" in response.content.decode()


def test_anonymous_user_is_sent_to_log_in(rows, client):
    response = client.get("/partners/")
    assert response.status_code == 302
