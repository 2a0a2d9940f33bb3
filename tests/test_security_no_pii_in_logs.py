"""A person's name never reaches the application log, nor an error page, whatever goes wrong.

The person has a name found nowhere else (fictional); the test drives the views through 404s, form
errors, a CSRF failure, 403s, a lock-out and htmx redirects while every logger writes at DEBUG, and then
searches everything that was logged or printed for the name and its reading.
"""

import logging

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from conftest import verified_client
from yorisoi.accounts.tests.factories import StaffFactory
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

FAMILY, GIVEN = "雲母坂", "瑠璃音"
FAMILY_KANA, GIVEN_KANA = "キララザカ", "ルリネ"
SECRETS = [FAMILY, GIVEN, FAMILY_KANA, GIVEN_KANA, f"{FAMILY} {GIVEN}", f"{FAMILY}{GIVEN}"]


@pytest.fixture
def person(center):
    return PersonFactory(center=center, family_name=FAMILY, given_name=GIVEN,
                         family_name_kana=FAMILY_KANA, given_name_kana=GIVEN_KANA)


@pytest.fixture
def all_logs(caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("django.request", "django.security", "django.security.csrf", "axes", "yorisoi"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def form_with_errors(person) -> dict[str, str]:
    """The person's own name typed into a form that cannot be saved (an impossible birth date)."""
    return {"family_name": FAMILY, "given_name": GIVEN, "family_name_kana": FAMILY_KANA,
            "given_name_kana": GIVEN_KANA, "birth_date": "昭和99年13月45日", "version": "1",
            "wishes": f"{FAMILY}です", "narrative": f"{FAMILY}{GIVEN}さんと面接", "q": FAMILY}


def assert_no_secret(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} found in {where}"


def exercise_errors(person, center, other_center, worker_client, clerk_client, outsider_client) -> list:
    """Drive every kind of error the views can produce; return the responses."""
    case = CaseFactory(person=person)
    activity = ActivityFactory(case=case, narrative=f"{FAMILY}さんに電話")
    responses = []
    get, post = worker_client.get, worker_client.post
    # 404s: missing objects and another center's objects, plain and htmx.
    responses += [get("/people/999999999/"), get("/cases/999999999/"), get("/no/such/page/"),
                  outsider_client.get(f"/people/{person.pk}/"), outsider_client.get(f"/cases/{case.pk}/"),
                  outsider_client.get(f"/people/{person.pk}/", headers={"HX-Request": "true"})]
    # Pages that show the name (must not log it either), a search by name.
    responses += [get(f"/people/{person.pk}/"), get(f"/cases/{case.pk}/"), get("/people/", {"q": FAMILY}),
                  get("/people/", {"q": FAMILY_KANA})]
    # Forms with errors, typed with the person's name.
    for name, args in [("people:create", ()), ("people:edit", (person.pk,)), ("cases:edit", (case.pk,)),
                       ("records:add", (case.pk,)), ("records:edit", (activity.pk,))]:
        target = url(name, *args)
        if target:
            responses.append(post(target, form_with_errors(person)))
            responses.append(post(target, form_with_errors(person), headers={"HX-Request": "true"}))
    # 403s: a clerk opening a support record; a user without a center; the admin for a non-superuser.
    responses += [clerk_client.get(f"/records/{activity.pk}/edit/"),
                  clerk_client.post(f"/records/{activity.pk}/edit/", form_with_errors(person))]
    operator = verified_client(StaffFactory(username="operator", center=None, is_superuser=True, is_staff=True))
    responses += [operator.get(f"/people/{person.pk}/"), worker_client.get("/admin/")]
    # CSRF failure on a form carrying the name.
    worker_client.handler.enforce_csrf_checks = True
    responses += [post(url("people:edit", person.pk) or f"/people/{person.pk}/", form_with_errors(person)),
                  post("/accounts/logout/")]
    worker_client.handler.enforce_csrf_checks = False
    # The name typed as a user name, until the lock-out; and a bad Host header.
    anonymous = Client()
    for _ in range(6):
        responses.append(anonymous.post("/accounts/login/", {"username": f"{FAMILY}{GIVEN}", "password": FAMILY}))
    responses.append(anonymous.get(f"/people/{person.pk}/"))
    responses.append(Client(HTTP_HOST="evil.example").get("/accounts/login/"))
    return responses


def test_person_name_never_appears_in_logs(person, center, other_center, worker_client, clerk_client,
                                          outsider_client, all_logs, capfd):
    for client in (worker_client, clerk_client, outsider_client):
        client.raise_request_exception = False
    responses = exercise_errors(person, center, other_center, worker_client, clerk_client, outsider_client)
    statuses = {response.status_code for response in responses}
    assert {200, 400, 403, 404, 429} <= statuses, statuses
    assert 500 not in statuses
    assert len(all_logs.records) > 10  # the errors above were logged, so the search below means something
    assert_no_secret(all_logs.text, "log records")
    for record in all_logs.records:
        assert_no_secret(record.getMessage(), f"log message of {record.name}")
        assert_no_secret(repr(record.args), f"log arguments of {record.name}")
    out, err = capfd.readouterr()
    assert_no_secret(out + err, "stdout/stderr")


def test_error_pages_show_no_personal_data(person, center, outsider_client, worker_client):
    case = CaseFactory(person=person)
    pages = [outsider_client.get(f"/people/{person.pk}/"), outsider_client.get(f"/cases/{case.pk}/"),
             worker_client.get("/people/999999999/")]
    worker_client.handler.enforce_csrf_checks = True
    pages.append(worker_client.post(f"/people/{person.pk}/", {"family_name": FAMILY}))
    for page in pages:
        assert page.status_code in (403, 404)
        assert_no_secret(page.content.decode(), f"error page {page.status_code}")
        assert "Traceback" not in page.content.decode()


def test_500_page_is_static_and_shows_nothing_from_the_request(rf, worker):
    from django.views.defaults import server_error

    request = rf.get(f"/people/?q={FAMILY}")
    request.user = worker
    response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert "システムエラーが発生しました" in body
    assert_no_secret(body, "500 page")
    assert worker.username not in body


def test_debug_is_off_under_tests_as_in_production(settings):
    assert settings.DEBUG is False
    assert settings.ADMINS == []  # no error mails carrying request data


# --- a server error and a stale edit ---------------------------------------------------------------------------------


def edit_form_data(response) -> dict:
    """The values the edit page shows, as the browser would send them back."""
    import datetime as dt

    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        elif isinstance(value, dt.date):
            value = value.isoformat()
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    return data


def test_a_server_error_and_a_stale_edit_log_no_personal_data(person, worker_client, colleague_client, all_logs,
                                                             capfd, monkeypatch):
    import sys

    from yorisoi.people import selectors
    from yorisoi.privacy.logs import WithholdExceptionMessages

    # The configured console handler writes to this test's stderr (it kept the stream of the first test).
    console = next(h for h in logging.getLogger().handlers
                   if any(isinstance(f, WithholdExceptionMessages) for f in h.filters))
    monkeypatch.setattr(console, "stream", sys.stderr)

    def failing(**kwargs):
        try:
            raise KeyError(f"{FAMILY}{GIVEN}")  # e.g. a database error quoting the row's values
        except KeyError as cause:
            raise RuntimeError(f"{FAMILY} {GIVEN}（{FAMILY_KANA}）の検索中の架空の障害") from cause

    # An error 500 whose exception carries the name, on a page that was searched by the name.
    original = selectors.person_list
    monkeypatch.setattr(selectors, "person_list", failing)
    worker_client.raise_request_exception = False
    crashed = worker_client.get("/people/", {"q": FAMILY})
    assert crashed.status_code == 500
    assert_no_secret(crashed.content.decode(), "500 page")
    monkeypatch.setattr(selectors, "person_list", original)
    # A stale edit: a colleague saved the face sheet (with the name) after the worker opened it.
    opened = edit_form_data(worker_client.get(f"/people/{person.pk}/edit/"))
    first = {**opened, "wishes": f"{FAMILY}さんの希望（架空）"}
    assert colleague_client.post(f"/people/{person.pk}/edit/", first).status_code == 302
    stale = worker_client.post(f"/people/{person.pk}/edit/", {**opened, "wishes": f"{GIVEN}さんの別の希望（架空）"})
    assert stale.status_code == 409
    # 404 and 403 on the way.
    assert worker_client.get(f"/people/{person.pk + 999999}/").status_code == 404
    assert worker_client.get("/privacy/audit/", {"person": FAMILY}).status_code == 403

    errors = [r for r in all_logs.records if r.name == "django.request" and r.levelno >= logging.ERROR]
    assert errors, "the error 500 was logged"
    assert "RuntimeError" in all_logs.text and "Traceback" in all_logs.text  # the traceback is kept, without text
    assert_no_secret(all_logs.text, "log records")
    for record in all_logs.records:
        assert_no_secret(record.getMessage(), f"log message of {record.name}")
        assert_no_secret(repr(record.args), f"log arguments of {record.name}")
    # What the configured console handler wrote for the error 500.
    written = console.format(errors[0])
    assert "Internal Server Error: /people/" in written and "RuntimeError" in written and "KeyError" in written
    assert_no_secret(written, "console handler")
    out, err = capfd.readouterr()
    assert "Internal Server Error: /people/" in err and "RuntimeError" in err
    assert_no_secret(out + err, "stdout/stderr")


def test_the_withheld_traceback_keeps_frames_and_types_but_no_message():
    import sys

    from yorisoi.privacy.logs import WITHHELD, withheld_traceback

    try:
        try:
            raise ValueError(FAMILY)
        except ValueError as cause:
            raise LookupError(GIVEN) from cause
    except LookupError:
        text = withheld_traceback(sys.exc_info())
    assert "builtins.ValueError" in text and "builtins.LookupError" in text and WITHHELD in text
    assert "direct cause" in text and "test_the_withheld_traceback" in text
    assert_no_secret(text, "traceback")
