"""A file of several hundred rows crosses the chunks the check (200 rows) and the commit (100 rows) work in: a person
repeated in the same chunk and in a later chunk is still found, a distinct statement names the right earlier row,
and a re-import creates nothing."""

import pytest

from yorisoi.imports.management.commands.bench_import import person_row, write_sheet
from yorisoi.imports.models import BatchStatus
from yorisoi.people.models import DistinctPersonStatement, Person

from .helpers import check, commit

pytestmark = pytest.mark.django_db

ROWS = 450


def test_repeats_across_chunks_are_found_and_registered_as_someone_else_only_when_chosen(
        director_client, director, center, tmp_path):
    path = tmp_path / "big.xlsx"
    write_sheet(str(path), ROWS)
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.active
    sheet.append(["", *person_row(5)[1:]])  # the same person as the 7th line, in a later chunk
    book.save(path)
    batch = check(director_client, director, path.read_bytes())
    assert batch.counts == {**batch.counts, "total": ROWS + 1, "new": ROWS, "duplicate": 1}
    last_line = ROWS + 2
    commit(director_client, batch)
    assert batch.status == BatchStatus.CHECKED  # undecided
    commit(director_client, batch, **{f"row_{last_line}": "distinct"})
    assert batch.status == BatchStatus.DONE, batch.errors
    assert Person.objects.filter(center=center).count() == ROWS + 1
    statement = DistinctPersonStatement.objects.get()
    assert statement.other.given_name == statement.person.given_name
    assert statement.other_id < statement.person_id
    again = check(director_client, director, path.read_bytes())
    assert again.counts["already"] == ROWS + 1 and again.counts["new"] == 0


def test_a_repeat_within_one_chunk_registered_as_someone_else_names_the_earlier_row(
        director_client, director, center):
    from .helpers import PERSON_HEADINGS, PERSON_ROWS, xlsx_bytes

    rows = [PERSON_HEADINGS, PERSON_ROWS[0], ["", *PERSON_ROWS[0][1:]], PERSON_ROWS[1]]
    batch = check(director_client, director, xlsx_bytes(rows))
    commit(director_client, batch, row_3="distinct")
    assert batch.status == BatchStatus.DONE, batch.errors
    statement = DistinctPersonStatement.objects.get()
    assert str(statement.person) == str(statement.other) == "輪島 一郎"
    assert statement.other_id < statement.person_id and statement.score == 100
