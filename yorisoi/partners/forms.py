from __future__ import annotations

from django import forms

from yorisoi.common.forms import (
    EraDateField,
    KatakanaReadingField,
    QueryForm,
    QueryIdField,
    QueryTextField,
    VersionedFormMixin,
    apply_japanese_required_messages,
)
from yorisoi.common.text import CleanFormCharField
from yorisoi.privacy import policy

from . import selectors, services
from .models import MEDICAL_FEATURES, Organization, OrganizationContact, OrganizationKind, Outreach, PostEndReason
from .normalize import InvalidValue, normalize_phone, normalize_postal_code


class KnownBooleanSelect(forms.Select):
    """A yes/no/not-known choice for the residential conditions (NULL = not asked yet)."""

    def __init__(self, attrs=None, *, yes="可", no="不可"):
        super().__init__(attrs, choices=[("", "未確認"), ("true", yes), ("false", no)])

    def format_value(self, value):
        return [{True: "true", False: "false", "true": "true", "false": "false"}.get(value, "")]

    def value_from_datadict(self, data, files, name):
        return {"true": True, "false": False, "True": True, "False": False}.get(data.get(name))


def _phone(form: forms.Form, name: str) -> str:
    try:
        return normalize_phone(form.cleaned_data.get(name, ""))
    except InvalidValue:
        raise forms.ValidationError(
            f"{form.fields[name].label}の形式が正しくありません（例：048-123-4567）。", code="invalid") from None


class OrganizationForm(VersionedFormMixin, forms.ModelForm):
    name_kana = KatakanaReadingField(label="機関名（フリガナ）", required=False, max_length=200)

    class Meta:
        model = Organization
        fields = services.ORGANIZATION_FIELDS
        widgets = {
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code",
                                                  "placeholder": "例：330-0063"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "fax": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "accepts_conditions": forms.Textarea(attrs={"rows": 3}),
            "accepts_physical_disability": KnownBooleanSelect(),
            "accepts_intellectual_disability": KnownBooleanSelect(),
            "accepts_mental_disability": KnownBooleanSelect(),
            "smoking_allowed": KnownBooleanSelect(yes="喫煙可", no="禁煙"),
            "pets_allowed": KnownBooleanSelect(),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.kind_id if self.instance and self.instance.pk else None
        kinds = selectors.kinds_for(user)
        self.fields["kind"].queryset = kinds.filter(active=True) | kinds.filter(pk=current)
        self.fields["kind"].empty_label = "選んでください"
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version
        if not self.instance.pk:
            self.fields["version"].required = False
            self.fields["prefecture"].initial = getattr(user.center, "prefecture", "")
        apply_japanese_required_messages(self)

    def clean_phone(self):
        return _phone(self, "phone")

    def clean_fax(self):
        return _phone(self, "fax")

    def clean_postal_code(self):
        try:
            return normalize_postal_code(self.cleaned_data.get("postal_code", ""))
        except InvalidValue:
            raise forms.ValidationError("郵便番号は7桁の数字で入力してください（例：330-0063）。") from None

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.ORGANIZATION_FIELDS}


class ContactForm(VersionedFormMixin, forms.ModelForm):
    name_kana = KatakanaReadingField(label="氏名（フリガナ）", required=False, max_length=100)
    started_on = EraDateField(label="着任日", required=False)

    class Meta:
        model = OrganizationContact
        fields = services.CONTACT_FIELDS
        widgets = {"phone": forms.TextInput(attrs={"type": "tel"}), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version
        if not self.instance.pk:
            self.fields["version"].required = False
        apply_japanese_required_messages(self)

    def clean_phone(self):
        return _phone(self, "phone")

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.CONTACT_FIELDS}


class ContactEndForm(VersionedFormMixin, forms.Form):
    ended_on = EraDateField(label="離任日（異動・退職の日）")
    reason = forms.ChoiceField(label="理由", choices=PostEndReason.choices, initial=PostEndReason.TRANSFER)
    successor_name = CleanFormCharField(label="後任の氏名", required=False, max_length=100)
    successor_name_kana = KatakanaReadingField(label="後任の氏名（フリガナ）", required=False, max_length=100)
    successor_title = CleanFormCharField(label="後任の役職・立場", required=False, max_length=100,
                                         help_text="空欄なら前任者と同じ役職にします")
    successor_phone = CleanFormCharField(label="後任の電話番号", required=False, max_length=20,
                                         widget=forms.TextInput(attrs={"type": "tel"}))
    successor_email = forms.EmailField(label="後任のメールアドレス", required=False)
    moved_to = forms.ModelChoiceField(label="異動先の機関（登録済みの場合）", required=False, queryset=None,
                                      empty_label="記録しない",
                                      help_text="選ぶと、異動先の機関にこの方を担当者として登録します")

    def __init__(self, *args, user, contact: OrganizationContact, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moved_to"].queryset = (selectors.organizations_for(user).filter(active=True)
                                            .exclude(pk=contact.organization_id).order_by("name_kana", "name"))
        if not self.is_bound:
            self.fields["version"].initial = contact.version
        apply_japanese_required_messages(self)

    def clean_successor_phone(self):
        return _phone(self, "successor_phone")

    def successor(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("successor_name", "").strip():
            return None
        return {"name": data["successor_name"], "name_kana": data["successor_name_kana"],
                "title": data["successor_title"], "phone": data["successor_phone"],
                "email": data["successor_email"]}


class OutreachForm(VersionedFormMixin, forms.ModelForm):
    held_on = EraDateField(label="実施日")
    follow_up_on = EraDateField(label="次の対応予定日", required=False)
    organizations = forms.ModelMultipleChoiceField(
        label="対象機関", queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="複数の機関を選ぶときは Ctrl キー（Mac は command キー）を押しながら選んでください",
    )
    staff = forms.ModelMultipleChoiceField(label="担当職員", queryset=None, required=False,
                                           widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Outreach
        fields = [*services.OUTREACH_FIELDS, "organizations", "staff"]
        widgets = {"materials": forms.Textarea(attrs={"rows": 3}),
                   "follow_up_notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = (selectors.organizations_for(user).select_related("kind")
                                                 .order_by("kind__sort_order", "name_kana", "name"))
        self.fields["organizations"].label_from_instance = lambda o: f"{o}（{o.kind.label}）"
        self.fields["staff"].queryset = policy.staff_for(user)
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version
        if not self.instance.pk:
            self.fields["version"].required = False
        apply_japanese_required_messages(self)
        self.fields["organizations"].error_messages["required"] = "対象機関を1つ以上選んでください。"

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.OUTREACH_FIELDS}


class KindForm(forms.ModelForm):
    class Meta:
        model = OrganizationKind
        fields = services.KIND_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.KIND_FIELDS}


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="取り込むファイル（Excel の .xlsx または CSV）",
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)
        self.fields["file"].error_messages["required"] = "ファイルを選んでください。"
        self.fields["file"].error_messages["empty"] = "選んだファイルが空です。"


# --- query parameters of the directory's lists (common.forms.QueryForm: bounded, cleaned, never a 500) ----------


class OrganizationListQuery(QueryForm):
    kind = QueryIdField(label="種別")
    municipality = QueryTextField(label="市区町村", max_length=50)
    q = QueryTextField(label="検索語")
    inactive = forms.BooleanField(label="終了した機関も表示", required=False)
    care = forms.ChoiceField(label="医療", required=False, initial="",
                             choices=[("", "指定なし"), *MEDICAL_FEATURES])

    def filters(self) -> dict:
        values = self.values
        return {"kind_id": values["kind"], "municipality": values["municipality"], "query": values["q"],
                "include_inactive": self.data.get("inactive") == "1", "care": values["care"]}


DORMANT_PERIODS = [(90, "3か月"), (180, "半年"), (365, "1年"), (730, "2年")]


class NotContactedQuery(QueryForm):
    days = forms.TypedChoiceField(label="期間", coerce=int, required=False, initial=180, choices=DORMANT_PERIODS)
    kind = QueryIdField(label="種別")
    never = forms.ChoiceField(label="連絡の記録がない機関", required=False, initial="1",
                              choices=[("", ""), ("1", "含める"), ("0", "含めない")])


class ExportFormatQuery(QueryForm):
    """?format= of the directory's download (a file: a bad value gives the usual Excel file)."""

    format = forms.ChoiceField(label="ファイルの形式", required=False, initial="xlsx",
                               choices=[("", ""), ("xlsx", "Excel"), ("csv", "CSV"),
                                        ("csv_sjis", "CSV（Shift_JIS）")])


class OutreachListQuery(QueryForm):
    organization = QueryIdField(label="機関")
