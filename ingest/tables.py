"""Finding the standard tables in a document and reconstructing them.

    tables, warnings = read_tables(lines)
    tables[0].number, tables[0].rows[0].value('预算数')

A table starts at its '表N' line or at its title and ends where the next
table or a 第X部分 heading starts.  Tables whose title and header were lost
in extraction (a page break swallowed them) are found where the row codes
restart, and named by the standard table that is missing there.

Why one module of ~430 lines: finding a table's region, placing its rows by the template's schema and repairing
misprinted row codes against every other table of the document work on the same Region/Table objects and share
their private helpers; the generic reader of other provinces' tables is grids.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from .columns import assign_columns
from .models import Cell, Table, TableRow
from .performance import read_performance, text_groups
from .rows import CODE_CELL, HAN, RawRow, cell_groups, detect_layout, extract_rows, tsv_groups
from .schemas import (SANGONG_ROWS, SCHEMAS, Schema, columns_for_header, identities_for,
                      schema_for_number, schema_for_title, squash)

ANCHOR = re.compile(r'^表(\d{1,2})$')
PART_HEADING = re.compile(r'^第[一二三四五六七八九十]+部分')
SUBSECTION = re.compile(r'^[（(][一二三四五六七八九十]+[）)]')
UNIT = re.compile(r'单位[:：]\s*(万元|元|亿元|千元)')
META = re.compile(r'^(编制(单位|部门)|单位[:：]|\(20\d\d|（20\d\d|[（(]?20\d\d\s*年[）)]?$)')


@dataclass
class Region:
    schema: Schema
    number: int | None
    title: str
    start: int          # index into lines of the anchor or title
    body: int           # index of the first line after the title
    end: int            # exclusive


def find_regions(lines: list[str]) -> list[Region]:
    starts: list[Region] = []
    i = 0
    while i < len(lines):
        text = squash(lines[i])
        anchor = ANCHOR.match(text)
        schema = schema_for_title(lines[i])
        if anchor:
            number = int(anchor.group(1))
            title_index, title_schema = _title_after(lines, i)
            schema = title_schema or schema_for_number(number)
            if schema is not None:
                body = title_index + 1 if title_schema else i + 1
                title = squash(lines[title_index]) if title_schema else schema.title
                starts.append(Region(schema, number, title, i, body, len(lines)))
                i = body
                continue
        elif schema is not None and not (starts and starts[-1].body > i):
            starts.append(Region(schema, schema.number, text, i, i + 1, len(lines)))
        i += 1
    for k, region in enumerate(starts):
        limit = starts[k + 1].start if k + 1 < len(starts) else len(lines)
        region.end = _region_end(lines, region, limit)
    return starts


def _title_after(lines, index):
    seen = 0
    for j in range(index + 1, min(index + 12, len(lines))):
        if not lines[j].strip():
            continue
        schema = schema_for_title(lines[j])
        if schema is not None:
            return j, schema
        seen += 1
        if seen >= 3:
            break
    return index, None


def _region_end(lines, region, limit) -> int:
    for j in range(region.body, limit):
        text = squash(lines[j])
        if PART_HEADING.match(text):
            return j
        if region.schema.number is None and (SUBSECTION.match(text) or re.match(r'^[一二三四五六七八九十]+、', text)):
            return j
    return limit


# ---- building a table --------------------------------------------------------------

def read_tables(lines: list[str]) -> tuple[list[Table], list[str]]:
    tables: list[Table] = []
    warnings: list[str] = []
    regions = find_regions(lines)
    numbers_present = {r.number for r in regions if r.number}
    for region in regions:
        for segment in _segments(lines, region, numbers_present, warnings):
            tables.append(segment)
    _repair_codes(tables)
    tables = [_repair_sequence(t) if t.kind == 't6' else t for t in tables]
    return tables, warnings


def _segments(lines, region: Region, numbers_present: set[int], warnings: list[str]):
    """The region's table, plus any table that follows it without a title."""
    body = lines[region.body:region.end]
    split = _restart_index(body, region.schema)
    if split is None:
        yield build_table(region, body, region.body + 1)
        return
    yield build_table(region, body[:split], region.body + 1)
    follower = _missing_follower(region, numbers_present)
    first_line = region.body + split + 1
    if follower is None:
        warnings.append(f'line {first_line}: rows after {region.title} do not belong to it and no missing '
                        f'standard table fits them; they were not read')
        return
    numbers_present.add(follower.number)
    warnings.append(f'line {first_line}: 表{follower.number} {follower.title} has no title or header in the '
                    f'document; the rows from here on were read as 表{follower.number} because the row codes '
                    f'restart after 表{region.number}')
    inner = Region(follower, follower.number, follower.title, region.body + split, region.body + split, region.end)
    table = build_table(inner, body[split:], first_line)
    yield replace(table, warnings=table.warnings + ('title_and_header_missing',))


def _missing_follower(region: Region, numbers_present: set[int]) -> Schema | None:
    if region.number is None:
        return None
    for number in range(region.number + 1, 12):
        if number not in numbers_present:
            return schema_for_number(number)
        break
    return None


def _restart_index(body: list[str], schema: Schema) -> int | None:
    """Where the row codes start over (a second table run into this one)."""
    first_class = None
    last_class = None
    for index, line in enumerate(body):
        cells = [c.strip() for c in line.split('\t')]
        if len(cells) < 2 or not CODE_CELL.match(cells[0] or 'x'):
            continue
        if schema.two_sided:
            if CODE_CELL.match(cells[1] or 'x'):
                return index
            continue
        code = cells[0].replace(' ', '')
        if len(code) != 3:
            continue
        if first_class is None:
            first_class = code
        elif last_class and code < last_class and code == first_class:
            return index
        last_class = code
    return None


def build_table(region: Region, body: list[str], first_line: int) -> Table:
    schema = region.schema
    if schema.key in ('performance', 'overall_performance'):
        return _performance_table(region, body, first_line)
    unit = _unit(body)
    note = _note(body)
    data_lines = [l if not META.match(squash(l)) and not _is_note(l) else '' for l in body]
    layout = detect_layout(data_lines)
    raw = extract_rows(data_lines, first_line, schema, layout)
    header_text, data = _split_header(raw, schema, data_lines)
    columns = columns_for_header(schema, header_text)
    rows = _place(data, schema, columns)
    empty = not any(r.cells for r in rows)
    last = first_line + len(body) - 1
    return Table(schema.number, schema.key, region.title or schema.title, unit, columns, tuple(rows),
                 region.start + 1, last, empty=empty, note=note, layout=layout)


def _unit(body) -> str:
    for line in body[:15]:
        m = UNIT.search(line.replace(' ', ''))
        if m:
            return m.group(1)
    return '万元'


def _is_note(line: str) -> bool:
    text = squash(line)
    return text.startswith('备注') or '为空表' in text or ('没有' in text and '安排的支出' in text)


def _note(body) -> str:
    return ''.join(squash(l) for l in body if _is_note(l))


def _split_header(raw: list[RawRow], schema: Schema, lines: list[str]) -> tuple[str, list[RawRow]]:
    first = next((i for i, r in enumerate(raw) if _is_data_row(r, schema)), len(raw))
    header_rows = raw[:first]
    header_text = ''.join(''.join(r.texts) for r in header_rows)
    if not header_rows:
        header_text = ''.join(lines[:10])
    # a fixed row of the 三公 table printed without figures stays: its blank says nothing is arranged there
    data = [r for r in raw[first:] if r.values or r.codes or (schema.two_sided and r.texts)
            or (schema.fixed_rows and sangong_label(r.label) is not None)]
    return header_text, data


def _is_data_row(row: RawRow, schema: Schema) -> bool:
    if schema.two_sided:
        return bool(row.values) or bool(row.codes)
    if schema.fixed_rows:
        return sangong_label(row.label) is not None
    return bool(row.codes) or row.is_total or (bool(row.values) and bool(row.texts))


def performance_groups(body: list[str], first_line: int) -> list[tuple[list[str], list[int]]]:
    """A 绩效目标表's rows as (cells, line of each cell), whatever its layout."""
    layout = detect_layout(body)
    if layout == 'text':
        return text_groups(body, first_line)
    if layout == 'tsv':
        return list(tsv_groups(body, first_line))
    return list(cell_groups(body, first_line))


def _performance_table(region: Region, body: list[str], first_line: int) -> Table:
    layout = detect_layout(body)
    form = read_performance(performance_groups(body, first_line))
    rows = []
    if form.budget is not None:
        rows.append(TableRow('', '年度预算总额', (Cell('项目资金', form.budget_raw, form.budget, form.budget_line),),
                             form.budget_line, form.budget_line, project=form.project))
    for item in form.items:
        rows.append(TableRow('', item.name, (Cell('指标值', item.raw, item.value, item.line, (f'op:{item.op}',)),),
                             item.line, item.line, project=form.project, flags=(f'unit:{item.unit}',)))
    last = first_line + len(body) - 1
    return Table(None, region.schema.key, region.title, '', ('指标值',), tuple(rows), region.start + 1, last,
                 empty=not rows, layout=layout)


# ---- placing values in columns -----------------------------------------------------

T2_PREFERENCE = {'一般公共预算': .9, '单位资金': .8, '上级一般公共预算安排的转移支付': .6, '财政拨款结转': .5,
                 '非财政拨款结转结余': .4, '政府性基金预算': .3, '财政拨款（补助）小计': .95, '总计': 1.0}
T7_PREFERENCE = {'项目支出合计': 1.0, '商品和服务支出': .9, '对个人和家庭的补助': .6, '对企业补助': .5,
                 '资本性支出': .45, '其他支出': .4, '工资福利支出': .3}


def _prior_for(schema: Schema):
    def prior(row: RawRow, column: str) -> float | None:
        code = ''.join(row.codes)
        if schema.key == 't6' and code[:3] in ('301', '303') and column == '公用经费':
            return None
        if schema.key == 't6' and code[:3] == '302' and column == '人员经费':
            return None
        if schema.key == 't2':
            return T2_PREFERENCE.get(column, .1)
        if schema.key == 't7':
            return T7_PREFERENCE.get(column, .1)
        # otherwise the leftmost columns are the likelier ones
        return 1.0 - schema.columns.index(column) / 100 if column in schema.columns else 0.0
    return prior


def _place(data: list[RawRow], schema: Schema, columns: tuple[str, ...]) -> list[TableRow]:
    if schema.two_sided:
        return _place_two_sided(data, schema, columns)
    prior = _prior_for(schema)
    placements = assign_columns(data, columns, identities_for(schema, columns), prior)
    rows = []
    for raw, (names, flags, value_flags) in zip(data, placements):
        rows.append(_table_row(raw, names, flags, schema, value_flags))
    return rows


def _place_two_sided(data, schema, columns):
    left_columns = ('预算数',) if schema.key == 't1' else ('合计',)
    rows = []
    for raw in data:
        cols = left_columns if raw.side == '收入' else columns
        names = tuple(cols[v.pos] if v.pos is not None and 0 <= v.pos < len(cols) else None for v in raw.values)
        flags = ('positions_out_of_range',) if None in names else ()
        rows.append(_table_row(raw, names, flags, schema))
    return rows


def _table_row(raw: RawRow, names, flags, schema: Schema, value_flags=None) -> TableRow:
    cells = []
    value_flags = value_flags or [()] * len(names)
    for name, value, extra in zip(names, raw.values, value_flags):
        if name is None or value.reading is None:
            continue
        cells.append(Cell(name, value.raw, value.reading.value, value.line, tuple(value.flags) + tuple(extra)))
    label = raw.label
    project = ''
    if schema.has_project_column and len(raw.texts) > 1:
        label, project = squash(raw.texts[0]), squash(''.join(raw.texts[1:]))
    if schema.fixed_rows:
        label = sangong_label(label) or label
    if raw.is_total:
        label = '合计' if '合计' in label else label
    unreadable = tuple(f'unreadable_number:{v.raw}@{v.line}' for v in raw.values if v.reading is None)
    code, well_formed = _code(raw.codes)
    if not well_formed:
        flags = tuple(flags) + ('code_malformed',)
    return TableRow(code, label, tuple(cells), raw.line_start, raw.line_end, project=project,
                    side=raw.side, flags=tuple(raw.flags) + tuple(flags) + unreadable)


def _code(codes: list[str]) -> tuple[str, bool]:
    """The joined code, and whether its parts have the lengths of 类 (3) / 款 (2) / 项 (2)."""
    parts = [c.replace(' ', '') for c in codes]
    well_formed = bool(parts) and len(parts[0]) == 3 and all(len(p) == 2 for p in parts[1:])
    return ''.join(parts), well_formed or not parts


def sangong_label(label: str) -> str | None:
    text = label.replace('其中', '').lstrip(':：')
    if not text:
        return None
    if text.startswith('合计') or text == '“三公”经费合计':
        return '合计'
    if '出国' in text:
        return SANGONG_ROWS[1]
    if '接待' in text:
        return SANGONG_ROWS[2]
    if '小计' in text or '购置及运行' in text:
        return SANGONG_ROWS[3]
    if '购置' in text:
        return SANGONG_ROWS[4]
    if '运行' in text:
        return SANGONG_ROWS[5]
    return None


# ---- codes cut short: repaired from the same label elsewhere in the document -----------

FUNCTION_TABLES = ('t2', 't3', 't5', 't7', 't8', 't9')


def _catalog(tables: list[Table]) -> dict[tuple[str, str], set[str]]:
    """(类, label) -> the well-formed codes these tables print for it."""
    catalog: dict[tuple[str, str], set[str]] = {}
    for table in tables:
        if table.kind in FUNCTION_TABLES:
            for row in table.rows:
                if row.code and 'code_malformed' not in row.flags and row.label:
                    catalog.setdefault((row.code[:3], row.label), set()).add(row.code)
    return catalog


def _repair_codes(tables: list[Table]) -> None:
    catalog = _catalog(tables)
    for t_index, table in enumerate(tables):
        if table.kind not in FUNCTION_TABLES:
            continue
        rows = list(table.rows)
        changed = False
        current_kuan = ''
        for r_index, row in enumerate(rows):
            if 'code_malformed' not in row.flags:
                corrected = _misprinted(row, _catalog([t for t in tables if t is not table]), table)
                if corrected:
                    rows[r_index] = replace(row, code=corrected, flags=row.flags + (f'code_corrected:{row.code}',))
                    changed = True
                if len(row.code) == 5:
                    current_kuan = row.code
                continue
            found = catalog.get((row.code[:3], row.label)) or _by_label(catalog, row.label)
            found = _narrow(found, row.code, current_kuan)
            if found and len(found) == 1:
                if len(next(iter(found))) == 5:
                    current_kuan = next(iter(found))
                flags = tuple(f for f in row.flags if f != 'code_malformed') + (f'code_repaired:{row.code}',)
                rows[r_index] = replace(row, code=next(iter(found)), flags=flags)
                changed = True
        if changed:
            tables[t_index] = replace(table, rows=tuple(rows))


def _misprinted(row: TableRow, catalog, table: Table) -> str | None:
    """'208 06 09 其他企业改革发展补助' where every other table prints 2080699 for that label, under 20806."""
    if len(row.code) != 7 or not row.label:
        return None
    codes = catalog.get((row.code[:3], row.label), set())
    if row.code in codes or len(codes) != 1:
        return None
    only = next(iter(codes))
    return only if only[:5] == row.code[:5] else None


def _repair_sequence(table: Table) -> Table:
    """表6: a code whose 类 breaks the run it stands in ('201 11' between 30110 and 30112) takes the run's 类."""
    rows = list(table.rows)
    changed = False
    for i in range(1, len(rows) - 1):
        before, row, after = rows[i - 1].code, rows[i].code, rows[i + 1].code
        if len(row) == 5 and len(before) >= 3 and len(after) >= 3 and before[:3] == after[:3] != row[:3] \
                and before[:3] + row[3:] > before and (len(after) == 3 or before[:3] + row[3:] < after):
            rows[i] = replace(rows[i], code=before[:3] + row[3:], flags=rows[i].flags + (f'code_corrected:{row}',))
            changed = True
    return replace(table, rows=tuple(rows)) if changed else table


def _narrow(found: set[str] | None, printed: str, current_kuan: str) -> set[str]:
    """Among codes with the same label: the one of the printed depth, under the 款 just above."""
    if not found or len(found) == 1:
        return found or set()
    depth = 5 if len(printed) <= 5 and not current_kuan else 7
    narrowed = {c for c in found if len(c) == depth} or found
    if current_kuan:
        under = {c for c in narrowed if c.startswith(current_kuan) and len(c) == 7}
        narrowed = under or {c for c in found if len(c) == 5} or narrowed
    return narrowed


def _by_label(catalog, label) -> set[str]:
    found: set[str] = set()
    for (_, name), codes in catalog.items():
        if name == label:
            found |= codes
    return found


def cell_sum(values) -> Decimal:
    return sum(values, Decimal(0))


__all__ = ['read_tables', 'find_regions', 'build_table', 'SCHEMAS', 'HAN']
