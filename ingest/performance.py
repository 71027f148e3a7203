"""项目支出绩效目标表 / 部门整体绩效目标表: project, budget and indicators.

    indicators = read_performance(performance_groups(lines, first_line))   # ingest.tables: (cells, lines) per row
    indicators.project, indicators.budget, indicators.items[0]
    # '机场设施租赁费', Decimal('60.00'), Indicator('全年贵宾厅使用人数（人）', '≥', 2000, '人', ...)

These tables are forms rather than grids, so they are read by what their
cells say ('项目名称', '年度预算总额', a cell that reads like '≥2000 人'),
not by column positions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .numbers import clean_cell, read_number
from .schemas import squash

VALUE = re.compile(r'^(?P<op>[=＝≥≤><＞＜]{1,2}=?)?\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>[^\d\s]{0,6})$')
CATEGORY = re.compile(r'^(一级指标|二级指标|三级指标|产出指标|效益指标|成本指标|满意度指标|履职效能|'
                      r'(数量|质量|时效|经济成本|社会成本|生态成本|经济效益|社会效益|生态效益|可持续影响|满意度)指标|'
                      r'计划标准|历史标准|行业标准|其他标准|预算支出标准|指标值|分|工作资料|原始凭证|说明材料|正式材料|'
                      r'按照正常比例赋分|直接赋分|按评判等级赋分|满意度赋分|按完成比例赋分)$')
UNIT_IN_NAME = re.compile(r'[（(]([^（）()]{1,8})[）)][=＝≥≤><＞＜\s]*$')
OPS = {'＞=': '≥', '>=': '≥', '≥': '≥', '＜=': '≤', '<=': '≤', '≤': '≤', '=': '=', '＝': '=', '>': '>', '＞': '>',
       '<': '<', '＜': '<'}


@dataclass(frozen=True)
class Indicator:
    name: str
    op: str
    value: Decimal
    unit: str
    raw: str
    line: int
    previous: str = ''           # 上年完成值 as printed ('1000 篇', '新增'); '' where the form leaves it blank or '-'


@dataclass
class PerformanceTable:
    project: str = ''
    budget: Decimal | None = None
    budget_raw: str = ''
    budget_line: int = 0
    items: list[Indicator] = field(default_factory=list)


def read_performance(groups: list[tuple[list[str], list[int]]]) -> PerformanceTable:
    """`groups`: the table's rows as (cells, line of each cell)."""
    table = PerformanceTable()
    for cells, lines in groups:
        _read_form_fields(table, cells, lines)
        _read_indicator(table, cells, lines)
    return table


def _read_form_fields(table, cells, lines) -> None:
    for i, cell in enumerate(cells):
        text = squash(cell)
        if text.startswith('项目名称') and not table.project:
            rest = text[len('项目名称'):].split('项目负责人')[0]
            table.project = rest or next((squash(c) for c in cells[i + 1:] if c.strip()), '')
            table.project = table.project.split('项目负责人')[0]
        if re.match(r'^年度(预算|资金)总额', text) and table.budget is None:
            for raw, line in [(text, lines[i])] + list(zip(cells[i + 1:], lines[i + 1:])):
                m = re.search(r'(\d[\d,]*(?:\.\d+)?)\s*(万元)?$', clean_cell(raw))
                if m and read_number(m.group(1)):
                    table.budget = read_number(m.group(1)).value
                    table.budget_raw, table.budget_line = clean_cell(raw), line
                    break


def _read_indicator(table, cells, lines) -> None:
    if any(key in squash(c) for c in cells for key in ('项目名称', '总额', '项目资金', '预算单位')):
        return
    name = ''
    for at, (cell, line) in enumerate(zip(cells, lines)):
        text = squash(cell)
        if not text:
            continue
        m = VALUE.match(text)
        if m and name:
            # the first value after the indicator's name is its 指标值; later ones are
            # 上年完成值 and 权重, never to be taken for it
            unit = m.group('unit') or _unit_from_name(name)
            value = read_number(m.group('num'))
            if value is not None and (m.group('op') or m.group('unit')) and not unit.startswith('年'):
                table.items.append(Indicator(_clean_name(name), OPS.get(m.group('op') or '=', '='), value.value,
                                             unit, clean_cell(cell), line, previous_value(cells, at)))
            return
        if not m and not CATEGORY.match(text):
            name = text


BASIS = re.compile(r'^(计划标准|历史标准|行业标准|其他标准|预算支出标准)$')
NO_VALUE = ('', '-', '—', '--', '/', '无')


def previous_value(cells: list[str], value_at: int) -> str:
    """The 上年完成值: the cell after the 指标值设置依据 (计划标准 …) that follows the 指标值."""
    rest = [clean_cell(c) for c in cells[value_at + 1:]]
    if len(rest) >= 2 and BASIS.match(squash(rest[0])) and rest[1].strip() not in NO_VALUE:
        return rest[1].strip()
    return ''


NAME_PREFIX = re.compile(r'^(产出|效益|成本|满意度|数量|质量|时效|经济成本|社会成本|社会效益|经济效益|生态效益|'
                         r'指标|工作资料|原始凭证|说明材料|正式材料|计划标准|履职效能)+')


def _clean_name(name: str) -> str:
    cleaned = NAME_PREFIX.sub('', name)
    return cleaned or name


def _unit_from_name(name: str) -> str:
    m = UNIT_IN_NAME.search(name)
    return m.group(1) if m else ''


def text_groups(lines: list[str], first_line: int) -> list[tuple[list[str], list[int]]]:
    """pdftotext forms: each indicator's name, value and unit may sit on separate lines.

    Lines are grouped so that a value line ('＞=27') closes a group holding the
    name lines before it and a short unit line after it ('家').
    """
    groups, cells, cell_lines = [], [], []
    pending_unit_for = None
    pending_op = ''
    for offset, raw in enumerate(lines):
        text = clean_cell(raw)
        if not text:
            continue
        number = first_line + offset
        if re.fullmatch(r'[=＝≥≤><＞＜]{1,2}', text):
            pending_op = text                    # '＜' on its own line, '=72.5' on the next: one '＜=72.5'
            continue
        if pending_op and re.match(r'^[=＝≥≤><＞＜]?\d', text):
            text = pending_op + text
        pending_op = ''
        if pending_unit_for is not None and re.fullmatch(r'[^\d\s]{1,4}', text):
            groups[-1][0][-1] += text
            pending_unit_for = None
            continue
        pending_unit_for = None
        basis = text.split()
        if groups and len(groups[-1][0]) == 2 and len(basis) == 3 and BASIS.match(basis[0]) and not cells:
            groups[-1][0].extend(basis)                # '计划标准 2次 5': basis, 上年完成值, weight of the value before
            groups[-1][1].extend([number] * 3)
            continue
        if VALUE.match(squash(text)) and re.match(r'^[=＝≥≤><＞＜]', text):
            name = ''.join(c for c in cells if not CATEGORY.match(squash(c)))[-60:]
            groups.append(([name, text], [cell_lines[0] if cell_lines else number, number]))
            cells, cell_lines = [], []
            pending_unit_for = number
            continue
        if any(key in text for key in ('项目名称', '年度预算总额', '年度资金总额')):
            groups.append((text.split(), [number] * len(text.split())))
            cells, cell_lines = [], []
            continue
        tokens = text.split()
        if len(tokens) > 1 and any(VALUE.match(t) and re.match(r'^[=＝≥≤><＞＜]', t) for t in tokens):
            groups.append((tokens, [number] * len(tokens)))
            cells, cell_lines = [], []
            continue
        if CATEGORY.match(squash(text)) or re.fullmatch(r'[\d\s.%]+', text):
            cells, cell_lines = [], []
            continue
        cells.append(squash(text))
        cell_lines.append(number)
        cells, cell_lines = cells[-3:], cell_lines[-3:]
    return groups
