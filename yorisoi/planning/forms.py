"""Forms of the planning pages. They validate input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from yorisoi.cases.forms import BLANK, StaffChoiceField
from yorisoi.cases.models import ClosureOutcome
from yorisoi.common.forms import (
    EraDateField,
    QueryForm,
    QueryIdField,
    VersionedFormMixin,
    apply_japanese_required_messages,
)
from yorisoi.common.text import CleanFormCharField
from yorisoi.partners import selectors as partner_selectors
from yorisoi.people.forms import DECISION_SUPPORT_FIELDS, DecisionSupportFields
from yorisoi.privacy import policy
from yorisoi.workflow.choices import Handling

from .models import (
    ActionStatus,
    AgreementMethod,
    Assessment,
    AssessmentDomain,
    AssessmentKind,
    NeedLevel,
    PlanAction,
    ResidenceAtClosure,
    ServiceAtClosure,
    SupportPlan,
)
from .services.assessments import DomainInput
from .services.plans import ActionInput


def _writers(user, keep_pk: int | None = None):
    qs = policy.areas.case_staff_for(user)
    if keep_pk:
        from yorisoi.accounts.models import Staff

        qs = (qs | policy.of_center(Staff, user).filter(pk=keep_pk)).distinct()
    return qs.order_by("role", "id")


# --- assessments ----------------------------------------------------------------------------------------


class AssessmentForm(forms.Form):
    """The assessment's head plus three fields per domain the user may read (d<pk>_findings, _needs, _level).
    The labels are short: each domain's fields sit in a fieldset whose legend names the domain."""

    kind = forms.ChoiceField(label="種類", choices=BLANK + AssessmentKind.choices)
    assessed_on = EraDateField(label="実施日")
    assessor = StaffChoiceField(label="実施者", queryset=None, required=False, empty_label="選んでください")
    summary = CleanFormCharField(label="総合的な見立て", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text="領域をまたいで見えてきたこと、優先して取り組むこと。")

    def __init__(self, *args, user, domains: list[AssessmentDomain], assessment: Assessment | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.domains = domains
        self.fields["assessor"].queryset = _writers(user, assessment.assessor_id if assessment else None)
        for domain in domains:
            self.fields[f"d{domain.pk}_findings"] = CleanFormCharField(
                label="所見（本人の状況）", required=False,
                widget=forms.Textarea(attrs={"rows": 3}), help_text=domain.prompt)
            self.fields[f"d{domain.pk}_needs"] = CleanFormCharField(
                label="支援の必要", required=False, widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"d{domain.pk}_level"] = forms.ChoiceField(
                label="支援の必要度", required=False, choices=[("", "未評価"), *NeedLevel.choices])
        apply_japanese_required_messages(self)

    def domain_fields(self) -> list[tuple[AssessmentDomain, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [(d, self[f"d{d.pk}_findings"], self[f"d{d.pk}_needs"], self[f"d{d.pk}_level"]) for d in self.domains]

    def entries(self) -> dict[int, DomainInput]:
        data = self.cleaned_data
        return {d.pk: DomainInput(data[f"d{d.pk}_findings"], data[f"d{d.pk}_needs"], data[f"d{d.pk}_level"])
                for d in self.domains}

    def head(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("kind", "assessed_on", "assessor", "summary")}

    @staticmethod
    def initial_for(assessment: Assessment, entries) -> dict:
        initial = {"kind": assessment.kind, "assessed_on": assessment.assessed_on,
                   "assessor": assessment.assessor_id, "summary": assessment.summary, "version": assessment.version}
        for entry in entries:
            initial.update({f"d{entry.domain_id}_findings": entry.findings, f"d{entry.domain_id}_needs": entry.needs,
                            f"d{entry.domain_id}_level": entry.level})
        return initial


class AssessmentEditForm(VersionedFormMixin, AssessmentForm):
    pass


# --- support plans ----------------------------------------------------------------------------------------


class PlanForm(DecisionSupportFields):
    plan_date = EraDateField(label="作成日")
    review_date = EraDateField(label="見直し予定日", required=False,
                               help_text="この日までに本人と一緒に計画を見直します。")
    person_goals = CleanFormCharField(label="本人の目標（本人の言葉で）", required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}),
                                      help_text="言い換えずに、本人が話した言葉で書いてください。")
    staff_goals = CleanFormCharField(label="支援者の目標・支援方針", required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    person_wishes = CleanFormCharField(label="本人の意向", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                       help_text="はじめはフェイスシートの「本人の意向」が入っています。この計画に合わせて直せます。")
    revision_reason = CleanFormCharField(label="改訂の理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    agreement_date = EraDateField(label="本人の同意日", required=False)
    agreement_method = forms.ChoiceField(label="同意の方法", required=False,
                                         choices=[("", "（未同意）"), *AgreementMethod.choices])
    agreement_note = CleanFormCharField(label="同意についての記録", required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}),
                                        help_text="例：読み上げて説明し、本人が「これでいい」と話した。")

    def __init__(self, *args, revision: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        if revision <= 1:
            del self.fields["revision_reason"]
        apply_japanese_required_messages(self)

    def clean(self):
        data = super().clean()
        if data.get("agreement_date") and not data.get("agreement_method"):
            self.add_error("agreement_method", "同意日を入力したときは同意の方法も選んでください。")
        if data.get("agreement_method") and not data.get("agreement_date"):
            self.add_error("agreement_date", "同意の方法を選んだときは同意日も入力してください。")
        review, made = data.get("review_date"), data.get("plan_date")
        if review and made and review < made:
            self.add_error("review_date", "見直し予定日は作成日より後の日にしてください。")
        return data

    def values(self) -> dict:
        return dict(self.cleaned_data)

    @staticmethod
    def initial_for(plan: SupportPlan) -> dict:
        names = ["plan_date", "review_date", "person_goals", "staff_goals", "person_wishes", "revision_reason",
                 "agreement_date", "agreement_method", "agreement_note", *DECISION_SUPPORT_FIELDS]
        return {**{n: getattr(plan, n) for n in names}, "version": plan.version}


class PlanEditForm(VersionedFormMixin, PlanForm):
    pass


def owner_choices(user, *, keep_staff: set[int] = frozenset(), keep_orgs: set[int] = frozenset()) -> list:
    """One menu for the owner: the center's staff, then its partner organizations by kind ("s:<pk>" / "o:<pk>").
    Owners of existing actions stay in the menu even if they left or the organization was retired."""
    from yorisoi.accounts.models import Staff

    staff_qs = policy.staff_for(user) | policy.of_center(Staff, user).filter(pk__in=keep_staff)
    staff = [(f"s:{s.pk}", str(s)) for s in staff_qs.distinct().order_by("role", "id")]
    # Justice agencies never own a step of the person's plan; the rest grouped by kind, as in the directory.
    orgs = (partner_selectors.organizations_for(user)
            .filter(Q(pk__in=partner_selectors.non_justice_for(user).filter(active=True).values("pk"))
                    | Q(pk__in=keep_orgs))
            .select_related("kind").order_by("kind__sort_order", "kind_id", "name_kana", "name", "id"))
    groups: dict[str, list] = {}
    for organization in orgs:
        groups.setdefault(f"関係機関：{organization.kind.label}", []).append((f"o:{organization.pk}",
                                                                          str(organization)))
    return [("", "未定"), ("職員", staff), *groups.items()]


class ActionForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    description = CleanFormCharField(label="内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ChoiceField(label="担当", required=False, widget=forms.Select(attrs={"data-searchable": ""}))
    due_date = EraDateField(label="期限", required=False)
    status = forms.ChoiceField(label="状況", choices=ActionStatus.choices, initial=ActionStatus.NOT_STARTED,
                               required=False)

    def __init__(self, *args, owners: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owners
        self.fields["due_date"].widget.attrs["placeholder"] = "例：R8.12.1"
        apply_japanese_required_messages(self)

    def clean(self):
        data = super().clean()
        # An existing row emptied is removed; a new row with an owner or a date but no content is a mistake.
        if not data.get("id") and not (data.get("description") or "").strip() and not data.get("DELETE"):
            if data.get("owner") or data.get("due_date"):
                self.add_error("description", "行動の内容を入力してください。")
        return data

    @staticmethod
    def initial_for(action: PlanAction) -> dict:
        owner = (f"s:{action.owner_staff_id}" if action.owner_staff_id
                 else f"o:{action.owner_organization_id}" if action.owner_organization_id else "")
        return {"id": action.pk, "description": action.description, "owner": owner, "due_date": action.due_date,
                "status": action.status}


class BaseActionFormSet(forms.BaseFormSet):
    def __init__(self, *args, user, owners: list, **kwargs):
        self.user = user
        self.owners = owners
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"owners": self.owners}

    def actions(self) -> list[ActionInput]:
        from yorisoi.accounts.models import Staff
        from yorisoi.partners.models import Organization

        chosen = [f.cleaned_data.get("owner") or "" for f in self.forms]
        staff_ids = [int(c[2:]) for c in chosen if c.startswith("s:")]
        organization_ids = [int(c[2:]) for c in chosen if c.startswith("o:")]
        staff = {s.pk: s for s in policy.of_center(Staff, self.user).filter(pk__in=staff_ids)}
        orgs = {o.pk: o for o in policy.of_center(Organization, self.user).filter(pk__in=organization_ids)}
        result = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or (not data.get("id") and not (data.get("description") or "").strip()):
                continue
            owner = data.get("owner") or ""
            owner_staff = owner_org = None
            if owner.startswith("s:"):
                owner_staff = staff.get(int(owner[2:]))
            elif owner.startswith("o:"):
                owner_org = orgs.get(int(owner[2:]))
            result.append(ActionInput(description=data.get("description") or "", owner_staff=owner_staff,
                                      owner_organization=owner_org, due_date=data.get("due_date"),
                                      status=data.get("status") or ActionStatus.NOT_STARTED, pk=data.get("id"),
                                      delete=bool(data.get("DELETE")) or not (data.get("description") or "").strip()))
        return result


ActionFormSet = forms.formset_factory(ActionForm, formset=BaseActionFormSet, extra=3, can_delete=True)


def action_formset(data=None, *, user, actions: list[PlanAction] = ()):
    owners = owner_choices(user, keep_staff={a.owner_staff_id for a in actions if a.owner_staff_id},
                           keep_orgs={a.owner_organization_id for a in actions if a.owner_organization_id})
    initial = [ActionForm.initial_for(a) for a in actions]
    return ActionFormSet(data, user=user, owners=owners, initial=initial, prefix="actions")


class ActionStatusForm(VersionedFormMixin, forms.Form):
    status = forms.ChoiceField(label="状況", choices=ActionStatus.choices)


# --- 決裁 ---------------------------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="決裁", choices=[("approve", "承認する"), ("return", "差し戻す")],
                                 widget=forms.RadioSelect)
    comment = CleanFormCharField(label="コメント", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text="差し戻すときは理由を必ず書いてください。申請者の「決裁」一覧に表示されます。")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "decision")
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)
        self.fields["decision"].error_messages["required"] = "承認するか差し戻すかを選んでください。"

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", "差し戻す理由をコメントに入力してください。")
        return data


class DelegationForm(forms.Form):
    staff = StaffChoiceField(label="決裁代行に指定する相談員", queryset=None, empty_label="選んでください")
    note = CleanFormCharField(label="備考", max_length=100, required=False,
                              widget=forms.TextInput(attrs={"placeholder": "例：管理者の不在時（出張・休暇）"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = (policy.areas.delegable_staff_for(user)
                                         .filter(approver_delegation__isnull=True))
        apply_japanese_required_messages(self)


# --- closure -------------------------------------------------------------------------------------------------


class ClosureForm(forms.Form):
    """The closure request with its checklist: for each item still open (workflow.closure.OpenItem, given as
    `open_items`) a choice, cancel or carry over, and a reason. cleaned_data["items"] is {(kind, pk):
    (handling, reason)} as the service takes it."""

    outcome = forms.ChoiceField(label="終結理由", choices=BLANK + ClosureOutcome.choices)
    residence = forms.ChoiceField(label="終結時の居所", choices=BLANK + ResidenceAtClosure.choices)
    services = forms.MultipleChoiceField(label="終結時に利用中のサービス", choices=ServiceAtClosure.choices,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text="当てはまるものをすべて選んでください。ないときは「なし」。")
    summary = CleanFormCharField(label="終結時のまとめ", widget=forms.Textarea(attrs={"rows": 5}),
                                 help_text="支援の経過、本人の今の暮らし、今後の見通し。承認されるとケースに記録されます。")

    def __init__(self, *args, open_items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.open_items = list(open_items)
        for item in self.open_items:
            choice, reason = self._names(item)
            self.fields[choice] = forms.ChoiceField(
                label=f"{item.name}の扱い", widget=forms.RadioSelect,
                choices=[(h, Handling(h).label) for h in item.handlings],
                error_messages={"required": f"{item.name}の扱いを選んでください"
                                            "（完了したときはその画面で完了にしてください）。"})
            self.fields[reason] = CleanFormCharField(label=f"{item.name}の理由・引き継ぎ先", required=False,
                                                  max_length=200)
        apply_japanese_required_messages(self)
        self.fields["services"].error_messages["required"] = (
            "終結時に利用中のサービスを選んでください（ないときは「なし」）。")

    @staticmethod
    def _names(item) -> tuple[str, str]:
        return f"item_{item.kind}_{item.pk}", f"reason_{item.kind}_{item.pk}"

    @property
    def checklist(self) -> list[tuple]:
        """(item, choice field, reason field) for the template."""
        return [(item, self[self._names(item)[0]], self[self._names(item)[1]]) for item in self.open_items]

    def clean_services(self):
        services = self.cleaned_data["services"]
        if ServiceAtClosure.NONE in services and len(services) > 1:
            raise forms.ValidationError("「なし」と他のサービスは同時に選べません。")
        return services

    def clean(self):
        cleaned = super().clean()
        items = {}
        for item in self.open_items:
            choice_name, reason_name = self._names(item)
            choice, reason = cleaned.pop(choice_name, ""), (cleaned.pop(reason_name, "") or "").strip()
            if choice == Handling.CANCEL and not reason:
                self.add_error(reason_name, "中止するときは理由を入力してください。")
            if choice:
                items[item.key] = (choice, reason)
        cleaned["items"] = items
        return cleaned


class ClosureEditForm(VersionedFormMixin, ClosureForm):
    pass


# --- query parameters (common.forms.QueryForm: a bad one is named on the page, never a 500) ----------------------


class AssessmentStartQuery(QueryForm):
    """?kind= and ?from= (an assessment of the case to start from) of a new assessment."""

    kind = forms.ChoiceField(label="アセスメントの種類", required=False, choices=[("", ""), *AssessmentKind.choices])
    source = QueryIdField(label="元にするアセスメント")

    def add_prefix(self, field_name):
        return "from" if field_name == "source" else field_name  # ?from= is a Python keyword


class AssessmentCompareQuery(QueryForm):
    """?a= and ?b= of the comparison: two assessments of the case."""

    a = QueryIdField(label="比べるアセスメント（前）")
    b = QueryIdField(label="比べるアセスメント（後）")
