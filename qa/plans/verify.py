"""verify and the retrieval fallback: a question about what the prose says, answered by quoting it.

    run(plan, ctx)   # '州政府办负责政务公开吗' -> '是。文件原文：“(11) 负责指导、监督自治州政务公开…”'
                     # '克州工信局2024年三公经费是10万元吗' -> '是。' + the figure as a lookup states it

A question that states a figure for an item is checked against the figure the
document prints: 是 / 不是 (with the printed figure) / 约是 (equal at the
precision the question writes).

The best passage of the hybrid search in the question's organisations and
years is quoted from the document's own lines; a passage that is only a
template, or that shares too few words with the question, is no answer.
"""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from ingest.text import bigrams
from ingest.vocabulary import vocabulary_table

from ..compose import NOT_FOUND, Draft
from ..models import Answer
from ..plan import Plan
from ..verify import SCALES

TEMPLATE = re.compile(r'\*[^*]{1,20}\*|[XＸ×]{2}|(为|预算|安排)\s*万元|[:：]\s*$|（盖章）')


CLAIMED = re.compile(r'(?<![\d.])(\d[\d,]*(?:\.\d+)?)\s*(亿元|万元|元|亿|万)(?!\d)')


def run(plan: Plan, ctx):
    checked = _claimed_figure(plan, ctx)
    if checked is not None:
        return checked
    if ctx.search is None:
        return None
    passages = ctx.search(search_text(plan, ctx), plan.orgs, plan.years, k=5)
    if not passages:
        return None
    best = passages[0]
    sentence = best_sentence(plan.question, ctx.lines(best.doc, best.line_start, best.line_end))
    if TEMPLATE.search(sentence):
        draft = Draft(ctx)
        cite = draft.cite_lines(best.doc, best.line_start, best.line_end)
        return Answer(plan.question, 'not_found', f'{NOT_FOUND}。相关段落是没有填写的模板：“{sentence[:80]}”{cite}',
                      citations=tuple(draft.citations), verified=True, warnings=('template_unfilled',),
                      method='not_found')
    if asks_withheld(plan.question, sentence):
        draft = Draft(ctx)
        cite = draft.cite_lines(best.doc, best.line_start, best.line_end, best.table_no or None)
        return Answer(plan.question, 'not_found',
                      f'{NOT_FOUND}。文件没有公开这些内容（未披露），只写明：“{sentence}”{cite}',
                      citations=tuple(draft.citations), verified=True, warnings=('withheld',), method='not_found')
    asked = word_bigrams(content(plan))
    if not sentence or len(asked & word_bigrams(sentence)) < max(2, min(4, len(asked) // 2)):
        return None
    draft = Draft(ctx)
    cite = draft.cite_lines(best.doc, best.line_start, best.line_end, best.table_no or None)
    prefix = '是。' if plan.kind == 'verify' and re.search(r'(负责|有|安排|是)', sentence) else ''
    draft.add(f'{prefix}文件原文：“{sentence}”{cite}')
    return draft.finish(plan.question, None, None, 'retrieval')


@lru_cache(maxsize=1)
def _withheld_words() -> dict[str, tuple[str, ...]]:
    return dict(vocabulary_table('withheld'))


def asks_withheld(question: str, sentence: str) -> bool:
    """'那3个涉密项目是什么' where the document says '3个项目涉密不公开': what it withholds is not in it."""
    words = _withheld_words()
    return any(w in question and w in sentence for w in words['withheld']) and \
        any(w in question for w in words['asks_content'])


def content(plan: Plan) -> str:
    """The clause without the organisation and year words the filters already cover."""
    text = plan.question
    for key in plan.orgs:
        text = text.replace(key, '')
    return re.sub(r'(20\d\d|\d\d)\s*年', '', text)


def search_text(plan: Plan, ctx) -> str:
    reading = plan.reading
    if reading is None:
        return plan.question
    spans = [s for s in reading.spans]
    words = ''.join(s.name for s in spans)
    rest = content(plan)
    return rest if len(rest) >= 2 else (words or plan.question)


def best_sentence(question: str, text: str) -> str:
    pieces = [p.strip() for p in re.split(r'(?<=[。；;])', text) if p.strip()]
    asked = word_bigrams(question)
    return max(pieces, key=lambda p: len(asked & word_bigrams(p)), default='')


def word_bigrams(text: str) -> set[str]:
    """The bigrams of the text's words alone: no spaces, punctuation or digits between them."""
    return bigrams(re.sub(r'[\s\W\d_]+', '', text))


def _claimed_figure(plan: Plan, ctx):
    """'三公经费是10万元吗': the item's figure as a lookup finds it, led by whether the question's figure is it."""
    claims = CLAIMED.findall(plan.question)
    if len(claims) != 1 or not plan.items or plan.reading is None:
        return None
    from .lookup import run as lookup
    found = lookup(replace(plan, kind='lookup'), ctx)
    if found is None or found.status != 'answered' or found.value is None or found.unit not in SCALES:
        return None
    number, written = claims[0]
    scale = SCALES[written if written.endswith('元') else written + '元']     # '10万' is 10万元
    try:
        claimed = Decimal(number.replace(',', '')) * scale
        printed = Decimal(found.value) * SCALES[found.unit]
    except InvalidOperation:
        return None
    places = -Decimal(number.replace(',', '')).as_tuple().exponent
    at_claim = (printed / scale).quantize(Decimal(1).scaleb(-places)) * scale
    if abs(claimed - printed) < Decimal('0.006') * SCALES[found.unit]:
        verdict = '是。'
    elif at_claim == claimed:
        verdict = '大致是：与文件印的数字在问题写到的位数上相同。'
    else:
        verdict = '不是。文件印的数字如下：'
    return replace(found, answer=verdict + found.answer)
