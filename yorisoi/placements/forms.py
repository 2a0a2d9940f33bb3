"""Forms of the placement pages. They validate input; the services decide and write.

Forms for staff without `can_see_narrative` (clerks) have no free-text fields about the person, and the
inquiry form offers the refusal reason 「罪名による」 only to staff who may see justice data.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils import timezone

from yorisoi.common.forms import (
    EraDateField,
    LocalDateTimeField,
    QueryForm,
    QueryIdField,
    QueryTextField,
    VersionedFormMixin,
    apply_japanese_required_messages,
)
from yorisoi.common.text import CleanFormCharField
from yorisoi.partners import selectors as partner_selectors
from yorisoi.partners.models import KindGroup
from yorisoi.people.models import CareLevel, Sex
from yorisoi.privacy import policy

from . import services
from .models import (
    EXIT_NEEDS_REASON,
    JUSTICE_REFUSAL_REASONS,
    ConnectionStatus,
    ExitReason,
    Funding,
    InquiryResult,
    PlacementKind,
    RefusalReason,
    ReportMethod,
    ServiceKind,
    Term,
)

BLANK = [("", "選んでください")]


class OrganizationField(forms.ChoiceField):
    """A directory organization, grouped by kind in the menu (one query when the menu is drawn).

    Set `queryset` on the form's own copy of the field (in the form's __init__): the menu is built from it.
    """

    def __init__(self, *, queryset=None, empty_label: str, **kwargs):
        self.empty_label = empty_label
        kwargs.setdefault("widget", forms.Select(attrs={"data-searchable": ""}))  # a filter box (yorisoi.js)
        super().__init__(**kwargs)
        self.queryset = queryset

    @property
    def queryset(self):
        return self._queryset

    @queryset.setter
    def queryset(self, value) -> None:
        self._queryset = value
        self.choices = self._grouped  # a callable: evaluated when the menu is drawn

    def _grouped(self):
        if self._queryset is None:
            return [("", self.empty_label)]
        groups: dict[str, list] = {}
        for org in self._queryset.select_related("kind").order_by("kind__sort_order", "kind_id", "name_kana", "name"):
            label = f"{org}（{org.municipality}）" if org.municipality else str(org)
            groups.setdefault(org.kind.label, []).append((str(org.pk), label))
        return [("", self.empty_label), *groups.items()]

    def valid_value(self, value) -> bool:
        return self._queryset is not None and str(value).isdigit() and self._queryset.filter(pk=value).exists()

    def clean(self, value):
        value = super().clean(value)
        return self._queryset.filter(pk=value).first() if value else None

    def prepare_value(self, value):
        return getattr(value, "pk", value)


class StaffField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


# What each picker offers (partners.selectors): places for placements and inquiries, services for つなぎ;
# "all" is every kind but justice agencies, for the rare pick outside the fitting kinds.
ORGANIZATION_SCOPES = {
    "facilities": partner_selectors.facilities_for,
    "services": partner_selectors.service_providers_for,
    "all": partner_selectors.non_justice_for,
}
ANY_KIND = "all"


def _organizations(user, keep_id: int | None = None, *, scope: str = "facilities"):
    """Active organizations of the center of the kinds that fit (`ORGANIZATION_SCOPES`); an edited record keeps
    its organization even if it closed or is of another kind."""
    keep_id = getattr(keep_id, "pk", keep_id)
    wanted = Q(pk__in=ORGANIZATION_SCOPES[scope](user).filter(active=True).values("pk"))
    if keep_id:
        wanted |= Q(pk=keep_id)
    return partner_selectors.organizations_for(user).filter(wanted)


class ScopedOrganizationsMixin:
    """A hidden `kinds` field: 「all」 when the user asked to choose among every kind (the page's link)."""

    def _scope_organizations(self, user, default: str) -> None:
        wide = (self.data.get("kinds") if self.is_bound else self.initial.get("kinds")) == ANY_KIND
        self.any_kind = wide
        self.fields["kinds"] = forms.ChoiceField(label="表示する機関の種別", required=False, widget=forms.HiddenInput,
                                                 choices=[("", "合う種別"), (ANY_KIND, "すべての種別")],
                                                 initial=ANY_KIND if wide else "")
        self.fields["organization"].queryset = _organizations(user, self.initial.get("organization"),
                                                              scope=ANY_KIND if wide else default)


def _initial(obj, names: list[str]) -> dict:
    """Stored values for a form: related rows as their pk, plus the version."""
    values = {}
    for name in names:
        field = obj._meta.get_field(name)
        values[name] = getattr(obj, field.attname)
    return {**values, "version": obj.version}


def _drop_narratives(form: forms.Form, access) -> None:
    if not access.can_see_narrative:
        for name in services.NARRATIVE_FIELDS | {"note"}:
            form.fields.pop(name, None)


def _names_a_place(form: forms.Form, field: str, name_field: str, message: str) -> None:
    data = form.cleaned_data
    if not data.get(field) and not (data.get(name_field) or "").strip() and field not in form.errors:
        form.add_error(field, message)


# --- placements ------------------------------------------------------------------------------------------


class PlacementForm(ScopedOrganizationsMixin, VersionedFormMixin, forms.Form):
    organization = OrganizationField(label="施設・居所（関係機関から選ぶ）", required=False, queryset=None,
                                     empty_label="選んでください（関係機関にないときは下に名称を入力）")
    facility_name = CleanFormCharField(label="施設・居所の名称（関係機関にないとき）", max_length=200, required=False,
                                       widget=forms.TextInput(attrs={"placeholder": "例：アパート（〇〇荘）、親族宅"}))
    kind = forms.ChoiceField(label="居所の種類", choices=BLANK + PlacementKind.choices)
    funding = forms.ChoiceField(label="費用の根拠", choices=BLANK + Funding.choices)
    term = forms.ChoiceField(label="一時・継続", choices=Term.choices, initial=Term.TEMPORARY,
                             widget=forms.RadioSelect)
    entered_on = EraDateField(label="入所日・入居日")
    planned_exit_on = EraDateField(label="退所予定日", required=False,
                                   help_text="更生緊急保護の期限や、契約の終わりなど。")
    notes = CleanFormCharField(label="メモ", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, access, creating: bool, exited: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._scope_organizations(user, "facilities")
        if creating:
            self.fields["version"].required = False
            self.fields["close_previous_on"] = EraDateField(
                label="前の居所の退所日", required=False,
                help_text="現在の居所があるときは、その退所日を入力してください（ふつうは新しい入所日と同じ日）。")
            self.fields["close_previous_reason"] = forms.ChoiceField(
                label="前の居所の退所理由", choices=ExitReason.choices, initial=ExitReason.MOVED_ON, required=False)
        if exited:
            self.fields["exited_on"] = EraDateField(label="退所日", required=False,
                                                    help_text="空欄にすると、現在の居所に戻します。")
            self.fields["exit_reason"] = forms.ChoiceField(label="退所の理由", choices=BLANK + ExitReason.choices,
                                                           required=False)
            self.fields["exit_notes"] = CleanFormCharField(label="退所の経緯", required=False,
                                                           widget=forms.Textarea(attrs={"rows": 3}))
        _drop_narratives(self, access)
        apply_japanese_required_messages(self)

    def clean(self):
        data = super().clean()
        _names_a_place(self, "organization", "facility_name",
                       "施設・居所を関係機関から選ぶか、名称を入力してください。")
        if "exited_on" in self.fields and data.get("exited_on") and not data.get("exit_reason"):
            self.add_error("exit_reason", EXIT_NEEDS_REASON)
        return data

    def values(self) -> dict:
        names = [n for n in services.PLACEMENT_FIELDS + services.PLACEMENT_EXIT_FIELDS if n in self.fields]
        return {name: self.cleaned_data[name] for name in names}

    @staticmethod
    def initial_for(placement) -> dict:
        return _initial(placement, services.PLACEMENT_FIELDS + services.PLACEMENT_EXIT_FIELDS)


class PlacementExitForm(VersionedFormMixin, forms.Form):
    exited_on = EraDateField(label="退所日")
    exit_reason = forms.ChoiceField(label="退所の理由", choices=BLANK + ExitReason.choices)
    exit_notes = CleanFormCharField(label="退所の経緯", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        _drop_narratives(self, access)
        apply_japanese_required_messages(self)


# --- inquiries --------------------------------------------------------------------------------------------


class InquiryForm(ScopedOrganizationsMixin, VersionedFormMixin, forms.Form):
    organization = OrganizationField(label="照会先（関係機関から選ぶ）", required=False, queryset=None,
                                     empty_label="選んでください（関係機関にないときは下に名称を入力）")
    facility_name = CleanFormCharField(label="照会先の名称（関係機関にないとき）", max_length=200, required=False)
    inquired_at = LocalDateTimeField(label="照会日時")
    answered_by_contact = forms.ModelChoiceField(label="回答者（担当者から選ぶ）", queryset=None, required=False,
                                                 empty_label="選ばない")
    answered_by = CleanFormCharField(label="回答者（名簿にないとき）", max_length=100, required=False,
                                     widget=forms.TextInput(attrs={"placeholder": "例：施設長 〇〇さん"}))
    result = forms.ChoiceField(label="結果", choices=InquiryResult.choices, widget=forms.RadioSelect)
    refusal_reason = forms.ChoiceField(label="断られた理由", required=False,
                                       help_text="結果が「受入不可」のときに選びます。")
    refusal_detail = CleanFormCharField(label="断られた理由の詳細", required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    notes = CleanFormCharField(label="メモ", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    staff = StaffField(label="照会した職員", queryset=None, empty_label=None)

    def __init__(self, *args, user, access, creating: bool, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._scope_organizations(user, "facilities")
        if creating:
            self.fields["version"].required = False
            self.fields["inquired_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
            self.fields["staff"].initial = user.pk
        contacts = partner_selectors.contacts_for(user).none()
        org_id = self.data.get("organization") if self.is_bound else getattr(organization, "pk", organization)
        if org_id and str(org_id).isdigit():
            contacts = partner_selectors.contacts_for(user).filter(organization_id=org_id, ended_on__isnull=True)
        self.fields["answered_by_contact"].queryset = contacts
        self.fields["staff"].queryset = policy.areas.acting_staff_for(user)
        reasons = [(c, label) for c, label in RefusalReason.choices
                   if access.can_see_justice or c not in JUSTICE_REFUSAL_REASONS]
        self.fields["refusal_reason"].choices = BLANK + reasons
        _drop_narratives(self, access)
        apply_japanese_required_messages(self)

    def clean(self):
        data = super().clean()
        _names_a_place(self, "organization", "facility_name", "照会先を関係機関から選ぶか、名称を入力してください。")
        if data.get("result") == InquiryResult.REFUSED and not data.get("refusal_reason"):
            self.add_error("refusal_reason", "受入不可のときは、断られた理由を選んでください。")
        if data.get("result") and data.get("result") != InquiryResult.REFUSED and data.get("refusal_reason"):
            data["refusal_reason"] = ""  # a reason left selected before changing the result is dropped
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.INQUIRY_FIELDS if name in self.fields}

    @staticmethod
    def initial_for(inquiry) -> dict:
        return _initial(inquiry, services.INQUIRY_FIELDS)


# --- service connections -----------------------------------------------------------------------------------


class ConnectionForm(ScopedOrganizationsMixin, VersionedFormMixin, forms.Form):
    service_kind = forms.ChoiceField(label="サービスの種類", choices=BLANK + ServiceKind.choices)
    organization = OrganizationField(label="つなぎ先（関係機関から選ぶ）", required=False, queryset=None,
                                     empty_label="選んでください（関係機関にないときは下に名称を入力）")
    organization_name = CleanFormCharField(label="つなぎ先の名称（関係機関にないとき）", max_length=200, required=False)
    requested_on = EraDateField(label="依頼日")
    staff = StaffField(label="担当職員", queryset=None, empty_label=None)
    outcome = CleanFormCharField(label="経過・結果", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, access, creating: bool, started: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._scope_organizations(user, "services")
        self.fields["staff"].queryset = policy.areas.acting_staff_for(user)
        if creating:
            self.fields["version"].required = False
            self.fields["requested_on"].initial = timezone.localdate()
            self.fields["staff"].initial = user.pk
        if started:
            self.fields["started_on"] = EraDateField(label="利用開始日")
            self.fields["ended_on"] = EraDateField(label="利用終了日", required=False,
                                                   help_text="サービスの利用が終わったときに入力します。")
        _drop_narratives(self, access)
        apply_japanese_required_messages(self)

    def clean(self):
        data = super().clean()
        _names_a_place(self, "organization", "organization_name",
                       "つなぎ先を関係機関から選ぶか、名称を入力してください。")
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.CONNECTION_FIELDS if name in self.fields}

    @staticmethod
    def initial_for(connection) -> dict:
        return _initial(connection, services.CONNECTION_FIELDS)


class ConnectionStatusForm(VersionedFormMixin, forms.Form):
    to_status = forms.ChoiceField(label="変更後の状況", choices=ConnectionStatus.choices)
    on = EraDateField(label="日付")
    note = CleanFormCharField(label="補足", max_length=300, required=False)

    def __init__(self, *args, connection, access, **kwargs):
        kwargs.setdefault("initial", {"version": connection.version, "on": timezone.localdate()})
        kwargs.setdefault("prefix", "status")
        super().__init__(*args, **kwargs)
        # Any status is accepted here so the service gives the precise message; the menu shows allowed moves.
        self.fields["to_status"].widget.choices = BLANK + connection.allowed_next_statuses()
        _drop_narratives(self, access)
        apply_japanese_required_messages(self)


# --- vacancies -------------------------------------------------------------------------------------------


class VacancyReportForm(forms.Form):
    vacancies = forms.IntegerField(label="空き（人数）", min_value=0, max_value=999,
                                   widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    method = forms.ChoiceField(label="確認の方法", choices=ReportMethod.choices, initial=ReportMethod.PHONE,
                               required=False)
    reported_at = LocalDateTimeField(label="確認日時", required=False,
                                     help_text="空欄なら今の時刻にします。前に聞いた数なら、聞いた日時を入れてください。")
    answered_by = CleanFormCharField(label="先方の回答者", max_length=100, required=False)
    note = CleanFormCharField(label="メモ", max_length=300, required=False,
                              widget=forms.TextInput(attrs={"placeholder": "例：来週1名退所予定、女性の空きのみ"}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "vacancy")
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)
        self.fields["vacancies"].error_messages["min_value"] = "空きは0以上の数で入力してください。"


SEARCH_SEX = [("", "指定しない"), (Sex.MALE, "男性"), (Sex.FEMALE, "女性")]


class VacancySearchForm(forms.Form):
    on = EraDateField(label="入所したい日", help_text="その日に空きがある施設を探します。")
    sex = forms.ChoiceField(label="性別", choices=SEARCH_SEX, required=False)
    age = forms.IntegerField(label="年齢", min_value=0, max_value=130, required=False,
                             widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    care_level = forms.ChoiceField(label="要介護度", choices=CareLevel.choices, required=False)
    physical = forms.BooleanField(label="身体障害", required=False)
    intellectual = forms.BooleanField(label="知的障害", required=False)
    mental = forms.BooleanField(label="精神障害", required=False)
    smoking = forms.BooleanField(label="喫煙する", required=False)
    pets = forms.BooleanField(label="ペットがいる", required=False)
    prefecture = QueryTextField(label="都道府県", max_length=4)
    municipality = QueryTextField(label="市区町村（この近くから）", max_length=50,
                                   widget=forms.TextInput(attrs={"placeholder": "例：さいたま市"}))
    include_unknown = forms.BooleanField(label="空きが分からない施設も表示する", required=False)
    strict = forms.BooleanField(label="受け入れ条件が未確認の施設を除く", required=False)

    DISABILITIES = ("physical", "intellectual", "mental")
    CONDITIONS = ("smoking", "pets")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)

    @staticmethod
    def initial_for(*, user, person=None, case=None, today: dt.date | None = None) -> dict:
        """Tomorrow near the center; from a case, its expected release date (unless already past), the person's
        sex, age on that day, care level, certificates and municipality (the place they wish to return to is
        free text and stays for the worker to read)."""
        today = today or timezone.localdate()
        on = today + dt.timedelta(days=1)
        release = getattr(case, "expected_release_date", None)
        if release is not None and release >= today:
            on = release
        if case is not None and person is None:
            person = case.person
        initial = {"on": on, "prefecture": getattr(user.center, "prefecture", "")}
        if person is not None:
            from yorisoi.common.eras import age_on

            kinds = {c.kind for c in person.certificates.all()}
            initial.update({
                "sex": person.sex if person.sex in (Sex.MALE, Sex.FEMALE) else "",
                "age": age_on(person.birth_date, on), "care_level": person.care_level,
                "physical": "physical" in kinds, "intellectual": "intellectual" in kinds, "mental": "mental" in kinds,
                "prefecture": person.prefecture or initial["prefecture"], "municipality": person.municipality,
            })
        return initial


NETWORK_GROUPS = [("", "すべての分類"), *KindGroup.choices]


class NetworkForm(forms.Form):
    date_from = EraDateField(label="期間（から）")
    date_to = EraDateField(label="期間（まで）")
    group = forms.ChoiceField(label="機関の分類", choices=NETWORK_GROUPS, required=False)
    show_all = forms.BooleanField(label="期間中に関わりのない機関も表示する", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)

    @staticmethod
    def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
        today = today or timezone.localdate()
        return today - dt.timedelta(days=364), today

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "期間の終わりは始まりより後の日付にしてください。")
        if start and end and (end - start).days > 366 * 5:
            self.add_error("date_from", "期間は5年以内にしてください。")
        return data


# --- query parameters (common.forms.QueryForm: bounded, cleaned, never a 500) ------------------------------------

REFUSAL_PERIODS = [(0, "すべて"), (90, "3か月"), (180, "半年"), (365, "1年"), (730, "2年")]


class RefusalQuery(QueryForm):
    days = forms.TypedChoiceField(label="期間", coerce=int, required=False, initial=365, choices=REFUSAL_PERIODS)
    kind = QueryIdField(label="種別")


class CaseQuery(QueryForm):
    case = QueryIdField(label="ケース")


class OrganizationQuery(QueryForm):
    """?organization= (the organization chosen beforehand) and ?kinds=all (opened from 「ほかの種別の機関から選ぶ」)
    of the placement, inquiry and connection forms."""

    organization = QueryIdField(label="機関")
    kinds = forms.ChoiceField(label="機関の種別", required=False, initial="",
                              choices=[("", ""), ("all", "すべての種別")])
