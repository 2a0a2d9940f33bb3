from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from yorisoi.api import services


def enrol(user):
    TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    return user


def token_client(user) -> Client:
    """A client with a fresh token of `user` (enrolled in two-factor first), no session."""
    enrol(user)
    _, raw = services.issue_token(actor=user, name="テスト")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
