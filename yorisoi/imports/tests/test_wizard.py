"""The import wizard end to end through its pages: upload, mapping, preview with each row's problems, dry run,
one all-or-nothing commit, re-import without duplicates, the access log."""

import pytest
from django.urls import reverse

from yorisoi.imports.models import BatchStatus, ColumnMapping, ImportedRow
from yorisoi.people.models import DistinctPersonStatement, Person
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.audit import listed_ids
from yorisoi.privacy.models import AccessLog

from .helpers import PERSON_HEADINGS, PERSON_ROWS, check, commit, csv_bytes, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_director_imports_persons_from_xlsx_in_one_commit(director_client, director, center):
    batch = check(director_client, director, xlsx_bytes([PERSON_HEADINGS, *PERSON_ROWS]))
    assert batch.status == BatchStatus.CHECKED
    assert batch.counts["new"] == 3 and batch.counts["error"] == 0
    page = director_client.get(reverse("imports:batch", args=[batch.pk]), {"show": "all"})
    assert "全角の数字・記号を半角に直しました" in page.content.decode()
    commit(director_client, batch)
    assert batch.status == BatchStatus.DONE and batch.counts["created"] == 3
    persons = {str(p): p for p in Person.objects.filter(center=center)}
    assert set(persons) == {"輪島 一郎", "能登 花子", "珠洲 三郎"}
    assert persons["能登 花子"].phone == "048-000-0002"  # full-width digits normalised
    assert persons["能登 花子"].birth_date.isoformat() == "1960-05-06"  # S35.5.6
    assert persons["輪島 一郎"].family_name_kana == "ワジマ" and persons["輪島 一郎"].sex == "male"


def test_one_access_log_row_lists_every_imported_person(director_client, director, center):
    batch = check(director_client, director, xlsx_bytes([PERSON_HEADINGS, *PERSON_ROWS]))
    before = AccessLog.objects.count()
    commit(director_client, batch)
    rows = list(AccessLog.objects.filter(section="imports.batch"))
    assert len(rows) == 1
    assert set(listed_ids(rows[0])) == set(Person.objects.filter(center=center).values_list("pk", flat=True))
    assert f"batch={batch.pk}" in rows[0].detail
    assert AccessLog.objects.count() - before < 5  # not one chained row per person


def test_reimporting_the_same_file_creates_nothing_new(director_client, director, center):
    data = xlsx_bytes([PERSON_HEADINGS, *PERSON_ROWS])
    commit(director_client, check(director_client, director, data))
    again = check(director_client, director, data)
    assert again.counts["already"] == 3 and again.counts["new"] == 0
    commit(director_client, again)
    assert again.status == BatchStatus.DONE and again.counts["created"] == 0
    assert Person.objects.filter(center=center).count() == 3
    assert ImportedRow.objects.filter(center=center).count() == 3


def test_reimport_without_an_id_column_is_recognised_by_name_reading_and_birth_date(
        director_client, director, center):
    rows = [PERSON_HEADINGS[1:], *(r[1:] for r in PERSON_ROWS)]
    commit(director_client, check(director_client, director, csv_bytes(rows), "名簿.csv"))
    again = check(director_client, director, csv_bytes(rows), "名簿.csv")
    assert again.counts["already"] == 3
    assert Person.objects.filter(center=center).count() == 3


def test_bad_rows_are_named_in_japanese_and_nothing_is_half_imported(director_client, director, center):
    rows = [PERSON_HEADINGS, *PERSON_ROWS,
            ["A-4", "加賀 四郎", "カガ シロウ", "宇宙人", "昭和65年1月10日", ""],
            ["A-5", "", "ナシ", "", "", ""],
            ["A-6", "越前 五郎", "エチゼン ゴロウ", "宇宙人", "令和99年1月1日", ""]]
    batch = check(director_client, director, xlsx_bytes(rows))
    assert batch.counts["error"] == 3
    page = director_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "生年月日は" in page  # a birth date after today, named beside the unknown sex of the same row
    assert "性別：『宇宙人』は選択肢にありません" in page
    assert "昭和65年1月10日は存在しません" in page
    assert "氏名がありません" in page
    response = commit(director_client, batch)
    assert response.status_code == 302
    assert batch.status == BatchStatus.CHECKED  # refused: the bad rows are undecided
    assert not Person.objects.filter(center=center).exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("5行目" in m and "飛ばす" in m for m in messages)
    commit(director_client, batch, row_5="skip", row_6="skip", row_7="skip")
    assert batch.status == BatchStatus.DONE and batch.counts == {**batch.counts, "created": 3, "skipped": 3}
    assert Person.objects.filter(center=center).count() == 3


def test_a_row_that_matches_a_registered_person_is_skipped_or_registered_as_someone_else(
        director_client, director, center):
    existing = PersonFactory(center=center, family_name="輪島", given_name="一郎", family_name_kana="ワジマ",
                             given_name_kana="イチロウ")
    batch = check(director_client, director, xlsx_bytes([PERSON_HEADINGS, *PERSON_ROWS]))
    assert batch.counts["duplicate"] == 1
    page = director_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert f"ID {existing.pk}" in page and "別人として登録" in page
    assert AccessLog.objects.filter(section="imports.preview").exists()
    commit(director_client, batch, action="dry_run", row_2="distinct")
    assert batch.dry_run_counts["created"] == 3
    assert Person.objects.filter(center=center).count() == 1  # the dry run wrote nothing
    commit(director_client, batch, row_2="distinct")
    assert batch.status == BatchStatus.DONE
    assert Person.objects.filter(center=center).count() == 4
    assert DistinctPersonStatement.objects.filter(other=existing).count() == 1


def test_a_row_that_repeats_an_earlier_row_of_the_file_is_flagged(director_client, director, center):
    rows = [PERSON_HEADINGS, PERSON_ROWS[0], ["", *PERSON_ROWS[0][1:]]]
    batch = check(director_client, director, xlsx_bytes(rows))
    assert batch.counts["duplicate"] == 1
    page = director_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "2行目と同じ人かもしれません" in page
    commit(director_client, batch, skip_all_problems="1")
    assert batch.status == BatchStatus.DONE and Person.objects.filter(center=center).count() == 1


def test_a_row_like_an_earlier_row_by_the_duplicate_rules_is_asked_about_in_the_preview(
        director_client, director, center):
    """Same reading, a variant given name (一郎/一朗) and the day and month swapped: the registration would refuse
    the second row once the first is registered, so the preview asks about it before the commit."""
    rows = [PERSON_HEADINGS, PERSON_ROWS[0], ["A-9", "輪島 一朗", "ワジマ イチロウ", "男性", "昭和30年1月4日", ""]]
    batch = check(director_client, director, xlsx_bytes(rows))
    assert batch.counts == {"total": 2, "new": 1, "already": 0, "error": 0, "duplicate": 1}
    page = director_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "2行目と同じ人かもしれません" in page and "2行目と一致する項目：フリガナ" in page
    commit(director_client, batch)
    assert batch.status == BatchStatus.CHECKED  # an undecided row is refused, nothing written
    assert Person.objects.filter(center=center).count() == 0
    commit(director_client, batch, row_3="distinct")
    assert batch.status == BatchStatus.DONE, batch.errors
    second = Person.objects.get(center=center, given_name="一朗")
    assert DistinctPersonStatement.objects.filter(person=second, other__given_name="一郎").count() == 1


def test_shift_jis_csv_with_a_title_row_is_read(director_client, director, center):
    rows = [["対象者名簿（令和8年）"], PERSON_HEADINGS, *PERSON_ROWS]
    batch = check(director_client, director, csv_bytes(rows, encoding="cp932"), "名簿.csv")
    assert batch.encoding == "cp932" and batch.header_line == 2 and batch.counts["new"] == 3
    commit(director_client, batch)
    assert Person.objects.filter(center=center, family_name="能登").exists()


def test_utf8_csv_without_bom_is_read(director_client, director, center):
    batch = check(director_client, director, csv_bytes([PERSON_HEADINGS, *PERSON_ROWS], encoding="utf-8"), "a.csv")
    assert batch.encoding == "utf-8-sig" and batch.counts["new"] == 3


def test_merged_title_cells_above_the_headings_are_passed_over(director_client, director, center):
    batch = check(director_client, director, xlsx_bytes([PERSON_HEADINGS, *PERSON_ROWS], title_row="対象者名簿"))
    assert batch.header_line == 2 and batch.counts["new"] == 3


def test_english_headings_are_guessed(director_client, director, center):
    headings = ["Name", "Kana", "Sex", "Date of birth", "Phone"]
    batch = check(director_client, director, xlsx_bytes([headings, [*PERSON_ROWS[0][1:]]]))
    assert batch.mapping == {"0": "full_name", "1": "full_kana", "2": "sex", "3": "birth_date", "4": "phone"}
    assert batch.counts["new"] == 1


def test_the_mapping_is_saved_per_center_and_used_again(director_client, director, center):
    headings = ["利用者", "よみ", "生まれ"]
    response = upload(director_client, xlsx_bytes([headings, ["輪島 一郎", "ワジマ イチロウ", "S30.4.1"]]), "a.xlsx")
    batch_url = response["Location"]
    form = {"col_0": "full_name", "col_1": "full_kana", "col_2": "birth_date"}
    assert director_client.post(batch_url, form).status_code == 302
    assert ColumnMapping.objects.get(center=center).mapping == {"利用者": "full_name", "よみ": "full_kana",
                                                                  "生まれ": "birth_date"}
    upload(director_client, xlsx_bytes([headings, ["能登 花子", "ノト ハナコ", "S35.5.6"]]), "b.xlsx")
    page = director_client.get(reverse("imports:mapping", args=[_latest()]))
    form = page.context["form"]
    assert [form[f"col_{i}"].initial for i in range(3)] == ["full_name", "full_kana", "birth_date"]


def _latest():
    from yorisoi.imports.models import ImportBatch

    return ImportBatch.objects.latest("pk").pk


def test_a_missing_required_column_is_refused_in_japanese(director_client, director):
    upload(director_client, xlsx_bytes([["氏名", "生年月日"], ["輪島 一郎", "S30.4.1"]]), "a.xlsx")
    response = director_client.post(reverse("imports:mapping", args=[_latest()]),
                                    {"col_0": "full_name", "col_1": "birth_date"})
    assert response.status_code == 200
    assert "「フリガナ」または「氏（フリガナ）」の列を選んでください" in response.content.decode()


def test_an_empty_sheet_gives_a_clear_error(director_client, director):
    upload(director_client, xlsx_bytes([[]]), "empty.xlsx")
    page = director_client.get(reverse("imports:mapping", args=[_latest()])).content.decode()
    assert "空のシート" in page


def test_a_sheet_with_headings_only_has_nothing_to_import(director_client, director, center):
    batch = check(director_client, director, xlsx_bytes([PERSON_HEADINGS]))
    assert batch.status == BatchStatus.FAILED
    assert "取り込む行がありません" in batch.errors[0]


def test_formula_cells_are_reported_not_imported(director_client, director, center):
    rows = [PERSON_HEADINGS, PERSON_ROWS[0], ["A-9", '=HYPERLINK("http://example.invalid","x")', "エックス",
                                             "", "", ""]]
    batch = check(director_client, director, xlsx_bytes(rows))
    assert batch.counts["error"] == 1
    page = director_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "数式のセルは取り込めません" in page


def test_neutralised_formula_text_from_an_export_comes_back_as_text(director_client, director, center):
    rows = [PERSON_HEADINGS, ["A-1", "'=山田 太郎", "ヤマダ タロウ", "", "", ""]]
    batch = check(director_client, director, csv_bytes(rows), "a.csv")
    commit(director_client, batch)
    assert Person.objects.get(center=center).family_name == "=山田"


def test_a_file_over_20_mb_is_refused_in_japanese(director_client):
    data = b"a,b\r\n" + b"x" * (20 * 1024 * 1024)
    response = upload(director_client, data, "big.csv")
    assert response.status_code == 200
    assert "ファイルが大きすぎます（20MBまで）" in response.content.decode()


def test_an_old_xls_or_an_unknown_file_is_refused_in_japanese(director_client):
    assert ".xls）は読み込めません" in upload(director_client, b"\xd0\xcf\x11\xe0", "old.xls").content.decode()
    assert "を選んでください" in upload(director_client, b"hello", "note.pdf").content.decode()
    assert "壊れていないか" in upload(director_client, b"PK\x03\x04broken", "bad.xlsx").content.decode()


def test_choosing_a_sheet_of_a_workbook_with_several(director_client, director, center):
    data = xlsx_bytes([["メモ"]], sheets={"対象者": [PERSON_HEADINGS, *PERSON_ROWS]})
    response = upload(director_client, data, "book.xlsx")
    assert response["Location"] == reverse("imports:sheet", args=[_latest()])
    director_client.post(response["Location"], {"sheet": "対象者"})
    page = director_client.get(reverse("imports:mapping", args=[_latest()]))
    assert page.context["form"]["col_1"].initial == "full_name"


def test_the_template_spreadsheet_downloads_with_the_headings(director_client):
    from io import BytesIO

    from openpyxl import load_workbook

    response = director_client.get(reverse("imports:template", args=["persons"]))
    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:3] == ["外部ID", "氏名", "フリガナ"]
    assert director_client.get(reverse("imports:template", args=["nothing"])).status_code == 404


def test_the_preview_pages_through_many_rows_with_the_shared_pagination(director_client, director, monkeypatch):
    from yorisoi.imports import views

    monkeypatch.setattr(views, "PREVIEW_PAGE", 2)
    rows = [PERSON_HEADINGS, *[[f"B-{n}", f"能登 {n}郎", "ノト", "宇宙人", "昭和30年4月1日", ""] for n in range(5)]]
    batch = check(director_client, director, xlsx_bytes(rows))
    url = reverse("imports:batch", args=[batch.pk])
    first = director_client.get(url).content.decode()
    assert "5件中 1〜2件（1／3ページ）" in first
    assert "B-0" in _preview_table(first) and "B-2" not in _preview_table(first)
    last = director_client.get(url, {"show": "problems", "page": 3}).content.decode()
    assert "5件中 5〜5件（3／3ページ）" in last
    assert "B-4" in _preview_table(last) and "B-3" not in _preview_table(last)
    assert 'rel="prev" href="/imports/' in last and "show=problems" in last


def _preview_table(page: str) -> str:
    return page.split('id="preview-rows"')[1].split("</table>")[0]
