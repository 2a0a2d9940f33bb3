"""Schemathesis runs the API's own OpenAPI description against the WSGI application (no network), as a worker of
one center while a second center holds data marked with unique words: no answer is a 5xx, every answer matches the
schema (status code, content type, body), and no answer carries the other center's data.

Not checked: that every schema-valid request is accepted (schemathesis' positive_data_acceptance). The date rules
(1868…2100, birth dates not in the future, release dates within ten years), impossible dates such as 2026-02-30 and
the services' rules across fields are not expressible in OpenAPI; such a request is a 400 with a Japanese message,
which this test still checks against the schema.

Bounded (FUZZ_EXAMPLES per operation, fixed seed) so that it adds well under a minute to `make test` on SQLite and
PostgreSQL (CI runs both)."""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.meetings.tests.factories import MeetingFactory
from yorisoi.partners.tests.factories import OrganizationFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.procedures.tests.factories import FollowUpFactory
from yorisoi.records.tests.factories import ActivityFactory

from .helpers import token_client

pytestmark = [pytest.mark.django_db, pytest.mark.api_fuzz]

FUZZ_EXAMPLES = 10
MARK = "ヨソノセンター印"  # in every text of the other center's data; never in an answer to this center's worker
OTHER_CASE_NUMBER = "9999-9901"


@pytest.fixture
def two_centers(center, other_center, worker, outsider):
    now = timezone.now() - dt.timedelta(days=1)
    own_case = CaseFactory(person=PersonFactory(center=center, family_name="自所"), main_staff=worker)
    ActivityFactory(case=own_case, author=worker, occurred_at=now, narrative="自センターの記録")
    FollowUpFactory(case=own_case)
    OrganizationFactory(center=center, name="自所の相談支援事業所")
    MeetingFactory(center=center, cases=[own_case])
    other_person = PersonFactory(center=other_center, family_name=f"{MARK}甲", given_name=f"{MARK}乙",
                                 aliases=MARK, wishes=MARK)
    other_case = CaseFactory(person=other_person, main_staff=outsider, number=OTHER_CASE_NUMBER,
                             referral_agency=MARK)
    ActivityFactory(case=other_case, author=outsider, occurred_at=now, narrative=MARK, counterpart=MARK)
    FollowUpFactory(case=other_case, notes=MARK)
    OrganizationFactory(center=other_center, name=f"{MARK}事業所")
    MeetingFactory(center=other_center, title=MARK, agenda=MARK, cases=[other_case])
    return {"own": own_case, "other": other_case}


@pytest.fixture
def wsgi_app(settings):
    """The WSGI application called in the test's transaction: like django.test.Client, the request-finished signal
    must not close the test's connection."""
    settings.YORISOI_API_RATE = "100000/hour"
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _no_other_center_data(response) -> None:
    text = response.text
    assert MARK not in text, f"{response.request.method} {response.request.url}: another center's data"
    assert OTHER_CASE_NUMBER not in text, f"{response.request.method} {response.request.url}: another case number"


def test_the_api_answers_its_own_description_without_errors_or_other_centers_data(worker, two_centers, wsgi_app):
    auth = {"Authorization": token_client(worker).defaults["HTTP_AUTHORIZATION"]}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, headers=auth)
    other_ids = {"cases": two_centers["other"].pk, "persons": two_centers["other"].person_id}
    fuzz = settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        strategies = [operation.as_strategy()]
        resource = operation.path.split("/")[2]
        if "{id}" in operation.path and resource in other_ids:
            # the other center's ids themselves: 404 and nothing of theirs
            strategies.append(operation.as_strategy(path_parameters={"id": other_ids[resource]}))
        for strategy in strategies:

            @fuzz
            @given(case=strategy)
            def check(case):
                response = case.call(headers=auth)
                assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
                case.validate_response(response, headers=auth, excluded_checks=[positive_data_acceptance])
                _no_other_center_data(response)

            check()
