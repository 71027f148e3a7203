"""compare: one item side by side for several organisations (or years), each figure cited.

    run(plan, ctx)   # '克州工信局和昌吉州工信局的三公经费比较' -> every year each has, years told apart

Figures of different years are compared only with a warning that they are;
the larger is named only when the units agree.
"""
from __future__ import annotations

from ..compose import Draft, amount, subject_phrase
from ..plan import Plan
from .common import figures


def run(plan: Plan, ctx):
    ranked = [c for c in figures(plan) if c.entry.kind == 'fact']
    by_doc = {}
    for c in ranked:
        if c.entry.doc not in by_doc and c.score >= ranked[0].score - 1.0:
            by_doc[c.entry.doc] = c.entry
    if len(by_doc) < 2:
        return None
    rows = sorted(by_doc.values(), key=lambda e: (e.org, e.year or 0))
    draft = Draft(ctx)
    draft.add('；'.join(f'{e.org}（{e.year}年预算公开）{subject_phrase(e)}{amount(e.fact)}{draft.cite_fact(e.fact)}'
                        for e in rows) + '。')
    top = max(rows, key=lambda e: e.fact.value)
    if len({e.unit for e in rows}) == 1 and len({e.org for e in rows}) > 1:
        draft.add(f'最大的是{top.org}（{top.year}年）。')
    if len({e.year for e in rows}) > 1:
        draft.warn('different_years')
        draft.add('注意：各文件的年份不同，同一年份可比的数字文件中没有，比较时请留意。')
    return draft.finish(plan.question, str(top.fact.value), top.unit, 'computation')
