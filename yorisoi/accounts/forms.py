from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from yorisoi.common.forms import VersionedFormMixin, apply_japanese_required_messages
from yorisoi.common.text import CleanFormCharField
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from .models import Center


class LoginForm(AuthenticationForm):
    username = CleanFormCharField(label="ユーザー名", max_length=150,
                                  widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label="パスワード", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    error_messages = {
        "invalid_login": "ユーザー名またはパスワードが正しくありません。",
        "inactive": "このアカウントは利用停止中です。管理者に連絡してください。",
        "out_of_period": "このアカウントは実習の期間外のため使えません。受け入れ先の管理者に連絡してください。",
    }

    def confirm_login_allowed(self, user):
        """A hosted trainee's account works only within the period with the pledge on file (the policy's rule);
        the refusal is logged as a failed log-in."""
        super().confirm_login_allowed(user)
        if not policy.account_in_force(user):
            log_access(request=self.request, actor=user, action=AccessAction.LOGIN_FAILED, detail="実習の期間外")
            raise forms.ValidationError(self.error_messages["out_of_period"], code="out_of_period")


class TokenForm(forms.Form):
    token = CleanFormCharField(
        label="確認コード（6桁）", min_length=6, max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                      "autofocus": True, "pattern": "[0-9０-９]{6}"}),
        error_messages={"required": "確認コードを入力してください。",
                        "min_length": "確認コードは6桁です。", "max_length": "確認コードは6桁です。"},
    )

    def clean_token(self) -> str:
        import unicodedata

        token = unicodedata.normalize("NFKC", self.cleaned_data["token"]).strip()
        if not token.isdigit():
            raise forms.ValidationError("確認コードは数字6桁です。")
        return token


class CenterSettingsForm(VersionedFormMixin):
    name = CleanFormCharField(label="センター名", max_length=100)
    phone = CleanFormCharField(label="電話番号", max_length=20, required=False,
                               widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}))
    case_visibility = forms.ChoiceField(
        label="支援ケースを見られる職員", choices=Center.CaseVisibility.choices, widget=forms.RadioSelect,
        help_text="「担当職員と管理者だけ」にすると、相談員は自分が主担当・副担当のケースだけを開けます。"
                  "担当外のケースは、理由を入力する緊急閲覧で開けます（管理者に表示されます）。"
                  "事務・閲覧の職員の見られる範囲は変わりません。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)
        self.fields["case_visibility"].error_messages["required"] = "支援ケースを見られる職員を選んでください。"

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("センター名を入力してください。")
        return name


class StaffPasswordChangeForm(PasswordChangeForm):
    """Django's form (the validators of AUTH_PASSWORD_VALIDATORS) with Japanese labels and messages. The current
    password is checked the way a log-in is (`authenticate`): a wrong one counts towards the account's lock-out
    (django-axes) and the per-address limit, and is in the access log; a locked account is refused here too."""

    error_messages = {
        "password_mismatch": "確認のために入力したパスワードが一致しません。",
        "password_incorrect": "現在のパスワードが正しくありません。",
        "locked_out": "パスワードの誤りが続いたため、このアカウントは一時停止されています。",
    }

    def __init__(self, user, *args, request, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = "現在のパスワード"
        self.fields["new_password1"].label = "新しいパスワード"
        self.fields["new_password2"].label = "新しいパスワード（確認）"
        self.fields["new_password1"].help_text = (
            "12文字以上。氏名やユーザー名に似たもの、よく使われるもの、数字だけのもの、"
            "同じ文字や言葉の繰り返し、キーボードの並びなど推測しやすいものは使えません。"
            "長めの文（例：言葉を3つ以上つなげたもの）がおすすめです。")
        self.fields["new_password2"].help_text = ""
        for name in ("old_password", "new_password1", "new_password2"):
            self.fields[name].error_messages["required"] = f"{self.fields[name].label}を入力してください。"

    def clean_old_password(self):
        old = self.cleaned_data["old_password"]
        # A failure sends user_login_failed: axes counts it, the access log records it.
        checked = authenticate(self.request, username=self.user.get_username(), password=old)
        if checked is None or checked.pk != self.user.pk:
            code = "locked_out" if getattr(self.request, "axes_locked_out", False) else "password_incorrect"
            raise forms.ValidationError(self.error_messages[code], code=code)
        return old

    def clean_new_password1(self):
        new = self.cleaned_data.get("new_password1")
        if new and new == self.data.get("old_password"):
            raise forms.ValidationError("新しいパスワードは、現在のパスワードと違うものにしてください。")
        return new
