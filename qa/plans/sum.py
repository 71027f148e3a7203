"""sum: several items added, with the formula and every operand cited.

    run(plan, ctx)   # '工资福利支出加上对个人和家庭的补助一共多少' -> 441.06 + 90.66 = 531.72

Items named together ('新苑、东湖、科达三个社区的工作经费') are the candidates
that tie on the shared words and each carry a word of their own from the
question.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from ingest.numbers import format_amount
from ingest.vocabulary import vocabulary_table

from ..checknotes import agreement, checks_of, failed_checks, passed_sums, total_and_parts
from ..compose import Draft, amount, figure_sentence, subject_phrase, who
from ..normalize import name_key
from ..plan import Plan
from .common import figures


def run(plan: Plan, ctx):
    ranked = [c for c in figures(plan) if c.entry.kind == 'fact']
    if not ranked:
        return None
    if asks_if_adds_up(plan.question):
        checked = _adds_up(plan, ranked[0].entry, ctx)
        if checked is not None:
            return checked
    doc = ranked[0].entry.doc
    chosen = _operands(plan, [c for c in ranked if c.entry.doc == doc])
    if len(chosen) < 2:
        return None
    total = sum((e.fact.value for e in chosen), Decimal(0))
    unit = chosen[0].unit
    if any(e.unit != unit for e in chosen):
        return None
    draft = Draft(ctx)
    terms = '，'.join(f'{subject_phrase(e)}{amount(e.fact)}{draft.cite_fact(e.fact)}' for e in chosen)
    formula = ' + '.join(format_amount(e.fact.value) for e in chosen)
    draft.add(f'{who(chosen[0])}{terms}；合计{format_amount(total)}{unit}'
              f'（计算：{formula} = {format_amount(total)}）。')
    return draft.finish(plan.question, str(total), unit, 'computation')


@lru_cache(maxsize=1)
def adds_up_words() -> tuple[str, ...]:
    return dict(vocabulary_table('checks')).get('adds_up', ())


def asks_if_adds_up(question: str) -> bool:
    """'…加起来和合计数对得上吗': whether the document's own figures add up, not a sum of named items."""
    return any(w in question for w in adds_up_words())


def _adds_up(plan: Plan, lead, ctx):
    """The checks the document's figures fail or pass around the asked figure, with both figures; the value is the
    sum of the parts (what 'do they add up' asks for)."""
    draft = Draft(ctx)
    failed = checks_of(ctx, [lead.fact])
    sums = [f for f in failed if total_and_parts(f)]
    if failed:
        draft.add('对不上。')
        draft.add(figure_sentence(lead, draft))
        failed_checks(draft, [lead.fact])
        value = sums[0].actual if sums else None
        return draft.finish(plan.question, None if value is None else str(value), lead.unit, 'computation')
    held = sorted((h for h in passed_sums(ctx, lead.fact) if total_and_parts(h)),
                  key=lambda h: total_and_parts(h)[0] != lead.fact)      # its own parts first
    if not held:
        return None
    said = agreement(draft, held[0])
    if not said:
        return None
    draft.add('对得上。' + figure_sentence(lead, draft) + said)
    return draft.finish(plan.question, str(held[0].actual), lead.unit, 'computation')


def _operands(plan: Plan, ranked) -> list:
    """One entry per item the question names: the best for each subject it names, or the tied projects
    that each carry a word of their own from the question."""
    subjects = [s for s in plan.reading.subject_spans if s.exact]
    chosen = []
    if len(subjects) >= 2:
        for span in subjects:
            best = next((c.entry for c in ranked if span in c.used), None)
            if best is not None and best not in chosen:
                chosen.append(best)
        return chosen
    best = ranked[0].score
    tied = [c.entry for c in ranked if c.score >= best - 2.0]
    names = [_name(e) for e in tied]
    seen = set()
    for e in tied:
        key = name_key(_name(e))
        if key not in seen and _own_word(_name(e), plan.question, names):
            seen.add(key)
            chosen.append(e)
    return chosen


def _name(e) -> str:
    return e.project if e.project_total else e.subject


def _own_word(project: str, question: str, names: list[str]) -> bool:
    """A word of the name that the question has and the other candidates' names do not."""
    name = name_key(project)
    others = [name_key(n) for n in names if name_key(n) != name]
    for i in range(len(name) - 1):
        piece = name[i:i + 2]
        if piece in question and not all(piece in o for o in others):
            return True
    return not others
