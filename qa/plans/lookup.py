"""lookup: the figure asked for, per document, with everything the document says about it.

    run(plan, ctx)    # '州政府办2024年三公经费是多少' -> 0.00 万元 from the 三公 paragraph, 表10 empty, its parts

A figure found only as an empty table, a blank row or '未安排' is answered
'未安排' with that line cited; a sub-unit is answered only with the projects
it carries, never with its parent's totals.
"""
from __future__ import annotations

from ..compose import Draft, amount, chinese_count, clarify, who
from ..plan import Plan
from ..select import per_document
from .common import absence, blank_parent_children, figures, in_unit, state, state_children


def run(plan: Plan, ctx):
    ranked = figures(plan)
    leads = per_document(ranked)
    if not leads:
        return None
    facts = [c for c in leads if c.entry.kind == 'fact']
    if facts and len({c.entry.org for c in facts}) > 1 and not plan.orgs and len(plan.reading.docs) > 1 \
            and not any(c.entry.project for c in facts):
        return clarify(plan.question, tuple(dict.fromkeys(c.entry.org for c in facts)), '问题没有说明是哪个单位')
    several = _several_rows(ranked, facts)
    if several:
        return _list_rows(plan, several, ctx)
    draft = Draft(ctx)
    headline, computed = None, None
    for c in (facts or leads):
        e = c.entry
        parts = blank_parent_children(e, plan)
        if parts:
            computed = computed or (state_children(draft, e, parts), parts[0].unit)
            continue
        if e.kind == 'absent':
            draft.add(absence(draft, e, [x.entry for x in ranked
                                         if x.entry.kind == 'absent' and x.score >= c.score - 1]))
            continue
        headline = headline or e
        state(draft, e, plan, ctx)
        draft.add(in_unit(e.fact.value, e.unit, plan.unit_asked))
    if len(facts) > 1:
        draft.add(f'（{chinese_count(len(facts))}份文件各有一个数字，按年份分别列出。）')
    if headline is None and computed is not None:
        return draft.finish(plan.question, str(computed[0]), computed[1], 'computation')
    if headline is None:
        return draft.finish(plan.question, None, None, 'facts')
    return draft.finish(plan.question, str(headline.fact.value), headline.unit, 'facts')


def _several_rows(ranked, leads) -> list:
    """Rows of one table with the same label under different codes, tying for the question ('行政运行' of
    several 款 in a department's 汇总 budget): which one is meant, the question does not say."""
    if len(leads) != 1:
        return []
    lead = leads[0]
    if lead.entry.fact.source != 'table' or not lead.entry.fact.row_code:
        return []
    ties = [c.entry for c in ranked if c.entry.kind == 'fact' and c.entry.doc == lead.entry.doc
            and c.entry.table_no == lead.entry.table_no and c.score >= lead.score - 0.01
            and c.entry.aspect == lead.entry.aspect and c.entry.fact.row_code]
    codes = {e.fact.row_code for e in ties}
    return sorted(ties, key=lambda e: e.fact.row_code) if len(codes) > 1 else []


def _list_rows(plan: Plan, rows, ctx):
    draft = Draft(ctx)
    first = rows[0]
    listed = '；'.join(f'{e.fact.row_code}{"（" + e.parent + "）" if e.parent else ""}：'
                       f'{amount(e.fact)}{draft.cite_fact(e.fact)}' for e in rows)
    draft.add(f'{who(first)}表{first.table_no}{first.fact.table_title}中有{len(rows)}行“{first.fact.row}”，分属不同的科目：'
              f'{listed}。请指明是哪一个科目的{first.fact.row}。')
    draft.warn('several_rows')
    return draft.finish(plan.question, None, None, 'facts')
