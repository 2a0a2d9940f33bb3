"""The columns of the 第三者提供記録簿 when it leaves yorisoi. The file itself is made by the export control of
the privacy app (a request, a director's approval, one download): reports/exports/specs.py."""

from __future__ import annotations

from django.utils import timezone

from yorisoi.common.dates import iso_checked

RECORD_COLUMNS = ("記録番号", "提供日", "対象者ID", "対象者氏名", "提供先", "提供先の種別", "国の機関等", "利用目的",
                  "提供した項目", "根拠", "根拠の説明・理由", "同意日", "取り決め", "法29条の記録義務", "提供した職員",
                  "記録日時")
RECEIPT_COLUMNS = ("記録ID", "受領日", "対象者ID", "対象者氏名", "提供元", "受領した項目", "受領した内容の詳細",
                   "提供元の取得の経緯", "取得の経緯の補足", "確認の方法・記録", "受領した職員")


def record_row(r) -> list:
    return [r.number, iso_checked(r.provided_on), r.person_id, str(r.person), r.recipient_name, r.recipient_kind,
            "はい" if r.recipient_is_public_body else "いいえ", r.get_purpose_display(), r.item_summary,
            r.get_basis_display(), r.legal_reason, iso_checked(r.consent.consented_on) if r.consent_id else "",
            r.agreement.title if r.agreement_id else "", "あり" if r.statutory else "なし（任意の記録）",
            str(r.staff), timezone.localtime(r.provided_at).strftime("%Y-%m-%d %H:%M")]


def receipt_row(r) -> list:
    return [r.pk, iso_checked(r.received_on), r.person_id, str(r.person), r.provider_name,
            "・".join(r.item_group_labels), r.items_detail, r.get_obtained_how_display(), r.obtained_note,
            r.confirmation_note, str(r.staff)]
