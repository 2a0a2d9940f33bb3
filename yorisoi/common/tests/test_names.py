"""Each rule of the name keys, with the spellings that reach a center in practice."""

import pytest

from yorisoi.common.names import (
    is_kana,
    literal_key,
    loose_name_key,
    loose_reading_key,
    name_key,
    reading_key,
    strict_fold,
)


@pytest.mark.parametrize("variant, standard", [
    ("齋藤", "斎藤"), ("齊藤", "斉藤"), ("髙橋", "高橋"), ("山﨑", "山崎"), ("山嵜", "山崎"), ("渡邊", "渡辺"),
    ("渡邉", "渡辺"), ("𠮷田", "吉田"), ("澤田", "沢田"), ("濱田", "浜田"), ("廣瀬", "広瀬"), ("櫻井", "桜井"),
    ("國男", "国男"), ("眞一", "真一"), ("德永", "徳永"), ("惠子", "恵子"), ("瀧本", "滝本"), ("桒原", "桑原"),
    ("栁田", "柳田"),
])
def test_old_and_variant_kanji_fold_to_the_standard_form(variant, standard):
    assert name_key(variant) == name_key(standard) == standard


def test_a_character_outside_the_basic_plane_is_folded_and_not_broken():
    assert len("𠮷") == 1 and ord("𠮷") > 0xFFFF
    assert name_key("𠮷野 𠮷男") == "吉野吉男"
    assert loose_name_key("𠮷田") == loose_name_key("吉田")


def test_the_strict_layer_keeps_look_alike_surnames_apart():
    assert name_key("斎藤") != name_key("斉藤")
    assert name_key("一郎") != name_key("一朗")


def test_the_loose_layer_brings_confusable_kanji_together():
    assert loose_name_key("斎藤") == loose_name_key("斉藤") == loose_name_key("齋藤")
    assert loose_name_key("山崎") == loose_name_key("山碕")


def test_width_kana_script_case_and_spaces_are_folded():
    assert name_key("ｻｲﾄｳ ﾀﾛｳ") == name_key("さいとう　たろう") == name_key("サイトウ・タロウ") == "サイトウタロウ"
    assert name_key("ＳＭＩＴＨ John") == "smithjohn"


def test_compatibility_ideographs_fold_by_nfkc():
    assert name_key("\ufa19田") == "神田"  # 神 U+FA19


def test_the_literal_key_keeps_the_spelling_typed():
    assert literal_key("齋藤 太郎") == "齋藤太郎" != literal_key("斎藤太郎")
    assert literal_key("ｻｲﾄｳ") == literal_key("さいとう")


@pytest.mark.parametrize("one, other", [
    ("スズキ", "スヅキ"), ("フジタ", "フヂタ"), ("キョウコ", "キヨウコ"), ("サトウ", "サトー"), ("サトウ", "サトオ"),
    ("オオノ", "オーノ"), ("ケイコ", "ケーコ"), ("ユウコ", "ユーコ"), ("シュウジ", "シューヂ"),
])
def test_readings_meet_across_the_usual_kana_confusions(one, other):
    assert reading_key(one) == reading_key(other)


def test_readings_of_different_names_stay_apart():
    assert reading_key("キョウコ") != reading_key("キヨコ")
    assert reading_key("サトウ") != reading_key("サイトウ")


def test_the_loose_reading_drops_voiced_marks():
    assert reading_key("ハシモト") != reading_key("バシモト")
    assert loose_reading_key("ハシモト") == loose_reading_key("バシモト")
    assert loose_reading_key("サイトウ") == loose_reading_key("ザイドー")


def test_control_characters_never_reach_a_key():
    assert name_key("架空\x00 太郎\x07") == "架空太郎"


def test_is_kana_tells_a_reading_from_a_name():
    assert is_kana("さいとう") and is_kana("ｻｲﾄｳ") and is_kana("サイトー")
    assert not is_kana("斎藤") and not is_kana("")


def test_strict_fold_changes_only_kanji():
    assert strict_fold("髙橋さん") == "高橋さん"


@pytest.mark.parametrize("typed, first, last", [
    ("S22.3.5", "1947-03-05", "1947-03-05"), ("昭和22年3月5日", "1947-03-05", "1947-03-05"),
    ("R1/5/1", "2019-05-01", "2019-05-01"), ("1947-03-05", "1947-03-05", "1947-03-05"),
    ("1947/3/5", "1947-03-05", "1947-03-05"), ("19470305", "1947-03-05", "1947-03-05"),
    ("昭和２２年３月", "1947-03-01", "1947-03-31"), ("S22", "1947-01-01", "1947-12-31"),
    ("平成元年", "1989-01-08", "1989-12-31"), ("1947-3", "1947-03-01", "1947-03-31"),
])
def test_search_dates_are_read_whole_or_partial_in_era_or_gregorian_form(typed, first, last):
    from yorisoi.common.eras import find_search_dates

    ranges, rest = find_search_dates(f"斎藤 {typed}")
    assert [(a.isoformat(), b.isoformat()) for a, b in ranges] == [(first, last)]
    assert rest.strip() == "斎藤"


def test_a_date_that_does_not_exist_is_left_in_the_text():
    from yorisoi.common.eras import find_search_dates

    assert find_search_dates("S22.13.5")[0] == [] and find_search_dates("R1.4.30")[0] == []
