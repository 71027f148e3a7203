"""detail: what a project's record says — who carries it and who is responsible, on what basis, when, how
the money is divided or calculated, each performance indicator (指标值, 上年完成值) — the fields of a
部门整体绩效目标表 (联系人, 联系电话), or where a row's money comes from.

    run(plan, ctx)   # '开发区党建工作项目由谁承担' -> its '项目承担单位：…' line, quoted and cited
                     # '业务活动经费项目全年要采编上报多少条政务信息' -> ≥990条 (上年完成值 1000 篇)
    unit_projects(plan, ctx)   # '园林环卫市政局哪个项目钱最多' -> the projects that unit carries, ranked

Which words ask for which line is data (data/vocabulary/project_fields.tsv); a field the document does not
print is said to be absent, never guessed.

Why ~470 lines: every question about a project's record (a field, an indicator, the calculation, a unit's own
projects) reads the same records (qa/records.py) and says them through the same sentence helpers below.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from ingest.numbers import format_amount
from ingest.vocabulary import vocabulary_table
from ingest.text import squash

from ..label_match import longest_common_run
from ..checknotes import failed_checks
from ..compose import Draft, amount, refusal, who
from ..normalize import name_key, normalise
from ..plan import Plan
from ..records import DEPARTMENT_FORM, UNIT_FIELDS, Record, amounts_in, chosen, project_records, unit_matches
from ..select import per_document
from .common import figures, state
from .per_person import standard_times_quantity

SOURCE_TABLE = 2


@lru_cache(maxsize=1)
def fields() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((head, tuple(sorted((normalise(w) for w in words), key=len, reverse=True)))
                 for head, words in vocabulary_table('project_fields'))


def asked_field(text: str) -> str:
    found = [(max(len(w) for w in words if w in text), head)
             for head, words in fields() if any(w in text for w in words)]
    return max(found)[1] if found else ''


def asked_fields(text: str) -> list[str]:
    """Every printed label the question's words ask for, in the order of the vocabulary."""
    return [head for head, words in fields() if any(w in text for w in words)]


def run(plan: Plan, ctx):
    """The project's record first; where it does not print what is asked, what its description lists, else
    the record's own 文件没有列出…"""
    answered = from_record(plan, ctx)
    if answered is not None and answered.status == 'answered':
        return answered
    return _from_description(plan, ctx) or answered


def _from_description(plan: Plan, ctx):
    field = asked_field(plan.question)
    project = _project(plan)
    if project is not None:
        if field in ('项目承担单位', '设立的政策依据', '资金执行时间'):
            return _project_line(plan, project, field, ctx)
        return _project_breakdown(plan, project, ctx)
    if field == '资金来源':
        return _sources(plan, ctx)
    return None


def _project(plan: Plan):
    """The project entry (its own budget figure) the question names best."""
    ranked = [c for c in figures(plan) if c.entry.kind == 'fact' and c.entry.project_total]
    return ranked[0].entry if ranked else None


def _project_line(plan: Plan, project, field: str, ctx):
    blocks = [b for b in ctx.blocks(project.doc) if b['kind'] in ('paragraph', 'heading')]
    titles = [b for b in blocks if '项目名称' in b['text'][:12]]
    wanted = name_key(project.project)
    title = max(titles, key=lambda b: _shared(wanted, name_key(b['text'])), default=None)
    if title is None or _shared(wanted, name_key(title['text'])) < 4:
        return None
    following = [b['line_start'] for b in titles if b['line_start'] > title['line_start']]
    stop = min(following, default=title['line_start'] + 40)
    line = next((b for b in blocks if title['line_start'] < b['line_start'] < stop
                 and squash(b['text']).startswith(field)), None)
    if line is None:
        return None
    draft = Draft(ctx)
    name = title['text'].split('：', 1)[-1].split(':', 1)[-1].strip()
    draft.add(f'{who(project)}“{name}”{draft.cite_lines(project.doc, title["line_start"], title["line_end"])}：'
              f'“{line["text"].strip()}”{draft.cite_lines(project.doc, line["line_start"], line["line_end"])}')
    return draft.finish(plan.question, None, None, 'facts')


CALCULATION = '测算依据'


def _calculation(plan: Plan, ctx):
    """The project's budget, and the standard × quantity its description states, set against it."""
    project = _project(plan)
    if project is None:
        return None
    own = _described(plan, project)
    draft = Draft(ctx)
    state(draft, project, plan, ctx, breakdown=False, explanation=False)
    if not standard_times_quantity(draft, project, own):
        return None
    return draft.finish(plan.question, str(project.fact.value), project.unit, 'facts')


def _described(plan: Plan, project) -> list:
    """The figures the project's description lists (its parts, a standard and a count)."""
    return [e for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == project.doc
            and e.fact.source == 'text' and not e.project_total and name_key(e.project) == name_key(project.project)
            and e.aspect == '']


def _project_breakdown(plan: Plan, project, ctx):
    """The project's budget and the figures its description lists."""
    draft = Draft(ctx)
    state(draft, project, plan, ctx, breakdown=False, explanation=False)
    own = _described(plan, project)
    if own:
        listed = '；'.join(f'{e.fact.row}{amount(e.fact)}{draft.cite_fact(e.fact)}' for e in own[:8])
        draft.add('文件所列：' + listed + '。')
        standard_times_quantity(draft, project, own)
        failed_checks(draft, [e.fact for e in own])      # the listed parts against the project's own total
    return draft.finish(plan.question, str(project.fact.value), project.unit, 'facts')


def _sources(plan: Plan, ctx):
    """Where a row's money comes from: its non-zero columns in the 收入 table."""
    ranked = [c for c in figures(plan) if c.entry.kind == 'fact' and c.entry.fact.source == 'table']
    leads = per_document(ranked)
    if not leads:
        return None
    lead = leads[0].entry
    sources = [e for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == lead.doc
               and e.table_no == SOURCE_TABLE and e.fact.row_code == lead.fact.row_code and lead.fact.row_code
               and e.aspect and e.fact.value != 0]
    if not sources:
        return None
    draft = Draft(ctx)
    state(draft, lead, plan, ctx, breakdown=False, explanation=False)
    listed = '，'.join(f'{e.fact.column}{amount(e.fact)}{draft.cite_fact(e.fact)}' for e in sources)
    draft.add(f'资金来源（表{SOURCE_TABLE}）：{listed}。')
    return draft.finish(plan.question, str(lead.fact.value), lead.unit, 'facts')


def _shared(a: str, b: str) -> int:
    return len(longest_common_run(a, b)[0])


# ---- a project's record (ingest/project_details.py) -----------------------------------------------

ASKS_QUANTITY = re.compile(r'(多少|几|多大|多高|多长|目标|指标|要求|达到|标准|比例|率)')
SHORTEST_INDICATOR_MATCH = 4
AMOUNT_IN_TEXT = re.compile(r'\d\s*万?元')
INDICATORS = '绩效指标'                  # asks for the list of a record's indicators (project_fields.tsv)


@dataclass(frozen=True)
class Asked:
    """What one record is asked: printed fields, or one indicator (with how well its name matched)."""
    record: Record
    labels: tuple[str, ...] = ()
    indicator: dict | None = None
    score: tuple = (0, 0)


def records_of(plan: Plan, ctx) -> list[Record]:
    return [r for d in plan.reading.docs for r in project_records(ctx.details(d.doc), d.doc)]


def from_record(plan: Plan, ctx):
    """The fields and indicators the question asks for, from the record of the project it names (or the
    department's own 绩效目标表 when it names none). A name several projects share (two units' 专项业务工作经费)
    is answered for each of them."""
    if plan.reading is None or not plan.reading.docs:
        return None
    if asked_field(plan.question) == CALCULATION:      # '是怎么算的': a standard × a quantity its lines state
        calculated = _calculation(plan, ctx)
        if calculated is not None:
            return calculated
    records = records_of(plan, ctx)
    text = _blank(plan.reading.text, plan.reading.taken[1:-1])      # the organisation and year named are no project's
    units = (plan.subunit,) if plan.subunit else ()
    projects = [r for r in records if not r.department]
    named = chosen(projects, text, units, amounts_in(text)) or chosen(projects, plan.reading.text, units)
    labels = asked_fields(plan.question)
    if not named:
        return _department(plan, ctx, [r for r in records if r.department], labels)
    asked = _without_mentions(plan)
    if plan.carried and not _indicator_in(named, asked):
        # '去年完成了多少？' asks about the indicator before
        asked = _blank(plan.reading.text, plan.reading.taken[1:-1])
    readings = [x for x in (_asked(r, labels, asked) for r in _each_project(named, labels)) if x is not None]
    if not readings:
        return None
    if len(readings) > 1 and any(x.indicator is not None for x in readings):
        readings = [max((x for x in readings if x.indicator is not None), key=lambda x: x.score)]
    full = name_key(plan.reading.text)
    return _answer(plan, ctx, readings, any(k in full for x in readings for k in x.record.keys))


def _each_project(named: list[Record], labels: list[str]) -> list[Record]:
    """The records to answer from: the first that prints a field asked, or each of several projects of one name
    carried by different units."""
    by_unit: dict[frozenset, list[Record]] = {}
    for r in named:
        by_unit.setdefault(frozenset(name_key(u) for u in r.units()), []).append(r)
    groups = list(by_unit.values()) if all(by_unit) else [named]
    return [next((r for r in group if any(r.values(label) for label in labels)), group[0]) for group in groups[:3]]


def _asked(record: Record, labels: list[str], asked: str) -> Asked | None:
    """An indicator the question's words name (a quantity asked), else the fields asked; None for neither."""
    quantity = (ASKS_QUANTITY.search(asked) or not labels) and INDICATORS not in labels
    match = _indicator(record, asked) if quantity else None
    if match is not None:
        return Asked(record, (), match[2], match[:2])
    return Asked(record, tuple(labels)) if labels else None


def _indicator_in(named: list[Record], asked: str) -> bool:
    return any(_indicator(r, asked) is not None for r in named)


def _department(plan: Plan, ctx, records: list[Record], labels: list[str]):
    """A question naming no project: the 部门整体绩效目标表's fields (联系人, 部门名称) or one of its indicators."""
    with_field = [r for r in records if any(r.values(label) for label in labels)]
    if with_field:
        return _answer(plan, ctx, [Asked(with_field[0], tuple(labels))])
    asked = _without_mentions(plan)
    found = [(match, r) for r in records for match in [_indicator(r, asked)] if match is not None]
    if not found or not ASKS_QUANTITY.search(asked):
        return None
    match, record = max(found, key=lambda f: f[0][:2])
    return _answer(plan, ctx, [Asked(record, (), match[2], match[:2])])


def _blank(text: str, spans) -> str:
    return ''.join('\0' if any(s <= i < e for s, e in spans) else c for i, c in enumerate(text))


def _without_mentions(plan: Plan) -> str:
    """The question without the organisation and year it names ('开发区2024年' is no indicator's words)."""
    r = plan.reading
    start, end = r.clause or (0, len(r.text))
    text = plan.question
    for s, e in r.taken:
        if start <= s and e <= end and (s, e) != (start, end) and e - s < len(text):
            text = text.replace(r.text[s:e], '')
    return text


def _indicator(record: Record, question: str) -> tuple | None:
    """(characters matched, share of the name, row): the indicator whose name the question's words spell most
    of (the project's own name left out)."""
    asked = name_key(question)
    for key in record.keys:
        run = longest_common_run(key, asked)[0]
        if len(run) >= 4:
            asked = asked.replace(run, '\0')
    scored = []
    for row in record.indicators():
        name = re.sub(r'[（(][^）)]*[）)]$', '', name_key(row['field']))
        shared = _shared_runs(name, asked)
        if shared >= SHORTEST_INDICATOR_MATCH:
            scored.append((shared, shared / max(len(name), 1), row))
    return max(scored, key=lambda s: s[:2]) if scored else None


def _shared_runs(name: str, asked: str) -> int:
    """How many characters of the name the question holds, in runs of two or more."""
    total = 0
    while True:
        run = longest_common_run(name, asked)[0]
        if len(run) < 2:
            return total
        total += len(run)
        name = name.replace(run, '\0', 1)
        asked = asked.replace(run, '\0', 1)


def _answer(plan: Plan, ctx, readings: list[Asked], named_in_full: bool = True):
    """The fields asked, each quoted and cited; a field the record does not print is 文件中没有 when the
    question names the project in full (else another reading of the question may answer it)."""
    draft = Draft(ctx)
    said, value, unit, found = [], None, None, False
    for x in readings:
        record, labels, indicator = x.record, list(x.labels), x.indicator
        if len(readings) > 1:                  # several projects of one name: say whose each is
            labels = [label for label in UNIT_FIELDS[:1] if label not in labels] + labels
        sentence, printed = _said(draft, record, labels, indicator)
        said.append(sentence)
        found = found or printed
        if indicator is not None and len(readings) == 1:
            value, unit = indicator['target'] or None, indicator['unit'] or None
        elif len(readings) == 1 and record.budget is not None and _about_money(record, labels):
            value, unit = str(record.budget), '万元'      # how the money is used: the answer's figure is the budget
    if not found:
        if not named_in_full:
            return None
        draft.add(''.join(said))
        return refusal(plan.question, '', draft)
    draft.add(''.join(said))
    for x in readings:                          # '办公费0.6万元…' that do not add up to the project's 3万元
        failed_checks(draft, _facts_on_lines(ctx, x.record, x.labels), kinds=('text',))
    return draft.finish(plan.question, value, unit if value else None, 'record')


def _facts_on_lines(ctx, record: Record, labels) -> list:
    """The prose figures on the lines of the record's fields asked: the parts a check of the record adds up."""
    lines = {n for label in labels for row in record.values(label)
             for n in range(row['line_start'], (row['line_end'] or row['line_start']) + 1)}
    document = ctx.document(record.doc)
    return [f for f in ctx.facts([document]) if f.source == 'text' and f.line_start in lines] if document else []


def _about_money(record: Record, labels: list[str]) -> bool:
    """A field whose printed value states amounts ('园林绿化水、电费 1250.767 万元…') describes the money."""
    return any(AMOUNT_IN_TEXT.search(row['value']) for label in labels for row in record.values(label))


def _said(draft: Draft, record: Record, labels: list[str], indicator: dict | None) -> tuple[str, bool]:
    """One record's sentence, and whether it states anything asked."""
    head = f'{_who(record, draft.ctx)}{_title(record, draft)}'
    parts = []
    for label in labels:
        for row in _distinct(record.values(label)):
            parts.append(f'{label}：{_printed(row)}{_cite(draft, row)}')
    if INDICATORS in labels and not record.values(INDICATORS) and record.indicators():
        listed = '；'.join(_indicator_phrase(row, draft) for row in record.indicators()[:12])
        parts.append(f'绩效指标：{listed}')
    if indicator is not None:
        parts.append(_indicator_sentence(indicator, draft))
    if not parts:
        missing = [label for label in labels if label != INDICATORS or not record.indicators()]
        return f'{head}：文件没有列出该项目的{"、".join(missing)}。', False
    return f'{head}：{"；".join(parts)}。', True


def _who(record: Record, ctx) -> str:
    info = ctx.document(record.doc)
    return f'{info.org}{info.year}年' if info is not None else ''


def _title(record: Record, draft: Draft) -> str:
    if record.department:
        return '部门整体绩效目标表'
    budget = record.budget_row
    money = f'（{budget["field"]}：{_printed(budget)}{_cite(draft, budget)}）' if budget else ''
    return f'“{record.name}”{money}'


def _printed(row: dict) -> str:
    value = row['value'].strip().rstrip('。')
    if row['field'] in ('年度预算总额',) and not value.endswith('元'):
        value += '万元'                          # the form's 项目资金（万元） heading gives its unit
    return f'“{value}”' if len(value) > 30 or '不予公开' in value or '不公开' in value else value


def _indicator_sentence(row: dict, draft: Draft) -> str:
    where = '' if row['source'] == DEPARTMENT_FORM else f'{row["source"]}的'
    return f'{where}绩效指标{_indicator_phrase(row, draft)}'


def _indicator_phrase(row: dict, draft: Draft) -> str:
    """'“全年采编上报政务信息条数（条）”为≥990条[2]（上年完成值：1000 篇）'"""
    target = f'{row["op"]}{row["target"]}{row["unit"]}' if row['target'] else row['value']
    draft.quoted.append(squash(row['value']))     # '>=1800 0人': the digits a PDF printed apart, as read
    previous = f'（上年完成值：{row["previous"]}）' if row['previous'] else ''
    return f'“{row["field"]}”为{target}{_cite(draft, row)}{previous}'


def _cite(draft: Draft, row: dict) -> str:
    return draft.cite_lines(row['doc'], row['line_start'], row['line_end'])


def _distinct(rows: list[dict]) -> list[dict]:
    seen, out = set(), []
    for row in rows:
        if name_key(row['value']) not in seen:
            seen.add(name_key(row['value']))
            out.append(row)
    return out


# ---- the projects a unit inside the document carries -----------------------------------------------

def about_unit(plan: Plan, ctx):
    """A question about a unit inside the document: a project it carries, or all of them ('…的项目一共多少钱')."""
    named = from_record(plan, ctx) if plan.kind == 'detail' else None
    if named is not None:
        return named
    return unit_projects(plan, ctx) if '项目' in plan.reading.text else None


def unit_projects(plan: Plan, ctx):
    """'园林环卫市政局哪个项目钱最多', '政法统战事务中心的项目一共多少钱': the projects whose 项目承担单位 (or the
    预算单位 of whose 绩效目标表) is that unit — its own projects, never its parent's totals."""
    if plan.reading is None or not plan.subunit:
        return None
    carried = [r for r in records_of(plan, ctx) if not r.department and r.budget is not None
               and any(unit_matches(plan.subunit, u) for u in r.units())]
    carried = _one_per_project(carried)
    if not carried:
        return None
    draft = Draft(ctx)
    whose = _who(carried[0], ctx)
    if plan.kind not in ('rank', 'sum', 'lookup', 'count'):
        if not _undisclosed(draft, carried, asked_fields(plan.question), whose + plan.subunit):
            draft.add(_listed(draft, carried, whose, plan.subunit))
        return draft.finish(plan.question, None, None, 'record')
    if plan.kind == 'rank':
        carried.sort(key=lambda r: -r.budget)
        top = carried[0]
        draft.add(f'{_listed(draft, carried, whose, plan.subunit)}其中“{top.name}”最多，{_printed(top.budget_row)}。')
        value, method = top.budget, 'record'
    else:
        value = sum((r.budget for r in carried), Decimal(0))
        formula = ' + '.join(format_amount(r.budget) for r in carried)
        draft.add(f'{_listed(draft, carried, whose, plan.subunit)}合计{format_amount(value)}万元'
                  f'（计算：{formula} = {format_amount(value)}）。')
        method = 'computation'
    _undisclosed(draft, carried, asked_fields(plan.question), '')
    return draft.finish(plan.question, str(value), '万元', method)


def _listed(draft: Draft, records: list[Record], whose: str, unit: str) -> str:
    draft.quoted.extend(r.name for r in records)
    listed = '；'.join(f'{i}、“{r.name}”{_printed(r.budget_row)}{_cite(draft, r.budget_row)}'
                      for i, r in enumerate(records, 1))
    return f'{whose}文件中由{unit}承担的项目：{listed}。'


def _undisclosed(draft: Draft, records: list[Record], labels: list[str], whose: str) -> bool:
    """What the unit's projects mark 不予公开 (or leave out) among the fields asked; True when it said any."""
    said = False
    for label in labels or ():
        rows = [row for r in records for row in r.values(label)]
        hidden = [row for row in rows if '不予公开' in row['value'] or '不公开' in row['value']]
        if hidden:
            marks = ''.join(_cite(draft, row) for row in hidden)
            names = '、'.join(f'“{r.name}”' for r in records if any(row in hidden for row in r.values(label)))
            draft.add(f'{whose or "这些"}项目{names}的{label}文件均标注“{hidden[0]["value"].strip()}”{marks}。')
            said = True
        elif not rows:
            draft.add(f'文件没有列出{whose or "这些"}项目的{label}。')
            said = True
    return said


def _one_per_project(records: list[Record]) -> list[Record]:
    """A description and a form of the same project are one record already; a form alone that repeats a
    described project of the same budget is left out."""
    out = []
    for r in records:
        if not any(o.budget == r.budget and any(k in ok or ok in k for k in r.keys for ok in o.keys) for o in out):
            out.append(r)
    return out
