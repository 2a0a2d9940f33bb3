"""Who is calling: a token (programs) or, for reading and the documentation, a logged-in session past two-factor."""

from __future__ import annotations

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import SAFE_METHODS

from . import services

INVALID_TOKEN = "トークンが無効です（失効したか、存在しません）。"


class HashedTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>` (or `Token <token>`). The token is looked up by its SHA-256; its owner must
    still be active, of a center, and enrolled in two-factor authentication."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower().decode("latin-1") not in self.keywords:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Authorization ヘッダーは「Bearer トークン」の形で送ってください。")
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(INVALID_TOKEN) from None
        token = services.token_for(raw)
        if token is None or not services.may_hold_token(token.staff):
            raise AuthenticationFailed(INVALID_TOKEN)
        services.note_use(token)
        return token.staff, token

    def authenticate_header(self, request):
        return 'Bearer realm="yorisoi"'


class VerifiedSessionAuthentication(BaseAuthentication):
    """The browser's session, for reading only (the documentation's "Try it out", the schema): the session must
    have passed two-factor (accounts.middleware refuses any other before the view). Writes always need a token,
    so no cross-site form can write through a session."""

    def authenticate(self, request):
        if request.method not in SAFE_METHODS:
            return None
        user = getattr(request._request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        is_verified = getattr(user, "is_verified", None)
        if is_verified is None or not is_verified():
            return None
        return user, None
