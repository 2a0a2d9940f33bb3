"""The import wizard in Chromium on a sample file: upload, map the columns (the guess kept, one column changed),
the preview naming a bad row, skipping it, a dry run, the commit, and the imported persons in the list."""

import pytest

from e2e.helpers import shot
from yorisoi.imports.tests.helpers import csv_bytes
from yorisoi.people.models import Person

pytestmark = pytest.mark.e2e

ROWS = [
    ["対象者名簿（架空）"],
    ["外部ID", "名前", "フリガナ", "性別", "生年月日", "電話", "メモ"],
    ["E-1", "架空 秋子", "カクウ アキコ", "女性", "昭和40年1月2日", "０４８－１１１－２２２２", "（取り込まない列）"],
    ["E-2", "見本 冬彦", "ミホン フユヒコ", "男", "S45.3.4", "", ""],
    ["E-3", "試験 春男", "シケン ハルオ", "宇宙人", "令和99年1月1日", "", ""],
]


def test_director_imports_a_sample_file_through_the_whole_wizard(logged_in, director, center, tmp_path):
    sample = tmp_path / "名簿.csv"
    sample.write_bytes(csv_bytes(ROWS, encoding="cp932"))
    page = logged_in(director)
    page.goto("/imports/")
    shot(page, "imports_1_start")
    page.get_by_label("取り込む対象").select_option("persons")
    page.get_by_label("取り込むファイル").set_input_files(str(sample))
    page.get_by_role("button", name="読み込む").click()

    page.wait_for_url("**/mapping/")
    assert "2行目を見出しとして読みました" in page.content()
    assert page.get_by_label("名前").input_value() == "full_name"  # guessed from the heading
    assert page.get_by_label("メモ").input_value() == ""
    shot(page, "imports_2_mapping")
    page.get_by_role("button", name="全行を確認する").click()

    page.get_by_role("heading", name="3. 確認の結果").wait_for()
    content = page.content()
    assert "性別：『宇宙人』は選択肢にありません" in content
    assert "令和99年1月1日は存在しません" in content or "生年月日" in content
    shot(page, "imports_3_preview")

    page.get_by_role("button", name="取り込む", exact=True).click()  # the bad row is undecided: refused
    assert "5行目" in page.content() and "飛ばす" in page.content()
    assert not Person.objects.exists()

    page.locator("input[name=row_5][value=skip]").check()
    page.get_by_role("button", name="ドライラン（試しに実行・何も登録しない）").click()
    page.locator("#dry-run-result").wait_for()
    assert "2件を登録できます" in page.locator("#dry-run-result").inner_text()
    assert not Person.objects.exists()

    page.locator("input[name=row_5][value=skip]").check()
    page.get_by_role("button", name="取り込む", exact=True).click()
    page.locator("#done-summary").wait_for()
    assert "新しく登録：2件" in page.locator("#done-summary").inner_text()
    shot(page, "imports_4_done")

    page.get_by_role("link", name="対象者の一覧へ").click()
    assert "架空" in page.content() and "見本" in page.content()
    assert Person.objects.filter(center=center).count() == 2
    assert Person.objects.get(family_name="架空").phone == "048-111-2222"
    assert page.console_problems == []
