"""Publication mode: no cell under the threshold can be recovered from the row and column totals."""

from hypothesis import given, settings
from hypothesis import strategies as st

from yorisoi.reports.publication import recoverable, suppress, suppress_column


def with_totals(body: list[list[int]]) -> list[list[int]]:
    rows = [[*row, sum(row)] for row in body]
    return [*rows, [sum(col) for col in zip(*rows, strict=True)]]


def test_a_single_small_cell_is_protected_by_a_second_one():
    grid = with_totals([[10, 3, 8], [7, 9, 12]])
    hidden = suppress(grid, 5)
    assert (0, 1) in hidden
    assert len(hidden) >= 4   # the row and the column of the 3 each need a second hidden cell
    assert not recoverable(grid, hidden)


def test_a_column_with_one_small_value_hides_another_value():
    assert suppress_column([10, 2, 7], 19, 5) == {1, 2}   # hiding only the 2 would leave 19 - 10 - 7


def test_zero_is_shown_and_large_tables_stay_untouched():
    assert suppress(with_totals([[0, 10], [20, 30]]), 5) == set()


def test_small_totals_are_hidden_too():
    grid = with_totals([[1, 1], [1, 1]])
    hidden = suppress(grid, 5)
    assert (2, 2) in hidden and not recoverable(grid, hidden)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=5), min_size=1, max_size=5)
       .filter(lambda rows: len({len(r) for r in rows}) == 1), st.integers(min_value=2, max_value=10))
def test_no_suppressed_cell_is_recoverable_from_totals(body, threshold):
    grid = with_totals(body)
    hidden = suppress(grid, threshold)
    small = {(r, c) for r, row in enumerate(grid) for c, v in enumerate(row) if 0 < v < threshold}
    assert small <= hidden
    assert not recoverable(grid, hidden)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=8), st.integers(min_value=2, max_value=8))
def test_no_suppressed_value_of_a_column_is_recoverable_from_its_total(values, threshold):
    grid = [[v] for v in values] + [[sum(values)]]
    hidden = suppress(grid, threshold, row_totals=False)
    assert {r for r, v in enumerate([*values, sum(values)]) if 0 < v < threshold} <= {r for r, _ in hidden}
    assert not recoverable(grid, hidden, row_totals=False)
