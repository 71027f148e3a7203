"""The arithmetic a standard table promises, evaluated on its printed figures.

    checks = table_checks(table)
    [c for c in checks if not c.ok]   # where the document does not add up

Row identities (合计 = 基本支出 + 项目支出 …), column identities (类 = Σ款,
款 = Σ项, 合计 row = Σ类) and, for 表1/表4, 收入总计 = 支出总计.  Failed checks
are findings about the document: its figures are kept as printed.
"""
from __future__ import annotations

import re
from decimal import Decimal

from .models import Check, Table, TableRow
from .schemas import SANGONG_ROWS, SCHEMAS, identities_for

EXACT = Decimal('0.005')


def table_checks(table: Table) -> list[Check]:
    if table.empty or table.number is None:
        return []
    if table.kind in ('t1', 't4'):
        return _two_sided_checks(table)
    checks = _row_checks(table)
    if table.kind == 't10':
        checks += _sangong_checks(table)
    elif table.kind == 't11':
        checks += _total_checks(table, [r for r in table.rows if not _is_total(r)])
    else:
        checks += _column_checks(table)
    return checks


def _check(table: Table, name: str, subject: str, expected: Decimal, parts: list[Decimal],
           rows: list[TableRow], kind: str, columns: tuple[str, ...] = ()) -> Check:
    actual = sum(parts, Decimal(0))
    return Check(table.number, name, subject, expected, actual, abs(actual - expected) < EXACT,
                 min(r.line_start for r in rows), max(r.line_end for r in rows), kind,
                 tuple(r.line_start for r in rows), columns or _columns_in(name, table.columns))


def _columns_in(name: str, columns: tuple[str, ...]) -> tuple[str, ...]:
    inside = re.search(r'（([^（）]+(?:（[^（）]*）[^（）]*)?)）$', name)
    if inside and inside.group(1) in columns:
        return (inside.group(1),)
    return tuple(c for c in columns if c in name) or columns


def _row_checks(table: Table) -> list[Check]:
    schema = SCHEMAS[table.kind]
    out = []
    for row in table.rows:
        if not row.cells:
            continue
        for identity in identities_for(schema, table.columns):
            total = row.value(identity.total)
            parts = [row.value(p) for p in identity.parts]
            printed = [p for p in parts if p is not None]
            if total is None and not printed:
                continue
            # one side left empty by the document is a gap, not a contradiction
            kind = 'row' if total is not None and printed else 'incomplete'
            subject = f'{row.code} {row.label}'.strip()
            out.append(_check(table, identity.name, subject, total or Decimal(0), printed, [row], kind))
    return out


def _column_checks(table: Table) -> list[Check]:
    out = []
    rows = [r for r in table.rows if r.cells]
    for parent in rows:
        if len(parent.code) not in (3, 5):
            continue
        kids = [r for r in rows if len(r.code) == len(parent.code) + 2 and r.code.startswith(parent.code)]
        if kids:
            out += _sum_checks(table, parent, kids, f'{parent.code} {parent.label} = Σ 下级科目')
    classes = [r for r in rows if len(r.code) == 3]
    # a table that prints no 类 rows (some 表6 list only 款) adds up its coded rows instead
    return out + _total_checks(table, classes or [r for r in rows if r.code])


def _total_checks(table: Table, parts: list[TableRow]) -> list[Check]:
    total = next((r for r in table.rows if _is_total(r)), None)
    if total is None or not parts:
        return []
    return _sum_checks(table, total, parts, '合计行 = Σ 各行')


def _sum_checks(table, parent: TableRow, kids: list[TableRow], name: str) -> list[Check]:
    out = []
    for column in table.columns:
        expected = parent.value(column)
        values = [k.value(column) for k in kids if k.value(column) is not None]
        if expected is None and not values:
            continue
        subject = f'{parent.code} {parent.label} / {column}'.strip()
        out.append(_check(table, f'{name}（{column}）', subject, expected or Decimal(0), values,
                          [parent] + kids, 'column'))
    return out


def _sangong_checks(table: Table) -> list[Check]:
    by_label = {r.label: r for r in table.rows}
    total, abroad, reception, cars, purchase, running = (by_label.get(l) for l in SANGONG_ROWS)
    out = []
    for column in table.columns:
        for whole, parts, name in ((total, (abroad, reception, cars),
                                    '合计 = 因公出国（境）费 + 公务接待费 + 公务用车购置及运行费'),
                                   (cars, (purchase, running), '公务用车购置及运行费 = 购置费 + 运行费')):
            present = [p for p in parts if p is not None and p.value(column) is not None]
            expected = whole.value(column) if whole is not None else None
            if expected is None and not present:
                continue
            rows = [r for r in (whole, *parts) if r is not None]
            subject = f'{whole.label if whole else SANGONG_ROWS[3]} / {column}'
            out.append(_check(table, f'{name}（{column}）', subject, expected or Decimal(0),
                              [p.value(column) for p in present], rows, 'row'))
    return out


def _two_sided_checks(table: Table) -> list[Check]:
    left = [r for r in table.rows if r.side == '收入']
    right = [r for r in table.rows if r.side == '支出']
    out = []
    income_total = next((r for r in left if '总计' in r.label), None)
    spend_total = next((r for r in right if '总计' in r.label), None)
    first = table.columns[0] if table.kind == 't4' else '预算数'
    left_col = '合计' if table.kind == 't4' else '预算数'
    if income_total and spend_total and income_total.value(left_col) is not None:
        out.append(_check(table, '收入总计 = 支出总计', '收入总计', income_total.value(left_col),
                          [spend_total.value(first) or Decimal(0)], [income_total, spend_total], 'row'))
    classes = [r for r in right if len(r.code) == 3 and r.cells]
    if spend_total:
        for column in (table.columns if table.kind == 't4' else ('预算数',)):
            values = [r.value(column) for r in classes if r.value(column) is not None]
            expected = spend_total.value(column)
            if expected is None and not values:
                continue
            out.append(_check(table, f'支出总计 = Σ 功能分类（{column}）', f'支出总计 / {column}',
                              expected or Decimal(0), values, [spend_total] + classes, 'column'))
    if table.kind == 't1':
        out += _income_checks(table, left)
    else:
        for row in right:
            out += [c for c in _row_checks_for(table, row)]
    return out


def _row_checks_for(table: Table, row: TableRow) -> list[Check]:
    total = row.value('合计')
    parts = [row.value(c) for c in ('一般公共预算', '政府性基金预算', '国有资本经营预算') if row.value(c) is not None]
    if total is None or not parts:
        return []
    return [_check(table, '合计 = 一般公共预算 + 政府性基金预算 + 国有资本经营预算', f'{row.code} {row.label}'.strip(),
                   total, parts, [row], 'row')]


def _income_checks(table: Table, left: list[TableRow]) -> list[Check]:
    def find(prefix):
        return next((r for r in left if r.label.startswith(prefix)), None)
    current, carried, total = find('一、'), find('二、'), next((r for r in left if '总计' in r.label), None)
    out = []
    if total and total.value('预算数') is not None and (current or carried):
        parts = [r.value('预算数') for r in (current, carried) if r and r.value('预算数') is not None]
        out.append(_check(table, '收入总计 = 本年收入 + 上年结转结余', '收入总计', total.value('预算数'), parts,
                          [r for r in (total, current, carried) if r], 'row'))
    numbered = [r for r in left if r.label[:2] in ('1.', '2.', '3.', '4.', '5.', '1、', '2、', '3、', '4、', '5、')]
    first_block = []
    for r in numbered:
        if first_block and r.label[0] == '1':
            break
        first_block.append(r)
    if current and current.value('预算数') is not None and first_block:
        values = [r.value('预算数') for r in first_block if r.value('预算数') is not None]
        out.append(_check(table, '本年收入 = Σ 各项收入', '一、本年收入', current.value('预算数'), values,
                          [current] + first_block, 'row'))
    return out


def _is_total(row: TableRow) -> bool:
    return not row.code and (row.label.startswith('合计') or row.label.startswith('总计'))
