"""share: what part of a whole an item is — as the document states it, or computed with its formula.

    run(plan, ctx)   # '一般公共服务支出占一般公共预算的比重' -> 76.30%, the sentence cited
                     # '人员经费占基本支出的比例' -> 531.72 ÷ 561.95 × 100% = 94.62%, both operands cited

A whole the question names ('A占B的比例') is looked up and divided by, never
replaced by the share the document states of another total; the result is
rounded as asked (保留一位小数), else to two decimals.
"""
from __future__ import annotations

import re

from ingest.numbers import format_amount

from ..compose import Draft, amount, sentence_at, subject_phrase, who
from ..label_match import canonical
from ..plan import Plan
from ..select import candidates, per_document
from .common import amounts, percent

DIGITS = {'一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '零': 0}


def run(plan: Plan, ctx):
    named = _named_whole(plan)
    ranked = candidates(plan.reading, lambda e: e.kind == 'fact' and e.aspect == 'share')
    leads = per_document(ranked)
    if named is not None:
        part, whole, words = named
        leads = [c for c in leads if c.entry.doc == part.doc and canonical(c.entry.subject) == canonical(part.subject)
                 and any(w in _said_around(ctx, c.entry.fact) for w in words)]
        if not leads:                       # the document states no share of this whole: computed
            return _computed(plan, part, whole, ctx)
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


def _named_whole(plan: Plan):
    """(part, whole) when the question names both around 占: the best figure for each, of one document."""
    reading = amounts(plan).reading
    text = reading.text
    start, end = reading.clause or (0, len(text))
    at = text.find('占', start, end)
    if at < 0:
        return None
    spans = [s for s in reading.subject_spans if s.exact]
    before = [s for s in spans if s.end <= at]
    after = [s for s in spans if s.start > at]
    if not before or not after:
        return None
    money = lambda e: e.kind == 'fact' and e.aspect == '' and e.unit != '%'
    parts = candidates(reading, money, spans=[s for s in reading.spans if s not in after])
    wholes = candidates(reading, money, spans=[s for s in reading.spans if s not in before])
    for p in parts:
        whole = next((w.entry for w in wholes if w.entry.doc == p.entry.doc and w.entry.unit == p.entry.unit
                      and any(s in w.used for s in after)), None)
        if whole is not None and whole.fact.value and any(s in p.used for s in before):
            return p.entry, whole, [text[s.start:s.end] for s in after]
    return None


def _said_around(ctx, f) -> str:
    """The sentence of a stated share and the heading over it: where a document says of which whole it is."""
    above = ctx.lines(f.doc, max(1, f.line_start - 4), f.line_start)
    return (above + sentence_at(ctx, f)).replace(' ', '')


def _places(question: str) -> int:
    m = re.search(r'保留(\d|[一二两三四零])位小数', question)
    if not m:
        return 1 if re.search(r'保留一位', question) else 2
    return int(m.group(1)) if m.group(1).isdigit() else DIGITS[m.group(1)]


def _computed(plan: Plan, part, whole, ctx):
    places = _places(plan.question)
    ratio = percent(part.fact.value, whole.fact.value, places)
    draft = Draft(ctx)
    draft.add(f'{who(part)}{subject_phrase(part)}为{amount(part.fact)}{draft.cite_fact(part.fact)}，'
              f'{subject_phrase(whole)}为{amount(whole.fact)}{draft.cite_fact(whole.fact)}；'
              f'{subject_phrase(part)}占{subject_phrase(whole)}的{format_amount(ratio)}%'
              f'（计算：{format_amount(part.fact.value)} ÷ '
              f'{format_amount(whole.fact.value)} × 100% = {format_amount(ratio)}%，为计算得出的数，不是文件所列）。')
    return draft.finish(plan.question, str(ratio), '%', 'computation')
