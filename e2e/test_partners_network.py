"""The partner network in a real browser: a director extends the taxonomy; a worker registers an organization
with the postal-code look-up, records a contact and their transfer, outreach, sees the relationship history
and the not-contacted list, imports a list with bad rows (nothing imported) then a good one, and prints the
network map to PDF. Screenshots: var/screenshots/partners_*.png (and partners_network.pdf)."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.helpers import SCREENSHOTS, shot
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.partners.models import Organization, OrganizationContact, OrganizationKind
from yorisoi.partners.tests.factories import OrganizationFactory, OutreachFactory, kind
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.placements.tests.factories import ConnectionFactory, InquiryFactory, PlacementFactory, residence
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.e2e

OFFICE = "架空さいたま保護観察所"


def test_directory_contacts_outreach_history_and_not_contacted(logged_in, director, worker, center):
    # 1. The director adds a kind the seeds do not have.
    page = logged_in(director)
    page.goto("/partners/kinds/")
    page.locator("#id_label").fill("フードバンク")
    page.locator("#id_group").select_option(label="福祉・相談")
    with page.expect_navigation():  # the page is already at /partners/kinds/: wait for the answer to the post
        page.get_by_role("button", name="追加", exact=True).click()
    assert "種別「フードバンク」を追加しました。" in page.locator(".messages").inner_text()
    assert OrganizationKind.objects.filter(center=center, label="フードバンク").exists()
    shot(page, "partners_1_kinds")

    # 2. A worker registers the probation office; the postal code fills the address.
    page = logged_in(worker)
    page.goto("/partners/new/")
    page.locator("#id_name").fill(OFFICE)
    page.locator("#id_kind").select_option(label="保護観察所")
    page.locator("#id_department").fill("社会復帰対策担当")
    page.locator("#id_postal_code").fill("330-0063")
    page.get_by_role("button", name="郵便番号から住所を入力").click()
    page.locator("[data-postal-status]", has_text="を入力しました").wait_for()
    assert page.locator("#id_prefecture").input_value() == "埼玉県"
    assert page.locator("#id_municipality").input_value() == "さいたま市浦和区"
    page.locator("#id_address_line").fill("高砂3丁目（架空）")
    page.locator("#id_phone").fill("048-000-0000")
    page.locator("#id_fax").fill("048-000-0001")
    page.locator("#id_opening_hours").fill("平日 8:30〜17:15")
    shot(page, "partners_2_organization_form")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/partners/\d+/$"))
    office = Organization.objects.get(name=OFFICE)
    assert (office.prefecture, office.municipality) == ("埼玉県", "さいたま市浦和区")

    # 3. A contact, then the officer moves and a successor takes the post: the history of posts is kept.
    page.get_by_role("link", name="＋ 担当者を追加").click()
    page.locator("#id_name").fill("架空 一郎")
    page.locator("#id_title").fill("保護観察官")
    page.locator("#id_started_on").fill("2024-04-01")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(rf"/partners/{office.pk}/#contacts$"))
    page.locator("#contacts").get_by_role("link", name="異動・退職").click()
    page.locator("#id_ended_on").fill(timezone.localdate().isoformat())
    page.locator("#id_reason").select_option(label="異動")
    page.locator("#id_successor_name").fill("架空 次郎")
    page.get_by_role("button", name="記録する").click()
    page.wait_for_url(re.compile(rf"/partners/{office.pk}/#contacts$"))
    assert "架空 次郎" in page.locator("#contacts table").first.inner_text()
    page.locator("#contacts details summary").click()
    assert "後任：架空 次郎" in page.locator("#contacts details").inner_text()
    ended = OrganizationContact.objects.get(name="架空 一郎")
    assert ended.ended_on == timezone.localdate() and ended.successor.name == "架空 次郎"

    # 4. Outreach to the office; a support record naming it; both appear in its relationship history.
    page.goto(f"/partners/{office.pk}/")
    page.get_by_role("link", name="＋ 周知啓発を記録").click()
    page.locator("#id_held_on").fill((timezone.localdate() - dt.timedelta(days=3)).isoformat())
    page.locator("#id_title").fill("センターの業務説明（架空）")
    page.locator("#id_attendees").fill("12")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/partners/outreach/$"))
    assert "センターの業務説明（架空）" in page.locator("main").inner_text()
    shot(page, "partners_3a_outreach")
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker, number="2026-0101")
    ActivityFactory(case=case, author=worker, kind="phone", counterpart=f"{OFFICE} 保護観察官",
                    occurred_at=timezone.now() - dt.timedelta(days=1))
    page.goto(f"/partners/{office.pk}/")
    history = page.locator("#relationship").inner_text()
    assert "周知啓発" in history and "支援記録" in history and "ケース 2026-0101" in history
    assert "（1日前）" in page.locator(".partners-last-contact").inner_text()
    shot(page, "partners_3_organization_detail")

    # 5. The directory and the organizations not contacted for half a year.
    OrganizationFactory(center=center, name="架空市役所 障害福祉課", kind=kind("municipality"),
                        municipality="さいたま市浦和区")
    faded = OrganizationFactory(center=center, name="架空地域包括支援センター", kind=kind("community_support_center"))
    OutreachFactory(center=center, organizations=[faded], held_on=timezone.localdate() - dt.timedelta(days=400))
    page.goto("/partners/")
    assert OFFICE in page.locator("#organization-results").inner_text()
    shot(page, "partners_4_directory")
    page.get_by_role("link", name="しばらく連絡していない機関").click()
    page.wait_for_url(re.compile(r"/partners/not-contacted/"))
    listed = page.locator("main").inner_text()
    assert "架空地域包括支援センター" in listed and "架空市役所 障害福祉課" in listed and OFFICE not in listed
    shot(page, "partners_5_not_contacted")
    assert page.console_problems == []


def _csv(rows: list[str]) -> dict:
    text = "\n".join(["機関名,種別,郵便番号,市区町村,電話番号,定員", *rows]) + "\n"
    return {"name": "関係機関一覧.csv", "mimeType": "text/csv", "buffer": text.encode("cp932")}


def test_an_import_with_bad_rows_imports_nothing_then_a_good_one_is_previewed_and_imported(logged_in, worker,
                                                                                           center):
    page = logged_in(worker)
    page.goto("/partners/import/")
    page.locator("#id_file").set_input_files(_csv([
        "架空ホームあさひ,自立準備ホーム,330-0063,,048-111-2222,4",
        ",自立準備ホーム,,,,",
        "架空病院,存在しない種別,,,,",
        "架空クリニック,病院・診療所,,,電話,",
    ]))
    page.get_by_role("button", name="読み込んで確認する").click()
    errors = page.locator("main").inner_text()
    assert "3行目" in errors and "4行目" in errors and "5行目" in errors
    assert page.get_by_role("button", name=re.compile("^取り込む")).count() == 0
    assert not Organization.objects.filter(center=center).exists()
    shot(page, "partners_6_import_errors")

    page.goto("/partners/import/")
    page.locator("#id_file").set_input_files(_csv([
        "架空ホームあさひ,自立準備ホーム,330-0063,,048-111-2222,4",
        "架空クリニック,病院・診療所,,川口市,048-333-4444,",
    ]))
    page.get_by_role("button", name="読み込んで確認する").click()
    assert "新規" in page.locator("main").inner_text()
    shot(page, "partners_7_import_preview")
    page.get_by_role("button", name=re.compile("^取り込む")).click()
    page.wait_for_url(re.compile(r"/partners/$"))
    assert "新規 2件" in page.locator(".messages").inner_text()
    home = Organization.objects.get(center=center, name="架空ホームあさひ")
    assert (home.municipality, home.capacity) == ("さいたま市浦和区", 4)


def test_the_network_map_in_the_browser_and_printed_to_pdf(logged_in, worker, center):
    from pypdf import PdfReader

    today = timezone.localdate()
    home = residence(center=center, name="架空ホームけやき", municipality="さいたま市浦和区")
    office = OrganizationFactory(center=center, name=OFFICE, kind=kind("probation_office"),
                                 prefecture="埼玉県", municipality="さいたま市中央区")
    hospital = OrganizationFactory(center=center, name="架空みどり中央病院", kind=kind("hospital"),
                                   prefecture="埼玉県", municipality="川越市")
    city = OrganizationFactory(center=center, name="架空川口市役所 生活福祉課", kind=kind("municipality"),
                               prefecture="埼玉県", municipality="川口市")
    for i in range(4):
        case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
        PlacementFactory(case=case, organization=home, entered_on=today - dt.timedelta(days=30 + i),
                         exited_on=today - dt.timedelta(days=5), exit_reason="moved_on")
        InquiryFactory(case=case, organization=home, inquired_at=timezone.now() - dt.timedelta(days=40))
        ActivityFactory(case=case, author=worker, counterpart=f"{OFFICE} 担当官",
                        occurred_at=timezone.now() - dt.timedelta(days=20))
        if i % 2:
            ConnectionFactory(case=case, organization=hospital, requested_on=today - dt.timedelta(days=10))
        else:
            ConnectionFactory(case=case, organization=city, requested_on=today - dt.timedelta(days=10))
    OutreachFactory(center=center, organizations=[office, hospital], held_on=today - dt.timedelta(days=60))

    page = logged_in(worker)
    page.goto("/partners/")
    page.get_by_role("link", name="ネットワーク図").click()
    page.wait_for_url(re.compile(r"/network/"))
    svg = page.locator("svg.network-svg")
    expect(svg).to_be_visible()
    assert svg.locator("g.network-nodes a").count() == 4
    assert page.locator(".network-table tbody tr").count() == 4
    shot(page, "partners_8_network")

    page.emulate_media(media="print")
    shot(page, "partners_9_network_print")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    (SCREENSHOTS / "partners_network.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 3
    first = reader.pages[0].extract_text()
    assert "ネットワーク図" in first and "期間" in first
    assert "表示" not in first.split("ネットワーク図", 1)[1][:40]  # the filter form is not printed
    text = "".join(p.extract_text() for p in reader.pages)
    assert "架空みどり中央病院" in text and "図のデータ" in text
    assert page.console_problems == []
