"""verify and the retrieval fallback: a question about what the prose says, answered by quoting it.

    run(plan, ctx)   # '州政府办负责政务公开吗' -> '是。文件原文：“(11) 负责指导、监督自治州政务公开…”'

The best passage of the hybrid search in the question's organisations and
years is quoted from the document's own lines; a passage that is only a
template, or that shares too few words with the question, is no answer.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ingest.vocabulary import vocabulary_table

from ..compose import NOT_FOUND, Draft
from ..models import Answer
from ..plan import Plan

TEMPLATE = re.compile(r'\*[^*]{1,20}\*|[XＸ×]{2}|(为|预算|安排)\s*万元|[:：]\s*$|（盖章）')


def run(plan: Plan, ctx):
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
        return Answer(plan.question, 'not_found', f'{NOT_FOUND}。文件没有公开这些内容（未披露），只写明：“{sentence}”{cite}',
                      citations=tuple(draft.citations), verified=True, warnings=('withheld',), method='not_found')
    asked = bigrams(content(plan))
    if not sentence or len(asked & bigrams(sentence)) < max(2, min(4, len(asked) // 2)):
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
    asked = bigrams(question)
    return max(pieces, key=lambda p: len(asked & bigrams(p)), default='')


def bigrams(text: str) -> set[str]:
    text = re.sub(r'[\s\W\d_]+', '', text)
    return {text[i:i + 2] for i in range(len(text) - 1)}
