"""Forms of the meetings app. Text through CleanFormCharField; dates as era dates; GET filters as QueryForms."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from yorisoi.cases.models import OPEN_PHASES
from yorisoi.common import dates
from yorisoi.common.forms import (
    EraDateField,
    QueryForm,
    QueryIdField,
    VersionedFormMixin,
    apply_japanese_required_messages,
    use_japanese_empty_choice,
)
from yorisoi.common.text import CleanFormCharField
from yorisoi.partners.models import Organization, OrganizationContact
from yorisoi.privacy import policy

from . import conf, services
from .models import AbsenceKind, Meeting, MeetingKind
from .rules import case_staff_for
from .selectors import meetings_for

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _case_label(case) -> str:
    return f"{case.number} {case.person.full_name}"


class MeetingForm(VersionedFormMixin, forms.ModelForm):
    date = EraDateField(label="日付", rule=dates.DUE)
    start_time = forms.TimeField(label="開始時刻", widget=TIME_WIDGET)
    end_time = forms.TimeField(label="終了時刻", widget=TIME_WIDGET, required=False)
    agenda = CleanFormCharField(label="議題", max_length=1000, required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    staff = forms.ModelMultipleChoiceField(label="参加職員", queryset=None, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    contacts = forms.ModelMultipleChoiceField(
        label="外部の参加者（関係機関の名簿から）", queryset=None, required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="複数選ぶときは Ctrl キー（Mac は command キー）を押しながら選んでください")
    cases = forms.ModelMultipleChoiceField(label="扱うケース", queryset=None, required=False,
                                           widget=forms.SelectMultiple(attrs={"size": 8}))

    class Meta:
        model = Meeting
        fields = [*services.MEETING_FIELDS, "staff", "contacts", "cases"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = policy.staff_for(user)
        self.fields["contacts"].queryset = (policy.of_center(OrganizationContact, user)
                                            .filter(ended_on__isnull=True)
                                            .select_related("organization").order_by("organization__name", "name"))
        self.fields["contacts"].label_from_instance = lambda c: f"{c.name}（{c.organization.name}）"
        cases = policy.cases_for(user).select_related("person").order_by("-referral_date", "-id")
        if self.instance.pk:
            cases = cases.filter(phase__in=OPEN_PHASES) | cases.filter(pk__in=self.instance.cases.values("pk"))
        else:
            cases = cases.filter(phase__in=OPEN_PHASES)
        self.fields["cases"].queryset = cases
        self.fields["cases"].label_from_instance = _case_label
        self.fields["kind"].choices = [("", "選んでください"), *MeetingKind.choices]
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version
            self.initial["cases"] = [c.pk for c in self.instance.cases.all() if policy.may_reach(user, c)]
        if not self.instance.pk:
            self.fields["version"].required = False
        apply_japanese_required_messages(self)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.MEETING_FIELDS}

    def links(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("staff", "contacts", "cases")}


class MinutesForm(VersionedFormMixin, forms.Form):
    discussion = CleanFormCharField(label="協議の内容", widget=forms.Textarea(attrs={"rows": 10}),
                                    help_text="事実、出た意見（誰の視点か）、決まったことを分けて書きます。")
    change_reason = CleanFormCharField(label="訂正の理由（訂正のとき）", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)


def _meeting_cases(field, meeting, user) -> None:
    field.queryset = policy.cases_for(user).filter(pk__in=meeting.cases.values("pk")).select_related("person")
    field.label_from_instance = _case_label
    field.empty_label = "（ケースを特定しない）"


class DecisionForm(forms.Form):
    text = CleanFormCharField(label="決定事項", widget=forms.Textarea(attrs={"rows": 3}))
    is_team_decision = forms.BooleanField(label="チームとしての決定（組織の判断として記録する）", required=False,
                                          initial=True)
    decided_by = forms.ModelChoiceField(label="決定した人", queryset=None)
    case = forms.ModelChoiceField(label="ケース", queryset=None, required=False)
    organization = forms.ModelChoiceField(label="合意した機関（意見交換会など）", queryset=None, required=False)

    def __init__(self, *args, meeting, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_by"].queryset = case_staff_for(user)
        self.fields["decided_by"].initial = user.pk
        _meeting_cases(self.fields["case"], meeting, user)
        orgs = Organization.objects.filter(pk__in=meeting.contacts.values("organization_id"))
        self.fields["organization"].queryset = policy.of_center(orgs, user)
        self.fields["organization"].empty_label = "（なし）"
        use_japanese_empty_choice(self.fields["decided_by"])
        apply_japanese_required_messages(self)


class ActionForm(forms.Form):
    description = CleanFormCharField(
        label="対応の内容", max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "例：福祉事務所に生活保護の申請日を確認する"}))
    owner = forms.ModelChoiceField(label="担当", queryset=None)
    due_date = EraDateField(label="期限", rule=dates.DUE)
    case = forms.ModelChoiceField(label="ケース", queryset=None, required=False)

    def __init__(self, *args, meeting, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = case_staff_for(user)
        use_japanese_empty_choice(self.fields["owner"])
        _meeting_cases(self.fields["case"], meeting, user)
        apply_japanese_required_messages(self)


class ConcernForm(forms.Form):
    text = CleanFormCharField(label="悩み・課題（自分の言葉で）", widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="うまく言葉にならなくても構いません。早めに出すことが大切です。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)


class IdeaForm(forms.Form):
    text = CleanFormCharField(label="アイデア・別の視点", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)


class ResolveForm(VersionedFormMixin, forms.Form):
    resolution = CleanFormCharField(label="組織としての決定", widget=forms.Textarea(attrs={"rows": 3}))
    meeting = forms.ModelChoiceField(label="決定した会議", queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        since = timezone.localdate() - dt.timedelta(days=92)
        self.fields["meeting"].queryset = meetings_for(user).filter(date__gte=since).order_by("-date", "-start_time")
        self.fields["meeting"].empty_label = "（会議の外で決定）"
        apply_japanese_required_messages(self)


class OutcomeForm(forms.Form):
    outcome = CleanFormCharField(label="振り返りの結果", widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text="現状、出た意見、次にすること（誰が・いつまでに）を短く。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)


class AbsenceForm(forms.Form):
    staff = forms.ModelChoiceField(label="職員", queryset=None)
    date = EraDateField(label="日付", rule=dates.DUE)
    kind = forms.ChoiceField(label="種類", choices=[("", "選んでください"), *AbsenceKind.choices])
    note = CleanFormCharField(label="メモ（午前のみ など）", max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = policy.staff_for(user)
        use_japanese_empty_choice(self.fields["staff"])
        apply_japanese_required_messages(self)


class MeetingListQuery(QueryForm):
    kind = forms.ChoiceField(label="種類", choices=[("", "すべて"), *MeetingKind.choices], required=False)
    show = forms.ChoiceField(label="表示", choices=[("upcoming", "これから"), ("all", "すべて")], required=False,
                             initial="upcoming")


class MeetingPrefillQuery(QueryForm):
    """?kind= and ?case= of the new-meeting page (from a case page or a board)."""

    kind = forms.ChoiceField(label="種類", choices=[("", ""), *MeetingKind.choices], required=False)
    case = QueryIdField(label="ケース")


class ReviewQuery(QueryForm):
    meeting = QueryIdField(label="会議")


class SummaryQuery(QueryForm):
    # "for": the agency the summary is shown for (a Python keyword, so declared through the fields dict)
    pass


SummaryQuery.base_fields["for"] = QueryIdField(label="渡す機関")


class MaterialForm(VersionedFormMixin, forms.Form):
    """The author's review of the anonymised draft of case-study material."""

    text = CleanFormCharField(label="資料の本文（匿名化済み）", widget=forms.Textarea(attrs={"rows": 18}),
                              help_text="名前・地名・日付・機関名など、本人を特定できる記載が残っていないか確かめてください。"
                                        "残っているときは「〇〇」などに置き換えます。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)


class AttachmentForm(forms.Form):
    file = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = conf.attachment_max_bytes() // (1024 * 1024)
        self.fields["file"].label = f"添付する資料（PDF・JPEG・PNG、{limit}MBまで）"
        self.fields["file"].error_messages.update({
            "required": "添付するファイルを選んでください。", "empty": "選んだファイルが空です。",
            "invalid": "ファイルを読み取れませんでした。もう一度選んでください。",
        })
