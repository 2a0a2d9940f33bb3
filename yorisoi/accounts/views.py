import base64
import math

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from yorisoi.common.concurrency import StaleEditError, merged_form_data
from yorisoi.common.forms import local_path
from yorisoi.common.text import clean_text
from yorisoi.privacy.audit import client_ip, log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import rule

from . import services
from .forms import CenterSettingsForm, LoginForm, StaffPasswordChangeForm, TokenForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "axes_limit": settings.AXES_FAILURE_LIMIT}

    def post(self, request, *args, **kwargs):
        # Per address, before the password is even checked (accounts are also locked by name: django-axes).
        ip = client_ip(request)
        if services.login_throttled(ip):
            log_access(request=request, action=AccessAction.LOGIN_FAILED,
                       username=clean_text(str(request.POST.get("username", "")))[:150],
                       detail="接続元からの試行が多すぎるため拒否")
            return render(request, "accounts/throttled.html",
                          {"minutes": int(services.ip_window().total_seconds() // 60)}, status=429)
        return super().post(request, *args, **kwargs)


login_view = rule("public.login")(LoginView.as_view())
logout_view = rule("public.login")(auth_views.LogoutView.as_view())


def _next_url(request) -> str:
    """Where to go after the code: only a path on this site (never another host, never javascript:)."""
    target = local_path(request.POST.get("next") or request.GET.get("next"))
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return "/"


def _throttled_message(device) -> str | None:
    """django-otp doubles the wait after each wrong code (1, 2, 4, … seconds): say so instead of 'wrong'."""
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (data or {}).get("locked_until")
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds())) if locked_until else 1
    return f"確認コードの誤りが続いたため、{seconds}秒ほど待ってから入力してください。"


@rule("account.own")
def otp_view(request):
    """Second step of log-in: set up the authenticator on first use, then enter its code."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if request.user.is_verified():
        return redirect(_next_url(request))
    device = services.confirmed_device(request.user)
    setting_up = device is None
    if setting_up:
        device = services.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        throttled = _throttled_message(device)
        if throttled is None:
            ok = services.confirm_device(device, token) if setting_up else device.verify_token(token)
            if ok:
                otp_login(request, device)
                return redirect(_next_url(request))
            log_access(request=request, action=AccessAction.LOGIN_FAILED, detail="二要素認証の確認コード誤り")
            form.add_error("token", "確認コードが正しくありません。認証アプリの最新のコードを入力してください。")
        else:
            form.add_error("token", throttled)
    context = {"form": form, "setting_up": setting_up, "next": _next_url(request)}
    if setting_up:
        secret = base64.b32encode(device.bin_key).decode()
        context["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        context["qr_data_uri"] = segno.make(device.config_url, error="m").svg_data_uri(scale=5)
    return render(request, "accounts/otp.html", context)


# --- settings of the center and of one's own account ---------------------------------------------------------


@rule("center.settings")
def center_settings(request):
    """センターの設定: name, phone and who sees which cases (directors)."""
    center = request.user.center
    initial = {"name": center.name, "phone": center.phone, "case_visibility": center.case_visibility,
               "version": center.version}
    form = CenterSettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_center_settings(actor=request.user, version=data["version"], name=data["name"],
                                            phone=data["phone"], case_visibility=data["case_visibility"],
                                            request=request)
        except StaleEditError as error:
            stale = error
            form.data = merged_form_data(form, error)  # their version: saving again keeps both changes
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "センターの設定を保存しました。")
            return redirect("accounts:center_settings")
    history = center.history.select_related("history_user").order_by("-history_date")[:10]
    return render(request, "accounts/center_settings.html",
                  {"nav": "audit", "form": form, "stale": stale, "center": center, "history": history},
                  status=409 if stale else 200)


@rule("account.own")
def password_change(request):
    """パスワードの変更 (every user, for their own account)."""
    form = StaffPasswordChangeForm(request.user, request.POST if request.method == "POST" else None, request=request)
    if request.method == "POST" and form.is_valid():
        services.change_password(actor=request.user, form=form, request=request)
        messages.success(request, "パスワードを変更しました。ほかの端末でのログインは終了しました。")
        return redirect("home")
    if getattr(request, "axes_locked_out", False):
        # Wrong current passwords locked the account: this session ends too; axes answers with the lock-out page.
        logout(request)
    return render(request, "accounts/password_change.html", {"form": form})
