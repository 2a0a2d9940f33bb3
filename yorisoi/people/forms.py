"""Forms of the face sheet. They only read and check input; the services write."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.forms.models import fields_for_model
from django.urls import reverse

from yorisoi.common.eras import format_era
from yorisoi.common.forms import EraDateField, KatakanaReadingField, apply_japanese_required_messages

from . import services
from .models import (
    CERTIFICATE_GRADES,
    CertificateKind,
    DisabilityCertificate,
    ExternalContact,
    FamilyContact,
    Person,
)

# The face sheet's sections, in the order of the paper form. A field the user may not edit is simply absent.
FIELDSETS = [
    ("basic", "基本情報", ["family_name", "given_name", "family_name_kana", "given_name_kana", "sex", "birth_date",
                          "aliases"]),
    ("contact", "連絡先・住所", ["phone", "postal_code", "prefecture", "municipality", "address_line",
                                "return_wish"]),
    ("welfare", "福祉", ["care_level", "disability_support_level", "public_assistance",
                          "public_assistance_office"]),
    ("health", "健康（要配慮）", ["health_conditions", "medication", "hospitals"]),
    ("justice", "司法（要配慮）", ["justice_status", "offence_category", "justice_details", "justice_agencies"]),
    ("wishes", "本人の意向", ["wishes"]),
]
SENSITIVE_FIELDSETS = {"health", "justice"}
FIELD_CLASSES = {"birth_date": EraDateField, "family_name_kana": KatakanaReadingField,
                 "given_name_kana": KatakanaReadingField}
WIDGET_ATTRS = {
    "family_name": {"autocomplete": "off"},
    "given_name": {"autocomplete": "off"},
    "family_name_kana": {"placeholder": "例：ヤマダ（ひらがなでも可）"},
    "given_name_kana": {"placeholder": "例：タロウ"},
    "phone": {"type": "tel", "inputmode": "tel", "autocomplete": "off", "placeholder": "例：090-1234-5678"},
    "postal_code": {"inputmode": "numeric", "autocomplete": "off", "placeholder": "例：330-0063",
                    "class": "postal-code"},
    "aliases": {"rows": 2},
    "return_wish": {"rows": 3},
    "wishes": {"rows": 4, "placeholder": "本人が話した言葉のままで記録します"},
    "health_conditions": {"rows": 3},
    "medication": {"rows": 3},
    "hospitals": {"rows": 3},
    "justice_details": {"rows": 3},
    "justice_agencies": {"rows": 3},
}
HELP_TEXTS = {
    "birth_date": "和暦（昭和40年1月2日・S40.1.2）でも西暦（1965-01-02）でも入力できます。",
    "family_name": "戸籍・住民票の表記のまま入力します（旧字体もそのまま）。",
    "aliases": "通称・旧姓・別名を1行に1つ",
}


@dataclass
class Fieldset:
    key: str
    legend: str
    fields: list  # BoundField
    sensitive: bool


def _normalise_newlines(cleaned: dict) -> dict:
    """Browsers send textarea line breaks as CRLF; store LF so that an untouched text is not a "change"."""
    return {k: v.replace("\r\n", "\n").replace("\r", "\n") if isinstance(v, str) else v for k, v in cleaned.items()}


def _is_wide(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.Textarea)


class PersonForm(forms.Form):
    """The face sheet for registering (version=None) or editing (version given).

    Fields come from `services.editable_fields(actor)`: a clerk's form has no health or justice fields at
    all, so a forged POST of those values is ignored rather than saved.
    """

    def __init__(self, *args, actor, editing: bool = False, same_name_check: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        names = services.editable_fields(actor)
        generated = fields_for_model(Person, fields=names, field_classes=FIELD_CLASSES)
        for name in names:
            field = generated[name]
            field.widget.attrs.update(WIDGET_ATTRS.get(name, {}))
            if name in HELP_TEXTS:
                field.help_text = HELP_TEXTS[name]
            self.fields[name] = field
        if editing:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
            self.fields["change_reason"] = forms.CharField(
                label="変更理由（任意）", required=False, max_length=200,
                help_text="変更履歴に残ります。例：本人から転居の連絡があったため",
            )
        if same_name_check:
            self.fields["confirm_same_name"] = forms.BooleanField(
                label="上の人とは別人であることを確認したので、同名の別人として登録する", required=False,
            )
        apply_japanese_required_messages(self)

    def clean(self):
        return _normalise_newlines(super().clean())

    def fieldsets(self) -> list[Fieldset]:
        sets = []
        for key, legend, names in FIELDSETS:
            bound = [self[name] for name in names if name in self.fields]
            if bound:
                sets.append(Fieldset(key, legend, [(b, _is_wide(b)) for b in bound], key in SENSITIVE_FIELDSETS))
        return sets

    def person_values(self) -> dict:
        skip = {"version", "change_reason", "confirm_same_name"}
        return {name: value for name, value in self.cleaned_data.items() if name not in skip}


def initial_for(person: Person, actor) -> dict:
    """What the edit form shows: the stored values of the fields this user may edit, and the version."""
    initial = {name: getattr(person, name) for name in services.editable_fields(actor)}
    initial["version"] = person.version
    return initial


def as_form_value(value) -> str:
    """A stored value written the way the form shows it (for merging a stale edit)."""
    if value is None:
        return ""
    if hasattr(value, "year") and hasattr(value, "day"):
        return format_era(value)
    return str(value)


# --- sub-records ----------------------------------------------------------------------------------------


class _SubRecordForm(forms.Form):
    model: type = None
    field_names: list[str] = []
    field_classes: dict = {}
    widget_attrs: dict = {}

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        generated = fields_for_model(self.model, fields=self.field_names, field_classes=self.field_classes)
        for name in self.field_names:
            field = generated[name]
            field.widget.attrs.update(self.widget_attrs.get(name, {}))
            self.fields[name] = field
        if editing:
            self.fields["change_reason"] = forms.CharField(label="変更理由（任意）", required=False, max_length=200)
        apply_japanese_required_messages(self)

    def clean(self):
        return _normalise_newlines(super().clean())

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "change_reason"}


class FamilyContactForm(_SubRecordForm):
    model = FamilyContact
    field_names = services.FAMILY_CONTACT_FIELDS
    widget_attrs = {"phone": {"type": "tel", "inputmode": "tel", "autocomplete": "off"},
                    "relationship": {"placeholder": "例：姉、叔父、元雇用主"}}


class ExternalContactForm(_SubRecordForm):
    model = ExternalContact
    field_names = services.EXTERNAL_CONTACT_FIELDS
    widget_attrs = {"phone": {"type": "tel", "inputmode": "tel", "autocomplete": "off"},
                    "agency": {"placeholder": "例：さいたま保護観察所"},
                    "agency_reference": {"placeholder": "先方が使う番号（あれば）"}}


def grade_choices(kind: str) -> list:
    """The grades of one kind of certificate; without a kind, all grades grouped by kind."""
    if kind in CERTIFICATE_GRADES:
        return [("", "選んでください"), *CERTIFICATE_GRADES[kind]]
    return [("", "先に種類を選んでください"),
            *[(CertificateKind(k).label, list(grades)) for k, grades in CERTIFICATE_GRADES.items()]]


class CertificateForm(_SubRecordForm):
    model = DisabilityCertificate
    field_names = services.CERTIFICATE_FIELDS
    field_classes = {"issued_on": EraDateField, "renewal_due": EraDateField}
    widget_attrs = {"issuing_prefecture": {"placeholder": "例：埼玉県、さいたま市"},
                    "number": {"autocomplete": "off"},
                    "issued_on": {"placeholder": "例：R5.4.1"}, "renewal_due": {"placeholder": "例：令和9年3月31日"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.data.get("kind") if self.is_bound else self.initial.get("kind", "")
        self.fields["grade"] = forms.ChoiceField(label="等級・程度", choices=grade_choices(kind or ""))
        # With htmx the grade list narrows to the chosen kind; without it, the grouped list still works.
        self.fields["kind"].widget.attrs.update({
            "hx-get": reverse("people:certificate_grades"), "hx-trigger": "change",
            "hx-target": "#certificate-grade", "hx-swap": "outerHTML",
        })
        self.fields["issuing_prefecture"].help_text = "療育手帳は必ず入力（等級の呼び方が自治体ごとに違うため）"
        self.fields["renewal_due"].help_text = "精神障害者保健福祉手帳は2年ごとの更新です。"
        apply_japanese_required_messages(self)
