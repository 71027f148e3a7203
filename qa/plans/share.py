"""share: what part of a whole an item is — as the document states it, or computed with its formula.

    run(plan, ctx)   # '一般公共服务支出占一般公共预算的比重' -> 76.30%, the sentence cited
"""
from __future__ import annotations

from ingest.numbers import format_amount

from ..compose import Draft, amount, who
from ..plan import Plan
from ..select import candidates, per_document


def run(plan: Plan, ctx):
    ranked = candidates(plan.reading, lambda e: e.kind == 'fact' and e.aspect == 'share')
    leads = per_document(ranked)
    if not leads:
        return None
    draft = Draft(ctx)
    for c in leads:
        f = c.entry.fact
        level = next((e for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == f.doc
                      and e.aspect == '' and e.fact.source == 'text' and e.fact.line_start == f.line_start
                      and e.subject == c.entry.subject), None)
        level_text = f'{amount(level.fact)}{draft.cite_fact(level.fact)}，' if level else ''
        draft.add(f'{who(f)}{c.entry.subject}{level_text}占{format_amount(f.value)}%{draft.cite_fact(f)}。')
    return draft.finish(plan.question, str(leads[0].entry.fact.value), '%', 'facts')
