"""Japanese wording of the access log for the screens and exports.

The apps write short machine-readable values into AccessLog.section and AccessLog.detail (the rows are sealed and
append-only, so they are never rewritten); a director or auditor reads them through these functions. Unknown
values are shown as written, so nothing is hidden.
"""

from __future__ import annotations

import re
from functools import cache

from django.apps import apps

from .policy.view_rules import RULES

# AccessLog.section: which part of the application the access was about.
SECTION_LABELS = {
    "face_sheet": "フェイスシート", "case": "支援ケース", "activity": "支援経過記録", "history": "変更履歴",
    "justice": "司法", "health": "健康", "case_open": "ケースの登録", "flag": "注意事項",
    "family_contacts": "家族・緊急連絡先", "phase": "段階の変更", "reopen": "ケースの再開", "pause": "休止・再連絡",
    "person_list": "対象者の一覧・検索", "case_list": "ケースの一覧", "audit": "アクセスログ",
    "header_search": "ヘッダーの検索", "distinct_person": "同名・類似の別人であることの確認",
    "person_merge": "対象者の記録の統合", "person_merge_confirm": "対象者の統合の確認",
    "person_merge_history": "対象者の統合の履歴", "person_merge_choose": "統合する記録の選択",
    "home": "ホーム", "inbox": "やること", "calendar": "カレンダー", "procedures_due": "手続きの期限一覧",
    "approvals": "決裁の一覧",
    "audit_export": "アクセスログの出力", "access_history": "この記録を見た人", "break_glass": "緊急閲覧",
    "break_glass_required": "緊急閲覧の確認画面", "break_glass_list": "緊急閲覧の一覧",
    "deleted_list": "削除済みの一覧", "soft_delete": "削除・復元", "restore": "復元", "retention": "保存期間",
    "other_center": "他センターの記録", "login": "ログイン", "export": "エクスポート申請",
    "reports_drill": "成果の集計の内訳", "outcome_report": "成果報告書の出力",
    "reoffences": "再犯の把握",
    "center_settings": "センターの設定", "password": "パスワード", "nightly": "定期処理",
    # center operations (センター運営)
    "office": "センター運営（車両・端末・紙ファイル・施錠点検）", "office_staffing": "センター概要・職員体制",
    "office_trips": "運行表", "office_files": "紙のケースファイル", "office_incident": "インシデント",
    "office_training": "研修・研修計画", "office_trainees": "実習生の受け入れ",
    "trainee_not_assigned": "実習生に割り当てていないケース",
    "certificates": "障害者手帳", "external_contacts": "関係機関の担当者",
    "medical": "医療（常用薬・受診予定・健診・緊急時の受診先）", "medical_list": "医療の確認の一覧",
    # consent and disclosure
    "consent": "同意", "consent_file": "同意書の写し", "consent_template": "同意書の文面",
    "disclosure": "第三者提供", "disclosure_document": "提供した書類", "disclosure_ledger": "第三者提供記録簿",
    "receipt": "情報受領", "agreement": "情報共有の取り決め", "agreement_file": "取り決めの文書",
    "subject_request": "本人からの開示等の請求", "subject_access": "本人への開示",
    # intake and planning
    "pre_consultation": "事前相談", "pre_consultation_meeting": "事前相談の会議", "consultation": "相談支援",
    "intake_name_check": "受付時の同一人物の確認", "planning": "アセスメント・支援計画",
    "assessment": "アセスメント", "support_plan": "支援計画", "support_plan_pdf": "支援計画の印刷",
    "closure": "終結の申請", "approver": "決裁の代理",
    # placements, procedures, partners
    "placement": "居所", "placements": "居所", "placements_residents": "入所者の一覧",
    "placement_inquiry": "受入照会", "vacancy": "空き状況", "vacancy_search": "空き検索",
    "procedures": "手続き", "procedure_document": "手続きの書類", "procedure_catalogue": "手続きの一覧の設定",
    "follow_up": "フォローアップ", "service_connection": "つなぎ", "urgent_protection": "更生緊急保護",
    "partners": "関係機関",
    # inbox and transfers
    "calendar_feed": "カレンダー配信", "calendar_feed_settings": "カレンダー配信の設定",
    "transfer": "広域調整（送付）", "transfer_incoming": "広域調整（受入）", "transfer_document": "広域調整の書類",
    "transfer_target": "広域調整の相手センター",
    # meetings
    "meeting": "会議", "meeting_minutes": "議事録", "meeting_attachment": "議事録の添付資料",
    "meeting_action": "会議で決めた対応", "concern": "悩み・課題",
    "review_board": "ケース検討のボード", "morning_board": "朝のボード", "absence": "不在の予定",
    "case_summary": "会議資料（ケースの概要）", "case_study": "事例検討の資料",
    # the import wizard
    "imports.batch": "データの取り込み", "imports.preview": "取り込みの確認画面",
    # the REST API
    "api_token": "APIトークン", "api_persons": "API：対象者の一覧", "api_person": "API：対象者",
    "api_cases": "API：ケースの一覧", "api_case": "API：支援ケース", "api_activities": "API：支援経過記録の一覧",
    "api_follow_ups": "API：フォローアップの一覧", "api_follow_up": "API：フォローアップ",
    "api_meetings": "API：会議", "api_statistics": "API：件数の集計",
}

# Keys of `key=value` tokens in AccessLog.detail.
DETAIL_KEYS = {
    "approval": "決裁", "revision": "版", "from": "元の版", "template": "テンプレート", "added": "追加",
    "scheduled": "予定の作成", "organization": "機関ID", "activity": "支援経過記録ID", "staff": "職員ID",
    "residents": "表示した入所者", "listed": "一覧で表示した人数",
    "reopen_of": "元のケースID", "recomputed": "再計算", "extended_to": "延長後の終了日",
    "events": "件数", "names": "氏名の表示", "rows": "行数", "copied_from": "複製元ID", "case": "ケースID",
    "calendar_shows_names": "氏名の表示", "action_status": "状態", "action": "操作",
    "affected": "影響を受けうる人数",
}
# Single words in AccessLog.detail that are not the value of a model field's choices.
DETAIL_WORDS = {
    "approve": "承認", "print": "印刷", "pdf": "PDF", "compare": "比較", "done": "完了", "revoked": "取消",
    "regenerated": "再発行", "planning_write": "計画の編集", "directory": "名簿", "csv": "CSV", "xlsx": "Excel",
    "exit": "退所", "submitted": "申請",
    "checkout": "持ち出し", "return": "返却", "wipe": "遠隔消去", "authority_report": "委員会への報告",
    # the page actions of a refused access (policy: action=…)
    "view": "閲覧", "edit": "編集", "history": "変更履歴の閲覧", "add_record": "記録の追加",
    "change_phase": "段階の変更",
}
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
# 「提供先ID=71」「機関ID」+「5」: a reference to another record, shown as 「提供先 #71」 like the log's own records.
_ID_LABEL = re.compile(r"^(?P<name>.+?)\s*ID$")


# AccessLog.username of the rows that nightly work writes without a staff member.
SYSTEM_USERS = {
    "system:purge_deleted": "自動処理（削除済みの記録の完全削除）", "system:anonymise_expired": "自動処理（匿名化）",
    "system:audit_verify": "自動処理（アクセスログの検証）",
    "system:purge_disclosure_records": "自動処理（保存期間を過ぎた提供記録の削除）",
}


def username_label(username: str) -> str:
    """The user name as written, but 「自動処理（…）」 for the system's own rows (never a command name)."""
    if username.startswith("system:"):
        return SYSTEM_USERS.get(username, "自動処理")
    return username


def section_label(section: str) -> str:
    """A section word, or the rule a refused page was marked with (「支援計画・終結の決裁（…）」)."""
    if section in SECTION_LABELS:
        return SECTION_LABELS[section]
    view_rule = RULES.get(section)
    return f"権限：{view_rule.label}" if view_rule is not None else section


@cache
def _labels_of(model) -> tuple[dict[str, str], dict[str, str]]:
    """(choice code → label, field name → verbose name) of one model."""
    codes: dict[str, str] = {}
    fields: dict[str, str] = {}
    for field in model._meta.concrete_fields:
        fields[field.name] = str(field.verbose_name)
        for code, label in getattr(field, "flatchoices", None) or ():
            if isinstance(code, str):
                codes.setdefault(code, str(label))
    return codes, fields


@cache
def _project_labels() -> tuple[dict[str, str], dict[str, str]]:
    """The same over every model of the project (the first model to define a code or field name wins)."""
    codes: dict[str, str] = {}
    fields: dict[str, str] = {}
    for model in apps.get_models():
        if model.__module__.startswith("yorisoi."):
            model_codes, model_fields = _labels_of(model)
            codes = {**model_codes, **codes}
            fields = {**model_fields, **fields}
    return codes, fields


def _model(object_type: str):
    try:
        return apps.get_model(object_type) if object_type else None
    except (LookupError, ValueError):
        return None


class _Words:
    """Looks words up on the logged object's model first (its codes and fields), then on the whole project."""

    def __init__(self, object_type: str):
        model = _model(object_type)
        self.own = _labels_of(model) if model is not None else ({}, {})
        self.project = _project_labels()

    def field(self, word: str) -> str | None:
        return self.own[1].get(word) or self.project[1].get(word)

    def __call__(self, word: str) -> str:
        if word in DETAIL_WORDS:
            return DETAIL_WORDS[word]
        return self.own[0].get(word) or self.field(word) or self.project[0].get(word) or word


def _pair(label: str, value: str) -> str:
    reference = _ID_LABEL.match(label)
    if reference and value[:1].isdigit():
        return f"{reference['name']} #{value}"
    return f"{label}：{value}"


def _token(token: str, word: _Words) -> str:
    if "->" in token:
        before, _, after = token.partition("->")
        return f"{word(before)}→{word(after)}"
    if "=" in token:
        key, _, value = token.partition("=")
        if _IDENTIFIER.match(key):
            return _pair(DETAIL_KEYS.get(key, word(key)), word(value) if _IDENTIFIER.match(value) else value)
        return _pair(key, value) if key else token
    parts = token.split(",")
    if len(parts) > 1 and all(_IDENTIFIER.match(part) for part in parts):
        joined = "・".join(word(part) for part in parts)
        return f"変更：{joined}" if all(word.field(part) for part in parts) else joined
    return word(token) if _IDENTIFIER.match(token) else token


def detail_label(detail: str, object_type: str = "") -> str:
    """「completed_on,status」→「変更：完了日・状態」, 「requested->coordinating」→「依頼→調整中」…, in the words of
    the logged object's model (object_type, e.g. "procedures.caseprocedure"); Japanese text as written."""
    if not detail:
        return ""
    word = _Words(object_type)
    return " ".join(_token(token, word) for token in detail.split())
