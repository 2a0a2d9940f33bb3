"""Forms of the hosted-trainee pages (実習生の受け入れ)."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator

from yorisoi.cases.models import OPEN_PHASES
from yorisoi.common import dates
from yorisoi.common.forms import EraDateField, VersionedFormMixin, apply_japanese_required_messages
from yorisoi.common.text import CleanFormCharField
from yorisoi.meetings.models import Meeting
from yorisoi.partners.models import Organization
from yorisoi.privacy import policy

TEXTAREA = forms.Textarea(attrs={"rows": 3})
PLEDGE_HELP = "署名済みの誓約書をスキャンした PDF・JPEG・PNG（10MBまで）。登録するまでアカウントは使えません。"


def _organizations(user):
    return policy.of_center(Organization, user).order_by("name")


class _TraineeFields(forms.Form):
    name = CleanFormCharField(label="氏名", max_length=50)
    home_center_name = CleanFormCharField(label="所属センター", max_length=150,
                                          help_text="例：〇〇県地域生活定着支援センター")
    home_organization = forms.ModelChoiceField(
        label="所属センター（関係機関の名簿）", queryset=None, required=False,
        help_text="個人情報を示す会議に出席したときの提供の記録（第三者提供記録）の提供先です。")
    starts_on = EraDateField(label="実習の開始日", rule=dates.DUE)
    ends_on = EraDateField(label="実習の終了日", rule=dates.DUE,
                           help_text="この日が最終日です。翌日からアカウントは使えなくなります。")
    purpose = CleanFormCharField(label="実習の内容・目的", max_length=2000, required=False, widget=TEXTAREA)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_organization"].queryset = _organizations(user)
        apply_japanese_required_messages(self)

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "実習の終了日は開始日以降の日付にしてください。")
        return data


class TraineeCreateForm(_TraineeFields):
    username = CleanFormCharField(
        label="ユーザー名（ログインに使う名前）", max_length=150,
        validators=[RegexValidator(r"^[\w.@+-]+$", "ユーザー名は半角の英数字と @ . + - _ だけで入力してください。")])
    password = forms.CharField(label="初期パスワード", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text="実習生に直接伝えてください。初回のログインで二段階認証を設定します。")
    pledge_signed_on = EraDateField(label="誓約書の署名日", required=False)
    pledge_file = forms.FileField(label="誓約書（署名済み）", required=False, help_text=PLEDGE_HELP)

    field_order = ["name", "home_center_name", "home_organization", "starts_on", "ends_on", "purpose", "username",
                   "password", "pledge_signed_on", "pledge_file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        apply_japanese_required_messages(self)


class TraineeEditForm(VersionedFormMixin, _TraineeFields):
    pass


class PledgeForm(forms.Form):
    pledge_signed_on = EraDateField(label="誓約書の署名日")
    pledge_file = forms.FileField(label="誓約書（署名済み）", help_text=PLEDGE_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)


class AssignForm(forms.Form):
    case = forms.ModelChoiceField(label="割り当てるケース", queryset=None)
    shows_justice = forms.BooleanField(
        label="司法の情報（事件・前科・処分など）も見せる", required=False,
        help_text="既定では見せません。実習に必要なときだけ選んでください。")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = (policy.cases_for(user).filter(phase__in=OPEN_PHASES)
                                        .select_related("person").order_by("number"))
        self.fields["case"].label_from_instance = lambda c: f"{c.number} {c.person.full_name}"
        apply_japanese_required_messages(self)


class PresenceForm(forms.Form):
    meeting = forms.ModelChoiceField(label="出席した会議", queryset=None)
    shows_personal_data = forms.BooleanField(
        label="会議で対象者の個人情報を示した", required=False,
        help_text="示したときは、会議で扱うケースごとに所属センターへの提供の記録（第三者提供記録）を作ります。"
                  "本人の同意と取り決めがないケースは示せません。")

    def __init__(self, *args, user, trainee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (policy.of_center(Meeting, user)
                                           .filter(date__gte=trainee.starts_on, date__lte=trainee.ends_on,
                                                   cancelled_at__isnull=True)
                                           .order_by("-date", "-start_time"))
        self.fields["meeting"].label_from_instance = lambda m: f"{dates.format_checked(m.date)} {m.title}"
        apply_japanese_required_messages(self)
