from django import forms

from yorisoi.common.forms import apply_japanese_required_messages
from yorisoi.privacy.models import ExportFormat


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
