import functools

from django import forms

from yorisoi.common.forms import (
    QueryDateField,
    QueryFlagField,
    QueryForm,
    QueryNumberField,
    QueryTextField,
    apply_japanese_required_messages,
)
from yorisoi.common.text import CleanFormCharField
from yorisoi.privacy.models import ExportFormat, ExportTarget

from . import counting
from .counting import Period


class ExportRequestForm(forms.Form):
    """The request itself. The list's filters travel beside it as hidden inputs (specs.ExportSpec.filter_keys),
    in the POST body: a name typed in a search does not end up in a URL."""

    file_format = forms.ChoiceField(label="形式", choices=ExportFormat.choices, initial=ExportFormat.XLSX,
                                    widget=forms.RadioSelect)
    reason = CleanFormCharField(
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
    note = CleanFormCharField(label="コメント", required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="却下するときと、自分の申請を承認するときは必須です。申請者に表示されます。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)
        self.fields["decision"].error_messages["required"] = "承認するか却下するかを選んでください。"
        self.fields["decision"].error_messages["invalid_choice"] = "承認するか却下するかを選んでください。"

    def clean_note(self):
        return self.cleaned_data["note"].strip()


# --- query parameters (common.forms.QueryForm: a bad one is named on the page, never a 500) ----------------------


class ExportTargetQuery(QueryForm):
    """?target= of the request page: which list (any other value: no such page)."""

    target = forms.ChoiceField(label="出力する一覧", required=False, initial="",
                               choices=[("", ""), *ExportTarget.choices])


@functools.cache
def export_filters_query(keys: tuple[str, ...]) -> type[QueryForm]:
    """The filters of a list carried to its export request in the query (ExportSpec.filter_keys): text, cleaned and
    bounded here; the list's spec decides what they mean (and refuses them with its own message)."""
    return type("ExportFiltersQuery", (QueryForm,),
                {key: QueryTextField(label="一覧の抽出条件", max_length=100, initial="") for key in keys})


class PeriodQuery(QueryForm):
    """The period of the dashboard and its drill-down: a fiscal year (default), a month or a custom range."""

    kind = forms.ChoiceField(label="期間の種類", required=False, initial="fy",
                             choices=[("fy", "年度"), ("month", "月"), ("custom", "期間を指定")])
    fy = QueryNumberField(label="年度", min_value=2000, max_value=2100)
    month = QueryNumberField(label="月", min_value=1, max_value=12)
    start = QueryDateField(label="開始日")
    end = QueryDateField(label="終了日")

    def period(self, today) -> Period:
        v = self.values
        fy = v["fy"] or counting.current_fiscal_year(today)
        if v["kind"] == "month" and v["month"]:
            return Period.month(fy if v["month"] >= 4 else fy + 1, v["month"])
        if v["kind"] == "custom" and v["start"] and v["end"] and v["start"] <= v["end"]:
            return Period.custom(v["start"], v["end"])
        return Period.fiscal_year(fy)


class DrillQuery(PeriodQuery):
    figure = QueryTextField(label="集計表", max_length=40)
    key = QueryTextField(label="区分", max_length=40)


class OutcomeReportQuery(QueryForm):
    fy = QueryNumberField(label="年度", min_value=2000, max_value=2100)
    format = forms.ChoiceField(label="形式", required=False, initial="xlsx",
                               choices=[("xlsx", "Excel"), ("pdf", "PDF")])
    public = QueryFlagField(label="公表用")
