"""exists: '有没有政府性基金预算支出' — 有 with the figure, or 没有 with the document's own words.

    run(plan, ctx)   # '没有。…2024年没有使用政府性基金预算拨款安排的支出，政府性基金预算支出情况表为空表。'

A figure above zero answers 有; an empty table, a blank row or '未安排' answers
没有; a template sentence that says 没有 is not evidence, and is pointed out.
"""
from __future__ import annotations

from ..label_match import canonical
from ..compose import Draft, who
from ..plan import Plan
from ..select import per_document
from .common import absence, blank_parent_children, figures, state, state_children


def run(plan: Plan, ctx):
    ranked = figures(plan)
    if not ranked:
        return None
    draft = Draft(ctx)
    headline, computed = None, None
    for c in per_document(ranked):
        e = c.entry
        present = [x.entry for x in ranked if x.entry.doc == e.doc and x.entry.kind == 'fact'
                   and x.score >= c.score - 0.5 and x.entry.fact.value > 0]
        absent = [x.entry for x in ranked
                  if x.entry.doc == e.doc and x.entry.kind == 'absent' and x.score >= c.score - 1]
        parts = blank_parent_children(absent[0], plan) if absent and not present else []
        if parts:
            draft.add('有。')
            computed = computed or (state_children(draft, absent[0], parts), parts[0].unit)
        elif present:
            lead = present[0]
            headline = headline or lead
            draft.add('有。')
            state(draft, lead, plan, ctx, explanation=False)
            _template_note(draft, lead, ctx)
        elif absent:
            draft.add('没有。' + absence(draft, absent[0], absent[1:]))
        elif e.kind == 'fact':
            draft.add('没有（金额为0）。')
            state(draft, e, plan, ctx, breakdown=False, explanation=False)
    if headline is None and computed is not None:
        return draft.finish(plan.question, str(computed[0]), computed[1], 'computation')
    if headline is None:
        return draft.finish(plan.question, None, None, 'facts')
    return draft.finish(plan.question, str(headline.fact.value), headline.unit, 'facts')


def _template_note(draft: Draft, lead, ctx) -> None:
    """A template sentence left in the document that would say 没有: shown, so nobody quotes it."""
    names = {n for n in (canonical(lead.subject), lead.subject) if len(n) >= 4}
    for s in ctx.statements(lead.doc, 'template_unfilled'):
        text = s['text'].replace(' ', '')
        if any(n[:6] in text for n in names) and ('没有' in text or '无' in text):
            draft.add(f'注意：情况说明中对应段落是未填写的模板，写着“{s["text"][:60]}”'
                      f'{draft.cite_lines(lead.doc, s["line_start"], s["line_end"])}'
                      f'，不能据此认为{who(lead)}没有这项支出。')
            return
