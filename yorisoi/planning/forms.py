"""Forms of the planning pages. They validate input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from yorisoi.cases.forms import BLANK, StaffChoiceField
from yorisoi.cases.models import ClosureOutcome
from yorisoi.common.forms import EraDateField, VersionedFormMixin, apply_japanese_required_messages
from yorisoi.partners import selectors as partner_selectors
from yorisoi.privacy import policy

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

        qs = (qs | Staff.objects.filter(pk=keep_pk, center_id=user.center_id)).distinct()
    return qs.order_by("role", "id")


# --- assessments ----------------------------------------------------------------------------------------


class AssessmentForm(forms.Form):
    """The assessment's head plus three fields per domain the user may read (d<pk>_findings, _needs, _level).
    The labels are short: each domain's fields sit in a fieldset whose legend names the domain."""

    kind = forms.ChoiceField(label="種類", choices=BLANK + AssessmentKind.choices)
    assessed_on = EraDateField(label="実施日")
    assessor = StaffChoiceField(label="実施者", queryset=None, required=False, empty_label="選んでください")
    summary = forms.CharField(label="総合的な見立て", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="領域をまたいで見えてきたこと、優先して取り組むこと。")

    def __init__(self, *args, user, domains: list[AssessmentDomain], assessment: Assessment | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.domains = domains
        self.fields["assessor"].queryset = _writers(user, assessment.assessor_id if assessment else None)
        for domain in domains:
            self.fields[f"d{domain.pk}_findings"] = forms.CharField(
                label="所見（本人の状況）", required=False,
                widget=forms.Textarea(attrs={"rows": 3}), help_text=domain.prompt)
            self.fields[f"d{domain.pk}_needs"] = forms.CharField(
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


class PlanForm(forms.Form):
    plan_date = EraDateField(label="作成日")
    review_date = EraDateField(label="見直し予定日", required=False,
                               help_text="この日までに本人と一緒に計画を見直します。")
    person_goals = forms.CharField(label="本人の目標（本人の言葉で）", required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}),
                                   help_text="言い換えずに、本人が話した言葉で書いてください。")
    staff_goals = forms.CharField(label="支援者の目標・支援方針", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    person_wishes = forms.CharField(label="本人の意向", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text="はじめはフェイスシートの「本人の意向」が入っています。この計画に合わせて直せます。")
    revision_reason = forms.CharField(label="改訂の理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    agreement_date = EraDateField(label="本人の同意日", required=False)
    agreement_method = forms.ChoiceField(label="同意の方法", required=False,
                                         choices=[("", "（未同意）"), *AgreementMethod.choices])
    agreement_note = forms.CharField(label="同意についての記録", required=False,
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
                 "agreement_date", "agreement_method", "agreement_note"]
        return {**{n: getattr(plan, n) for n in names}, "version": plan.version}


class PlanEditForm(VersionedFormMixin, PlanForm):
    pass


def owner_choices(user, *, keep_staff: set[int] = frozenset(), keep_orgs: set[int] = frozenset()) -> list:
    """One menu for the owner: the center's staff, then its partner organizations ("s:<pk>" / "o:<pk>").
    Owners of existing actions stay in the menu even if they left or the organization was retired."""
    from yorisoi.accounts.models import Staff

    staff_qs = policy.staff_for(user) | Staff.objects.filter(pk__in=keep_staff, center_id=user.center_id)
    staff = [(f"s:{s.pk}", str(s)) for s in staff_qs.distinct().order_by("role", "id")]
    orgs = (partner_selectors.organizations_for(user).filter(Q(active=True) | Q(pk__in=keep_orgs))
            .only("pk", "name", "department"))
    return [("", "未定"), ("職員", staff), ("関係機関", [(f"o:{o.pk}", str(o)) for o in orgs])]


class ActionForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    description = forms.CharField(label="内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ChoiceField(label="担当", required=False)
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
        staff = {s.pk: s for s in Staff.objects.filter(pk__in=[int(c[2:]) for c in chosen if c.startswith("s:")],
                                                          center_id=self.user.center_id)}
        orgs = {o.pk: o for o in Organization.objects.filter(pk__in=[int(c[2:]) for c in chosen if c.startswith("o:")],
                                                             center_id=self.user.center_id)}
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
    comment = forms.CharField(label="コメント", required=False, widget=forms.Textarea(attrs={"rows": 3}),
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
    note = forms.CharField(label="備考", max_length=100, required=False,
                           widget=forms.TextInput(attrs={"placeholder": "例：管理者の不在時（出張・休暇）"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = (policy.areas.delegable_staff_for(user)
                                         .filter(approver_delegation__isnull=True))
        apply_japanese_required_messages(self)


# --- closure -------------------------------------------------------------------------------------------------


class ClosureForm(forms.Form):
    outcome = forms.ChoiceField(label="終結理由", choices=BLANK + ClosureOutcome.choices)
    residence = forms.ChoiceField(label="終結時の居所", choices=BLANK + ResidenceAtClosure.choices)
    services = forms.MultipleChoiceField(label="終結時に利用中のサービス", choices=ServiceAtClosure.choices,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text="当てはまるものをすべて選んでください。ないときは「なし」。")
    summary = forms.CharField(label="終結時のまとめ", widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="支援の経過、本人の今の暮らし、今後の見通し。承認されるとケースに記録されます。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)
        self.fields["services"].error_messages["required"] = (
            "終結時に利用中のサービスを選んでください（ないときは「なし」）。")

    def clean_services(self):
        services = self.cleaned_data["services"]
        if ServiceAtClosure.NONE in services and len(services) > 1:
            raise forms.ValidationError("「なし」と他のサービスは同時に選べません。")
        return services


class ClosureEditForm(VersionedFormMixin, ClosureForm):
    pass
