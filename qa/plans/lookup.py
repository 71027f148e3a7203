"""lookup: the figure asked for, per document, with everything the document says about it.

    run(plan, ctx)    # '州政府办2024年三公经费是多少' -> 0.00 万元 from the 三公 paragraph, 表10 empty, its parts

A figure found only as an empty table, a blank row or '未安排' is answered
'未安排' with that line cited; a sub-unit is answered only with the projects
it carries, never with its parent's totals.
"""
from __future__ import annotations

from ..compose import Draft, chinese_count, clarify
from ..plan import Plan
from ..select import per_document
from .common import absence, figures, in_unit, state


def run(plan: Plan, ctx):
    ranked = figures(plan)
    leads = per_document(ranked)
    if not leads:
        return None
    facts = [c for c in leads if c.entry.kind == 'fact']
    if facts and len({c.entry.org for c in facts}) > 1 and not plan.orgs and len(plan.reading.docs) > 1 \
            and not any(c.entry.project for c in facts):
        return clarify(plan.question, tuple(dict.fromkeys(c.entry.org for c in facts)), '问题没有说明是哪个单位')
    draft = Draft(ctx)
    headline = None
    for c in (facts or leads):
        e = c.entry
        if e.kind == 'absent':
            draft.add(absence(draft, e, [x.entry for x in ranked if x.entry.kind == 'absent' and x.score >= c.score - 1]))
            continue
        headline = headline or e
        state(draft, e, plan, ctx)
        draft.add(in_unit(e.fact.value, e.unit, plan.unit_asked))
    if len(facts) > 1:
        draft.add(f'（{chinese_count(len(facts))}份文件各有一个数字，按年份分别列出。）')
    if headline is None:
        return draft.finish(plan.question, None, None, 'facts')
    return draft.finish(plan.question, str(headline.fact.value), headline.unit, 'facts')

