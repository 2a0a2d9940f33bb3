"""Forms of センター運営. Dates as era dates (a model date field becomes an EraDateField with its rule), text through
the cleaning fields, GET parameters through QueryForms."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db import models as db_models
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.cases.models import OPEN_PHASES
from yorisoi.common import dates
from yorisoi.common.forms import (
    EraDateField,
    EraDateTimeField,
    QueryForm,
    QueryIdField,
    QueryNumberField,
    VersionedFormMixin,
    apply_japanese_required_messages,
)
from yorisoi.common.text import CleanFormCharField
from yorisoi.partners.models import Organization, Outreach
from yorisoi.privacy import policy
from yorisoi.privacy.policy.areas import acting_staff_for
from yorisoi.records.models import ActivityKind

from . import services
from .models import (
    AlcoholMethod,
    AlcoholResult,
    CenterProfile,
    CheckKind,
    Device,
    IncidentKind,
    NotificationMethod,
    PaperFile,
    QualificationKind,
    StaffMember,
    TrainingKind,
    TrainingPlanItem,
    Vehicle,
    VehicleEventKind,
)
from .rules import office_access

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TEXTAREA = forms.Textarea(attrs={"rows": 3})


def era_fields(field: db_models.Field, **kwargs):
    """Model dates as era dates (the date rule of the model field is kept), date-times as era date-times."""
    if isinstance(field, db_models.DateTimeField):
        return field.formfield(form_class=EraDateTimeField, **kwargs)
    if isinstance(field, db_models.DateField):
        return field.formfield(form_class=EraDateField, **kwargs)
    return field.formfield(**kwargs)


class JapaneseForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)


class JapaneseModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 3)

    def _post_clean(self):
        """Validation is the service's (full_clean there): the form only reads and converts what was typed."""


class VersionedModelForm(VersionedFormMixin, JapaneseModelForm):
    """The edit form of a record two people may edit: it carries the version read, so the service refuses a stale
    save (common.concurrency); a new record needs none."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["version"].required = False
        elif not self.is_bound:
            self.fields["version"].initial = self.instance.version


def _staff_label(staff) -> str:
    return str(staff)


# --- staffing ---------------------------------------------------------------------------------------------------


class ProfileForm(VersionedModelForm):
    class Meta:
        model = CenterProfile
        fields = services.PROFILE_FIELDS
        formfield_callback = era_fields


class StaffMemberForm(VersionedModelForm):
    class Meta:
        model = StaffMember
        fields = services.STAFF_FIELDS
        formfield_callback = era_fields

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = policy.staff_for(user)
        self.fields["account"].label_from_instance = _staff_label
        self.fields["account"].required = False


class QualificationForm(JapaneseForm):
    kind = forms.ChoiceField(label="資格", choices=[("", "選んでください"), *QualificationKind.choices])
    other_name = CleanFormCharField(label="資格名（その他のとき）", max_length=100, required=False)
    registration_number = CleanFormCharField(label="登録番号", max_length=50, required=False)
    registered_on = EraDateField(label="登録日", required=False)


# --- vehicles and trips -------------------------------------------------------------------------------------------


class VehicleForm(VersionedModelForm):
    class Meta:
        model = Vehicle
        fields = services.VEHICLE_FIELDS
        formfield_callback = era_fields


class VehicleCheckForm(JapaneseForm):
    kind = forms.ChoiceField(label="種類", choices=[("", "選んでください"), *CheckKind.choices])
    done_on = EraDateField(label="実施日")
    next_due = EraDateField(label="次回の期限", required=False, rule=dates.DUE,
                            help_text="車検・定期点検では、ここに入れた日付が車両の次の期限になります。")
    done_by = CleanFormCharField(label="実施した事業者", max_length=100, required=False)
    result = CleanFormCharField(label="結果・整備の内容", max_length=2000, required=False, widget=TEXTAREA)


def _choices(choices) -> list:
    return [("", "選んでください"), *choices]


class TripForm(VersionedFormMixin, JapaneseForm):
    vehicle = forms.ModelChoiceField(label="車両", queryset=None)
    driver = forms.ModelChoiceField(label="運転者", queryset=None)
    date = EraDateField(label="運行日")
    departed_at = forms.TimeField(label="出発時刻", required=False, widget=TIME_WIDGET)
    returned_at = forms.TimeField(label="帰着時刻", required=False, widget=TIME_WIDGET)
    purpose = CleanFormCharField(label="用務", max_length=200, help_text="例：同行支援（福祉事務所での生活保護の申請）")
    destination = CleanFormCharField(label="行き先", max_length=200)
    odometer_start = forms.IntegerField(label="出発時の走行距離計（km）", min_value=0, max_value=9_999_999)
    odometer_end = forms.IntegerField(label="帰着時の走行距離計（km）", min_value=0, max_value=9_999_999)
    pre_check_result = forms.ChoiceField(label="運転前の確認", choices=_choices(AlcoholResult.choices), required=False)
    pre_check_method = forms.ChoiceField(label="運転前の確認の方法", choices=_choices(AlcoholMethod.choices),
                                         required=False)
    pre_checker = forms.ModelChoiceField(label="運転前の確認者", queryset=None, required=False)
    post_check_result = forms.ChoiceField(label="運転後の確認", choices=_choices(AlcoholResult.choices), required=False)
    post_check_method = forms.ChoiceField(label="運転後の確認の方法", choices=_choices(AlcoholMethod.choices),
                                          required=False)
    post_checker = forms.ModelChoiceField(label="運転後の確認者", queryset=None, required=False)
    case = forms.ModelChoiceField(label="同行支援のケース（あれば）", queryset=None, required=False)
    activity = forms.ModelChoiceField(label="同行支援の記録（あれば）", queryset=None, required=False,
                                      help_text="ケースの支援経過記録のうち「同行」の記録から選びます（直近90日）。")
    note = CleanFormCharField(label="備考", max_length=1000, required=False, widget=TEXTAREA)

    def __init__(self, *args, user, trip=None, **kwargs):
        """`trip`: the line being corrected (its vehicle, people, case and record stay choosable; the version it
        was read at goes with the form)."""
        if trip is not None:
            kwargs.setdefault("initial", {**{name: getattr(trip, f"{name}_id", None) or getattr(trip, name)
                                             for name in services.TRIP_FIELDS}, "version": trip.version})
        super().__init__(*args, **kwargs)
        access = office_access(user)
        vehicles = policy.of_center(Vehicle, user)
        in_use = vehicles.filter(retired_on__isnull=True)
        self.fields["vehicle"].queryset = in_use if trip is None else in_use | vehicles.filter(pk=trip.vehicle_id)
        colleagues = acting_staff_for(user)
        if trip is not None:
            kept = [pk for pk in (trip.driver_id, trip.pre_checker_id, trip.post_checker_id) if pk]
            colleagues = colleagues | policy.of_center(Staff, user).filter(pk__in=kept)
        self.fields["driver"].queryset = colleagues if access.can_record_any_driver else colleagues.filter(pk=user.pk)
        for name in ("driver", "pre_checker", "post_checker"):
            if name != "driver":
                self.fields[name].queryset = colleagues
            self.fields[name].label_from_instance = _staff_label
        cases = policy.cases_for(user)
        self.fields["case"].queryset = ((cases.filter(phase__in=OPEN_PHASES) if trip is None else
                                         cases.filter(phase__in=OPEN_PHASES) | cases.filter(pk=trip.case_id))
                                        .select_related("person").order_by("number"))
        self.fields["case"].label_from_instance = lambda c: f"{c.number} {c.person.full_name}"
        since = timezone.now() - dt.timedelta(days=90)
        activities = policy.activities_for(user).filter(kind=ActivityKind.ACCOMPANY)
        self.fields["activity"].queryset = ((activities.filter(occurred_at__gte=since) if trip is None else
                                             activities.filter(occurred_at__gte=since)
                                             | activities.filter(pk=trip.activity_id))
                                            .select_related("case").order_by("-occurred_at"))
        if trip is None:
            self.fields["version"].required = False
        self.fields["activity"].label_from_instance = (
            lambda a: f"{a.case.number} {dates.format_checked_datetime(a.occurred_at)} 同行"
                      + (f"（{a.counterpart}）" if a.counterpart else ""))

    def clean(self):
        data = super().clean()
        start, end = data.get("odometer_start"), data.get("odometer_end")
        if start is not None and end is not None and end < start:
            self.add_error("odometer_end", "帰着時の距離計は出発時の距離計以上の値にしてください。")
        return data


class VehicleEventForm(JapaneseForm):
    kind = forms.ChoiceField(label="種類", choices=_choices(VehicleEventKind.choices))
    occurred_at = EraDateTimeField(label="日時")
    place = CleanFormCharField(label="場所", max_length=200, required=False)
    description = CleanFormCharField(label="状況", max_length=2000, widget=TEXTAREA)


class FollowUpForm(JapaneseForm):
    follow_up = CleanFormCharField(label="その後の対応・再発防止", max_length=2000, widget=TEXTAREA)
    follow_up_done_on = EraDateField(label="対応の完了日", required=False)


class TripMonthQuery(QueryForm):
    year = QueryNumberField(label="年", min_value=2000, max_value=2100)
    month = QueryNumberField(label="月", min_value=1, max_value=12)
    vehicle = QueryIdField(label="車両")


# --- devices, files, lock checks ------------------------------------------------------------------------------------


class DeviceForm(VersionedModelForm):
    class Meta:
        model = Device
        fields = services.DEVICE_FIELDS
        formfield_callback = era_fields

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = policy.staff_for(user)
        self.fields["holder"].label_from_instance = _staff_label


class PaperFileForm(JapaneseForm):
    person = forms.ModelChoiceField(label="対象者", queryset=None)
    label = CleanFormCharField(label="ファイル名・番号", max_length=50)
    cabinet = CleanFormCharField(label="保管場所（キャビネット）", max_length=50)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = policy.persons_for(user).order_by("family_name_kana", "given_name_kana", "id")
        self.fields["person"].label_from_instance = lambda p: p.full_name


class CheckoutForm(JapaneseForm):
    purpose = CleanFormCharField(label="用途", max_length=200, required=False)


class OfficeCheckForm(JapaneseForm):
    date = EraDateField(label="点検日")
    office_locked = forms.BooleanField(label="事務所の施錠", required=False)
    cabinets_locked = forms.BooleanField(label="書庫・キャビネットの施錠", required=False)
    pcs_stored = forms.BooleanField(label="パソコンの保管（施錠できる場所へ）", required=False)
    no_media_left = forms.BooleanField(label="机上に書類・記録媒体が残っていない", required=False)
    note = CleanFormCharField(label="気づいたこと", max_length=200, required=False)


# --- incidents --------------------------------------------------------------------------------------------------------


class IncidentForm(JapaneseForm):
    kind = forms.ChoiceField(label="種類", choices=_choices(IncidentKind.choices))
    discovered_at = EraDateTimeField(label="発覚した日時（知った日時）")
    occurred_at = EraDateTimeField(label="発生日時（分かる範囲で）", required=False)
    description = CleanFormCharField(label="何が起きたか", max_length=4000, widget=TEXTAREA)
    device = forms.ModelChoiceField(label="端末・記録媒体（紛失・盗難のとき）", queryset=None, required=False)
    holder = forms.ModelChoiceField(label="担当していた職員", queryset=None, required=False,
                                    help_text="端末を選んだときは、その使用者が入ります。")
    paper_file = forms.ModelChoiceField(label="紙のケースファイル（紛失のとき）", queryset=None, required=False)
    person = forms.ModelChoiceField(label="誤送付・誤開示した書類の対象者", queryset=None, required=False)
    sensitive_data = forms.BooleanField(label="要配慮個人情報（犯罪の経歴・障害・病歴など）を含む", required=False,
                                        initial=True)
    malicious = forms.TypedChoiceField(
        label="不正の目的によるおそれ", required=False, coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        choices=[("", "種類から判断する（盗難・不正アクセスは「ある」）"), ("yes", "ある"), ("no", "ない")])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = policy.of_center(Device, user).select_related("holder")
        self.fields["holder"].queryset = policy.staff_for(user)
        self.fields["holder"].label_from_instance = _staff_label
        self.fields["paper_file"].queryset = (policy.of_center(PaperFile, user)
                                              .filter(person__in=policy.persons_for(user).values("pk")))
        self.fields["person"].queryset = policy.persons_for(user).order_by("family_name_kana", "given_name_kana", "id")
        self.fields["person"].label_from_instance = lambda p: p.full_name


class WipeForm(JapaneseForm):
    wipe_requested_at = EraDateTimeField(label="遠隔消去を指示した日時")
    wipe_done_at = EraDateTimeField(label="遠隔消去が完了した日時", required=False)
    wiped_by = forms.ModelChoiceField(label="遠隔消去を行った職員", queryset=None, required=False)
    wipe_confirmed = forms.BooleanField(label="消去の完了を管理画面等で確認した", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wiped_by"].queryset = policy.staff_for(user)
        self.fields["wiped_by"].label_from_instance = _staff_label


class NotificationForm(JapaneseForm):
    person = forms.ModelChoiceField(label="対象者", queryset=None)
    notified_on = EraDateField(label="通知した日")
    method = forms.ChoiceField(label="方法", choices=_choices(NotificationMethod.choices))
    note = CleanFormCharField(label="備考", max_length=200, required=False)

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = incident.affected_persons.all()
        self.fields["person"].label_from_instance = lambda p: p.full_name


class AuthorityReportForm(JapaneseForm):
    preliminary_reported_on = EraDateField(label="速報を提出した日", required=False)
    final_reported_on = EraDateField(label="確報を提出した日", required=False)
    closed_on = EraDateField(label="対応を終えた日", required=False)


# --- staff development ---------------------------------------------------------------------------------------------


class TrainingYearQuery(QueryForm):
    year = QueryNumberField(label="年度", min_value=2000, max_value=2100)


class PlanItemForm(JapaneseForm):
    fiscal_year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="種類", choices=_choices(TrainingKind.choices))
    title = CleanFormCharField(label="研修の名称・内容", max_length=200)
    planned_month = forms.TypedChoiceField(label="予定の月", required=False, coerce=int, empty_value=None,
                                           choices=[("", "未定"), *((m, f"{m}月") for m in (*range(4, 13), 1, 2, 3))])
    target = CleanFormCharField(label="対象", max_length=100, required=False)


class TrainingForm(JapaneseForm):
    kind = forms.ChoiceField(label="種類", choices=_choices(TrainingKind.choices))
    title = CleanFormCharField(label="研修の名称", max_length=200)
    host = CleanFormCharField(label="主催・実習先", max_length=150, required=False)
    start_on = EraDateField(label="開始日")
    end_on = EraDateField(label="終了日", required=False)
    hours = forms.DecimalField(label="時間数", required=False, min_value=0, max_value=500, decimal_places=1)
    attendees = forms.ModelMultipleChoiceField(label="受講した職員", queryset=None, required=False,
                                               widget=forms.CheckboxSelectMultiple)
    plan_item = forms.ModelChoiceField(label="研修計画の項目", queryset=None, required=False)
    learned = CleanFormCharField(label="学んだこと", max_length=4000, required=False, widget=TEXTAREA)
    changes = CleanFormCharField(label="その後に変えたこと・活かしたこと", max_length=4000, required=False,
                                 widget=TEXTAREA)
    outreach = forms.ModelChoiceField(label="広報・連携活動の記録（関係機関向けの研修）", queryset=None, required=False)
    organizations = forms.ModelMultipleChoiceField(label="参加した機関（関係機関向けの研修）", queryset=None,
                                                   required=False, widget=forms.SelectMultiple(attrs={"size": 6}))
    participants = CleanFormCharField(
        label="機関ごとの参加人数", max_length=200, required=False,
        help_text="一覧の上から順に、選んだ機関ごとの人数を読点で区切って入力します（例：3、2）。空欄なら各1人。")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = policy.of_center(StaffMember, user).filter(ended_on__isnull=True)
        self.fields["plan_item"].queryset = policy.of_center(TrainingPlanItem, user).order_by("-fiscal_year", "id")
        self.fields["plan_item"].label_from_instance = lambda i: f"{i.fiscal_year}年度 {i.title}"
        self.fields["outreach"].queryset = policy.of_center(Outreach, user).order_by("-held_on")[:50]
        self.fields["organizations"].queryset = policy.of_center(Organization, user).filter(active=True)

    def clean(self):
        data = super().clean()
        organizations = list(data.get("organizations") or [])
        text = (data.get("participants") or "").replace("、", ",").replace("，", ",")
        counts = [c.strip() for c in text.split(",") if c.strip()]
        if counts and (len(counts) != len(organizations) or not all(c.isdecimal() and int(c) < 1000 for c in counts)):
            self.add_error("participants", "参加人数は、選んだ機関の数だけ、数字で入力してください。")
            return data
        data["participations"] = list(zip(organizations, [int(c) for c in counts] or [1] * len(organizations),
                                          strict=True))
        return data
