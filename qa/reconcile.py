"""Two figures that differ may be two scopes of one table, not a contradiction.

    cells = reconciling(facts, fact, other)    # cells of fact's table that make `other`, or []
    cells = reconciled(facts, one, other)      # the same, tried from either figure (a prose one by its cells)

A table that prints 685.20 一般公共预算 beside 16.00 上级转移支付 in the row whose
合计 is 701.20 reconciles 685.20 with a 701.20 stated elsewhere: the two figures
have different scopes. A contradiction is claimed only when no cell of the
row, and no sum of the figure with one or two cells of its row (or the next
row of its column), equals the other figure.
"""
from __future__ import annotations

from decimal import Decimal
from itertools import combinations

from ingest.numbers import format_amount


def reconciling(facts, fact, other: Decimal) -> list:
    """Cells of `fact`'s table which make `other`: a cell of its row, or `fact` plus one or two cells of its row, or
    plus the next row of its column (a 其中 line). Any other row of the column equal to `other` is a coincidence."""
    if fact is None or fact.source != 'table' or other is None or fact.value == other:
        return []
    table = [f for f in facts if f.source == 'table' and f.doc == fact.doc and f.table_no == fact.table_no
             and f is not fact and f.value is not None and f.unit == fact.unit]
    row = [f for f in table if f.line_start == fact.line_start]
    column = [f for f in table if f.column == fact.column and 0 < abs(f.line_start - fact.line_start) <= 2]
    for cells, most in ((row, 2), (column, 1)):
        for n in range(1, most + 1):
            for combo in combinations(cells, n):
                if fact.value + sum(c.value for c in combo) == other:
                    return [fact, *combo]
    return [c for c in row if c.value == other][:1]


def reconciled(facts, one, other) -> list:
    """Cells that reconcile two figures of one document (reconciling), tried from either side; a figure the prose
    states stands on the table cells that print its value. [] when none do: the two figures contradict."""
    for start, target in ((one, other), (other, one)):
        for cell in _printed(facts, start):
            cells = reconciling(facts, cell, target.value)
            if cells:
                return cells
    return []


def _printed(facts, fact) -> list:
    if fact.source == 'table':
        return [fact]
    return [f for f in facts if f.source == 'table' and f.doc == fact.doc and f.value == fact.value
            and f.unit == fact.unit]


def scope_names(cells) -> str:
    """'一般公共预算685.20+上级一般公共预算安排的转移支付16.00': the reconciling cells by column (or row)."""
    by_column = len({c.line_start for c in cells}) == 1
    return '+'.join(f'{(c.column if by_column else c.row) or ""}{format_amount(c.value)}' for c in cells)
