"""Content-Security-Policy without inline scripts or styles, and pages that keep to it."""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


class InlineCodeFinder(HTMLParser):
    """Collects what our CSP would block: inline scripts, inline event handlers, style attributes and elements."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self.scripts: list[dict] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in attributes:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> inline event handler")
            if name == "style":
                self.problems.append(f"<{tag} style=…> style attribute")
            if name.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}=…> needs eval")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            self.scripts.append(attributes)
            kind = attributes.get("type", "")
            self._in_inline_script = "src" not in attributes and kind not in ("application/json", "application/ld+json")
        for name, value in attrs:
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.problems.append(f"inline <script>: {data.strip()[:60]}")


def inline_code(response) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(response.content.decode())
    return finder.problems


def test_csp_header_forbids_inline_scripts_and_styles(client):
    response = client.get("/accounts/login/")
    csp = csp_directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert "data:" in csp["img-src"]  # the two-factor QR code is an SVG data URI


def test_csp_header_is_on_error_pages_too(worker_client):
    response = worker_client.get("/people/999999999/")
    assert response.status_code == 404
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_other_security_headers(client):
    response = client.get("/accounts/login/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_htmx_script_is_external_and_its_inline_styles_are_off(worker_client):
    body = worker_client.get("/").content.decode()
    finder = InlineCodeFinder()
    finder.feed(body)
    sources = [script.get("src", "") for script in finder.scripts]
    assert any(src.endswith("django_htmx/htmx-2.min.js") for src in sources), sources
    assert all(src.startswith(settings.STATIC_URL) for src in sources), sources
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}'>""" in body


def test_login_and_two_factor_pages_have_no_inline_code(client, worker):
    from yorisoi.accounts.tests.factories import TEST_PASSWORD

    assert inline_code(client.get("/accounts/login/")) == []
    client.post("/accounts/login/", {"username": "worker", "password": TEST_PASSWORD})
    setup_page = client.get("/accounts/otp/")
    assert "二要素認証の設定" in setup_page.content.decode()
    assert inline_code(setup_page) == []


def test_lockout_page_has_no_inline_code(client, worker):
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "worker", "password": "wrong-password-123"})
    assert response.status_code == 429
    assert inline_code(response) == []


def _plain_urls(resolver=None, prefix="/") -> list[str]:
    urls = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = str(entry.pattern)
        if route.startswith("^") or "<" in route:
            continue
        if isinstance(entry, URLResolver):
            urls += _plain_urls(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            urls.append(prefix + route)
    return urls


def _pages_of_a_person_and_case(center):
    person = PersonFactory(center=center)
    case = CaseFactory(person=person)
    urls = [f"/people/{person.pk}/", f"/cases/{case.pk}/"]
    for path in (f"/people/{person.pk}/edit/", f"/people/{person.pk}/print/", f"/people/{person.pk}/history/",
                 f"/cases/{case.pk}/edit/", f"/records/case/{case.pk}/add/"):
        urls.append(path)
    return urls


@pytest.mark.parametrize("who", ["director", "worker", "clerk", "auditor"])
def test_every_page_keeps_to_the_csp(request, center, who):
    from conftest import verified_client

    client = verified_client(request.getfixturevalue(who))
    client.raise_request_exception = False
    urls = [u for u in _plain_urls() if not u.startswith(("/admin/", "/accounts/logout", "/healthz"))]
    urls += _pages_of_a_person_and_case(center)
    checked = 0
    for url in urls:
        response = client.get(url)
        if response.get("Content-Type", "").startswith("text/html") and response.status_code in (200, 403, 404):
            assert inline_code(response) == [], url
            checked += 1
    assert checked >= 5
