"""What each exportable list holds: its filters, its columns and its rows.

A spec turns the filters of the list a request started from (GET or POST values) into plain JSON values that
are stored with the request, says them in words for the director, counts the rows and, at the download,
gives the sheets of the file from the requester's own view of the data (policy-scoped selectors, never wider): a
queryset and a row function per sheet, which the task that builds the file reads in chunks (building.py). Lists of
persons hold basic columns only: health, justice, welfare levels, contacts and narratives are never part of
one (privacy/tests/test_exports.py checks the columns and the values).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from yorisoi.accounts.models import Staff
from yorisoi.common.dates import format_checked, iso_checked
from yorisoi.privacy import policy
from yorisoi.privacy.models import ExportTarget

BAD_FILTERS = "抽出条件を確認してください。一覧の画面に戻って条件を直してから申請してください。"


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: tuple[str, ...]
    queryset: QuerySet  # its rows, in the file's order
    row: Callable[[Model], list]  # one object → the values of its line


@dataclass(frozen=True)
class ExportSpec:
    target: str
    filter_keys: tuple[str, ...]  # the list's own GET parameters, carried from the list to the request
    clean_filters: Callable[[Staff, Mapping], dict]  # → JSON values; ValidationError when they make no sense
    summary: Callable[[dict], str]
    count: Callable[[Staff, dict], int]
    sheets: Callable[[Staff, dict], list[Sheet]]
    list_url: Callable[[dict], str]  # the list these filters came from
    # The caution written into the file (a function when it depends on settings).
    notice: str | Callable[[], str] = ("個人情報を含みます。申請した目的のほかに利用・複製・持ち出しをせず、"
                                       "用が済んだら削除してください。")
    max_rows: int = 100_000

    @property
    def label(self) -> str:
        return ExportTarget(self.target).label


def _date(value) -> str:
    """A validated filter date as stored with the request (a row's date goes through dates.iso_checked)."""
    return value.strftime("%Y-%m-%d") if value else ""


def _iso(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _period(filters: dict) -> str:
    """The period of a request's filters as people read it: 令和8年4月1日〜令和8年4月30日."""
    return f"{format_checked(_iso(filters.get('date_from')))}〜{format_checked(_iso(filters.get('date_to')))}"


def _url(name: str, params: dict) -> str:
    query = urlencode([(k, v) for k, v in params.items() if v not in ("", None, False)])
    return reverse(name) + (f"?{query}" if query else "")


# --- 対象者一覧 ----------------------------------------------------------------------------------------


def _persons_filters(user: Staff, raw: Mapping) -> dict:
    return {"q": str(raw.get("q") or "").strip()[:100]}


def _persons_summary(filters: dict) -> str:
    return f"氏名・フリガナ・通称の検索「{filters['q']}」" if filters.get("q") else "条件なし（見られる対象者全員）"


def _persons_queryset(user: Staff, filters: dict):
    from django.db.models import Case, IntegerField, When

    from yorisoi.people.selectors import person_list

    rows = person_list(user=user, query=filters.get("q", ""))
    if not isinstance(rows, list):
        return rows
    # a search gives its ranked hits: the file keeps their order (the export reads a query, in chunks)
    rank = Case(*[When(pk=p.pk, then=i) for i, p in enumerate(rows)], default=len(rows), output_field=IntegerField())
    return policy.persons_for(user).filter(pk__in=[p.pk for p in rows]).annotate(_rank=rank).order_by("_rank", "pk")


def _count(rows) -> int:
    """The person list is a query, or (for a search) the ranked hits as a list."""
    return len(rows) if isinstance(rows, list) else rows.count()


def _persons_row(person) -> list:
    from yorisoi.cases.models import Phase

    phase = getattr(person, "open_phase", "") or ""
    return [person.pk, person.family_name, person.given_name, person.family_name_kana, person.given_name_kana,
            person.get_sex_display(), iso_checked(person.birth_date), person.age if person.age is not None else "",
            person.prefecture, person.municipality, Phase(phase).label if phase in Phase.values else "",
            iso_checked(person.created_at)]


PERSON_COLUMNS = ("対象者ID", "氏", "名", "氏（フリガナ）", "名（フリガナ）", "性別", "生年月日", "年齢", "都道府県",
                  "市区町村", "支援の段階", "登録日")


def _persons_sheets(user: Staff, filters: dict) -> list[Sheet]:
    return [Sheet(ExportTarget.PERSONS.label, PERSON_COLUMNS, _persons_queryset(user, filters), _persons_row)]


# --- 支援ケース一覧 -------------------------------------------------------------------------------------


def _cases_filters(user: Staff, raw: Mapping) -> dict:
    from yorisoi.cases.models import Phase
    from yorisoi.cases.selectors import OPEN_FILTER

    phase = str(raw.get("phase") or "")
    if phase not in Phase.values and phase != OPEN_FILTER:
        phase = ""
    mine = raw.get("mine") in ("1", 1, True, "true", "on")
    return {"phase": phase, "mine": mine}


def _cases_summary(filters: dict) -> str:
    from yorisoi.cases.models import Phase
    from yorisoi.cases.selectors import OPEN_FILTER

    parts = []
    if filters.get("phase") == OPEN_FILTER:
        parts.append("段階：進行中（終結以外）")
    elif filters.get("phase"):
        parts.append(f"段階：{Phase(filters['phase']).label}")
    if filters.get("mine"):
        parts.append("申請者の担当のみ")
    return "、".join(parts) or "条件なし（見られる支援ケース全件）"


def _cases_queryset(user: Staff, filters: dict):
    from yorisoi.cases.selectors import case_list

    return case_list(user=user, phase=filters.get("phase", ""), mine=bool(filters.get("mine")))


CASE_COLUMNS = ("ケース番号", "対象者ID", "対象者氏名", "フリガナ", "支援の種別", "段階", "依頼日", "支援開始日",
                "支援終了日", "主担当", "副担当")


def _cases_row(case) -> list:
    return [case.number, case.person_id, str(case.person), case.person.full_name_kana, case.get_kind_display(),
            case.get_phase_display(), iso_checked(case.referral_date), iso_checked(case.start_date),
            iso_checked(case.end_date),
            str(case.main_staff or ""), str(case.sub_staff or "")]


def _cases_sheets(user: Staff, filters: dict) -> list[Sheet]:
    return [Sheet(ExportTarget.CASES.label, CASE_COLUMNS, _cases_queryset(user, filters), _cases_row)]


# --- 第三者提供記録簿 ---------------------------------------------------------------------------------


def _ledger_filters(user: Staff, raw: Mapping) -> dict:
    from yorisoi.disclosure.forms import LedgerFilterForm

    data = {k: raw.get(k) or "" for k in ("date_from", "date_to", "recipient", "person", "basis")}
    form = LedgerFilterForm(data, user=user)
    if not form.is_valid():
        raise ValidationError(BAD_FILTERS)
    cleaned = form.cleaned_data
    return {"date_from": _date(cleaned["date_from"]), "date_to": _date(cleaned["date_to"]),
            "recipient": cleaned["recipient"].pk if cleaned["recipient"] else None,
            "person": cleaned["person"].strip(), "basis": cleaned["basis"]}


def _ledger_summary(filters: dict) -> str:
    from yorisoi.disclosure.models import Basis

    parts = []
    if filters.get("date_from") or filters.get("date_to"):
        parts.append(f"提供日・受領日={_period(filters)}")
    if filters.get("recipient"):
        from yorisoi.partners.models import Organization

        name = Organization._base_manager.filter(pk=filters["recipient"]).values_list("name", flat=True).first()
        parts.append(f"提供先={name or '（削除された機関）'}")
    if filters.get("person"):
        parts.append("対象者指定あり")
    if filters.get("basis"):
        parts.append(f"根拠={Basis(filters['basis']).label}")
    return "、".join(parts) or "条件なし"


def _ledger_querysets(user: Staff, filters: dict):
    from yorisoi.disclosure import selectors
    from yorisoi.partners.models import Organization

    recipient = None
    if filters.get("recipient"):
        recipient = policy.of_center(Organization, user).filter(pk=filters["recipient"]).first()
    date_from, date_to = _iso(filters.get("date_from")), _iso(filters.get("date_to"))
    records = selectors.ledger(user, date_from=date_from, date_to=date_to, recipient=recipient,
                               person=filters.get("person", ""), basis=filters.get("basis", ""))
    receipts = selectors.receipts(user, date_from=date_from, date_to=date_to, person=filters.get("person", ""))
    return records, receipts


def _ledger_count(user: Staff, filters: dict) -> int:
    records, receipts = _ledger_querysets(user, filters)
    return records.count() + receipts.count()


def _ledger_sheets(user: Staff, filters: dict) -> list[Sheet]:
    from yorisoi.disclosure import exports

    records, receipts = _ledger_querysets(user, filters)
    return [Sheet("提供記録", exports.RECORD_COLUMNS, records, exports.record_row),
            Sheet("受領記録", exports.RECEIPT_COLUMNS, receipts, exports.receipt_row)]


def _ledger_notice() -> str:
    from yorisoi.disclosure import conf

    return (f"個人情報を含む検査用資料です。目的外の利用・複製・持ち出しをしないでください。"
            f"提供・受領の記録は、その日から少なくとも{conf.retention_years()}年保存します（個人情報保護法29条・30条）。")


# --- アクセスログ -------------------------------------------------------------------------------------


def _log_filters(user: Staff, raw: Mapping) -> dict:
    from yorisoi.privacy.forms import AuditFilterForm

    data = {k: raw.get(k) or "" for k in ("staff", "person", "date_from", "date_to", "action")}
    form = AuditFilterForm(data, user=user)
    if not form.is_valid():
        raise ValidationError(BAD_FILTERS)
    cleaned = form.cleaned_data
    return {"staff": cleaned["staff"].pk if cleaned["staff"] else None, "person": cleaned["person"].strip(),
            "date_from": _date(cleaned["date_from"]), "date_to": _date(cleaned["date_to"]),
            "action": cleaned["action"]}


def _log_summary(filters: dict) -> str:
    from yorisoi.privacy.models import AccessAction

    parts = []
    if filters.get("staff"):
        parts.append(f"職員={Staff._base_manager.filter(pk=filters['staff']).first() or '（不明な職員）'}")
    if filters.get("person"):
        parts.append(f"対象者={filters['person']}")
    if filters.get("date_from") or filters.get("date_to"):
        parts.append(f"期間={_period(filters)}")
    if filters.get("action"):
        parts.append(f"操作={AccessAction(filters['action']).label}")
    return "、".join(parts) or "条件なし"


def _log_queryset(user: Staff, filters: dict):
    from yorisoi.privacy import selectors

    staff = policy.of_center(Staff, user).filter(pk=filters["staff"]).first() if filters.get("staff") \
        else None
    if filters.get("staff") and staff is None:
        return selectors.center_log(user=user).none()
    return selectors.audit_rows(user=user, staff=staff, person=filters.get("person", ""),
                                date_from=_iso(filters.get("date_from")), date_to=_iso(filters.get("date_to")),
                                action=filters.get("action", ""))


LOG_COLUMNS = ("ID", "日時", "職員", "ユーザー名", "操作", "対象の種類", "対象ID", "対象者ID", "区分", "詳細", "接続元",
               "詳細（記録された値）", "一覧で表示した対象者ID")


def _log_sheets(user: Staff, filters: dict) -> list[Sheet]:
    from yorisoi.privacy import selectors

    labels: dict[str, str] = {}

    def row(r) -> list:
        return [r.id, timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S"), str(r.staff or ""), r.username,
                r.get_action_display(), labels.setdefault(r.object_type, selectors.object_label(r.object_type)),
                r.object_id or "", r.person_id_value or "", selectors.section_label(r.section),
                selectors.detail_label(r.detail, r.object_type), r.ip_address or "", r.detail,
                " ".join(str(p.person_id_value) for p in sorted(r.listed.all(), key=lambda p: p.person_id_value))]
    # the persons of list rows: one query per chunk of rows (the ids are written from the queryset without it)
    return [Sheet(ExportTarget.ACCESS_LOG.label, LOG_COLUMNS, _log_queryset(user, filters).prefetch_related("listed"),
                  row)]


SPECS: dict[str, ExportSpec] = {
    ExportTarget.PERSONS: ExportSpec(
        ExportTarget.PERSONS, ("q",), _persons_filters, _persons_summary,
        lambda user, f: _count(_persons_queryset(user, f)), _persons_sheets,
        lambda f: _url("people:list", {"q": f.get("q")})),
    ExportTarget.CASES: ExportSpec(
        ExportTarget.CASES, ("phase", "mine"), _cases_filters, _cases_summary,
        lambda user, f: _cases_queryset(user, f).count(), _cases_sheets,
        lambda f: _url("cases:list", {"phase": f.get("phase"), "mine": "1" if f.get("mine") else ""})),
    ExportTarget.LEDGER: ExportSpec(
        ExportTarget.LEDGER, ("date_from", "date_to", "recipient", "person", "basis"), _ledger_filters,
        _ledger_summary, _ledger_count, _ledger_sheets,
        lambda f: _url("disclosure:ledger", {k: f.get(k) for k in ("date_from", "date_to", "recipient", "basis")}),
        notice=_ledger_notice),
    ExportTarget.ACCESS_LOG: ExportSpec(
        ExportTarget.ACCESS_LOG, ("staff", "person", "date_from", "date_to", "action"), _log_filters, _log_summary,
        lambda user, f: _log_queryset(user, f).count(), _log_sheets,
        lambda f: _url("privacy:audit", {k: f.get(k) for k in ("staff", "date_from", "date_to", "action")}),
        notice="個人情報を含む監査資料です。目的外の利用・複製・持ち出しをしないでください。対象者は ID で示します。",
        max_rows=300_000),
}


def spec_for(target: str) -> ExportSpec | None:
    return SPECS.get(target)


def notice_for(spec: ExportSpec) -> str:
    return spec.notice() if callable(spec.notice) else spec.notice
