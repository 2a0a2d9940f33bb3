"""Cache-Control: no-store on every response to a logged-in user (every page of the authorization matrix, as the
director sees it), so that no browser or shared proxy keeps a copy of a page with personal data."""

import pytest
from django.urls import reverse

from conftest import verified_client
from tests.test_authorization_matrix import MATRIX, ROUTES

pytestmark = pytest.mark.django_db


def test_every_page_for_a_logged_in_user_says_no_store(world, director, worker):
    names = sorted(n for n in MATRIX if n in {r.name for r in ROUTES})
    assert len(names) > 100
    client = verified_client(director)
    missing = []
    for name in names:
        row = MATRIX[name]
        url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
        if row.query:
            url += "?" + row.query(world)
        response = client.get(url)
        if not client.session.get("_auth_user_id"):  # a page that logs out: log in again for the next one
            client = verified_client(director)
        if "no-store" not in response.get("Cache-Control", ""):
            missing.append(f"{name} ({response.status_code}): {response.get('Cache-Control')!r}")
    assert missing == [], "responses a browser may keep:\n  " + "\n  ".join(missing)


def test_a_redirect_and_a_not_found_page_for_a_logged_in_user_say_no_store_too(worker_client):
    assert "no-store" in worker_client.get("/people/999999999/")["Cache-Control"]
    assert "no-store" in worker_client.get("/accounts/login/")["Cache-Control"]  # redirects a logged-in user


def test_a_visitors_response_is_left_as_the_view_made_it_and_an_own_no_store_is_kept(rf, worker):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from yorisoi.common.middleware import NoStoreForAuthenticatedMiddleware

    def view(request):
        response = HttpResponse("x")
        if request.path == "/file/":
            response["Cache-Control"] = "private, no-store"
        return response

    middleware = NoStoreForAuthenticatedMiddleware(view)
    visitor = rf.get("/")
    visitor.user = AnonymousUser()
    assert "Cache-Control" not in middleware(visitor)
    staff = rf.get("/file/")
    staff.user = worker
    assert middleware(staff)["Cache-Control"] == "private, no-store"
    page = rf.get("/")
    page.user = worker
    assert "no-store" in middleware(page)["Cache-Control"]
