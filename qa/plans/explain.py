"""explain: why an item changed, in the document's own words (its 比上年 sentence and 主要原因).

    run(plan, ctx)   # '州政府办一般公共预算增加的主要原因' -> the sentence, quoted, with the change cited
"""
from __future__ import annotations

from ingest.numbers import format_amount

from ..compose import Draft, cite_sentence, sentence_at, who
from ..plan import Plan
from ..select import candidates, per_document
from .common import figures, state


def run(plan: Plan, ctx):
    ranked = candidates(plan.reading, lambda e: e.kind == 'fact' and e.aspect == 'change')
    reasoned = [c for c in ranked if '原因' in sentence_at(ctx, c.entry.fact)]
    leads = per_document(reasoned or ranked)
    if leads:
        draft = Draft(ctx)
        for c in leads:
            f = c.entry.fact
            draft.add(f'{who(f)}{c.entry.subject}比上年{f.column[3:]}{format_amount(f.value)}{f.unit}{draft.cite_fact(f)}。'
                      f'文件说明的原因：“{sentence_at(ctx, f)}”{cite_sentence(draft, f)}')
        f = leads[0].entry.fact
        return draft.finish(plan.question, str(f.value), f.unit, 'facts')
    level = per_document([c for c in figures(plan) if c.entry.kind == 'fact'])
    if not level:
        return None
    draft = Draft(ctx)
    state(draft, level[0].entry, plan, ctx, breakdown=False)
    from ..compose import refusal
    return refusal(plan.question, '文件没有说明这一项的原因。文件所列：', draft)
