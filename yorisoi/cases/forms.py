"""Forms of the case pages. They validate input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from yorisoi.common.forms import (
    EraDateField,
    QueryFlagField,
    QueryForm,
    QueryIdField,
    VersionedFormMixin,
    apply_japanese_required_messages,
)
from yorisoi.common.text import CleanFormCharField
from yorisoi.privacy import policy

from .models import (
    CLOSE_THROUGH_APPROVAL,
    FLAG_SUGGESTIONS,
    PAUSE_THROUGH_FORM,
    SAME_MAIN_AND_SUB_STAFF,
    Case,
    CaseKind,
    ContactMethod,
    CoordinationType,
    Disposition,
    FundingProgramme,
    JusticeStage,
    PauseReason,
    Phase,
    ReferralSource,
    SentenceType,
    Urgency,
)

BLANK = [("", "選んでください")]


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj}（{obj.get_role_display()}）"


def _staff_queryset(user, current: Case | None = None):
    """Directors and workers of the user's center; a case keeps its present staff even if they left."""
    qs = policy.areas.case_staff_for(user)
    if current is not None:
        keep = [pk for pk in (current.main_staff_id, current.sub_staff_id) if pk]
        if keep:
            from yorisoi.accounts.models import Staff

            qs = (qs | policy.of_center(Staff, user).filter(pk__in=keep)).distinct()
    return qs.order_by("role", "id")


class CaseForm(forms.Form):
    kind = forms.ChoiceField(label="支援の種別", choices=BLANK + CaseKind.choices)
    referral_source = forms.ChoiceField(label="依頼元の種別", choices=BLANK + ReferralSource.choices)
    referral_agency = CleanFormCharField(
        label="依頼元機関", max_length=100, required=False,
        widget=forms.TextInput(attrs={"placeholder": "例：さいたま地方検察庁 再犯防止対策室"}))
    referral_officer = CleanFormCharField(label="依頼元担当者", max_length=100, required=False)
    referral_contact = CleanFormCharField(label="依頼元連絡先", max_length=100, required=False,
                                          widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    referral_date = EraDateField(label="依頼日")
    expected_release_date = EraDateField(label="釈放予定日", required=False,
                                         help_text="分かっていれば入力してください。ホーム画面で7日前から知らせます。")
    release_place = CleanFormCharField(label="釈放場所", max_length=100, required=False,
                                       widget=forms.TextInput(attrs={"placeholder": "例：〇〇拘置支所"}))
    # Not required: a form posted without it (older clients, scripts) means 通常.
    urgency = forms.ChoiceField(label="緊急度", choices=Urgency.choices, initial=Urgency.NORMAL, required=False,
                                widget=forms.RadioSelect(attrs={"class": "urgency-choices"}))
    main_staff = StaffChoiceField(label="主担当", queryset=None, empty_label="選んでください")
    sub_staff = StaffChoiceField(label="副担当", queryset=None, required=False, empty_label="なし")
    # statistics (the counting rule in reports/counting.py)
    coordination_type = forms.ChoiceField(label="調整の種別（統計）", choices=BLANK + CoordinationType.choices,
                                          required=False, help_text="空欄なら支援の種別から決まります。")
    funding_programme = forms.ModelChoiceField(label="事業（財源）", queryset=None, required=False,
                                               empty_label="センターの本来業務")

    field_order = ["kind", "referral_source", "referral_agency", "referral_officer", "referral_contact",
                   "referral_date", "expected_release_date", "release_place", "urgency", "main_staff", "sub_staff",
                   "coordination_type", "funding_programme"]

    def __init__(self, *args, user, case: Case | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        staff = _staff_queryset(user, case)
        self.fields["main_staff"].queryset = staff
        self.fields["sub_staff"].queryset = staff
        self.fields["funding_programme"].queryset = policy.of_center(FundingProgramme, user)
        if case is None:
            self.fields["referral_date"].initial = timezone.localdate()
            self.fields["main_staff"].initial = user.pk
        apply_japanese_required_messages(self)

    def clean(self):
        data = super().clean()
        main, sub = data.get("main_staff"), data.get("sub_staff")
        if main and sub and main == sub:
            self.add_error("sub_staff", SAME_MAIN_AND_SUB_STAFF)
        if "urgency" in data and not data["urgency"]:
            data["urgency"] = Urgency.NORMAL
        if "coordination_type" in data and not data["coordination_type"]:
            data.pop("coordination_type")  # the service derives it from the kind
        return data


JUSTICE_SNAPSHOT_FIELDS = ["justice_stage", "disposition", "disposition_date", "sentence_type"]


class CaseEditForm(VersionedFormMixin, CaseForm):
    start_date = EraDateField(label="支援開始日", required=False,
                              help_text="空欄のままなら、調整中へ進めた日が入ります。")
    actual_release_date = EraDateField(label="実際の釈放日", required=False,
                                       help_text="釈放予定日とは別に、実際に釈放された日を残します（統計に使います）。")
    # このケースの司法の状況（依頼時点）: justice information, absent for users who may not see it
    justice_stage = forms.ChoiceField(label="依頼時の司法上の段階", choices=JusticeStage.choices, required=False)
    disposition = forms.ChoiceField(label="処分", choices=Disposition.choices, required=False)
    disposition_date = EraDateField(label="処分日", required=False)
    sentence_type = forms.ChoiceField(label="刑の種類", choices=SentenceType.choices, required=False)

    field_order = [*CaseForm.field_order[:6], "start_date", *CaseForm.field_order[6:8], "actual_release_date",
                   *CaseForm.field_order[8:], *JUSTICE_SNAPSHOT_FIELDS]

    def __init__(self, *args, user, case: Case | None = None, **kwargs):
        super().__init__(*args, user=user, case=case, **kwargs)
        if not policy.access_for(user).can_see_justice:
            for name in JUSTICE_SNAPSHOT_FIELDS:
                del self.fields[name]

    @property
    def justice_fields(self) -> list:
        return [self[name] for name in JUSTICE_SNAPSHOT_FIELDS if name in self.fields]

    @classmethod
    def initial_for(cls, case: Case) -> dict:
        names = [*CaseForm.field_order, "start_date", "actual_release_date", *JUSTICE_SNAPSHOT_FIELDS]
        initial = {name: getattr(case, name) for name in names
                   if name not in ("main_staff", "sub_staff", "funding_programme")}
        return {**initial, "main_staff": case.main_staff_id, "sub_staff": case.sub_staff_id,
                "funding_programme": case.funding_programme_id, "version": case.version}


class ReopenForm(forms.Form):
    reopen_reason = CleanFormCharField(label="再開する理由", widget=forms.Textarea(attrs={"rows": 3}),
                                       help_text="例：保護観察所から再び相談があったため。新しいケースの段階の履歴に残ります。")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "reopen")
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)




class PhaseChangeForm(VersionedFormMixin, forms.Form):
    """Moves between the open phases. 終結 is not offered: it goes through 終結の決裁 (planning app)."""

    to_phase = forms.ChoiceField(label="変更後の段階", choices=Phase.choices)
    reason = CleanFormCharField(label="変更の理由", widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="誰が見ても分かるように、判断の根拠を書いてください。")

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("initial", {"version": case.version})
        kwargs.setdefault("prefix", "phase")
        super().__init__(*args, **kwargs)
        # Any open phase is accepted here so that the service, after its stale check, gives the precise
        # message; the menu offers only the moves PHASE_MOVES allows from the current phase.
        self.fields["to_phase"].widget.choices = BLANK + [
            (value, label) for value, label in case.allowed_next_phases() if value != Phase.CLOSED]
        apply_japanese_required_messages(self)

    def clean_to_phase(self):
        value = self.cleaned_data["to_phase"]
        if value == Phase.CLOSED:
            raise ValidationError(CLOSE_THROUGH_APPROVAL)
        if value == Phase.PAUSED:
            raise ValidationError(PAUSE_THROUGH_FORM)
        return value


class PauseForm(VersionedFormMixin, forms.Form):
    """休止にする: the reason and the next try to reach the person."""

    reason_kind = forms.ChoiceField(label="休止の理由", choices=BLANK + PauseReason.choices)
    reason = CleanFormCharField(label="理由の詳細", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="最後に連絡がとれた日、本人の言葉など。")
    next_attempt_on = EraDateField(label="次に連絡を試みる日", help_text="やることに表示されます。")

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("initial", {"version": case.version})
        kwargs.setdefault("prefix", "pause")
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)


class ContactAttemptForm(forms.Form):
    """再連絡の記録 of a paused case."""

    attempted_on = EraDateField(label="試みた日")
    method = forms.ChoiceField(label="方法", choices=BLANK + ContactMethod.choices)
    reached = forms.BooleanField(label="本人と連絡がとれた", required=False)
    note = CleanFormCharField(label="結果・様子", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_attempt_on = EraDateField(label="次に連絡を試みる日", required=False,
                                   help_text="空欄のときは今の予定日のままです。")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "attempt")
        kwargs.setdefault("initial", {"attempted_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)


class ResumeForm(VersionedFormMixin, forms.Form):
    note = CleanFormCharField(label="再開の理由・経緯", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("initial", {"version": case.version})
        kwargs.setdefault("prefix", "resume")
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)


class FlagForm(forms.Form):
    label = CleanFormCharField(label="注意事項", max_length=50,
                               widget=forms.TextInput(attrs={"list": "flag-suggestions", "autocomplete": "off",
                                                          "placeholder": "例：接近禁止の相手あり"}))
    instruction = CleanFormCharField(label="対応上の指示", max_length=300, required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}),
                                     help_text="ケースのすべての画面の上部に表示されます。")
    exclude_from_statistics = forms.BooleanField(label="統計から除外する", required=False,
                                                 help_text="この注意事項を統計・報告の集計に含めないときに選びます。")

    suggestions = FLAG_SUGGESTIONS

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "flag")
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)


# --- query parameters (common.forms.QueryForm: a bad one is named on the page, never a 500) ----------------------


class CaseListQuery(QueryForm):
    """?phase= and ?mine= of the case list."""

    phase = forms.ChoiceField(label="段階", required=False, initial="")
    mine = QueryFlagField(label="自分の担当のみ")

    def __init__(self, *args, open_filter: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [("", "すべて"), (open_filter, "進行中"), *Phase.choices]


class CaseOpenQuery(QueryForm):
    """?person= of the page that opens a case for a person."""

    person = QueryIdField(label="対象者")
