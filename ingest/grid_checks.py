"""The arithmetic any table promises by its shape, without knowing its template.

    checks = grid_checks(table)          # a Table read by ingest.grids
    [c for c in checks if not c.ok]      # where the printed figures do not add up

- A column that heads others (基本支出 over 基本支出/人员经费 and 基本支出/公用经费), or a 小计 column
  beside its siblings under one heading, equals their sum in every row.
- A row with a classification code equals the sum of the rows one level below it (类 = Σ款, 款 = Σ项),
  and a 合计/总计 row equals the sum of the 类 rows, in every column.
A column or row with no printed part is not checked (the table does not claim anything there).
"""
from __future__ import annotations

import re
from decimal import Decimal

from .models import Check, Table, TableRow
from .text import squash

EXACT = Decimal('0.005')
TOTAL_LABEL = re.compile(r'^(合计|总计)$')
SUBTOTAL = ('小计', '合计', '总计', '总数')
ASIDE = ('其中', '扣除')


def grid_checks(table: Table) -> list[Check]:
    if table.empty or table.number is not None or table.layout != 'grid':
        return []
    return _column_checks(table) + _code_checks(table)


def _check(table: Table, name: str, subject: str, expected: Decimal, parts: list[Decimal], rows: list[TableRow],
           columns: tuple[str, ...], kind: str) -> Check:
    actual = sum(parts, Decimal(0))
    in_yuan = table.unit == '元'
    tolerance = Decimal('0.5') if in_yuan else EXACT
    return Check(None, name, f'{table.title} {subject}'.strip(), expected, actual, abs(actual - expected) < tolerance,
                 min(r.line_start for r in rows), max(r.line_end for r in rows), kind,
                 tuple(r.line_start for r in rows), columns, rounding=Decimal('5') if in_yuan else Decimal('0.05'))


def _heads(columns: tuple[str, ...]) -> list[str]:
    """Column paths that have columns under them, and the heading of each 小计/合计 column."""
    heads = [c for c in columns if any(o.startswith(c + '/') for o in columns)]
    for column in columns:
        head, _, leaf = column.rpartition('/')
        if head and _is_total(leaf) and head not in heads:
            heads.append(head)
    return heads


def _is_total(name: str) -> bool:
    return '/' not in name and any(name.endswith(w) for w in SUBTOTAL)


def _parts_under(head: str, columns: tuple[str, ...], row: TableRow) -> tuple[list[str], list[Decimal]]:
    """The columns that make up `head` in this row: for each heading just below it, its own printed figure, or
    else (recursively) the parts under it; a 小计/合计 directly under `head` is the total, not a part."""
    names, values = [], []
    below = dict.fromkeys(c[len(head) + 1:].split('/', 1)[0] for c in columns if c.startswith(head + '/'))
    for part in below:
        if _is_total(part) or any(w in part for w in ASIDE):
            continue
        path = f'{head}/{part}'
        inner_total = next((c for c in columns if c.startswith(path + '/') and _is_total(c[len(path) + 1:])), None)
        if path in columns and row.value(path) is not None:
            names.append(path)
            values.append(row.value(path))
        elif inner_total is not None:
            if row.value(inner_total) is not None:   # '项目支出/项目支出总数' is the 项目支出; what follows is 其中
                names.append(inner_total)
                values.append(row.value(inner_total))
        elif any(c.startswith(path + '/') for c in columns):
            sub_names, sub_values = _parts_under(path, columns, row)
            names += sub_names
            values += sub_values
    return names, values


def _column_checks(table: Table) -> list[Check]:
    out = []
    columns = table.columns
    for head in _heads(columns):
        total_column = head if head in columns else next(
            (c for c in columns if c.startswith(head + '/') and _is_total(c[len(head) + 1:])), None)
        if total_column is None:
            continue
        for row in table.rows:
            value = row.value(total_column)
            names, printed = _parts_under(head, columns, row)
            if value is None or not printed:
                continue
            name = f'{total_column} = ' + ' + '.join(p[len(head) + 1:] for p in names)
            out.append(_check(table, name, row.label or row.code, value, printed, [row],
                              (total_column,) + tuple(names), 'row'))
    return out


def _code_checks(table: Table) -> list[Check]:
    coded = [r for r in table.rows if r.code.isdigit() and len(r.code) in (3, 5, 7)]
    if len(coded) < 2:
        return []
    out = []
    columns = tuple(dict.fromkeys(c.column for r in coded for c in r.cells))
    for row in coded:
        children = _children(row, coded)
        if children:
            out += _sum_checks(table, row, children, columns, f'{row.code} = Σ 下级科目')
    for row in table.rows:
        if TOTAL_LABEL.match(squash(row.label)) and not row.code:
            top = [r for r in coded if len(r.code) == 3]
            if top:
                out += _sum_checks(table, row, top, columns, '合计 = Σ 类')
    return out


def _children(row: TableRow, coded: list[TableRow]) -> list[TableRow]:
    start = coded.index(row)
    out = []
    for other in coded[start + 1:]:
        if not other.code.startswith(row.code):
            break
        if len(other.code) == len(row.code) + 2:
            out.append(other)
    return out


def _sum_checks(table, row, parts, columns, name) -> list[Check]:
    out = []
    for column in columns:
        total = row.value(column)
        printed = [p.value(column) for p in parts if p.value(column) is not None]
        if total is None or not printed:
            continue
        out.append(_check(table, f'{name}（{column}）', row.label or row.code, total, printed, [row] + parts,
                          (column,), 'column'))
    return out
