from __future__ import annotations

from django import forms
from django.utils import timezone

from yorisoi.accounts.models import Center
from yorisoi.cases.models import CaseKind
from yorisoi.common.forms import EraDateField, KatakanaReadingField, QueryForm, apply_japanese_required_messages
from yorisoi.common.locks import seen_ids, seen_token
from yorisoi.common.text import CleanFormCharField
from yorisoi.disclosure.forms import ProvisionForm
from yorisoi.disclosure.models import Purpose
from yorisoi.privacy import policy

from . import selectors
from .models import TransferStatus
from .services import Letter

NEW_PERSON = "new"


def _recipient_label(organization) -> str:
    target = getattr(organization, "transfer_target", None)  # the reverse one-to-one, None when not linked
    how = "寄り添いで届く" if target else "紙・PDFで送付"
    prefecture = f"{organization.prefecture}・" if organization.prefecture else ""
    return f"{organization}（{prefecture}{how}）"


class TransferForm(ProvisionForm):
    """The provision form of disclosure (items, records, basis), for one case, to a directory entry of kind
    他の地域生活定着支援センター, with the 支援業務協力依頼書 written beside it."""

    reason = CleanFormCharField(label="依頼の理由・経緯", widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="例：本人が姉の住む東京都内での生活を希望し、転居が決まったため。")
    support_requested = CleanFormCharField(label="依頼する支援の内容", widget=forms.Textarea(attrs={"rows": 3}),
                                           help_text="例：転居後のフォローアップ、障害福祉サービスの利用調整。")
    planned_move_date = EraDateField(label="転居予定日", required=False)
    destination = CleanFormCharField(label="転居先（市区町村・居所）", required=False, max_length=200,
                                     help_text="例：東京都みなと区（姉宅）")
    staff_contact = CleanFormCharField(label="担当者の連絡先", required=False, max_length=100,
                                       help_text="例：048-000-0000（内線12）")

    field_order = ["recipient", "purpose", "reason", "support_requested", "planned_move_date", "destination",
                   "staff_contact", "items", "activities", "basis", "legal_reason"]

    def __init__(self, *args, user, case, **kwargs):
        super().__init__(*args, user=user, person=case.person, **kwargs)
        del self.fields["note"]
        self.fields["recipient"].label = "引継ぎ先のセンター"
        self.fields["recipient"].queryset = selectors.other_center_organizations(user)
        self.fields["recipient"].label_from_instance = _recipient_label
        self.fields["recipient"].help_text = (
            "関係機関の種別が「他の地域生活定着支援センター」の機関です。寄り添いを使うセンターに対応づけた機関には、"
            "寄り添い上で届きます。")
        self.fields["items"].label = "引き継ぐ項目"
        if "activities" in self.fields:
            activities = self.fields["activities"]
            activities.label = "あわせて引き継ぐ支援経過記録"
            activities.queryset = activities.queryset.filter(case=case)
        if not self.is_bound:
            self.fields["purpose"].initial = Purpose.WELFARE
        apply_japanese_required_messages(self)

    def letter(self) -> Letter:
        data = self.cleaned_data
        return Letter(reason=data["reason"], support_requested=data["support_requested"],
                      planned_move_date=data.get("planned_move_date"), destination=data.get("destination", ""),
                      staff_contact=data.get("staff_contact", ""))


class WithdrawForm(forms.Form):
    reason = CleanFormCharField(label="取り消す理由", widget=forms.Textarea(attrs={"rows": 2}),
                                help_text="例：本人の転居の予定が取りやめになった。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)


class AnswerForm(forms.Form):
    """The answer of a center outside yorisoi, recorded by the sender."""

    accepted = forms.TypedChoiceField(label="先方の回答", choices=[("1", "受け入れる"), ("0", "受け入れられない")],
                                      coerce=lambda v: v == "1", widget=forms.RadioSelect)
    answered_on = EraDateField(label="回答日")
    note = CleanFormCharField(label="回答の内容・受入不可の理由", required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["answered_on"].initial = timezone.localdate()
        apply_japanese_required_messages(self)
        self.fields["accepted"].error_messages["required"] = "先方の回答を選んでください。"


class AcceptForm(forms.Form):
    """The receiving center takes the person on: a new person (name as the package gives it, editable) or a person
    it already registered (same name and birth date), and the new case's kind and staff."""

    person = forms.ChoiceField(label="対象者", widget=forms.RadioSelect)
    family_name = CleanFormCharField(label="氏", required=False, max_length=50)
    given_name = CleanFormCharField(label="名", required=False, max_length=50)
    family_name_kana = KatakanaReadingField(label="氏（フリガナ）", required=False, max_length=50)
    given_name_kana = KatakanaReadingField(label="名（フリガナ）", required=False, max_length=50)
    kind = forms.ChoiceField(label="支援の種別", choices=CaseKind.choices)
    main_staff = forms.ModelChoiceField(label="主担当", queryset=None, empty_label=None)
    # Names the persons this form offered (common.locks.seen_token): choosing a new person after seeing them is the
    # same-name confirmation of people.services.register_person; one registered since is asked about again.
    same_name_seen = CleanFormCharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(self, *args, user, candidates, initial_names: dict, case_kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(p.pk): p for p in candidates}
        if not self.is_bound:
            self.initial["same_name_seen"] = seen_token(p.pk for p in candidates)
        self.fields["person"].choices = [
            (NEW_PERSON, "新しい対象者として登録する（引継ぎ資料の項目で対象者情報を作成）"),
            *[(pk, f"登録済みの対象者に紐づける：{p.full_name}（{p.full_name_kana}）ID {p.pk}")
              for pk, p in self.candidates.items()]]
        self.fields["main_staff"].queryset = policy.areas.case_staff_for(user)
        if not self.is_bound:
            self.initial.update(initial_names)
            self.initial["person"] = next(iter(self.candidates), NEW_PERSON)
            self.initial["kind"] = case_kind if case_kind in CaseKind.values else CaseKind.FOLLOW_UP
            self.initial["main_staff"] = user.pk
        apply_japanese_required_messages(self)

    def clean(self):
        data = super().clean()
        if data.get("person") == NEW_PERSON:
            if not (data.get("family_name") or "").strip():
                self.add_error("family_name", "新しく登録するときは氏を入力してください。")
            if not (data.get("family_name_kana") or "").strip() and "family_name_kana" not in self.errors:
                self.add_error("family_name_kana", "新しく登録するときは氏（フリガナ）を入力してください。")
        return data

    def chosen_person(self):
        return self.candidates.get(self.cleaned_data["person"])

    def seen_persons(self) -> frozenset[int]:
        """The persons the user saw offered when choosing a new person (none when they linked one)."""
        if self.cleaned_data["person"] != NEW_PERSON:
            return frozenset()
        return seen_ids(self.cleaned_data["same_name_seen"]) & {p.pk for p in self.candidates.values()}


class DeclineForm(forms.Form):
    reason = CleanFormCharField(label="受け入れられない理由", widget=forms.Textarea(attrs={"rows": 2}),
                                help_text="送り手のセンターに伝わります。例：転居先が当県ではなかった。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)


class TargetForm(forms.Form):
    target_center = forms.ModelChoiceField(label="寄り添い上のセンター", queryset=None, required=False,
                                           empty_label="対応づけない（紙で送付）")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_center"].queryset = Center.objects.exclude(pk=user.center_id).order_by("prefecture",
                                                                                                  "name", "id")
        self.fields["target_center"].label_from_instance = lambda c: f"{c.name}（{c.prefecture}）"


class TransferListQuery(QueryForm):
    """?status= of the lists of sent and incoming transfers (common.forms.QueryForm: never a 500)."""

    status = forms.ChoiceField(label="状態", required=False, choices=[("", "すべて"), *TransferStatus.choices])
