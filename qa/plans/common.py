"""What every kind of answer shares: choosing figures, stating one with what the document says around it.

    ranked = figures(plan)                      # candidates for the plan's item, best first
    draft = Draft(ctx); state(draft, ranked[0].entry, plan, ctx)

Stating a figure writes it with its table and line, then — from the same
document — the other tables that print the same row in another scope, any
place that states it differently (文件前后不一致), its breakdown, the
document's own 比上年 sentence, and failed checks of its table.
"""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from ingest.numbers import format_amount
from ingest.text import bigrams

from ..checknotes import failed_checks, reason_notes, sentence_figures
from ..catalogue import ALL_FUNDS, Entry
from ..label_match import canonical
from ..compose import Draft, amount, cite_sentence, figure_sentence, sentence_at, where, who
from ..plan import Plan, parts_of
from ..reconcile import reconciling, scope_names
from ..select import Candidate, candidates, same_subject

SCOPE_NAMES = {'全部资金': '全部资金口径', '一般公共预算': '一般公共预算口径', '财政拨款': '财政拨款口径',
               '政府性基金预算': '政府性基金口径', '国有资本经营预算': '国有资本经营口径', '单位资金': '单位资金口径'}


def figures(plan: Plan, aspects=('',), kinds=('fact', 'absent')) -> list[Candidate]:
    """Candidates for the plan's item: facts (and statements of absence) of the asked aspects."""
    reading = plan.reading

    def accept(e: Entry) -> bool:
        if e.kind not in kinds:
            return False
        if e.kind == 'fact' and not (e.aspect in aspects
                                     or (e.aspect not in ('change', 'rate', 'share') and '' in aspects)):
            return False
        return not plan.subunit or bool(e.project)
    return candidates(reading, accept)


def amounts(plan: Plan) -> Plan:
    """The plan read for money: a rate or a share is asked in %, the figures it is computed from are not."""
    if not plan.units:
        return plan
    return replace(plan, reading=replace(plan.reading, units=(), excluded=[]))


def percent(part: Decimal, whole: Decimal, places: int = 2) -> Decimal:
    return (part / whole * 100).quantize(Decimal(1).scaleb(-places))


def related(entry: Entry, plan: Plan) -> list[Entry]:
    """Every fact of the same document about the same figure (other tables, the prose). Two figures the prose
    pattern read with one short label, or on one line, are two things the sentence lists, not one stated twice."""
    return [e for e in plan.reading.catalogue.entries if e.kind == 'fact' and e is not entry and same_subject(e, entry)
            and not (_loose(e) or _loose(entry)) or (e.kind == 'fact' and e is not entry and same_subject(e, entry)
                                                     and e.line_start != entry.line_start and len(e.subject) >= 6)]


def _loose(e: Entry) -> bool:
    return e.fact is not None and 'general_pattern' in e.fact.flags


def state(draft: Draft, lead: Entry, plan: Plan, ctx, breakdown: bool = True, explanation: bool = True) -> None:
    draft.add(figure_sentence(lead, draft))
    same = related(lead, plan)
    _scopes_and_contradictions(draft, lead, same, plan)
    _project_cross_check(draft, lead, plan)
    if breakdown:
        _breakdown(draft, lead, plan)
        _row_columns(draft, lead, plan)
    _empty_table_note(draft, lead, plan)
    if explanation:
        stated_change(draft, lead, plan)
    check_warnings(draft, lead)


def _scopes_and_contradictions(draft: Draft, lead: Entry, same: list[Entry], plan: Plan) -> None:
    tables: dict[Decimal, list[Entry]] = {}
    for e in [lead] + same:
        if e.fact.source == 'table' and e.unit == lead.unit:
            tables.setdefault(e.fact.value, []).append(e)
    shown = {lead.fact.value}
    for e in sorted(same, key=lambda e: (e.fact.source != 'table', e.table_no or 99, e.line_start)):
        f = e.fact
        if f.value in shown or e.unit != lead.unit:
            continue
        shown.add(f.value)
        if f.source == 'table' and lead.fact.source == 'table' and e.scope != lead.scope:
            draft.add(f'另：{where(f)}（{SCOPE_NAMES.get(e.scope, e.scope)}）为{amount(f)}{draft.cite_fact(f)}。')
            continue
        if f.source == 'text' and any(x.scope != e.scope for x in tables.get(lead.fact.value, [])) and \
                not any(x.scope == e.scope for x in tables.get(lead.fact.value, [])) and \
                any(x.scope == e.scope for xs in tables.values() for x in xs):
            continue                         # the prose states another scope's figure, which a table prints too
        if _other_scope(draft, lead, e, plan):
            continue
        draft.warn('document_contradiction')
        draft.add(f'注意：文件前后不一致，{where(f)}写的是{amount(f)}{draft.cite_fact(f)}，'
                  f'与{where(lead.fact)}的{amount(lead.fact)}不同。')


def _other_scope(draft: Draft, lead: Entry, e: Entry, plan: Plan) -> bool:
    """Cells of one figure's table that make the other (qa/reconcile.py): two scopes, said as such, not a
    contradiction."""
    facts = [x.fact for x in plan.reading.catalogue.entries if x.kind == 'fact' and x.doc == e.doc]
    for f, other in ((e.fact, lead.fact), (lead.fact, e.fact)):
        cells = reconciling(facts, f, other.value)
        if cells:
            draft.add(f'另：{where(e.fact)}写的是{amount(e.fact)}{draft.cite_fact(e.fact)}，口径不同：{where(f)}中'
                      f'{scope_names(cells)}为{amount(other)}{draft.cite_fact(cells[-1])}。')
            return True
    return False


def _row_columns(draft: Draft, lead: Entry, plan: Plan) -> None:
    """A row's total or subtotal with the row's other columns: what it is made of (基本/项目, sources)."""
    f = lead.fact
    if f.source != 'table' or not f.row_code or (lead.aspect and '小计' not in lead.aspect):
        return
    others = [e for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == lead.doc
              and e.table_no == lead.table_no and e.fact.row_code == f.row_code and e.fact.row == f.row
              and e.fact.project == f.project and abs(e.fact.line_start - f.line_start) <= 15 and e.aspect
              and e.aspect != lead.aspect and e.fact.value != 0]
    if len(others) == 1 and others[0].fact.value == f.value:
        draft.add(f'（全部为{others[0].fact.column}{draft.cite_fact(others[0].fact)}。）')
    elif others:
        listed = '，'.join(f'{e.fact.column}{amount(e.fact)}{draft.cite_fact(e.fact)}' for e in others)
        draft.add(f'同一行：{listed}。')


def _project_cross_check(draft: Draft, lead: Entry, plan: Plan) -> None:
    """A project's figure in its description against the cost indicators of its 绩效目标表 (and back)."""
    f = lead.fact
    if not lead.project or lead.project_total or not f.unit.startswith('万元'):
        return
    asked = _grams(plan.question) - _grams(lead.project)
    others = [e for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == lead.doc and e.project
              and e is not lead and not e.project_total and e.fact.source != f.source and e.unit.startswith('万元')
              and _related_projects(e.project, lead.project) and asked & _grams(e.subject)]
    if not others or any(e.fact.value == f.value for e in others):
        return
    draft.warn('document_contradiction')
    listed = '、'.join(f'{e.fact.row}{amount(e.fact)}{draft.cite_fact(e.fact)}' for e in others[:3])
    draft.add(f'注意：文件前后不一致，{where(others[0].fact)}写的是{listed}，{where(f)}写的是{amount(f)}。')


def _grams(text: str) -> set[str]:
    from ..label_match import weak_words
    from ..normalize import name_key
    return bigrams(name_key(text)) - set(weak_words()) - {'万元', '费用'}


def _related_projects(a: str, b: str) -> bool:
    from ..select import names_close
    return names_close(a, b) or len(_grams(a) & _grams(b)) >= max(2, len(_grams(b)) // 2)


def _breakdown(draft: Draft, lead: Entry, plan: Plan) -> None:
    parts = parts_of().get(canonical(lead.subject), ())
    if not parts:
        return
    found = []
    for part in parts:
        best = _part_entry(part, lead, plan)
        if best is not None:
            found.append(f'{part}{amount(best.fact)}{draft.cite_fact(best.fact)}')
    if found:
        draft.add('其中：' + '，'.join(found) + '。')


def _part_entry(part: str, lead: Entry, plan: Plan) -> Entry | None:
    options = [e for e in plan.reading.catalogue.entries
               if e.kind == 'fact' and e.doc == lead.doc and e.aspect == '' and canonical(e.subject) == part
               and e.unit == lead.unit]
    options.sort(key=lambda e: (e.table_no != lead.table_no, e.scope != lead.scope, e.fact.source != 'table',
                                e.line_start))
    return options[0] if options else None


def _empty_table_note(draft: Draft, lead: Entry, plan: Plan) -> None:
    for e in plan.reading.catalogue.entries:
        if e.kind == 'absent' and e.doc == lead.doc and e.statement['kind'] == 'empty_table' and \
                canonical(e.subject) == canonical(lead.subject):
            s = e.statement
            draft.add(f'表{s["table_no"]}为空表：“{s["text"]}”{draft.cite_entry(e)}')
            return


def stated_change(draft: Draft, lead: Entry, plan: Plan) -> Entry | None:
    change = next((e for e in plan.reading.catalogue.entries
                   if e.kind == 'fact' and e.doc == lead.doc and e.aspect == 'change' and e.project == lead.project
                   and canonical(e.subject) == canonical(lead.subject)), None)
    if change is not None:
        sentence = sentence_at(draft.ctx, change.fact)
        draft.add(f'文件说明：“{sentence}”{cite_sentence(draft, change.fact)}')
        _stated_level_against_tables(draft, lead, change, plan)
        reason_notes(draft, change.fact, sentence)
    return change


def _stated_level_against_tables(draft: Draft, lead: Entry, change: Entry, plan: Plan) -> None:
    """The explanation's own '预算数为X' against the tables' figures for the row: a figure no table prints for the row,
    nor any cells of its rows make, is said with both."""
    f = lead.fact
    if f.source != 'table' or not f.row_code:
        return
    level = next((e.fact for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == lead.doc
                  and e.aspect == '' and e.fact.source == 'text' and e.fact.line_start == change.fact.line_start
                  and canonical(e.subject) == canonical(change.subject) and e.unit == lead.unit), None)
    facts = [e.fact for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == lead.doc]
    rows = [x for x in facts if x.source == 'table' and x.row_code == f.row_code and x.unit == f.unit]
    if level is None or any(x.value == level.value for x in rows) or \
            any(reconciling(facts, x, level.value) for x in rows):
        return
    shown = list(dict.fromkeys((x.table_no, x.value) for x in rows if x.column in ('合计', '总计', '预算数')))
    tables = '、'.join(f'表{n}为{format_amount(v)}{f.unit}' for n, v in shown[:3]) or f'{where(f)}为{amount(f)}'
    draft.warn('document_contradiction')
    draft.add(f'注意：文件前后不一致，情况说明写的是{amount(level)}{draft.cite_fact(level)}，与表格所列不同（{tables}）。')


def check_warnings(draft: Draft, lead: Entry) -> None:
    f = lead.fact
    if f.checks_failed:
        draft.warn('failed_check')
        said = failed_checks(draft, sentence_figures(draft.ctx.facts([draft.ctx.document(f.doc)]), f))
        if not said:      # only rounding: the figures agree to the last printed digit
            draft.add('（此数所在的加总有四舍五入的尾差。）')
    _same_row_elsewhere(draft, lead)


def _same_row_elsewhere(draft: Draft, lead: Entry) -> None:
    """The asked row in another table of the document, whose own columns do not add up (合计 2,283.33 but 基本支出 +
    项目支出 1,854.62): one more place where the document disagrees with itself about this row."""
    f = lead.fact
    if f.source != 'table' or not f.row_code:
        return
    others = [x for x in draft.ctx.facts([draft.ctx.document(f.doc)]) if x.source == 'table' and x.checks_failed
              and x.row_code == f.row_code and x.table_no != f.table_no and x.project == f.project]
    failed_checks(draft, others, limit=1, kinds=('row',))
    if any('column_ambiguous' in flag for flag in f.flags):
        draft.warn('column_ambiguous')
        draft.add('（此数所在栏目从版式上无法完全确定。）')


def blank_parent_children(entry: Entry, plan: Plan) -> list[Entry]:
    """A row printed without a figure ('22960 彩票公益金安排的支出') whose rows below carry figures: those rows
    (the finest, in the row's own table and whole column). Empty when the row is not such a parent."""
    from .levels import children
    s = entry.statement
    if entry.kind != 'absent' or s['kind'] != 'blank_row':
        return []
    code = re.search(r'：(\d{3,7})\s', s['text'])
    if not code:
        return []
    rows = [e for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == entry.doc
            and e.table_no == s.get('table_no') and e.fact.source == 'table' and e.aspect == '' and e.fact.row_code]
    found = children(rows, code.group(1))
    return found if any(e.fact.value for e in found) and len({e.unit for e in found}) == 1 else []


def state_children(draft: Draft, entry: Entry, parts: list[Entry]) -> Decimal:
    """'彩票公益金安排的支出为8万元（计算：3 + 5 = 8）': the blank row as the sum of its printed rows, each cited."""
    total = sum((e.fact.value for e in parts), Decimal(0))
    unit = parts[0].unit
    listed = '，'.join(f'{e.fact.row}{amount(e.fact)}{draft.cite_fact(e.fact)}' for e in parts)
    formula = ' + '.join(format_amount(e.fact.value) for e in parts)
    draft.add(f'{who(entry)}{entry.subject}为{format_amount(total)}{unit}（计算得出：{_table_of(entry)}中该行未列数字'
              f'{draft.cite_entry(entry)}，其下各行：{listed}；计算：{formula} = {format_amount(total)}）。')
    return total


def _table_of(entry: Entry) -> str:
    """'表3支出总体情况表': the table a blank-row statement stands in, as its text names it."""
    s = entry.statement
    title = re.sub(r'：.*$', '', s['text'])
    return title if title.startswith('表') else f'表{s.get("table_no")}'


ABSENCE_ORDER = {'empty_table': 0, 'not_arranged': 1, 'blank_row': 2}


def absence(draft: Draft, entry: Entry, others: list[Entry] = ()) -> str:
    """'没有' from the document's own words: an empty table's 备注, a '未安排' sentence, a blank row."""
    found = sorted({id(e): e for e in [entry, *others] if e.kind == 'absent' and e.doc == entry.doc}.values(),
                   key=lambda e: (ABSENCE_ORDER.get(e.statement['kind'], 3), e.line_start))
    said, seen = [], set()
    for e in found:
        s = e.statement
        if s['kind'] in seen or len(said) >= 2:
            continue
        seen.add(s['kind'])
        cite = draft.cite_entry(e)
        if s['kind'] == 'blank_row':
            said.append(f'{s["text"]}{cite}')
        else:
            said.append(f'“{s["text"]}”{cite}')
    return f'{who(entry)}没有{entry.subject}：' + '；'.join(said) + '。'


def in_unit(value: Decimal, unit: str, asked: str) -> str:
    """'（即100,000元）' when a question asks in 元 or 亿元 and the document prints 万元; '（即19,577.43万元）' for a
    figure a table prints in 元 when the question does not ask for 元 (exact: no rounding)."""
    if unit == '元' and asked != '元':
        return f'（即{format_amount((value / 10000).normalize())}万元）'
    if unit != '万元' or asked not in ('元', '亿元'):
        return ''
    converted = value * 10000 if asked == '元' else value / 10000
    return f'（即{format_amount(converted.normalize() if asked == "亿元" else converted)}{asked}）'


def scope_label(e: Entry) -> str:
    return '' if e.scope == ALL_FUNDS else SCOPE_NAMES.get(e.scope, e.scope)
