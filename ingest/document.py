"""Parsing one disclosure file into tables, checks, facts and statements.

    doc = parse_document(Path('data/samples/002_220f206dadf5e393.txt'))
    doc.org, doc.year, len(doc.facts)
    [f for f in doc.facts if f.item == '三公经费']

This is the whole ingest stage for one file: it reads nothing else and
writes nothing; storing is the index stage's job.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from errors import NoBudgetTables, NoOrganisation, NoReadableAmount

from .blocks import split_blocks
from .glossary import read_glossary
from .grid_checks import grid_checks
from .grids import read_grids, sangong_item
from .schemas import schema_for_title
from .checks import table_checks
from .text import squash
from .text_checks import text_checks
from .models import Block, BudgetFact, Check, Declared, ParsedDocument, SourceText, Statement, Table
from .narrative import TextFact, read_narrative
from .orgs import derive_aliases, detect_kind, detect_org, detect_year
from .reader import read_source
from .suspicious import garbled_amounts, suspicious_lines
from .tables import read_tables
from .project_details import read_details
from .units import read_units

STANDARD_TABLES = tuple(range(1, 11))
GRAND_TOTAL = re.compile(r'(收入|支出|收支)?(总计|合计)')   # not 本年收入合计: that leaves out 上年结转


def parse_document(path: Path, extra_aliases: dict[str, list[str]] | None = None,
                   declared: Declared | None = None) -> ParsedDocument:
    return parse_source(read_source(Path(path)), extra_aliases, declared)


def parse_source(source: SourceText, extra_aliases: dict[str, list[str]] | None = None,
                 declared: Declared | None = None) -> ParsedDocument:
    declared = declared or Declared()
    lines = list(source.lines)
    flagged = suspicious_lines(lines)
    for number, _ in flagged:          # instructions inside a document are data: no reader ever sees them as text
        lines[number - 1] = ''         # to read figures from (the line stays in the source, and is cited as such)
    org = declared.org or detect_org(lines)
    year = declared.year or detect_year(lines)
    kind = declared.kind or detect_kind(lines)
    if not org:
        raise NoOrganisation(source.name)
    tables, warnings = read_tables(lines)
    if not _template_fits(lines, tables):             # not the 表1…表10 template: tables by what they are
        tables = _by_structure(lines, tables)
    elif source.encoding in ('pdf', 'docx', 'xlsx'):  # the template's titles over tables drawn another way
        tables = _better_reading(tables, _by_structure(lines, tables))
    if not any(t.rows for t in tables) and not _has_budget_prose(lines):
        raise NoBudgetTables(source.name)
    blocks = split_blocks(lines, [(t.line_start, t.line_end) for t in tables])
    blocks += [Block('table', t.title, t.line_start, t.line_end, (), t.number) for t in tables]
    text_facts, statements = read_narrative(blocks)
    own_year = f'数额（{year}年）'                    # a figure stated for the document's own year is its figure
    text_facts = [replace(f, column='数额') if f.column == own_year else f for f in text_facts]
    checks = [c for t in tables for c in table_checks(t) + grid_checks(t)]
    apart = figures_apart(lines)
    if apart:                                        # digits placed off their words: a row may lose its figures
        checks = [replace(c, kind='unsure') if c.severity == 'contradiction' and c.table_no is None else c
                  for c in checks]
    prose_checks = text_checks(text_facts, blocks)
    checks += [c for c, _ in prose_checks]
    facts = _table_facts(source.name, org, year, tables, checks) + \
        _text_facts(source.name, org, year, text_facts, prose_checks)
    statements += _empty_table_statements(tables) + _blank_row_statements(tables)
    statements = [s for s in statements if not _unfilled_beside(s, apart)]
    statements += read_glossary(lines) + read_units(lines)
    flagged = [Statement('suspicious_text', '可疑文字', text[:300], n, n) for n, text in flagged]
    statements += flagged
    garbled = garbled_amounts(lines)
    if not facts:
        example = f'; line {garbled[0][0]} has "{garbled[0][1]}"' if garbled else ''
        raise NoReadableAmount(source.name, example=example)
    warnings += _warnings(tables, statements) + _scanned_pages(source) + _apart_warning(apart, lines)
    warnings += [f'line {n}: "{text}" is not a readable amount; left out' for n, text in garbled]
    warnings += [f'line {s.line_start}: text addressed to a reader or a model ("{s.text[:60]}"); kept as text, '
                 'no figures read from it' for s in flagged]
    return ParsedDocument(source, org, year, derive_aliases(org, extra_aliases),
                          tuple(sorted(blocks, key=lambda b: b.line_start)), tuple(tables), tuple(facts),
                          tuple(checks), tuple(statements), tuple(warnings), kind,
                          tuple(read_details(lines, tables, blocks)))


def _template_fits(lines: list[str], tables: list[Table]) -> bool:
    """The document prints the standard template's titles (部门收支总体情况表 …) over at least three tables; a
    number alone ('表01' over '2026年市级部门收支预算总表') is not the template."""
    printed = 0
    for t in tables:
        if t.number and any(schema_for_title(line) for line in lines[t.line_start - 1:t.line_start + 2]):
            printed += 1
    return printed >= 3


def _better_reading(template: list[Table], structure: list[Table]) -> list[Table]:
    """The reading by structure where it reads about as many figures and more of them add up: the template's
    fixed columns misplace figures of a table drawn with other columns, and its checks then fail."""
    def cells(tables):
        return sum(len(r.cells) for t in tables for r in t.rows)

    def contradictions(tables):
        return sum(c.severity == 'contradiction' for t in tables for c in table_checks(t) + grid_checks(t))
    if cells(structure) >= 0.8 * cells(template) and contradictions(structure) < contradictions(template):
        return structure
    return template


def _by_structure(lines: list[str], template_tables: list[Table]) -> list[Table]:
    """Tables read from their title, header and rows; 绩效目标表 forms as the template reader reads them."""
    forms = [t for t in template_tables if t.kind in ('performance', 'overall_performance')]
    grids = read_grids(lines, tuple((t.line_start, t.line_end) for t in forms))
    return sorted(forms + grids, key=lambda t: t.line_start)


def figures_apart(lines: list[str]) -> set[int]:
    """Lines holding only figures, where a PDF prints the figures of a sentence on a line of their own ('年初预算数
    万元' over ':2026 174,900.64 ,'); empty unless at least three of them hold an amount."""
    apart = {n for n, line in enumerate(lines, 1) if '\t' not in line and re.search(r'\d', line)
             and not re.search(r'[\u4e00-\u9fff]', line)}
    amounts = [n for n in apart if re.search(r'\d[\d,]*\.\d', lines[n - 1])]
    return apart if len(amounts) >= 3 else set()


def _unfilled_beside(statement: Statement, apart: set[int]) -> bool:
    """A '… 万元' beside a line of figures is not a template left unfilled."""
    return statement.kind == 'template_unfilled' and \
        bool({statement.line_start - 1, statement.line_start + 1, statement.line_end + 1} & apart)


def _apart_warning(apart: set[int], lines: list[str]) -> list[str]:
    amounts = sorted(n for n in apart if re.search(r'\d[\d,]*\.\d', lines[n - 1]))
    if not amounts:
        return []
    return [f'lines {amounts[0]}-{amounts[-1]}: lines that hold only figures, printed apart from their words '
            '(the PDF places them on their own line); figures of that prose are not read, the tables are']


def _scanned_pages(source: SourceText) -> list[str]:
    """PDF pages with no text layer: named, so the user knows which pages need OCR."""
    if not source.pages:
        return []
    with_text = {page for page, line in zip(source.pages, source.lines) if line.strip()}
    blank = sorted(set(source.pages) - with_text)
    if not blank:
        return []
    listed = ', '.join(str(p) for p in blank[:20]) + (' …' if len(blank) > 20 else '')
    return [f'page {listed}: no text (a scan, or a blank page); not read. '
            f'If it is a scan, run OCR on the file (e.g. ocrmypdf) to read '
            f'{"them" if len(blank) > 1 else "it"}']


def _has_budget_prose(lines: list[str]) -> bool:
    return sum('万元' in line for line in lines) >= 3


def _table_facts(doc, org, year, tables: list[Table], checks: list[Check]) -> list[BudgetFact]:
    facts = []
    by_cell: dict[tuple, list[Check]] = {}
    for check in checks:
        for line in check.rows:
            for column in check.columns:
                by_cell.setdefault((check.table_no, line, column), []).append(check)
    for table in tables:
        for row in table.rows:
            for cell in row.cells:
                related = by_cell.get((table.number, row.line_start, cell.column), [])
                facts.append(BudgetFact(
                    doc=doc, org=org, year=year, source='table', table_no=table.number, table_title=table.title,
                    row_code=row.code, row=row.label, column=cell.column, value=cell.value,
                    unit=_unit(table, row), raw=cell.raw, line_start=cell.line, line_end=cell.line,
                    item=_table_item(table, row, cell), project=row.project, section=row.side,
                    checks_passed=tuple(sorted({c.name for c in related if c.ok})),
                    checks_failed=tuple(sorted({c.name for c in related if not c.ok})),
                    flags=tuple(cell.flags) + tuple(f for f in row.flags if not f.startswith('label_continued'))))
    return facts


def _unit(table: Table, row) -> str:
    if table.kind in ('performance', 'overall_performance'):
        unit = next((f.split(':', 1)[1] for f in row.flags if f.startswith('unit:')), '')
        return unit if row.label != '年度预算总额' else '万元'
    return table.unit


def _table_item(table: Table, row, cell) -> str:
    if table.kind == '三公经费表':
        return sangong_item(table.title, row.label, cell.column)
    if table.kind in ('收支总表', '财政拨款收支总表') and GRAND_TOTAL.fullmatch(squash(row.label)):
        return '收支总预算' if table.kind == '收支总表' else '财政拨款收支总预算'
    if table.kind == 't10':
        return '三公经费' if row.label == '合计' else row.label
    if table.kind in ('performance', 'overall_performance'):
        return '项目预算' if row.label == '年度预算总额' else '绩效指标'
    return ''


def _text_facts(doc, org, year, text_facts: list[TextFact], checks=()) -> list[BudgetFact]:
    """The prose's figures, each with the checks of ingest/text_checks.py that read it."""
    related: dict[int, list[Check]] = {}
    for check, members in checks:
        for member in members:
            related.setdefault(id(member), []).append(check)
    return [BudgetFact(doc=doc, org=org, year=year, source='text', table_no=None, table_title='',
                       row_code='', row=f.item, column=f.column, value=f.value, unit=f.unit, raw=f.raw,
                       line_start=f.line_start, line_end=f.line_end, item=f.item if f.canonical else '',
                       project=f.project, section=f.section, flags=() if f.canonical else ('general_pattern',),
                       checks_passed=tuple(sorted({c.name for c in related.get(id(f), []) if c.ok})),
                       checks_failed=tuple(sorted({c.name for c in related.get(id(f), []) if not c.ok})))
            for f in text_facts]


def _empty_table_statements(tables: list[Table]) -> list[Statement]:
    return [Statement('empty_table', t.title, t.note or f'{t.title}为空表（无备注）',
                      t.line_start, t.line_end, t.number)
            for t in tables if t.empty and t.number]


def _blank_row_statements(tables: list[Table]) -> list[Statement]:
    """Rows of a listed classification printed without a figure: the document says nothing is arranged there."""
    out = []
    for t in tables:
        if not t.number:
            continue
        for row in t.rows:
            if row.cells or not row.label or any(f.startswith('unreadable_number') for f in row.flags) \
                    or '小计' in row.label:      # a subtotal left blank is not printed, not 'nothing arranged'
                continue
            where = f'表{t.number}{t.title}'
            said = f'{where}：{row.code} {row.label}（该行未列数字）'.replace('  ', ' ')
            out.append(Statement('blank_row', row.label, said, row.line_start, row.line_end, t.number))
    return out


def _warnings(tables: list[Table], statements: list[Statement]) -> list[str]:
    out = []
    present = {t.number for t in tables if t.number}
    missing = [n for n in STANDARD_TABLES if n not in present]
    if missing and present:
        out.append('standard tables not found: ' + ', '.join(f'表{n}' for n in missing))
    for t in tables:
        if t.empty and t.number and not t.note:
            out.append(f'line {t.line_start}: 表{t.number} {t.title} is empty and has no 备注')
        for row in t.rows:
            for flag in row.flags:
                if flag.startswith('unreadable_number:'):
                    raw, line = flag.split(':', 1)[1].rsplit('@', 1)
                    out.append(f'line {line}: 表{t.number} {row.label}: "{raw}" is not one readable number; left out')
        ambiguous = sum(1 for r in t.rows for c in r.cells if 'column_ambiguous' in c.flags)
        if ambiguous:
            out.append(f'lines {t.line_start}-{t.line_end}: 表{t.number}: {ambiguous} values whose column could not be '
                       f'told from the layout or the arithmetic (flagged column_ambiguous)')
    for s in statements:
        if s.kind == 'template_unfilled':
            out.append(f'line {s.line_start}: template text left unfilled: "{s.subject}"')
    return out
