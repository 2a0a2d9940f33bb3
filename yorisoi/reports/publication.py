"""Publication mode (公表用): small counts are suppressed so that no person can be singled out.

A table is a grid whose last row and last column are totals (a one-column table: the values and their total).
Primary suppression hides every count from 1 to threshold - 1 (zero is shown: it singles nobody out), totals
included. Secondary suppression then hides further cells (the smallest non-zero first) until no hidden cell can
be worked out from the totals: `recoverable` solves the table's linear equations (each row and column sums to its
total) and tells which hidden cells they determine; suppression repeats until that set is empty.
"""

from __future__ import annotations

import numpy as np

Cell = tuple[int, int]


def _lines(rows: int, cols: int, *, row_totals: bool, col_totals: bool) -> list[tuple[list[Cell], Cell]]:
    """Every additive line of the grid: (its parts, its total cell)."""
    lines = []
    if row_totals:
        for r in range(rows):
            lines.append(([(r, c) for c in range(cols - 1)], (r, cols - 1)))
    if col_totals:
        for c in range(cols):
            lines.append(([(r, c) for r in range(rows - 1)], (rows - 1, c)))
    return lines


def recoverable(grid: list[list[int]], hidden: set[Cell], *, row_totals: bool = True,
                col_totals: bool = True) -> set[Cell]:
    """The hidden cells the shown cells and the sums determine exactly (the attacker's view)."""
    if not hidden:
        return set()
    rows, cols = len(grid), len(grid[0])
    unknowns = sorted(hidden)
    index = {cell: i for i, cell in enumerate(unknowns)}
    equations = []
    for parts, total in _lines(rows, cols, row_totals=row_totals, col_totals=col_totals):
        row = np.zeros(len(unknowns))
        for cell in parts:
            if cell in index:
                row[index[cell]] += 1
        if total in index:
            row[index[total]] -= 1
        if row.any():
            equations.append(row)
    if not equations:
        return set()
    matrix = np.array(equations)
    rank = np.linalg.matrix_rank(matrix)
    found = set()
    for cell, i in index.items():
        unit = np.zeros(len(unknowns))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.add(cell)
    return found


def suppress(grid: list[list[int]], threshold: int, *, row_totals: bool = True,
             col_totals: bool = True) -> set[Cell]:
    """The cells to hide in `grid` (totals in its last row and/or column as the flags say)."""
    rows, cols = len(grid), len(grid[0])
    hidden = {(r, c) for r in range(rows) for c in range(cols) if 0 < grid[r][c] < threshold}
    lines = _lines(rows, cols, row_totals=row_totals, col_totals=col_totals)
    for _ in range(rows * cols):
        exposed = recoverable(grid, hidden, row_totals=row_totals, col_totals=col_totals)
        if not exposed:
            return hidden
        cell = min(exposed)
        # hide one more cell of a line through the exposed cell: the smallest non-zero, else the smallest
        candidates = [c for parts, total in lines if cell in (*parts, total) for c in (*parts, total)
                      if c not in hidden]
        if not candidates:
            break
        candidates.sort(key=lambda c: (grid[c[0]][c[1]] == 0, grid[c[0]][c[1]], c))
        hidden.add(candidates[0])
    # nothing left to hide with: hide the whole table rather than publish a recoverable cell
    return {(r, c) for r in range(rows) for c in range(cols)}


def suppress_column(values: list[int], total: int | None, threshold: int) -> set[int]:
    """A one-column table: the indexes to hide (len(values) stands for the total)."""
    if total is None:  # overlapping buckets: no sum to solve, primary suppression only
        return {i for i, v in enumerate(values) if 0 < v < threshold}
    grid = [[v] for v in values] + [[total]]
    return {r for r, _ in suppress(grid, threshold, row_totals=False, col_totals=True)}
