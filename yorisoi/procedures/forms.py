"""Forms of the procedures pages. They validate input; the services decide, compute and write."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone

from yorisoi.cases.models import CaseKind
from yorisoi.common.forms import EraDateField, QueryForm, VersionedFormMixin, apply_japanese_required_messages
from yorisoi.common.text import CleanFormCharField
from yorisoi.partners import selectors as partner_selectors
from yorisoi.privacy import policy
from yorisoi.records.forms import ActivityForm

from . import conf, selectors
from .models import (
    OFFSET_LIMIT,
    STATUS_MOVES,
    FollowUpStatus,
    FollowUpTarget,
    OffsetUnit,
    ProcedureCategory,
    ProcedureResult,
    ProcedureStatus,
    ProtectionStatus,
    ReferenceKind,
)

BLANK = [("", "選んでください")]
DUE_MODES = [("reference", "基準日から自動で計算する"), ("manual", "期限を直接入力する（基準日が変わっても動かない）")]


class OrganizationChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.Select(attrs={"data-searchable": ""}))  # a filter box (yorisoi.js)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        return f"{obj}（{obj.kind.short_label}）"


def _organizations(user, current_id=None, *, kind_code=None):
    return selectors.organizations_for(user, kind_code=kind_code, including=current_id)


def _facilities(user, current_id=None):
    """The 受入先 picker: places a person stays (partners' facilities_for), active; an edit keeps its own."""
    wanted = Q(pk__in=partner_selectors.facilities_for(user).filter(active=True).values("pk"))
    if current_id:
        wanted |= Q(pk=current_id)
    return partner_selectors.organizations_for(user).filter(wanted).select_related("kind").order_by(
        "kind__sort_order", "name_kana", "name", "id")


def _offset_field() -> forms.IntegerField:
    return forms.IntegerField(label="基準日からの日数", required=False, min_value=-OFFSET_LIMIT, max_value=OFFSET_LIMIT,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                              help_text="前なら負の数（例：釈放の5日前は -5）")


def _limit_messages(form: forms.Form, name: str) -> None:
    form.fields[name].error_messages.update({
        "min_value": f"{form.fields[name].label}は{-OFFSET_LIMIT}から{OFFSET_LIMIT}の間で入力してください。",
        "max_value": f"{form.fields[name].label}は{-OFFSET_LIMIT}から{OFFSET_LIMIT}の間で入力してください。",
    })


# --- the procedures of a case -------------------------------------------------------------------------------


class ProcedureForm(forms.Form):
    procedure_type = forms.ModelChoiceField(label="手続きの種類", queryset=None, empty_label="選んでください")
    title = CleanFormCharField(label="表示名", max_length=80, required=False,
                               help_text="空欄なら手続きの種類の名前になります（例：療育手帳の判定）。")
    due_mode = forms.ChoiceField(label="期限の決め方", choices=DUE_MODES, initial="reference",
                                 widget=forms.RadioSelect)
    reference = forms.ChoiceField(label="基準日", choices=ReferenceKind.choices, required=False,
                                  initial=ReferenceKind.RELEASE)
    offset_days = _offset_field()
    offset_unit = forms.ChoiceField(label="日数の数え方", choices=OffsetUnit.choices, initial=OffsetUnit.CALENDAR)
    depends_on = forms.ModelChoiceField(label="前の手続き", queryset=None, required=False, empty_label="なし",
                                        help_text="基準日が「前の手続きの完了日」のときに選びます。")
    due_date = EraDateField(label="期限", required=False)
    organization = OrganizationChoiceField(label="担当機関", queryset=None, required=False, empty_label="未定")
    contact_name = CleanFormCharField(label="先方の担当者", max_length=100, required=False)
    contact_phone = CleanFormCharField(label="先方の連絡先", max_length=30, required=False,
                                       widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    notes = CleanFormCharField(label="メモ", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text="手続きの事務的なメモ。本人とのやりとりは支援経過記録に書きます。")

    def __init__(self, *args, user, case, procedure=None, procedures=None, **kwargs):
        super().__init__(*args, **kwargs)
        types = selectors.types_for(user, usable_only=True)
        if procedure is not None:
            types = (types | selectors.types_for(user).filter(pk=procedure.procedure_type_id)).distinct()
        self.fields["procedure_type"].queryset = types
        others = case.procedures.all().order_by("id")
        if procedure is not None:
            others = others.exclude(pk=procedure.pk)
        self.fields["depends_on"].queryset = others
        self.fields["organization"].queryset = _organizations(user, procedure.organization_id if procedure else None)
        apply_japanese_required_messages(self)
        _limit_messages(self, "offset_days")

    def clean(self):
        data = super().clean()
        if data.get("due_mode") == "reference":
            if not data.get("reference"):
                self.add_error("reference", "基準日を選んでください。")
            elif data["reference"] == ReferenceKind.PREVIOUS and not data.get("depends_on"):
                self.add_error("depends_on", "「前の手続きの完了日」を基準にするときは、前の手続きを選んでください。")
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        follows = data["due_mode"] == "reference"
        return {
            "procedure_type": data["procedure_type"], "title": data["title"], "follows_reference": follows,
            "reference": data["reference"] if follows else "", "offset_days": data["offset_days"] if follows else None,
            "offset_unit": data["offset_unit"], "depends_on": data["depends_on"] if follows else None,
            "due_date": None if follows else data["due_date"], "organization": data["organization"],
            "contact_name": data["contact_name"], "contact_phone": data["contact_phone"], "notes": data["notes"],
        }


# Cancelling a procedure that others wait for (services.WaitingProceduresError asks which).
WAITING_CHOICES = [("", "（選ぶ）"), ("cancel", "あわせて不要にする"), ("keep", "残して、期限を手で決める")]


class ProcedureEditForm(VersionedFormMixin, ProcedureForm):
    status = forms.ChoiceField(label="状況", choices=ProcedureStatus.choices)
    started_on = EraDateField(label="着手日", required=False)
    completed_on = EraDateField(label="完了日", required=False,
                                help_text="完了にするとき、空欄なら今日の日付が入ります。")
    result = forms.ChoiceField(label="結果", choices=ProcedureResult.choices, required=False,
                               help_text="例：生活保護の開始決定、手帳の交付、要介護認定の結果。")
    decided_on = EraDateField(label="決定日", required=False)

    def __init__(self, *args, procedure, **kwargs):
        super().__init__(*args, procedure=procedure, **kwargs)
        allowed = {procedure.status, *STATUS_MOVES[procedure.status]}
        self.fields["status"].choices = [(s, label) for s, label in ProcedureStatus.choices if s in allowed]

    @staticmethod
    def initial_for(procedure) -> dict:
        return {
            "procedure_type": procedure.procedure_type_id, "title": procedure.title,
            "due_mode": "reference" if procedure.follows_reference else "manual",
            "reference": procedure.reference or ReferenceKind.RELEASE, "offset_days": procedure.offset_days,
            "offset_unit": procedure.offset_unit, "depends_on": procedure.depends_on_id,
            "due_date": procedure.due_date, "organization": procedure.organization_id,
            "contact_name": procedure.contact_name, "contact_phone": procedure.contact_phone,
            "notes": procedure.notes, "status": procedure.status, "started_on": procedure.started_on,
            "completed_on": procedure.completed_on, "result": procedure.result,
            "decided_on": procedure.decided_on, "version": procedure.version,
        }

    waiting = forms.ChoiceField(label="この手続きを待っている手続き", required=False, widget=forms.RadioSelect,
                                choices=WAITING_CHOICES)

    def values(self) -> dict:
        data = self.cleaned_data
        return {**super().values(), "status": data["status"], "started_on": data["started_on"],
                "completed_on": data["completed_on"], "result": data["result"],
                "decided_on": data["decided_on"], "waiting": data["waiting"] or None}


class StatusForm(VersionedFormMixin, forms.Form):
    """The quick buttons of the list: 着手・完了・不要・再開, with an optional date."""

    status = forms.ChoiceField(label="状況", choices=ProcedureStatus.choices)
    on = EraDateField(label="日付", required=False)
    waiting = forms.ChoiceField(label="この手続きを待っている手続き", required=False, choices=WAITING_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)


class DocumentForm(forms.Form):
    file = forms.FileField(label="書類（PDF・JPEG・PNG、10MBまで）",
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = conf.document_max_bytes() // (1024 * 1024)
        self.fields["file"].label = f"書類（PDF・JPEG・PNG、{limit}MBまで）"
        self.fields["file"].error_messages.update({
            "required": "添付するファイルを選んでください。", "empty": "選んだファイルが空です。",
            "invalid": "ファイルを読み取れませんでした。もう一度選んでください。",
        })


class PlacementDateForm(forms.Form):
    placement_date = EraDateField(label="一時受入の開始日", required=False,
                                  help_text="「一時受入の開始日」を基準にする手続きの期限がこの日から計算されます。")


class ApplyTemplateForm(forms.Form):
    template = forms.ModelChoiceField(label="テンプレート", queryset=None, empty_label=None)

    def __init__(self, *args, templates, default=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        if default is not None:
            self.fields["template"].initial = default.pk
        apply_japanese_required_messages(self)


class ProposalForm(forms.Form):
    """The worker's answer to the proposed procedures: the template and the items ticked."""

    template = forms.ModelChoiceField(label="テンプレート", queryset=None, empty_label=None, widget=forms.HiddenInput)
    items = forms.TypedMultipleChoiceField(label="追加する手続き", required=False, coerce=int,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, templates, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["items"].choices = [(p.item.pk, p.item.display_title) for p in proposals]
        apply_japanese_required_messages(self)


# --- 更生緊急保護 -----------------------------------------------------------------------------------------------


class ProtectionForm(forms.Form):
    written_request = forms.BooleanField(label="書面による申出あり", required=True,
                                         help_text="本人が書面で申し出たことを確認したら選びます（必須）。")
    application_date = EraDateField(label="申出日")
    applied_in_custody = forms.BooleanField(label="収容中に申し出た", required=False,
                                            help_text="令和5年12月1日から、釈放前（収容中）にも申し出られます。")
    probation_office = OrganizationChoiceField(label="保護観察所", queryset=None, required=False, empty_label="未定")
    status = forms.ChoiceField(label="状況", choices=ProtectionStatus.choices, initial=ProtectionStatus.APPLIED)
    approval_date = EraDateField(label="実施の決定日", required=False)
    start_date = EraDateField(label="開始日（釈放日）", required=False,
                              help_text="期間はこの日から数えます。終了日は自動で計算されます。")
    ended_on = EraDateField(label="実際に終了した日", required=False, help_text="状況が「終了」のとき。")
    notes = CleanFormCharField(label="メモ", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, protection=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = protection.probation_office_id if protection else None
        self.fields["probation_office"].queryset = _organizations(user, current, kind_code="probation_office")
        if not policy.access_for(user).can_see_narrative:
            del self.fields["notes"]  # clerks keep the dates, not the notes (policy: no narratives)
        apply_japanese_required_messages(self)
        self.fields["written_request"].error_messages["required"] = (
            "更生緊急保護は本人の書面による申出が必要です。申出書を受け取ったら「書面による申出あり」を選んでください。")

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in (
            "written_request", "application_date", "applied_in_custody", "probation_office", "status",
            "approval_date", "start_date", "ended_on", "notes") if name in self.fields}


class ProtectionEditForm(VersionedFormMixin, ProtectionForm):
    @staticmethod
    def initial_for(protection) -> dict:
        return {"written_request": protection.written_request, "application_date": protection.application_date,
                "applied_in_custody": protection.applied_in_custody,
                "probation_office": protection.probation_office_id, "status": protection.status,
                "approval_date": protection.approval_date, "start_date": protection.start_date,
                "ended_on": protection.ended_on, "notes": protection.notes, "version": protection.version}


class ExtensionForm(VersionedFormMixin, forms.Form):
    written_request = forms.BooleanField(label="延長について書面による新たな申出あり", required=True)
    application_date = EraDateField(label="延長の申出日")
    reason = CleanFormCharField(label="延長の理由", widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="延長が必要な事情と、延長中に進めることを書きます。")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "extension")
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)
        self.fields["written_request"].error_messages["required"] = (
            "延長には本人の新たな書面による申出が必要です。申出書を受け取ったら選んでください。")


# --- follow-up -------------------------------------------------------------------------------------------------


class ScheduleFollowUpsForm(forms.Form):
    start = EraDateField(label="起算日", help_text="この日から数えて予定を作ります（ふつうは定着支援に移った日）。")
    facility = OrganizationChoiceField(label="受入先", queryset=None, required=False, empty_label="未定（あとで選ぶ）")
    include_facility = forms.BooleanField(label="受入先へのフォローアップも予定する", required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("prefix", "schedule")
        super().__init__(*args, **kwargs)
        self.fields["start"].initial = timezone.localdate()
        self.fields["facility"].queryset = _facilities(user)
        apply_japanese_required_messages(self)


class FollowUpForm(forms.Form):
    target = forms.ChoiceField(label="相手", choices=FollowUpTarget.choices)
    due_date = EraDateField(label="予定日")
    organization = OrganizationChoiceField(label="受入先", queryset=None, required=False, empty_label="未定",
                                           help_text="相手が「受入先」のとき。")
    notes = CleanFormCharField(label="メモ", max_length=200, required=False)

    def __init__(self, *args, user, follow_up=None, **kwargs):
        kwargs.setdefault("prefix", "follow_up")
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _facilities(user, follow_up.organization_id if follow_up else None)
        apply_japanese_required_messages(self)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("target", "due_date", "organization", "notes")}


class FollowUpEditForm(VersionedFormMixin, FollowUpForm):
    status = forms.ChoiceField(label="状況", choices=[(FollowUpStatus.SCHEDULED, "予定"),
                                                     (FollowUpStatus.CANCELLED, "中止（行わない）")])

    @staticmethod
    def initial_for(follow_up) -> dict:
        return {"target": follow_up.target, "due_date": follow_up.due_date,
                "organization": follow_up.organization_id, "notes": follow_up.notes, "status": follow_up.status,
                "version": follow_up.version}

    def values(self) -> dict:
        return {**super().values(), "status": self.cleaned_data["status"]}


class FollowUpRecordForm(VersionedFormMixin, ActivityForm):
    """記録して完了: the support record of the contact (records' own form), with the follow-up's version."""


# --- catalogue and templates ----------------------------------------------------------------------------------


class ProcedureTypeForm(forms.Form):
    name = CleanFormCharField(label="手続きの名前", max_length=60)
    category = forms.ChoiceField(label="分類", choices=ProcedureCategory.choices)
    usual_steps = CleanFormCharField(label="いつもの流れ", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                     help_text="1行に1つずつ書きます。")
    responsible_kind = forms.ModelChoiceField(label="担当する機関の種別", queryset=None, required=False,
                                              empty_label="特になし")
    duration_notes = CleanFormCharField(label="標準的な期間・法定の期限", max_length=200, required=False)
    renewal_months = forms.IntegerField(label="更新の周期（月）", required=False, min_value=1, max_value=120,
                                        help_text="手帳など、更新が必要なとき。")
    sort_order = forms.IntegerField(label="表示順", min_value=0, max_value=32767, initial=500)
    active = forms.BooleanField(label="使用中", required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from yorisoi.partners import selectors as partner_selectors

        self.fields["responsible_kind"].queryset = partner_selectors.kinds_for(user)
        apply_japanese_required_messages(self)

    @staticmethod
    def initial_for(procedure_type) -> dict:
        return {name: getattr(procedure_type, name) for name in (
            "name", "category", "usual_steps", "duration_notes", "renewal_months", "sort_order", "active")} | {
            "responsible_kind": procedure_type.responsible_kind_id}

    def values(self) -> dict:
        return dict(self.cleaned_data)


class TemplateForm(forms.Form):
    name = CleanFormCharField(label="テンプレート名", max_length=80)
    case_kind = forms.ChoiceField(label="支援の種別", choices=BLANK + CaseKind.choices)
    description = CleanFormCharField(label="説明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    active = forms.BooleanField(label="使用中", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)

    def values(self) -> dict:
        return dict(self.cleaned_data)


class TemplateItemForm(forms.Form):
    procedure_type = forms.ModelChoiceField(label="手続きの種類", queryset=None, empty_label="選んでください")
    title = CleanFormCharField(label="表示名", max_length=80, required=False,
                               help_text="空欄なら手続きの種類の名前になります（例：療育手帳の判定）。")
    reference = forms.ChoiceField(label="基準日", choices=ReferenceKind.choices)
    offset_days = _offset_field()
    offset_unit = forms.ChoiceField(label="日数の数え方", choices=OffsetUnit.choices)
    after = forms.ModelChoiceField(label="前の手続き", queryset=None, required=False, empty_label="なし",
                                   help_text="基準日が「前の手続きの完了日」のときに選びます。")
    sort_order = forms.IntegerField(label="表示順", min_value=0, max_value=32767, initial=500)

    def __init__(self, *args, user, template, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        types = selectors.types_for(user, usable_only=True)
        if item is not None:
            types = (types | selectors.types_for(user).filter(pk=item.procedure_type_id)).distinct()
        self.fields["procedure_type"].queryset = types
        others = template.items.select_related("procedure_type").order_by("sort_order", "id")
        if item is not None:
            others = others.exclude(pk=item.pk)
        self.fields["after"].queryset = others
        self.fields["offset_days"].required = True
        apply_japanese_required_messages(self)
        _limit_messages(self, "offset_days")

    def clean(self):
        data = super().clean()
        if data.get("reference") == ReferenceKind.PREVIOUS and not data.get("after"):
            self.add_error("after", "「前の手続きの完了日」を基準にするときは、前の手続きを選んでください。")
        return data

    @staticmethod
    def initial_for(item) -> dict:
        return {"procedure_type": item.procedure_type_id, "title": item.title, "reference": item.reference,
                "offset_days": item.offset_days, "offset_unit": item.offset_unit, "after": item.after_id,
                "sort_order": item.sort_order}

    def values(self) -> dict:
        return dict(self.cleaned_data)


# --- query parameters (common.forms.QueryForm: a bad one is named on the page, never a 500) ----------------------


class DueListQuery(QueryForm):
    """?show=, ?type= and ?mine= of 手続きの一覧 (mine: 1 own cases, 0 the whole center, absent: by role)."""

    show = forms.ChoiceField(label="表示", required=False, initial="open")
    type = forms.TypedChoiceField(label="手続きの種類", required=False, coerce=int, empty_value=None)
    mine = forms.ChoiceField(label="担当", required=False,
                             choices=[("", ""), ("0", "センター全体"), ("1", "自分の担当")])

    def __init__(self, *args, filters, types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["show"].choices = list(filters)
        self.fields["type"].choices = [("", "すべて"), *((t.pk, str(t)) for t in types)]
