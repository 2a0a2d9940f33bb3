from yorisoi.common.kana import is_katakana_reading, name_search_key, to_katakana_reading


def test_reading_is_stored_as_full_width_katakana():
    assert to_katakana_reading("やまだ　たろう") == "ヤマダ タロウ"
    assert to_katakana_reading("ﾔﾏﾀﾞ") == "ヤマダ"
    assert is_katakana_reading("ヤマダ タロウ")
    assert not is_katakana_reading("山田")


def test_search_key_folds_variant_kanji_kana_width_and_spaces():
    assert name_search_key("齋藤 太郎") == name_search_key("斎藤太郎") == name_search_key("斎藤　太郎")
    assert name_search_key("斉藤") != name_search_key("斎藤")  # a different surname; only a loose candidate
    assert name_search_key("髙橋") == name_search_key("高橋")
    assert name_search_key("山﨑") == name_search_key("山崎")
    assert name_search_key("渡邊") == name_search_key("渡邉") == name_search_key("渡辺")
    assert name_search_key("やまだ") == name_search_key("ﾔﾏﾀﾞ") == name_search_key("ヤマダ")


def test_stored_name_is_not_normalised_by_the_key():
    # 神 (U+FA19, a compatibility ideograph) must survive as typed; only the key is folded.
    typed = "\ufa19田"
    assert typed != "神田"
    assert name_search_key(typed) == name_search_key("神田")


def test_the_search_key_drops_control_characters_as_the_text_cleaner_does():
    # raw form input reaches the same-name check before the form cleans it; PostgreSQL refuses a NUL in a query
    assert name_search_key("架空\x00 太郎\x07") == name_search_key("架空太郎")
