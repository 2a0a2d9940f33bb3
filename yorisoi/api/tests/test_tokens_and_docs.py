"""Tokens: issued on a page to staff enrolled in two-factor, shown once, stored hashed, revocable; the documentation is
served from our own static files."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from yorisoi.api import services
from yorisoi.api.models import ApiToken
from yorisoi.privacy.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db


def test_a_token_is_issued_on_the_page_shown_once_and_stored_hashed(worker, worker_client):
    response = worker_client.post(reverse("api:tokens"), {"name": "市の統計システム"})
    assert response.status_code == 201
    raw = response.context["issued"]
    assert raw.startswith("ys_") and raw in response.content.decode()
    token = ApiToken.objects.get(staff=worker)
    assert token.key_hash == services.hash_token(raw) and raw not in token.key_hash
    assert AccessLog.objects.filter(section="api_token", action=AccessAction.CREATE, staff=worker).exists()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get(reverse("api:statistics")).status_code == 200
    assert raw not in worker_client.get(reverse("api:tokens")).content.decode()  # never shown again


def test_a_revoked_token_no_longer_works(worker, worker_client):
    raw = worker_client.post(reverse("api:tokens"), {"name": "連携"}).context["issued"]
    token = ApiToken.objects.get(staff=worker)
    response = worker_client.post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(reverse("api:statistics")).status_code == 401


def test_nobody_revokes_another_staff_members_token_on_the_page(worker, colleague, colleague_client):
    TOTPDevice.objects.create(user=worker, name="t", confirmed=True)
    token, _ = services.issue_token(actor=worker, name="連携")
    assert colleague_client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_user_without_a_confirmed_second_factor_gets_no_token(worker):
    TOTPDevice.objects.create(user=worker, name="未確認", confirmed=False)
    with pytest.raises(services.PermissionDenied):
        services.issue_token(actor=worker, name="連携")


def test_a_token_stops_working_when_the_second_factor_is_removed(worker):
    TOTPDevice.objects.create(user=worker, name="t", confirmed=True)
    _, raw = services.issue_token(actor=worker, name="連携")
    TOTPDevice.objects.filter(user=worker).delete()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(reverse("api:statistics")).status_code == 401


def test_a_token_stops_working_when_the_account_is_deactivated(worker):
    TOTPDevice.objects.create(user=worker, name="t", confirmed=True)
    _, raw = services.issue_token(actor=worker, name="連携")
    worker.is_active = False
    worker.save()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(reverse("api:statistics")).status_code == 401


def test_the_documentation_is_served_from_our_static_files_without_inline_script(worker_client):
    page = worker_client.get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<script>" not in html and "<style>" not in html and "cdn" not in html.lower()
    script = worker_client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    schema = worker_client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200 and "/api/persons/" in schema.json()["paths"]


def test_the_documentation_is_closed_to_anonymous_visitors():
    assert Client().get(reverse("api:docs")).status_code == 401
    assert Client().get(reverse("api:schema")).status_code == 401
