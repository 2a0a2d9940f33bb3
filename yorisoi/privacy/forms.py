from django import forms
from django.contrib.auth import get_user_model

from yorisoi.common.forms import EraDateField, EraDateInput, QueryTextField, apply_japanese_required_messages
from yorisoi.common.text import CleanFormCharField
from yorisoi.privacy import policy

from .models import AccessAction


class AuditFilterForm(forms.Form):
    """Filters of the audit screen (GET). Every field is optional."""

    staff = forms.ModelChoiceField(label="職員", queryset=get_user_model().objects.none(), required=False,
                                   empty_label="すべて")
    person = QueryTextField(label="対象者",
                             widget=forms.TextInput(attrs={"placeholder": "ID、氏名またはフリガナ"}))
    date_from = EraDateField(label="期間（から）", required=False,
                             widget=EraDateInput(attrs={"placeholder": "例：令和8年4月1日、2026-04-01"}))
    date_to = EraDateField(label="期間（まで）", required=False,
                           widget=EraDateInput(attrs={"placeholder": "例：R8.4.30"}))
    action = forms.ChoiceField(label="操作", required=False, choices=[("", "すべて"), *AccessAction.choices])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Former staff stay in the list: their old accesses must remain searchable.
        self.fields["staff"].queryset = policy.of_center(get_user_model().objects, user).order_by("role", "id")
        self.fields["staff"].error_messages["invalid_choice"] = "職員の選択肢から選んでください。"
        apply_japanese_required_messages(self)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "期間の終わりは始まり以降の日付にしてください。")
        return cleaned


class ReasonForm(forms.Form):
    reason = CleanFormCharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=400)

    def __init__(self, *args, required: bool = True, label: str = "理由", help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        self.fields["reason"].label = label
        self.fields["reason"].help_text = help_text
        apply_japanese_required_messages(self)

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()
