"""Forms of intake. They validate what was typed; the services decide and write."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone

from yorisoi.cases.forms import BLANK, StaffChoiceField
from yorisoi.cases.models import CaseKind, ReferralSource, Urgency
from yorisoi.common.forms import (
    EraDateField,
    KatakanaReadingField,
    LocalDateTimeField,
    QueryFlagField,
    QueryForm,
    QueryNumberField,
    VersionedFormMixin,
    apply_japanese_required_messages,
)
from yorisoi.common.text import CleanFormCharField
from yorisoi.partners.selectors import organizations_for
from yorisoi.people.models import JusticeStatus, Sex
from yorisoi.privacy import policy

from .models import ConsultationMethod, ConsultationTopic, PreConsultation, PreConsultationStatus
from .selectors import organization_choices

NEW_PERSON = "new"
NAME_FIELDS = ["family_name", "given_name", "family_name_kana", "given_name_kana"]


def _crlf(value):
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _name_check_attrs() -> dict:
    """The exact-name check runs as the worker types (htmx POST: a name never goes into a URL)."""
    return {"autocomplete": "off", "hx-post": reverse("intake:name_check"), "hx-trigger": "keyup changed delay:400ms",
            "hx-target": "#same-name-results", "hx-swap": "outerHTML"}


def _staff_queryset(user):
    return policy.areas.case_staff_for(user)


class OrganizationPickMixin(forms.Form):
    """「相談元機関」: a pick from the partner directory (justice agencies first) or free text."""

    organization = forms.ChoiceField(label="関係機関から選ぶ", required=False)

    ORGANIZATION_ERROR = "関係機関の一覧から選んでください。"

    def _setup_organizations(self, user) -> None:
        self._user = user
        self.fields["organization"].choices = organization_choices(user)

    def _organization_messages(self) -> None:
        """Call after apply_japanese_required_messages (which would say 「関係機関から選ぶの選択肢から…」)."""
        self.fields["organization"].error_messages["invalid_choice"] = self.ORGANIZATION_ERROR

    def clean_organization(self):
        pk = self.cleaned_data.get("organization") or ""
        if not pk:
            return None
        organization = organizations_for(self._user).select_related("kind").filter(pk=pk).first() \
            if pk.isdigit() else None
        if organization is None:
            raise forms.ValidationError(self.ORGANIZATION_ERROR)
        return organization


class PersonPickMixin(forms.Form):
    """`existing_person`: the radio of the same-name results ("new", a person's pk, or nothing picked).

    Cleans to a Person the user may open, or to the string "new" / "". The radios are rendered by the
    results partial (intake/_same_name.html), not by this field's widget.
    """

    existing_person = CleanFormCharField(required=False, widget=forms.HiddenInput)

    def clean_existing_person(self):
        value = (self.cleaned_data.get("existing_person") or "").strip()
        if value in ("", NEW_PERSON):
            return value
        person = policy.persons_for(self._user).filter(pk=value).first() if value.isdigit() else None
        if person is None:
            raise forms.ValidationError("選んだ対象者が見つかりません。もう一度選んでください。")
        return person

    @property
    def picked_person(self):
        value = self.cleaned_data.get("existing_person")
        return None if isinstance(value, str) or value is None else value


# --- the phone referral ------------------------------------------------------------------------------------


class ReferralForm(PersonPickMixin, OrganizationPickMixin):
    # who calls
    referral_source = forms.ChoiceField(label="依頼元の種別", choices=BLANK + ReferralSource.choices, required=False,
                                        help_text="関係機関を選んだときは、空欄なら機関の種別から決まります。")
    referral_agency = CleanFormCharField(
        label="依頼元機関（一覧にないとき）", max_length=100, required=False,
        widget=forms.TextInput(attrs={"placeholder": "例：さいたま地方検察庁 再犯防止対策室"}))
    referral_officer = CleanFormCharField(label="担当者名", max_length=100, required=False,
                                          widget=forms.TextInput(attrs={"placeholder": "例：検察事務官 山田"}))
    referral_contact = CleanFormCharField(label="連絡先電話番号", max_length=100, required=False,
                                          widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel",
                                                                     "autocomplete": "off"}))
    # the person
    family_name = CleanFormCharField(label="氏", max_length=50, required=False)
    given_name = CleanFormCharField(label="名", max_length=50, required=False)
    family_name_kana = KatakanaReadingField(label="氏（フリガナ）", max_length=100, required=False,
                                            widget=forms.TextInput(attrs={"placeholder": "ひらがなでも可"}))
    given_name_kana = KatakanaReadingField(label="名（フリガナ）", max_length=100, required=False)
    sex = forms.ChoiceField(label="性別", choices=Sex.choices, initial=Sex.UNKNOWN)
    birth_date = EraDateField(label="生年月日", required=False,
                              help_text="和暦（昭和30年4月1日・S30.4.1）でも西暦でも。分からなければ空欄。")
    justice_status = forms.ChoiceField(label="司法上の立場", choices=JusticeStatus.choices, required=False)
    # the case
    kind = forms.ChoiceField(label="支援の種別", choices=CaseKind.choices, initial=CaseKind.ENTRANCE)
    referral_date = EraDateField(label="依頼日")
    expected_release_date = EraDateField(label="釈放予定日", required=False,
                                         help_text="7日以内ならホーム画面に日数つきで表示されます。")
    release_place = CleanFormCharField(label="釈放場所", max_length=100, required=False,
                                       widget=forms.TextInput(attrs={"placeholder": "例：〇〇拘置支所"}))
    urgency = forms.ChoiceField(label="緊急度", choices=Urgency.choices, initial=Urgency.NORMAL,
                                widget=forms.RadioSelect)
    called_at = LocalDateTimeField(label="電話を受けた日時", required=False,
                                   help_text="後から入力するときは、電話を受けた日時に直してください（空欄なら今）。")
    first_note = CleanFormCharField(label="電話の内容（最初の支援経過記録になります）",
                                    widget=forms.Textarea(attrs={"rows": 5}),
                                    help_text="誰から、どんな依頼か、本人の状況、次にすること。")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_organizations(user)
        self.fields["referral_date"].initial = timezone.localdate()
        self.fields["called_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        for name in ("family_name", "given_name"):
            self.fields[name].widget.attrs.update(_name_check_attrs())
        apply_japanese_required_messages(self)
        self._organization_messages()

    def clean(self):
        data = super().clean()
        if not data.get("referral_source"):
            from .services import source_for_organization

            inferred = source_for_organization(data.get("organization"))
            if inferred:
                data["referral_source"] = inferred
            else:
                self.add_error("referral_source", "依頼元の種別を選ぶか、関係機関を一覧から選んでください。")
        if not isinstance(data.get("existing_person"), str):
            return data  # an existing person was picked: the name fields only searched
        if not (data.get("family_name") or "").strip():
            self.add_error("family_name", "氏を入力してください。")
        if not data.get("family_name_kana"):
            self.add_error("family_name_kana", "氏（フリガナ）を入力してください。")
        return {k: _crlf(v) for k, v in data.items()}

    @property
    def registers_new_person_confirmed(self) -> bool:
        return self.cleaned_data.get("existing_person") == NEW_PERSON

    def person_values(self) -> dict:
        d = self.cleaned_data
        return {"family_name": d["family_name"].strip(), "given_name": d["given_name"].strip(),
                "family_name_kana": d["family_name_kana"], "given_name_kana": d["given_name_kana"],
                "sex": d["sex"], "birth_date": d["birth_date"], "justice_status": d["justice_status"]}

    def case_values(self) -> dict:
        d = self.cleaned_data
        agency = d["referral_agency"].strip() or (str(d["organization"]) if d.get("organization") else "")
        return {"kind": d["kind"], "referral_source": d["referral_source"], "referral_agency": agency[:100],
                "referral_officer": d["referral_officer"].strip(), "referral_contact": d["referral_contact"].strip(),
                "referral_date": d["referral_date"], "expected_release_date": d["expected_release_date"],
                "release_place": d["release_place"].strip(), "urgency": d["urgency"]}


# --- pre-consultations -----------------------------------------------------------------------------------


class PreConsultationForm(PersonPickMixin, OrganizationPickMixin):
    consulted_on = EraDateField(label="相談日")
    source_kind = forms.ChoiceField(label="相談元の種別", choices=BLANK + ReferralSource.choices, required=False,
                                    help_text="関係機関を選んだときは、空欄なら機関の種別から決まります。")
    agency_name = CleanFormCharField(label="相談元機関（一覧にないとき）", max_length=100, required=False)
    officer = CleanFormCharField(label="相談元担当者", max_length=100, required=False)
    contact = CleanFormCharField(
        label="相談元連絡先", max_length=100, required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}))
    family_name = CleanFormCharField(label="氏", max_length=50, required=False)
    given_name = CleanFormCharField(label="名", max_length=50, required=False)
    family_name_kana = KatakanaReadingField(label="氏（フリガナ）", max_length=100, required=False)
    given_name_kana = KatakanaReadingField(label="名（フリガナ）", max_length=100, required=False)
    summary = CleanFormCharField(label="相談の概要", widget=forms.Textarea(attrs={"rows": 6}),
                                 help_text="本人の状況、相談元の見立て、センターに求められていること。")
    expected_timing = CleanFormCharField(
        label="支援が必要になる見込みの時期", max_length=100, required=False,
        widget=forms.TextInput(attrs={"placeholder": "例：令和9年3月頃に満期釈放の見込み"}))
    expected_date = EraDateField(label="見込みの日付（分かれば）", required=False)
    status = forms.ChoiceField(label="状況", choices=[c for c in PreConsultationStatus.choices
                                                      if c[0] != PreConsultationStatus.CASE],
                               initial=PreConsultationStatus.CONSIDERING)
    for_liaison_meeting = forms.BooleanField(label="意見交換会で扱う", required=False,
                                             help_text="地方検察庁・保護観察所・刑務所との意見交換会の議題一覧に載せます。")
    staff = StaffChoiceField(label="担当職員", queryset=None, required=False, empty_label="自分")

    def __init__(self, *args, user, entry: PreConsultation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_organizations(user)
        self.fields["staff"].queryset = _staff_queryset(user)
        if entry is None:
            self.fields["consulted_on"].initial = timezone.localdate()
        else:
            self.fields["staff"].empty_label = "未定"
        if entry is not None and entry.case_id:
            self.fields["status"].choices = PreConsultationStatus.choices
            self.fields["status"].disabled = True
            self.fields["status"].initial = entry.status
        for name in ("family_name", "given_name"):
            self.fields[name].widget.attrs.update(_name_check_attrs())
        apply_japanese_required_messages(self)
        self._organization_messages()

    def clean(self):
        data = super().clean()
        if not data.get("source_kind"):
            from .services import source_for_organization

            inferred = source_for_organization(data.get("organization"))
            if inferred:
                data["source_kind"] = inferred
            else:
                self.add_error("source_kind", "相談元の種別を選ぶか、関係機関を一覧から選んでください。")
        if isinstance(data.get("existing_person"), str) and not (data.get("family_name") or "").strip():
            self.add_error("family_name", "登録済みの対象者を選ぶか、氏を入力してください。")
        return {k: _crlf(v) for k, v in data.items()}

    def values(self) -> dict:
        d = dict(self.cleaned_data)
        picked = d.pop("existing_person", "")
        d.pop("version", None)
        d["person"] = None if isinstance(picked, str) else picked
        for name in ("agency_name", "officer", "contact", "family_name", "given_name", "expected_timing"):
            d[name] = (d.get(name) or "").strip()
        return d

    @classmethod
    def initial_for(cls, entry: PreConsultation) -> dict:
        initial = {name: getattr(entry, name) for name in (
            "consulted_on", "source_kind", "agency_name", "officer", "contact", "family_name", "given_name",
            "family_name_kana", "given_name_kana", "summary", "expected_timing", "expected_date", "status",
            "for_liaison_meeting")}
        return {**initial, "organization": entry.organization_id or "", "staff": entry.staff_id,
                "existing_person": entry.person_id or "", "version": entry.version}


class PreConsultationEditForm(VersionedFormMixin, PreConsultationForm):
    pass


class ConvertForm(VersionedFormMixin, PersonPickMixin):
    """「ケースにする」: which person the case is for when the entry names nobody registered yet."""

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("prefix", "convert")
        super().__init__(*args, **kwargs)
        self._user = user
        apply_japanese_required_messages(self)


# --- consultation-only contacts ------------------------------------------------------------------------------


class ConsultationForm(OrganizationPickMixin):
    consulted_on = EraDateField(label="相談日")
    method = forms.ChoiceField(label="方法", choices=ConsultationMethod.choices, initial=ConsultationMethod.PHONE)
    agency_name = CleanFormCharField(label="相談元機関（一覧にないとき）", max_length=100, required=False)
    requester_kind = forms.ChoiceField(label="相談元の種別", choices=[("", "選んでください"), *ReferralSource.choices],
                                       required=False, help_text="統計に使います。")
    officer = CleanFormCharField(label="相談元担当者", max_length=100, required=False)
    topic = forms.ChoiceField(label="相談の分類", choices=BLANK + ConsultationTopic.choices)
    summary = CleanFormCharField(label="相談と助言の内容", widget=forms.Textarea(attrs={"rows": 6}),
                                 help_text="個人を特定できることは書きません。")
    minutes = forms.IntegerField(label="所要時間（分）", min_value=0, max_value=24 * 60, required=False)
    staff = StaffChoiceField(label="対応した職員", queryset=None, required=False, empty_label="自分")
    about_person = forms.BooleanField(label="特定の人についての相談", required=False)
    person_initials = CleanFormCharField(
        label="その人のイニシャル", max_length=8, required=False,
        widget=forms.TextInput(attrs={"placeholder": "例：Y.T.", "autocomplete": "off"}),
        help_text="ローマ字のイニシャルだけ。氏名は入力しません。")

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_organizations(user)
        self.fields["staff"].queryset = _staff_queryset(user)
        if editing:
            self.fields["staff"].empty_label = "未定"
        else:
            self.fields["consulted_on"].initial = timezone.localdate()
        apply_japanese_required_messages(self)
        self._organization_messages()

    def clean(self):
        data = super().clean()
        if not data.get("organization") and not (data.get("agency_name") or "").strip():
            self.add_error("agency_name", "相談元機関を一覧から選ぶか、入力してください。")
        if data.get("person_initials") and not data.get("about_person"):
            self.add_error("person_initials", "イニシャルは「特定の人についての相談」のときだけ入力します。")
        return {k: _crlf(v) for k, v in data.items()}

    def values(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("version", None)
        for name in ("agency_name", "officer", "person_initials"):
            d[name] = (d.get(name) or "").strip()
        return d

    @classmethod
    def initial_for(cls, entry) -> dict:
        initial = {name: getattr(entry, name) for name in (
            "consulted_on", "method", "agency_name", "requester_kind", "officer", "topic", "summary", "minutes",
            "about_person", "person_initials")}
        return {**initial, "organization": entry.organization_id or "", "staff": entry.staff_id,
                "version": entry.version}


class ConsultationEditForm(VersionedFormMixin, ConsultationForm):
    pass


# --- query parameters (common.forms.QueryForm: a bad one is named on the page, never a 500) ----------------------


class PreConsultationListQuery(QueryForm):
    status = forms.ChoiceField(label="状況", required=False, initial="",
                               choices=[("", "すべて"), *PreConsultationStatus.choices])
    meeting = QueryFlagField(label="意見交換会の対象のみ")


class MeetingAgendaQuery(QueryForm):
    names = QueryFlagField(label="氏名の表示")


class ConsultationListQuery(QueryForm):
    fy = QueryNumberField(label="年度", min_value=2000, max_value=2100)
    topic = forms.ChoiceField(label="相談の内容", required=False, initial="",
                              choices=[("", "すべて"), *ConsultationTopic.choices])
