from django import forms

from yorisoi.accounts.models import Staff
from yorisoi.common.forms import EraDateField, EraDateInput, apply_japanese_required_messages

from .models import AccessAction, ExportFormat


class AuditFilterForm(forms.Form):
    """Filters of the audit screen (GET). Every field is optional."""

    staff = forms.ModelChoiceField(label="職員", queryset=Staff.objects.none(), required=False, empty_label="すべて")
    person = forms.CharField(label="対象者", max_length=100, required=False,
                             widget=forms.TextInput(attrs={"placeholder": "ID、氏名またはフリガナ"}))
    date_from = EraDateField(label="期間（から）", required=False,
                             widget=EraDateInput(attrs={"placeholder": "例：令和8年4月1日、2026-04-01"}))
    date_to = EraDateField(label="期間（まで）", required=False,
                           widget=EraDateInput(attrs={"placeholder": "例：R8.4.30"}))
    action = forms.ChoiceField(label="操作", required=False, choices=[("", "すべて"), *AccessAction.choices])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Former staff stay in the list: their old accesses must remain searchable.
        self.fields["staff"].queryset = Staff.objects.filter(center_id=user.center_id).order_by("role", "id")
        self.fields["staff"].error_messages["invalid_choice"] = "職員の選択肢から選んでください。"
        apply_japanese_required_messages(self)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "期間の終わりは始まり以降の日付にしてください。")
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=400)

    def __init__(self, *args, required: bool = True, label: str = "理由", help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        self.fields["reason"].label = label
        self.fields["reason"].help_text = help_text
        apply_japanese_required_messages(self)

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()


# --- export control and retention ----------------------------------------------------------------------


class ExportRequestForm(forms.Form):
    """The request itself. The list's filters travel beside it as hidden inputs (specs.ExportSpec.filter_keys),
    in the POST body: a name typed in a search does not end up in a URL."""

    file_format = forms.ChoiceField(label="形式", choices=ExportFormat.choices, initial=ExportFormat.XLSX,
                                    widget=forms.RadioSelect)
    reason = forms.CharField(
        label="理由・利用目的", max_length=1000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="何のために、誰が、いつまで使うのかを書いてください。管理者が確認し、ファイルの先頭にも記載されます。")
    approve_now = forms.BooleanField(
        label="自分で承認して、すぐに出力できるようにする（自己承認）", required=False,
        help_text="このセンターの管理者はあなただけのため、自分の申請を承認できます。"
                  "自己承認として申請一覧・ファイル・アクセスログに記録され、入力した理由が承認の理由になります。")

    def __init__(self, *args, may_self_approve: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_self_approve:
            del self.fields["approve_now"]
        apply_japanese_required_messages(self)
        self.fields["file_format"].error_messages["invalid_choice"] = "形式を選んでください。"
        self.fields["file_format"].error_messages["required"] = "形式を選んでください。"

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()


class ExportDecisionForm(forms.Form):
    decision = forms.ChoiceField(label="判断", choices=[("approve", "承認する"), ("reject", "却下する")],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label="コメント", required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="却下するときと、自分の申請を承認するときは必須です。申請者に表示されます。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)
        self.fields["decision"].error_messages["required"] = "承認するか却下するかを選んでください。"
        self.fields["decision"].error_messages["invalid_choice"] = "承認するか却下するかを選んでください。"

    def clean_note(self):
        return self.cleaned_data["note"].strip()


class RetentionForm(forms.Form):
    """One field per kind of record: years after the person's last case closed."""

    def __init__(self, *args, years: dict[str, int], **kwargs):
        from .retention.kinds import KINDS
        from .retention.rules import MAX_YEARS

        super().__init__(*args, **kwargs)
        for kind in KINDS:
            # The limits are checked in clean() (rules.validation_errors) so that the messages name the kind.
            self.fields[kind.code] = forms.IntegerField(
                label=kind.label, initial=years[kind.code], help_text=kind.covers,
                widget=forms.NumberInput(attrs={"class": "years-input", "min": kind.min_years(), "max": MAX_YEARS}))
        apply_japanese_required_messages(self)

    def clean(self):
        from .retention.rules import validation_errors

        cleaned = super().clean()
        if not self.errors:
            for code, message in validation_errors(cleaned).items():
                self.add_error(code, message)
        return cleaned
