"""The answerability gate every answer passes, whichever way it was found.

    result = gate(result, plan)   # the same answer, or 文件中没有 with what is stated; numbers checked

- What the question qualifies (人均, 执行率, 团组, 局长 …: data/vocabulary/qualifiers.tsv)
  must stand in a cited line, or the answer is 文件中没有 with what is stated.
- The unit asked for (几辆, 多少人) must be the unit of the figure given.
- Every number of the answer is traced to a cited line or to the formula that
  computed it (`verified`), refusals included.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .compose import NOT_FOUND
from .models import Answer
from .plan import Plan, evidence_words
from .verify import unverified_numbers


ASKS_AMOUNT = re.compile(r'(多少|几)')


def gate(result: Answer, plan: Plan) -> Answer:
    if result.status == 'answered':
        refused = _qualifiers(result, plan) or _units(result, plan) or _figure_asked(result, plan)
        if refused is not None:
            result = refused
    return verified(result)


def _qualifiers(result: Answer, plan: Plan) -> Answer | None:
    cited = ''.join([c.text for c in result.citations] + _formulas(result)).replace(' ', '')   # a computed 人均 says so
    for qualifier in plan.qualifiers:
        if not any(w in cited for w in evidence_words(qualifier)):
            return _refused(result, f'文件没有给出“{qualifier}”这一口径的数字或信息。')
    return None


def _units(result: Answer, plan: Plan) -> Answer | None:
    if plan.units and result.unit and result.unit not in plan.units and result.method in ('facts', 'computation'):
        return _refused(result, f'问的是{"/".join(plan.units)}，文件没有写明。')
    return None


def _figure_asked(result: Answer, plan: Plan) -> Answer | None:
    """'…是多少' answered only with a passage: no stored figure answers it."""
    if result.method == 'retrieval' and ASKS_AMOUNT.search(plan.question):
        return _refused(result, '没有找到问题所问的数字。相关段落：')
    return None


def _refused(result: Answer, reason: str) -> Answer:
    text = f'{NOT_FOUND}。{reason}{"" if reason.endswith("：") else "文件写的是："}{result.answer}'
    return replace(result, status='not_found', answer=text, value=None, unit=None, method='not_found',
                   warnings=result.warnings + ('not_stated',))


def verified(result: Answer) -> Answer:
    """Every figure of the answer traced to a cited line (or the formula that computed it)."""
    if result.status == 'ambiguous' or (result.status == 'not_found' and not result.citations):
        return replace(result, verified=not unverified_numbers(_plain(result.answer), list(result.quoted)))
    sources = [c.text for c in result.citations] + list(result.quoted) + _computed(result)
    missing = unverified_numbers(_plain(result.answer), sources)
    return replace(result, verified=not missing, unverified_numbers=tuple(missing))


def _plain(text: str) -> str:
    return re.sub(r'\[\d+\]', '', text)


def _formulas(result: Answer) -> list[str]:
    return re.findall(r'（计算：[^）]*）', result.answer)


def _computed(result: Answer) -> list[str]:
    """Figures an answer computed (a difference, a sum, a count) are traced through their formula."""
    formulas = _formulas(result)
    extra = [result.value] if result.value and result.method in ('computation', 'count') else []
    return formulas + extra
