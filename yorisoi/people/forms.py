"""Forms of the face sheet. They only read and check input; the services write."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django import forms
from django.forms.models import fields_for_model
from django.urls import reverse

from yorisoi.cases.models import Disposition
from yorisoi.common.forms import (
    EraDateField,
    KatakanaReadingField,
    QueryForm,
    QueryIdField,
    QueryTextField,
    apply_japanese_required_messages,
)
from yorisoi.common.text import CleanFormCharField

from . import services
from .models import (
    CERTIFICATE_GRADES,
    DISABILITY_FIELDS,
    CapacityConcern,
    CertificateKind,
    DecisionSupporter,
    DisabilityCertificate,
    ExternalContact,
    FamilyContact,
    OffenceCategory,
    Person,
    ReoffenceSource,
)

# The face sheet's sections, in the order of the paper form. A field the user may not edit is simply absent.
FIELDSETS = [
    ("basic", "基本情報", ["family_name", "given_name", "family_name_kana", "given_name_kana", "sex", "birth_date",
                          "aliases"]),
    ("contact", "連絡先・住所", ["phone", "postal_code", "prefecture", "municipality", "address_line",
                                "no_fixed_abode", "registration_status", "registration_municipality",
                                "return_wish"]),
    ("welfare", "福祉", ["care_level", "disability_support_level", "public_assistance",
                          "public_assistance_office"]),
    ("health", "健康（要配慮）", ["health_conditions", "medication", "hospitals", *DISABILITY_FIELDS]),
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
            self.fields["change_reason"] = CleanFormCharField(
                label="変更理由（任意）", required=False, max_length=200,
                help_text="変更履歴に残ります。例：本人から転居の連絡があったため",
            )
        if same_name_check:
            self.fields["confirm_same_name"] = forms.BooleanField(
                label="上の人とは別人であることを確認したので、別人として登録する", required=False,
            )
            # Names the candidates the confirmation showed (common.locks.seen_token): one more appearing
            # before the save asks again.
            self.fields["same_name_seen"] = CleanFormCharField(widget=forms.HiddenInput, required=False,
                                                               max_length=2000)
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
        skip = {"version", "change_reason", "confirm_same_name", "same_name_seen"}
        return {name: value for name, value in self.cleaned_data.items() if name not in skip}


def initial_for(person: Person, actor) -> dict:
    """What the edit form shows: the stored values of the fields this user may edit, and the version."""
    initial = {name: getattr(person, name) for name in services.editable_fields(actor)}
    initial["version"] = person.version
    return initial



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
            self.fields["change_reason"] = CleanFormCharField(label="変更理由（任意）", required=False, max_length=200)
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


# --- 意思決定支援 (used by the consent and support-plan forms) ----------------------------------------------------

DECISION_SUPPORT_FIELDS = ["capacity_concern", "decision_supporters", "decision_support_note"]


class DecisionSupportFields(forms.Form):
    """The three fields of models.DecisionSupport; mix into a form and render `people/_decision_support.html`."""

    capacity_concern = forms.ChoiceField(label="意思決定能力への配慮", required=False, choices=CapacityConcern.choices,
                                         help_text="認知症・知的障害などで、説明の理解や判断に支援が必要か。")
    decision_supporters = forms.MultipleChoiceField(label="意思決定を支えた人", required=False,
                                                    choices=DecisionSupporter.choices,
                                                    widget=forms.CheckboxSelectMultiple)
    decision_support_note = CleanFormCharField(
        label="意思決定支援の方法", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="例：絵と短い言葉で説明し、翌日もう一度本人の気持ちを確かめた。後見人が同席した。")

    def clean(self):
        data = super().clean()
        if data.get("capacity_concern") and not data.get("decision_supporters"):
            self.add_error("decision_supporters",
                           "意思決定能力への配慮が必要なときは、誰が意思決定を支えたかを選んでください。")
        return data


# --- query parameters (common.forms.QueryForm: a bad one is named, never a 500) ---------------------------------

POSTAL_CODE_FORMAT = "郵便番号は7桁の数字で入力してください（例：330-0063）。"


class PostalCodeQuery(QueryForm):
    """?code= of the postal-code look-up: 7 digits, typed with a hyphen, 〒, spaces or full-width digits."""

    code = QueryTextField(label="郵便番号", max_length=20)

    def clean_code(self):
        code = re.sub(r"[\s\-ー−‐〒]", "", unicodedata.normalize("NFKC", self.cleaned_data.get("code") or ""))
        if not re.fullmatch(r"\d{7}", code):
            raise forms.ValidationError(POSTAL_CODE_FORMAT, code="postal_code")
        return code


class CertificateKindQuery(QueryForm):
    """?kind= of the grade list that follows the chosen kind of certificate."""

    kind = forms.ChoiceField(label="手帳の種類", required=False, initial="",
                             choices=[("", ""), *CertificateKind.choices])


class MergeOtherQuery(QueryForm):
    """?other= of the page that chooses the record to merge: its number (ID)."""

    other = QueryIdField(label="記録番号")


class MergeForm(forms.Form):
    """The director's reason for merging two records (kept in the merge history)."""

    reason = CleanFormCharField(
        label="統合の理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "統合の理由を入力してください。"},
        help_text="例：旧姓で別に登録されていた。生年月日・本籍地が一致し、本人に確認した。")


class ReoffenceForm(forms.Form):
    """再犯の把握 on a case: what is known, when, from whom."""

    occurred_on = EraDateField(label="再犯の日（分かる範囲で）")
    offence_category = forms.ChoiceField(label="罪名の分類", choices=OffenceCategory.choices, required=False)
    disposition = forms.ChoiceField(label="処分（分かれば）", choices=Disposition.choices, required=False)
    source = forms.ChoiceField(label="情報源", choices=[("", "選んでください"), *ReoffenceSource.choices])
    note = CleanFormCharField(label="経緯", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="いつ、誰から、どのように知ったか。")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "reoffence")
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)
