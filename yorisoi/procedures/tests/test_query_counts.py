"""The case pages of this app keep a constant number of queries: 1 or 50 procedures cost the same."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yorisoi.partners.tests.factories import OrganizationFactory
from yorisoi.procedures.models import ProcedureDocument, ProcedureStatus, ReferenceKind
from yorisoi.procedures.tests.factories import CaseProcedureFactory, FollowUpFactory, UrgentProtectionFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 10, 1, 0, tzinfo=dt.UTC)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _procedures(case, n: int, start: int = 0):
    made = []
    for i in range(start, start + n):
        organization = OrganizationFactory(center=case.center) if i % 3 == 0 else None
        previous = made[-1] if made and i % 4 == 0 else None
        procedure = CaseProcedureFactory(
            case=case, organization=organization, due_date=dt.date(2026, 11, 1) + dt.timedelta(days=i),
            status=[ProcedureStatus.NOT_STARTED, ProcedureStatus.IN_PROGRESS, ProcedureStatus.DONE][i % 3],
            completed_on=dt.date(2026, 11, 1) if i % 3 == 2 else None, depends_on=previous,
            follows_reference=previous is not None, reference=ReferenceKind.PREVIOUS if previous else "",
            notes="架空のメモ")
        ProcedureDocument.objects.create(center=case.center, procedure=procedure, file=f"procedures/{i}.pdf",
                                         original_name=f"書類{i}.pdf", content_type="application/pdf", size=100)
        made.append(procedure)
    return made


@pytest.mark.parametrize("client_name", ["worker_client", "clerk_client", "auditor_client"])
@time_machine.travel(NOW, tick=False)
def test_procedures_page_query_count_is_constant(request, case, client_name):
    client = request.getfixturevalue(client_name)
    UrgentProtectionFactory(case=case)
    FollowUpFactory(case=case)
    _procedures(case, 1)
    one = _queries(client, reverse("procedures:case", args=[case.pk]))
    _procedures(case, 49, start=1)
    assert _queries(client, reverse("procedures:case", args=[case.pk])) == one


@time_machine.travel(NOW, tick=False)
def test_follow_ups_page_query_count_is_constant(case, worker_client):
    FollowUpFactory(case=case, organization=OrganizationFactory(center=case.center), target="facility")
    one = _queries(worker_client, reverse("procedures:follow_ups", args=[case.pk]))
    for i in range(49):
        FollowUpFactory(case=case, due_date=dt.date(2026, 11, 1) + dt.timedelta(days=i),
                        organization=OrganizationFactory(center=case.center), target="facility")
    assert _queries(worker_client, reverse("procedures:follow_ups", args=[case.pk])) == one


@time_machine.travel(NOW, tick=False)
def test_protection_page_query_count_is_constant(case, worker):
    from conftest import verified_client
    from yorisoi.procedures.models import ProtectionExtension

    client = verified_client(worker)
    protection = UrgentProtectionFactory(case=case)
    ProtectionExtension.objects.create(center=case.center, protection=protection, written_request=True,
                                       application_date=dt.date(2026, 11, 1), reason="架空", months=6,
                                       previous_end_date=dt.date(2026, 12, 1), new_end_date=dt.date(2027, 6, 1),
                                       created_by=worker)
    one = _queries(client, reverse("procedures:protection", args=[case.pk]))
    for i in range(10):
        ProtectionExtension.objects.create(center=case.center, protection=protection, written_request=True,
                                           application_date=dt.date(2026, 11, 2 + i), reason="架空", months=6,
                                           previous_end_date=dt.date(2026, 12, 1), new_end_date=dt.date(2027, 6, 1),
                                           created_by=worker)
    assert _queries(client, reverse("procedures:protection", args=[case.pk])) == one


# --- the catalogue ------------------------------------------------------------------------------------------


def _own_types(center, n: int, start: int = 0):
    from yorisoi.partners.tests.factories import kind
    from yorisoi.procedures.models import ProcedureType

    return [ProcedureType.objects.create(center=center, code=f"own-{i}", name=f"独自の手続き{i}",
                                         usual_steps="相談\n申請\n受取", responsible_kind=kind("municipality"))
            for i in range(start, start + n)]


@pytest.mark.parametrize("client_name", ["director_client", "worker_client"])
def test_type_list_query_count_is_constant(request, center, client_name):
    from yorisoi.procedures.models import ProcedureType

    client = request.getfixturevalue(client_name)
    _own_types(center, 1)
    one = _queries(client, reverse("procedures:types"))
    _own_types(center, 49, start=1)
    for shared in ProcedureType.objects.filter(center=None)[:5]:
        shared.hidden_by.add(center)
    assert _queries(client, reverse("procedures:types")) == one


def test_template_pages_query_count_is_constant(center, director_client):
    from yorisoi.procedures.models import CaseTemplate, CaseTemplateItem

    types = _own_types(center, 2)

    def templates(n):
        for i in range(n):
            CaseTemplate.objects.create(center=center, name=f"独自のテンプレート{i}", case_kind="exit")

    def items(template, n):
        previous = template.items.order_by("-id").first()
        for i in range(n):
            previous = CaseTemplateItem.objects.create(
                template=template, procedure_type=types[i % 2], title=f"手続き{i}", sort_order=i,
                reference="previous" if previous else "release", after=previous, offset_days=-5 + i,
                offset_unit="business")

    templates(1)
    template = CaseTemplate.objects.get(center=center)
    items(template, 1)
    list_one = _queries(director_client, reverse("procedures:templates"))
    detail_one = _queries(director_client, reverse("procedures:template_detail", args=[template.pk]))
    templates(49)
    items(template, 49)
    assert _queries(director_client, reverse("procedures:templates")) == list_one
    assert _queries(director_client, reverse("procedures:template_detail", args=[template.pk])) == detail_one
