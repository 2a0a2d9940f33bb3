from __future__ import annotations

from django import forms

from yorisoi.common.forms import QueryForm, QueryNumberField, apply_japanese_required_messages

from .fields import fields_for
from .models import ImportTarget
from .reading import MAX_UPLOAD_BYTES


class UploadForm(forms.Form):
    target = forms.ChoiceField(label="取り込む対象", choices=ImportTarget.choices, initial=ImportTarget.PERSONS)
    file = forms.FileField(label="取り込むファイル（Excel の .xlsx または CSV、20MBまで）",
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)
        self.fields["file"].error_messages["required"] = "ファイルを選んでください。"
        self.fields["file"].error_messages["empty"] = "選んだファイルが空です。"
        self.fields["target"].error_messages["invalid_choice"] = "取り込む対象を選んでください。"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("ファイルが大きすぎます（20MBまで）。ファイルを分けてから読み込んでください。")
        return upload


class SheetForm(forms.Form):
    def __init__(self, *args, sheets: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet"] = forms.ChoiceField(label="取り込むシート", choices=[(s, s) for s in sheets])
        self.fields["sheet"].error_messages["invalid_choice"] = "シートを選んでください。"


class MappingForm(forms.Form):
    """One select per column of the file: which field the column holds (or 取り込まない)."""

    def __init__(self, *args, target: str, headings: list[str], initial_mapping: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "（取り込まない）")] + [(f.key, f.label) for f in fields_for(target)]
        self.headings = headings
        for position, heading in enumerate(headings):
            field = forms.ChoiceField(label=heading or f"（見出しなし・{position + 1}列目）", choices=choices,
                                      required=False, initial=initial_mapping.get(position, ""))
            field.error_messages["invalid_choice"] = "項目を選び直してください。"
            self.fields[f"col_{position}"] = field

    def mapping(self) -> dict[int, str]:
        return {int(name[4:]): value for name, value in self.cleaned_data.items() if value}


class PreviewQuery(QueryForm):
    page = QueryNumberField(label="ページ", min_value=1, max_value=100_000, initial=1)
    show = forms.ChoiceField(label="表示", required=False, initial="problems",
                             choices=[("problems", "問題のある行"), ("all", "すべての行")])
