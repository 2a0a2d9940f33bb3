"""A date stored outside the date rule (before the rule existed, or by a direct database edit) never breaks a page:
every page of the authorization matrix answers without a 500 when every typed date of the center reads 0001-01-01
or 9999-12-31, shows 「日付を確認してください」 where it shows such a date, and the record stays correctable."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

import yorisoi
from conftest import verified_client
from tests.test_authorization_matrix import MATRIX, ROUTES
from yorisoi.common.dates import CHECK_DATE_TEXT, rule_of

pytestmark = pytest.mark.django_db

# Date-times a person types (the others are set by the code at the moment of an action).
TYPED_DATE_TIMES = {("records", "occurred_at"), ("placements", "inquired_at"), ("placements", "reported_at")}
BAD = {
    "early": (dt.date(1, 1, 1), dt.datetime(1, 1, 1, 12, 0, tzinfo=dt.UTC)),
    "late": (dt.date(9999, 12, 31), dt.datetime(9999, 12, 31, 0, 0, tzinfo=dt.UTC)),
}


def _typed_date_fields(model):
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.DateField) or rule_of(field) is None:
            continue
        if isinstance(field, models.DateTimeField) and (model._meta.app_label, field.name) not in TYPED_DATE_TIMES:
            continue
        yield field


def spoil_every_typed_date(day: dt.date, moment: dt.datetime) -> int:
    """Writes `day` / `moment` into every typed date of every row, past the validators (as an old row would be)."""
    spoiled = 0
    for model in apps.get_models():
        if not model.__module__.startswith("yorisoi."):
            continue
        for field in _typed_date_fields(model):
            value = moment if isinstance(field, models.DateTimeField) else day
            # only dates that are filled in (an empty one is allowed and keeps its meaning, e.g. not yet left)
            spoiled += model._base_manager.filter(**{f"{field.name}__isnull": False}).update(**{field.name: value})
    return spoiled


def _world_built(world) -> list[str]:
    urls = []
    for name in sorted(n for n in MATRIX if n in {r.name for r in ROUTES}):
        row = MATRIX[name]
        url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
        urls.append(url + ("?" + row.query(world) if row.query else ""))
    return urls


@pytest.mark.parametrize("which", sorted(BAD))
def test_no_page_fails_on_a_stored_date_outside_the_rule(which, world, director, worker):
    urls = _world_built(world)
    assert spoil_every_typed_date(*BAD[which]) > 20
    failures = []
    for user in (director, worker):
        client = verified_client(user)
        for url in urls:
            status = client.get(url).status_code
            if status >= 500:
                failures.append(f"{user.username} {url} → {status}")
    assert not failures, "Pages that fail on a stored date outside the rule:\n  " + "\n  ".join(failures)


def test_the_face_sheet_shows_check_the_date_and_the_edit_page_offers_the_stored_value(world, director):
    person = world.person
    type(person).objects.filter(pk=person.pk).update(birth_date=dt.date(9999, 12, 31))
    client = verified_client(director)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert CHECK_DATE_TEXT in page
    edit = client.get(reverse("people:edit", args=[person.pk])).content.decode()
    assert 'value="9999-12-31"' in edit


def test_a_stored_date_outside_the_rule_is_corrected_through_the_edit_page(world, director):
    from yorisoi.people.tests.helpers import form_data

    person = world.person
    type(person).objects.filter(pk=person.pk).update(birth_date=dt.date(1, 1, 1))
    client = verified_client(director)
    url = reverse("people:edit", args=[person.pk])
    data = {**form_data(client.get(url)), "birth_date": "0001-01-01"}  # what the edit page shows and sends back
    kept = client.post(url, data)  # saved unchanged: refused with the rule's message, not a 500
    assert kept.status_code == 200
    assert "生年月日は1868年（明治元年）1月1日から今日" in kept.content.decode()
    corrected = client.post(url, {**data, "birth_date": "S40.1.2"})
    assert corrected.status_code == 302
    person.refresh_from_db()
    assert person.birth_date == dt.date(1965, 1, 2)


# --- documents and exported files -------------------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    import io
    import re

    from pypdf import PdfReader

    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def test_a_transfer_package_and_its_pdf_show_check_the_date_for_a_stored_date_outside_the_rule(
        world, worker, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    person = world.person
    type(person).objects.filter(pk=person.pk).update(birth_date=dt.date(9999, 12, 31))
    transfer = world.transfer  # sent now: the provision document (a PDF) and the package are made from the row
    stored = _pdf_text(transfer.disclosure_record.document.read())
    assert CHECK_DATE_TEXT in stored and "令和7981年" not in stored
    response = verified_client(worker).get(reverse("transfers:pdf", args=[transfer.pk]))
    assert response.status_code == 200 and CHECK_DATE_TEXT in _pdf_text(response.content)


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_an_export_shows_check_the_date_for_a_stored_date_outside_the_rule(file_format, world, worker, director):
    import csv
    import io

    from yorisoi.reports.tests.test_exports import approve, ask, body, download, latest, sheet_rows

    person, case = world.person, world.case
    type(person).objects.filter(pk=person.pk).update(birth_date=dt.date(1, 1, 1))
    type(case).objects.filter(pk=case.pk).update(referral_date=dt.date(9999, 12, 31))
    worker_client, director_client = verified_client(worker), verified_client(director)
    rows = {}
    for target in ("persons", "cases"):
        assert ask(worker_client, target, fmt=file_format).status_code == 302
        approve(director_client, latest())
        response = download(worker_client, latest())
        assert response.status_code == 200
        if file_format == "xlsx":
            lines = sheet_rows(response)
        else:
            lines = list(csv.reader(io.StringIO(body(response).decode("utf-8").lstrip("\ufeff"))))
        rows[target] = next(line for line in lines if line and str(line[0]) in (str(person.pk), case.number))
    birth, age = rows["persons"][6:8] if file_format == "csv" else (rows["persons"][6], None)
    assert birth == CHECK_DATE_TEXT and age in ("", None)  # no age counted from year 1
    assert rows["cases"][6] == CHECK_DATE_TEXT


RAW_FORMATTERS = re.compile(r"\b(format_era|format_era_datetime|format_both)\b")


def test_outside_common_dates_are_formatted_only_by_the_degrading_formatters():
    """Documents, exports, messages and texts built in Python use common.dates.format_checked* / iso_checked (a date
    outside the rule reads 「日付を確認してください」), templates the era filters; the raw formatters of common/eras.py
    stay inside common."""
    root = Path(yorisoi.__file__).parent
    found = [f"{path.relative_to(root.parent)}:{number}: {line.strip()}"
             for path in sorted(root.rglob("*.py"))
             if path.parent.name not in ("tests", "migrations") and root / "common" not in path.parents
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if RAW_FORMATTERS.search(line)]
    assert not found, "Use yorisoi.common.dates.format_checked / format_checked_datetime / format_checked_both:\n  " \
                      + "\n  ".join(found)
