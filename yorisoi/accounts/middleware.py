from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse

# Pages a logged-in user may reach before the second factor: setting it up, entering it, leaving.
# Named one by one, so that a page added under /accounts/ later is guarded like every other.
_OPEN_URL_NAMES = ("accounts:login", "accounts:logout", "accounts:otp", "healthz")


def _open_before_second_factor(path: str) -> bool:
    return path in {reverse(name) for name in _OPEN_URL_NAMES} or path.startswith(settings.STATIC_URL)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _client_redirect(location: str) -> HttpResponse:
    """For htmx: make the browser load the page instead of swapping a log-in form into a fragment."""
    response = HttpResponse(status=204)
    response["HX-Redirect"] = location
    return response


class RequireTwoFactorMiddleware:
    """Every account needs TOTP: a session that has passed the password but not the code sees nothing else.

    It also turns redirects to the log-in or code page (an expired session, a missing second factor)
    into a full-page redirect when the request came from htmx.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not _open_before_second_factor(request.path):
            location = f"{reverse('accounts:otp')}?{urlencode({'next': request.get_full_path()})}"
            return _client_redirect(location) if _is_htmx(request) else redirect(location)
        response = self.get_response(request)
        if _is_htmx(request) and response.status_code in (301, 302) and self._to_auth_page(response):
            return _client_redirect(response["Location"])
        return response

    @staticmethod
    def _to_auth_page(response) -> bool:
        location = response.get("Location", "")
        return location.startswith((resolve_url(settings.LOGIN_URL), reverse("accounts:otp")))
