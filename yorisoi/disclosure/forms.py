from __future__ import annotations

from django import forms
from django.utils import timezone

from yorisoi.common.dates import format_checked_datetime
from yorisoi.common.forms import (
    EraDateField,
    QueryForm,
    QueryIdField,
    QueryTextField,
    VersionedFormMixin,
    apply_japanese_required_messages,
)
from yorisoi.common.text import CleanFormCharField
from yorisoi.partners.selectors import kinds_for, organizations_for
from yorisoi.people.forms import DecisionSupportFields
from yorisoi.privacy import policy

from . import conf, items, selectors
from .models import (
    AgreementStatus,
    Basis,
    ConsentForm,
    ObtainedHow,
    Purpose,
    RequestKind,
    RequestOutcome,
    WithdrawalMethod,
)

ACCEPT = ".pdf,.jpg,.jpeg,.png"


def _file_field(label: str) -> forms.FileField:
    field = forms.FileField(label=label, required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    field.error_messages.update({"empty": "選んだファイルが空です。",
                                 "invalid": "ファイルを読み取れませんでした。もう一度選んでください。"})
    return field


def _attachment_label(what: str) -> str:
    return f"{what}（PDF・JPEG・PNG、{conf.attachment_max_bytes() // (1024 * 1024)}MBまで）"


class ConsentTemplateForm(forms.Form):
    title = CleanFormCharField(label="表題", max_length=100)
    body = CleanFormCharField(label="同意書の文面", widget=forms.Textarea(attrs={"rows": 16}),
                              help_text="本人に読み上げ・手渡しする文面です。同意に使われた版は変更できなくなります。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)


class ConsentRecordForm(DecisionSupportFields):
    template = forms.ModelChoiceField(label="同意書の文面（版）", queryset=None, empty_label=None)
    purposes = forms.MultipleChoiceField(label="利用目的", choices=Purpose.choices,
                                         widget=forms.CheckboxSelectMultiple)
    agency_kinds = forms.ModelMultipleChoiceField(label="提供先の種別", queryset=None,
                                                  widget=forms.CheckboxSelectMultiple)
    consented_on = EraDateField(label="同意日")
    form = forms.ChoiceField(label="同意の形式", choices=ConsentForm.choices, widget=forms.RadioSelect)
    taken_by = forms.ModelChoiceField(label="同意を得た職員", queryset=None, empty_label=None)
    file = _file_field("スキャンした同意書")
    note = CleanFormCharField(label="備考", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = selectors.templates_for(user).order_by("-version")
        self.fields["agency_kinds"].queryset = kinds_for(user, active_only=True)
        self.fields["agency_kinds"].label_from_instance = lambda k: k.label
        self.fields["taken_by"].queryset = policy.areas.case_staff_for(user)
        self.fields["file"].label = _attachment_label("スキャンした同意書")
        if not self.is_bound:
            self.fields["taken_by"].initial = user.pk
            self.fields["consented_on"].initial = timezone.localdate()
            latest = selectors.latest_template(user)
            self.fields["template"].initial = latest.pk if latest else None
        apply_japanese_required_messages(self)
        self.fields["purposes"].error_messages["required"] = "利用目的を1つ以上選んでください。"
        self.fields["agency_kinds"].error_messages["required"] = "提供先の種別を1つ以上選んでください。"


class WithdrawForm(VersionedFormMixin):
    withdrawn_on = EraDateField(label="撤回日")
    method = forms.ChoiceField(label="撤回の方法", choices=WithdrawalMethod.choices, widget=forms.RadioSelect)
    note = CleanFormCharField(label="撤回についての記録", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="例：本人から電話で「市役所には伝えないでほしい」との申出。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["withdrawn_on"].initial = timezone.localdate()
        apply_japanese_required_messages(self)


class ProvisionSourceQuery(QueryForm):
    """?inquiry= or ?connection=: the provision form opened from a 受入照会 or a つなぎ."""

    inquiry = QueryIdField(label="受入照会")
    connection = QueryIdField(label="つなぎ")


class OrganizationQuery(QueryForm):
    organization = QueryIdField(label="相手方の機関")


class AgreementForm(VersionedFormMixin):
    organization = forms.ModelChoiceField(label="相手方の機関", queryset=None, empty_label="選んでください",
                                          widget=forms.Select(attrs={"data-searchable": ""}))
    title = CleanFormCharField(label="名称", max_length=200, help_text="例：個人情報の提供に関する協定書")
    purposes = forms.MultipleChoiceField(label="対象とする利用目的", choices=Purpose.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text="選ばないときは目的を限定しない取り決めとして扱います。")
    item_groups = forms.MultipleChoiceField(label="対象とする項目", required=False,
                                            choices=[(g.code, g.label) for g in items.GROUPS],
                                            widget=forms.CheckboxSelectMultiple,
                                            help_text="選ばないときは項目を限定しない取り決めとして扱います。")
    scope_note = CleanFormCharField(label="範囲・条件の補足", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    valid_from = EraDateField(label="有効期間（開始）")
    valid_to = EraDateField(label="有効期間（終了）", required=False, help_text="空欄は期限の定めなし")
    status = forms.ChoiceField(label="状態", choices=AgreementStatus.choices)
    file = _file_field("取り決めの文書")

    def __init__(self, *args, user, instance=None, draft_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations_for(user).select_related("kind").order_by(
            "name_kana", "name", "id")
        self.fields["file"].label = _attachment_label("取り決めの文書")
        if draft_only:
            self.fields["status"].choices = [(AgreementStatus.DRAFT, AgreementStatus.DRAFT.label)]
            self.fields["status"].help_text = "締結済みにするのは管理者の決裁です。"
        if instance is None:
            self.fields["version"].required = False
        elif not self.is_bound:
            self.initial.update({name: getattr(instance, name) for name in
                                 ("title", "purposes", "item_groups", "scope_note", "valid_from", "valid_to",
                                  "status")})
            self.initial["organization"] = instance.organization_id
            self.initial["version"] = instance.version
        apply_japanese_required_messages(self)

    def clean(self):
        data = super().clean()
        if data.get("valid_from") and data.get("valid_to") and data["valid_to"] < data["valid_from"]:
            self.add_error("valid_to", "有効期間の終了日は開始日より後の日付にしてください。")
        return data


class ProvisionForm(forms.Form):
    recipient = forms.ModelChoiceField(label="提供先の機関", queryset=None, empty_label="選んでください",
                                       widget=forms.Select(attrs={"data-searchable": ""}))
    purpose = forms.ChoiceField(label="利用目的", choices=[("", "選んでください"), *Purpose.choices])
    items = forms.MultipleChoiceField(label="提供する項目", required=False, widget=forms.CheckboxSelectMultiple)
    activities = forms.ModelMultipleChoiceField(label="あわせて提供する支援経過記録", queryset=None, required=False,
                                                widget=forms.CheckboxSelectMultiple)
    basis = forms.ChoiceField(label="提供の根拠", choices=Basis.choices, initial=Basis.CONSENT,
                              widget=forms.RadioSelect)
    legal_reason = CleanFormCharField(label="根拠の説明・理由", required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}),
                                      help_text="同意以外の根拠のときは必須。例：刑事訴訟法197条2項に基づく照会（令和8年11月2日付）")
    note = CleanFormCharField(label="備考", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # the 受入照会 or つなぎ during which the data was passed (services.provide_information marks it)
    inquiry = QueryIdField(label="受入照会", widget=forms.HiddenInput)
    connection = QueryIdField(label="つなぎ", widget=forms.HiddenInput)

    RECORD_LIMIT = 30

    def __init__(self, *args, user, person, **kwargs):
        super().__init__(*args, **kwargs)
        access = policy.access_for(user)
        self.fields["recipient"].queryset = organizations_for(user).filter(active=True).select_related(
            "kind").order_by("name_kana", "name", "id")
        self.fields["recipient"].label_from_instance = lambda o: f"{o}（{o.kind.short_label}）"
        self.groups = items.grouped_choices(access)
        self.fields["items"].choices = [choice for _label, choices in self.groups for choice in choices]
        if access.can_see_narrative:
            recent = (policy.activities_for(user).filter(person=person).order_by("-occurred_at", "-id")
                      .values_list("pk", flat=True)[: self.RECORD_LIMIT])
            self.fields["activities"].queryset = policy.activities_for(user).filter(pk__in=list(recent)).order_by(
                "-occurred_at", "-id")
            self.fields["activities"].label_from_instance = _activity_label
        else:
            del self.fields["activities"]
        apply_japanese_required_messages(self)

    def item_groups(self) -> list[tuple[str, list]]:
        """The item checkboxes grouped as on the person page: [(group label, [bound checkbox, …]), …]."""
        widgets = {str(w.data["value"]): w for w in self["items"]}
        return [(label, [widgets[code] for code, _ in choices if code in widgets]) for label, choices in self.groups]

    def clean(self):
        data = super().clean()
        if not data.get("items") and not data.get("activities"):
            self.add_error("items", "提供する項目を1つ以上選んでください。")
        if data.get("basis") and data["basis"] != Basis.CONSENT and not (data.get("legal_reason") or "").strip():
            self.add_error("legal_reason", "同意以外の根拠で提供するときは、根拠の説明・理由を入力してください。")
        return data


def _activity_label(activity) -> str:
    when = format_checked_datetime(activity.occurred_at, style="short")
    text = (activity.narrative or "").replace("\n", " ")
    return f"{when} {activity.get_kind_display()} {activity.counterpart} — {text[:40]}{'…' if len(text) > 40 else ''}"


class LedgerFilterForm(forms.Form):
    date_from = EraDateField(label="提供日（から）", required=False)
    date_to = EraDateField(label="提供日（まで）", required=False)
    recipient = forms.ModelChoiceField(label="提供先", queryset=None, required=False, empty_label="すべて")
    person = QueryTextField(label="対象者（氏名・フリガナ・ID）")
    basis = forms.ChoiceField(label="根拠", required=False, choices=[("", "すべて"), *Basis.choices])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = organizations_for(user).order_by("name_kana", "name", "id")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "終わりの日は始まりの日より後にしてください。")
        return data

    def summary(self) -> str:
        data = self.cleaned_data if self.is_valid() else {}
        parts = []
        if data.get("date_from") or data.get("date_to"):
            parts.append(f"期間={data.get('date_from') or ''}〜{data.get('date_to') or ''}")
        if data.get("recipient"):
            parts.append(f"提供先ID={data['recipient'].pk}")
        if data.get("person"):
            parts.append("対象者指定あり")
        if data.get("basis"):
            parts.append(f"根拠={Basis(data['basis']).label}")
        return "、".join(parts) or "条件なし"


class ReceiptFilterForm(LedgerFilterForm):
    """The filters of the receipts list: the period and the person (the page offers no others, so the query may not
    set them unseen)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["recipient"], self.fields["basis"]
        self.fields["date_from"].label, self.fields["date_to"].label = "受領日（から）", "受領日（まで）"


class ReceiptForm(forms.Form):
    received_on = EraDateField(label="受領日")
    provider = forms.ModelChoiceField(label="提供元の機関", queryset=None, empty_label="選んでください")
    item_groups = forms.MultipleChoiceField(label="受領した項目", required=False, widget=forms.CheckboxSelectMultiple,
                                            choices=[(g.code, g.label) for g in items.GROUPS])
    items_detail = CleanFormCharField(label="受領した内容の詳細", required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}),
                                      help_text="例：特別調整協力等依頼書、判決書の写し、服薬状況の一覧")
    obtained_how = forms.ChoiceField(label="提供元の取得の経緯", choices=[("", "選んでください"), *ObtainedHow.choices])
    obtained_note = CleanFormCharField(label="取得の経緯の補足", required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    confirmation_note = CleanFormCharField(label="確認の方法・記録", widget=forms.Textarea(attrs={"rows": 2}),
                                           help_text="例：依頼書の記載と担当の検察事務官への電話で確認した。")
    staff = forms.ModelChoiceField(label="受領した職員", queryset=None, empty_label=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = organizations_for(user).select_related("kind").order_by(
            "name_kana", "name", "id")
        self.fields["staff"].queryset = policy.areas.case_staff_for(user)
        if not self.is_bound:
            self.fields["staff"].initial = user.pk
            self.fields["received_on"].initial = timezone.localdate()
        apply_japanese_required_messages(self)
        self.fields["confirmation_note"].error_messages["required"] = (
            "確認の方法・記録を入力してください（提供元と取得の経緯をどう確認したか）。")


class RequestForm(VersionedFormMixin):
    kind = forms.ChoiceField(label="請求の種類", choices=RequestKind.choices, widget=forms.RadioSelect)
    received_on = EraDateField(label="受付日")
    requester = CleanFormCharField(label="請求者", max_length=100, initial="本人",
                                   help_text="本人、または代理人の氏名と関係（例：成年後見人 山田一郎）")
    content = CleanFormCharField(label="請求の内容", widget=forms.Textarea(attrs={"rows": 3}))
    handling = CleanFormCharField(label="対応の内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ChoiceField(label="結果", choices=RequestOutcome.choices)
    outcome_note = CleanFormCharField(label="結果の説明・理由", required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    completed_on = EraDateField(label="対応完了日", required=False)

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is None:
            self.fields["version"].required = False
            if not self.is_bound:
                self.fields["received_on"].initial = timezone.localdate()
        elif not self.is_bound:
            self.initial.update({name: getattr(instance, name) for name in
                                 ("kind", "received_on", "requester", "content", "handling", "outcome",
                                  "outcome_note", "completed_on", "version")})
        apply_japanese_required_messages(self)

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ReportFormatQuery(QueryForm):
    """?format=pdf of the 開示 report (without it: the printable page)."""

    format = forms.ChoiceField(label="出力の形式", required=False, initial="", choices=[("", ""), ("pdf", "PDF")])
