from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import log_access
from .models import AccessAction


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    log_access(request=request, actor=user, action=AccessAction.LOGIN)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_access(request=request, actor=user, action=AccessAction.LOGOUT)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    log_access(request=request, actor=None, action=AccessAction.LOGIN_FAILED,
               username=str(credentials.get("username", ""))[:150])
