"""A project's record, line by line: the fields of its 绩效目标表 form, each performance indicator with its
target and 上年完成值, and its description in the 情况说明 (设立的政策依据, 项目承担单位, 资金分配情况 …).

    details = read_details(lines, tables, blocks)
    [d for d in details if d.field == '项目负责人'][0]
    # ProjectDetail('项目支出绩效目标表', '业务活动经费项目', '项目负责人', '努尔江·买买提吐尔干', 537, 537)

Everything is kept as printed, with its lines, so an answer can quote and cite it; a field the form leaves
blank is not stored (the answer then says the document does not print it). Which printed labels are form
fields is data: the first column of data/vocabulary/project_fields.tsv.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .models import Block, ProjectDetail, Table
from .numbers import clean_cell
from .performance import BASIS, NO_VALUE, VALUE, previous_value, read_performance
from .rows import detect_layout
from .schemas import squash
from .tables import performance_groups
from .vocabulary import vocabulary_table

SOURCES = {'performance': '项目支出绩效目标表', 'overall_performance': '部门整体绩效目标表'}
FORM_END = re.compile(r'^(一级(指标)?|二级指标|三级指标)$')      # the indicators' header: the form is over
FORM_STOP = re.compile(r'^(项目资金|年度预算安排|[（(]20\d\d)')    # a heading cell with no value of its own
ASIDE = re.compile(r'^其中[:：]?')
PROJECT_NAME = re.compile(r'^(?:\d{1,3}\s*[.、．]|[（(][一二三四五六七八九十\d]{1,3}[)）]'
                          r'|[一二三四五六七八九十]{1,3}、)?'
                          r'\s*项目名称\s*[:：]\s*(?P<name>.+)$')
DESCRIPTION_FIELD = re.compile(r'^(?P<label>[\u4e00-\u9fff]{2,12})\s*[:：]\s*(?P<value>.*)$')
LONGEST_VALUE = 600
DESCRIPTION_LINES = 80           # a project's description is never longer; past it the list has ended


@lru_cache(maxsize=1)
def form_labels() -> tuple[str, ...]:
    return tuple(sorted((head for head, _ in vocabulary_table('project_fields')), key=len, reverse=True))


def read_details(lines: list[str], tables: list[Table], blocks: list[Block]) -> list[ProjectDetail]:
    out = []
    for table in tables:
        if table.kind in SOURCES:
            out += _form_details(lines[table.line_start - 1:table.line_end], table.line_start, SOURCES[table.kind])
    return out + _descriptions(blocks)


# ---- 绩效目标表 ------------------------------------------------------------------------------

def _form_details(body: list[str], first_line: int, source: str) -> list[ProjectDetail]:
    groups = performance_groups(body, first_line)
    form = read_performance(groups)
    project = form.project if source != '部门整体绩效目标表' else ''
    fields = [ProjectDetail(source, project, label, value, start, end)
              for label, value, start, end in read_form(body, first_line)]
    numeric = [ProjectDetail(source, project, i.name, i.raw, i.line, i.line, i.op, _plain(i.value), i.unit,
                             i.previous, indicator=True) for i in form.items]
    named = {d.field for d in numeric}
    worded = [d for d in _worded_indicators(groups, source, project) if d.field not in named]
    return fields + sorted(numeric + worded, key=lambda d: d.line_start)


def read_form(body: list[str], first_line: int) -> list[tuple[str, str, int, int]]:
    """(label, value, first line, last line) for each form field that has a value. A value printed on its
    label's line ends there; one printed below its label (one cell per line, a name broken over lines) runs
    on to the next label."""
    found, current = [], None
    layout = detect_layout(body)

    def close():
        if current and current['parts']:
            value = ''.join(current['parts'])[:LONGEST_VALUE]
            found.append((current['label'], value, current['start'], current['end']))

    for offset, raw in enumerate(body):
        number = first_line + offset
        tokens = [t for t in (ASIDE.sub('', clean_cell(tok)) for tok in _cells(raw, layout)) if t]
        if tokens and FORM_END.match(squash(tokens[0])):
            break
        for token in tokens:
            label, inline = _label(token)
            if label or FORM_STOP.match(token):
                close()
                current = {'label': label, 'parts': [inline] if inline else [], 'start': number, 'end': number,
                           'inline': bool(inline)} if label else None
            elif current is not None and not (current['inline'] and number > current['start']):
                current['parts'].append(token)
                current['inline'] = current['inline'] or number == current['start']
                current['end'] = number
    close()
    return [f for f in found if f[1] not in NO_VALUE]


def _cells(raw: str, layout: str) -> list[str]:
    """Cells of a form line: tab-separated, or (pdftotext) words apart; one cell per line otherwise."""
    if '\t' in raw:
        return raw.split('\t')
    return raw.split() if layout == 'text' else [raw]


def _label(token: str) -> tuple[str, str]:
    text = squash(token)
    for label in form_labels():
        if text.startswith(label):
            rest = re.sub(r'^[（(][^）)]{0,6}[）)]', '', text[len(label):])
            rest = re.sub(r'^[:：]', '', rest)
            if rest and not text[len(label)] in '：:（(':
                continue                       # '项目名称' is a label, '项目名称表' is not
            return label, rest
    return '', ''


def _worded_indicators(groups, source: str, project: str) -> list[ProjectDetail]:
    """Indicators whose 指标值 is words ('有效提升'): the name, the value, then the 指标值设置依据."""
    out = []
    for cells, lines in groups:
        texts = [squash(c) for c in cells]
        at = next((i for i, t in enumerate(texts) if BASIS.match(t) and i >= 2), None)
        if at is None or not texts[at - 1] or not texts[at - 2] or VALUE.match(texts[at - 1]):
            continue
        out.append(ProjectDetail(source, project, texts[at - 2], clean_cell(cells[at - 1]), lines[at - 2],
                                 lines[at - 1], previous=previous_value(cells, at - 1), indicator=True))
    return out


def _plain(value) -> str:
    text = format(value, 'f')
    return text.rstrip('0').rstrip('.') if '.' in text else text


# ---- 情况说明: 项目名称：… and the lines under it ----------------------------------------------

def _descriptions(blocks: list[Block]) -> list[ProjectDetail]:
    out, project, start, last = [], '', 0, None
    for block in sorted((b for b in blocks if b.kind != 'table'), key=lambda b: b.line_start):
        text = block.text.strip()
        named = PROJECT_NAME.match(text)
        if named:
            project, start, last = named.group('name').strip(), block.line_start, None
            out.append(ProjectDetail('情况说明', project, '项目名称', project, block.line_start, block.line_end))
            continue
        if not project or block.kind == 'heading' and not DESCRIPTION_FIELD.match(text) \
                or block.line_start - start > DESCRIPTION_LINES:
            project = ''
            continue
        field = DESCRIPTION_FIELD.match(text)
        if field:
            last = ProjectDetail('情况说明', project, field.group('label'), field.group('value').strip(),
                                 block.line_start, block.line_end)
            out.append(last)
        elif last is not None and not last.value.endswith('。'):
            joined = (last.value + text)[:LONGEST_VALUE * 2]
            out[-1] = last = ProjectDetail('情况说明', project, last.field, joined, last.line_start, block.line_end)
    return [d for d in out if d.value]
