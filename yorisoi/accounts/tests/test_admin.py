"""The Django admin opens only for superusers who passed two-factor."""

import pytest
from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import verified_client
from yorisoi.accounts.admin_site import YorisoiAdminSite
from yorisoi.accounts.models import Role
from yorisoi.accounts.tests.factories import TEST_PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return StaffFactory(username="root", center=None, is_superuser=True, is_staff=True)


def test_default_admin_site_is_yorisoi_site():
    assert isinstance(admin.site, YorisoiAdminSite)


def test_superuser_past_two_factor_gets_in(superuser):
    response = verified_client(superuser).get("/admin/")
    assert response.status_code == 200
    assert "寄り添い システム管理" in response.content.decode()


def test_superuser_sees_staff_list(superuser, worker):
    response = verified_client(superuser).get("/admin/accounts/staff/")
    assert response.status_code == 200
    assert "worker" in response.content.decode()


def test_staff_flag_without_superuser_does_not_open_the_admin(center):
    staff = StaffFactory(username="is-staff-only", center=center, role=Role.DIRECTOR, is_staff=True)
    client = verified_client(staff)
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/accounts/staff/").status_code == 403
    assert client.get("/admin/login/").status_code == 403


def test_director_does_not_get_in(director_client):
    assert director_client.get("/admin/").status_code == 403


def test_superuser_without_two_factor_is_sent_to_the_code_page(client, superuser):
    TOTPDevice.objects.create(user=superuser, name="認証アプリ", confirmed=True)
    client.post("/accounts/login/", {"username": "root", "password": TEST_PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/")


def test_has_permission_checks_verification_itself(rf, superuser):
    # Defence in depth: even without the middleware, an unverified superuser is refused.
    request = rf.get("/admin/")
    request.user = superuser
    superuser.is_verified = lambda: False
    assert YorisoiAdminSite().has_permission(request) is False
    superuser.is_verified = lambda: True
    assert YorisoiAdminSite().has_permission(request) is True


def test_anonymous_user_is_sent_to_yorisoi_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/login/%3Fnext%3D/admin/"


def test_admin_login_form_is_never_served(client, superuser):
    response = client.post("/admin/login/", {"username": "root", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
