"""The access log reads in Japanese: every section the code writes has a label, and the short machine-readable
details are shown in words (the stored rows are never rewritten)."""

import re
from pathlib import Path

import pytest

from yorisoi.privacy.log_labels import SECTION_LABELS, detail_label, section_label

ROOT = Path(__file__).resolve().parents[2]
# section="x", SECTION = "x", INCOMING_SECTION = "x", "section": "x" anywhere in the application's code.
WRITTEN = re.compile(r'(?:\bsection=|SECTION = |"section": )"([a-z_]+)"')


def _sections_in_code() -> set[str]:
    found = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        found.update(WRITTEN.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_section_written_by_the_code_has_a_japanese_label():
    sections = _sections_in_code()
    assert {"face_sheet", "procedures", "follow_up", "transfer_incoming", "urgent_protection"} <= sections
    assert sorted(sections - SECTION_LABELS.keys()) == []
    assert section_label("procedures") == "手続き"
    assert section_label("unknown_new_section") == "unknown_new_section"  # shown as written, never hidden


@pytest.mark.parametrize(("stored", "shown"), [
    ("completed_on,status", "変更：完了日・状態"),
    ("approval=submitted", "決裁：申請"),
    ("intake->coordinating", "相談受付→調整中"),
    ("approval=approved", "決裁：承認"),
    ("done activity=692", "完了 支援経過記録 #692"),
    ("template=1 added=12", "テンプレート：1 追加：12"),
    ("他センターからの引継ぎ 状態=すべて", "他センターからの引継ぎ 状態：すべて"),
    ("提供先ID=30 根拠=本人の同意", "提供先 #30 根拠：本人の同意"),
    ("センターID=3（受け入れ時）", "センター #3（受け入れ時）"),
    ("action=history", "操作：変更履歴の閲覧"),
    ("organization=5", "機関 #5"),
    ("", ""),
])
def test_details_are_shown_in_japanese_and_japanese_text_as_written(stored, shown):
    assert detail_label(stored) == shown


@pytest.mark.parametrize(("stored", "object_type", "shown"), [
    ("started_on,status", "procedures.caseprocedure", "変更：着手日・状況"),   # not 着任日 of an officer
    ("refused", "placements.placementinquiry", "受入不可"),                    # not 本人の拒否 of a closure
    ("exit,moved", "placements.placement", "退所・転居（他地域へ引継ぎ）"),
    ("requested->started", "placements.serviceconnection", "依頼→利用開始"),
    ("intake->coordinating", "no_such_app.model", "相談受付→調整中"),          # unknown model: the project's words
])
def test_details_use_the_words_of_the_logged_objects_model(stored, object_type, shown):
    assert detail_label(stored, object_type) == shown


def test_the_systems_own_rows_name_the_work_not_the_command():
    from yorisoi.privacy.log_labels import username_label

    assert username_label("system:anonymise_expired") == "自動処理（匿名化）"
    assert username_label("system:something_new") == "自動処理"
    assert username_label("soudan1") == "soudan1"


@pytest.mark.django_db
def test_an_export_request_names_its_recipient_staff_and_period_not_ids(center, director):
    from yorisoi.partners.tests.factories import OrganizationFactory
    from yorisoi.reports.exports.specs import _ledger_summary, _log_summary

    city = OrganizationFactory(center=center, name="架空市役所 福祉課")
    ledger = _ledger_summary({"date_from": "2026-04-01", "date_to": "2026-04-30", "recipient": city.pk})
    assert ledger == "提供日・受領日=令和8年4月1日〜令和8年4月30日、提供先=架空市役所 福祉課"
    assert "ID" not in _log_summary({"staff": director.pk}) and str(director) in _log_summary({"staff": director.pk})
