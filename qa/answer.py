"""Answering a question: understand it as a plan, execute the plan over facts, pass the gate.

    ctx = Context.from_store(store, search=engine.search)
    a = answer('州政府办2024年三公经费是多少', ctx)
    a.status, a.value, a.unit, a.citations[0].line_start     # 'answered', '0.00', '万元', 495
    a.plan['describe']                                         # '查数 | 单位：… | 年份：2024 | 事项：三公经费'

    text ─► normalise ─► resolve ─► plan ─► execute ─► compose ─► gate ─► Answer
             (qa.normalize, qa.orgs, qa.years, qa.label_match, qa.catalogue, qa.plan, qa.plans.*, qa.compose, qa.gate)

Every figure comes from a stored fact or a cited line; an organisation, year
or item the documents do not hold is 文件中没有, with what they do hold.
"""
from __future__ import annotations

import re
from dataclasses import replace

from index.retriever import HybridRetriever

from .label_match import canonical, exact_spans, names_for, synonym_classes
from .normalize import name_key
from .compose import Draft, clarify, refusal
from .context import Context
from .disclosure import labelled
from .followup import FollowUp, follow_up
from .gate import gate, verified
from .llm import with_language_model
from .models import Answer
from .plan import Plan, parts_of
from .plans import kind
from .plans.detail import about_unit, from_record
from .select import candidates
from .understand import understand

__all__ = ['Context', 'answer', 'retrieve', 'explain']


def answer(text: str, ctx: Context, question_id: str | None = None, orgs: tuple[str, ...] = (),
           years: tuple[int, ...] = (), previous: dict | None = None) -> Answer:
    """`orgs`/`years`: filters chosen outside the question (the page's sidebar); what the question names wins.
    `previous`: the plan of the previous answer in a conversation: what this question leaves out is taken from it."""
    with ctx.store.snapshot():                  # one state of the store for the whole answer
        ctx.refresh()
        asked = follow_up(text, previous, ctx)
        plan = understand(asked.text, ctx, tuple(orgs), tuple(years))
        result = execute(plan, ctx)
    if ctx.llm is not None and result.verified and result.status == 'answered':
        result = with_language_model(result, ctx.llm, _retriever_for(plan, ctx))
    result = labelled(result, plan)
    return replace(result, id=question_id, question=text.strip(), plan=_plan_json(plan, asked, orgs))


def _plan_json(plan: Plan, asked: FollowUp, filter_orgs: tuple[str, ...]) -> dict:
    """The plan as the page and the API show it: what was carried from the previous question, and whether the
    question named an organisation outside the chosen filter (the question wins)."""
    out = plan.to_json()
    if asked.carried:
        out['carried'] = list(asked.carried)
        out['asked_as'] = asked.text
    if filter_orgs and plan.orgs and not set(plan.orgs) <= set(filter_orgs):
        out['filter_overridden'] = list(filter_orgs)
    return out


def execute(plan: Plan, ctx: Context) -> Answer:
    if plan.kind == 'refuse':
        return verified(refusal(plan.question, f'{plan.reason}。已载入：{ctx.directory.loaded(plan.mention)}。'))
    if plan.kind == 'clarify':
        return clarify(plan.question, plan.candidates, plan.reason)
    if plan.parts:
        answers = []
        for part in plan.parts:
            if answers and part.carried and part.reading is not None:
                part.reading.near = _lines_of(answers[-1])
            answers.append(execute(part, ctx))
        return _joined(plan, answers)
    missing = _missing_items(plan, ctx)
    if missing is not None:
        return verified(missing)
    if plan.subunit and kind(plan.kind).gives_figure and not _about_projects(plan):
        carried = about_unit(plan, ctx)          # the unit's own projects, never its parent's totals
        return gate(carried, plan) if carried is not None else verified(_not_separately(plan, ctx))
    whole = from_record(plan, ctx) if plan.kind == 'detail' else None
    if whole is not None and whole.status == 'answered':    # a project's record answers all its items at once
        return gate(whole, plan)
    items = by_item(plan)
    if len(items) > 1:
        return _joined(plan, [_run(p, ctx) for p in items])
    return _run(plan, ctx)


def _run(plan: Plan, ctx: Context) -> Answer:
    for name in (plan.kind,) + kind(plan.kind).fallbacks:
        result = kind(name).run(replace(plan, kind=name) if name != plan.kind else plan, ctx)
        if result is not None:
            return gate(result, plan)
    return verified(_nothing(plan, ctx))


def _lines_of(previous: Answer) -> dict:
    """The lines the previous part's figure stands on: '有几个，涉及多少钱' asks about the same sentence."""
    near = {}
    for c in previous.citations[:1]:
        near.setdefault(c.doc, set()).update(range(c.line_start, c.line_end + 1))
    return near


def _joined(plan: Plan, answers: list[Answer]) -> Answer:
    offset, text, citations = 0, [], []
    for a in answers:
        text.append(re.sub(r'\[(\d+)\]', lambda m: f'[{int(m.group(1)) + offset}]', a.answer))
        citations.extend(a.citations)
        offset += len(a.citations)
    answered = [a for a in answers if a.status == 'answered']
    first = answered[0] if answered else answers[0]
    figures = []
    offset = 0
    for a in answers:
        figures.extend(replace(f, citation=f.citation + offset) for f in a.figures)
        offset += len(a.citations)
    partly = ('part_not_found',) if answered and len(answered) < len(answers) else ()
    return replace(first, question=plan.question, answer=''.join(text), citations=tuple(citations),
                   figures=tuple(figures),
                   warnings=tuple(dict.fromkeys(w for a in answers for w in a.warnings)) + partly,
                   verified=all(a.verified for a in answers),
                   unverified_numbers=tuple(n for a in answers for n in a.unverified_numbers),
                   quoted=tuple(x for a in answers for x in a.quoted))


def by_item(plan: Plan) -> list[Plan]:
    """'编制多少、实有多少人': one plan per item, when the best figure for the question leaves a named item out.
    A whole named with its part ('三公经费中公务接待费') is the part's context, not a second item."""
    reading = plan.reading
    if not kind(plan.kind).single_item or reading is None or len(reading.subject_spans) < 2:
        return [plan]
    ranked = candidates(reading, lambda e: e.kind in ('fact', 'absent', 'definition'))
    if not ranked:
        return [plan]
    best = ranked[0]
    wholes = parts_of()
    leftovers = [s for s in reading.subject_spans if s not in best.used
                 and canonical(best.entry.subject) not in wholes.get(canonical(s.name), ())
                 and not any(s.start < u.end and u.start < s.end for u in best.used)]
    if not leftovers or not best.used or len(leftovers) == len(reading.subject_spans):
        return [plan]
    context = [s for s in reading.spans if s not in reading.subject_spans]
    first = replace(plan, reading=replace(reading, spans=sorted(context + best.used, key=lambda s: s.start),
                                          excluded=[]))
    rest = replace(plan, reading=replace(reading, spans=sorted(context + leftovers, key=lambda s: s.start),
                                         excluded=[]))
    if not candidates(rest.reading, lambda e: e.kind in ('fact', 'absent')):
        return [plan]
    return [first] + by_item(rest)


# ---- what the documents do not hold ---------------------------------------------------------

def _missing_items(plan: Plan, ctx: Context) -> Answer | None:
    """A budget item the question names (a word of data/vocabulary/synonyms.tsv) that no document in scope holds."""
    if not kind(plan.kind).gives_figure or plan.reading is None:
        return None
    reading = plan.reading
    held = {n for e in reading.catalogue.entries if e.kind in ('fact', 'absent') for n in e.names}
    held |= {name_key(e.project) for e in reading.catalogue.entries if e.project}
    covered = tuple((s.start, s.end) for s in reading.spans if (s.name in held if s.exact else s.weight >= 5))
    outside = reading.taken + covered + reading.quoted
    vocabulary = [s for s in exact_spans(reading.text, synonym_classes().keys(), outside)
                  if len(s.name) >= 2 and s.name not in held]
    if not vocabulary:
        return None
    missing = vocabulary[0].name
    draft = Draft(ctx)
    template = _template_for(missing, plan, ctx, draft)
    if template:
        return refusal(plan.question, template, draft, ('template_unfilled',))
    return refusal(plan.question, f'{_who(plan)}的文件没有列出“{missing}”。{_nearest(missing, plan)}', draft)


def _template_for(item: str, plan: Plan, ctx: Context, draft: Draft) -> str:
    """The item stands in the document only as template text ('*部门（单位）*…预算 万元')."""
    words = {w[:4] for w in names_for(item) if len(w) >= 2}
    for d in plan.reading.docs:
        for s in ctx.statements(d.doc, 'template_unfilled'):
            text = s['text'].replace(' ', '')
            if any(w in text for w in words):
                cite = draft.cite_lines(d.doc, s['line_start'], s['line_end'])
                return f'{d.org}{d.year}年的文件里这一项是没有填写的模板：“{s["text"][:80]}”{cite}，没有给出数字。'
    return ''


def _nearest(item: str, plan: Plan) -> str:
    """What the documents list in place of an item they do not have: the rows that end like it."""
    suffix = item[-1]
    rows = []
    for e in plan.reading.catalogue.entries:
        if e.kind == 'fact' and e.fact.source == 'table' and e.aspect == '' and e.subject.endswith(suffix) \
                and e.fact.row_code and len(e.fact.row_code) == 5 and e.subject not in rows:
            rows.append(e.subject)
    return f'文件列出的同类项目有：{"、".join(rows[:12])}。' if rows else ''


def _who(plan: Plan) -> str:
    docs = plan.reading.docs
    return '、'.join(sorted({f'{d.org}{d.year}年' for d in docs})) if len(docs) <= 3 else '所载入'


def _about_projects(plan: Plan) -> bool:
    return any(c.entry.project for c in candidates(plan.reading, lambda e: e.kind == 'fact')[:3])


def _not_separately(plan: Plan, ctx: Context) -> Answer:
    parent = plan.orgs[0] if plan.orgs else ''
    return refusal(plan.question, f'{plan.subunit}没有单独公开预算；它是{parent}的下属单位（或内设机构），'
                                  f'{parent}的部门预算是本级和下属单位的汇总，不能把其中的数字当作{plan.subunit}的预算。')


def _nothing(plan: Plan, ctx: Context) -> Answer:
    if plan.reading is not None and plan.reading.docs:
        return refusal(plan.question, f'{_who(plan)}的文件中没有找到与问题对应的数字或段落。')
    return refusal(plan.question, '没有找到与问题对应的数字或段落。')


# ---- retrieval and explanation --------------------------------------------------------------

def _retriever_for(plan: Plan, ctx: Context):
    """The hybrid search as a langchain retriever, limited to the question's organisations and years."""
    engine = getattr(ctx.search, '__self__', None)
    if engine is None:
        return None
    return HybridRetriever(search_engine=engine, orgs=tuple(plan.orgs), years=tuple(plan.years), k=3)


FACT_BOOST = 0.05   # larger than any fused rank score (1/60): a matched fact's lines come first


def retrieve(text: str, ctx: Context, k: int = 5):
    """Passages for a question: hybrid search in its scope, the lines its facts stand on first."""
    plan = understand(text, ctx)
    facts_only = replace(ctx, search=None, llm=None)
    result = execute(plan, facts_only)
    boost = {}
    for rank, c in enumerate(result.citations[:5]):
        for line in range(c.line_start, c.line_end + 1):
            boost.setdefault((c.doc, line), FACT_BOOST / (1 + rank))
    from .plans.verify import search_text
    return ctx.search(search_text(plan, ctx), tuple(plan.orgs), tuple(plan.years), k=k, boost=boost)


def explain(text: str, ctx: Context, limit: int = 8) -> str:
    """How a question was read: the plan, and the candidate facts with their scores and why each was kept or dropped."""
    plan = understand(text, ctx)
    lines = [f'plan: {plan.describe()}']
    for part in plan.parts or (plan,):
        if part.reading is None:
            continue
        reading = part.reading
        lines.append(f'[{part.kind}] {part.question}')
        lines.append('  documents: ' + ', '.join(f'{d.doc} ({d.year})' for d in reading.docs))
        matched = '、'.join(f'{s.name}{"~" if s.entry_ids else ""}' for s in reading.spans)
        lines.append('  words matched: ' + (matched or '-'))
        ranked = candidates(reading)
        for i, c in enumerate(ranked[:limit]):
            e = c.entry
            what = f'{e.fact.value}{e.unit}' if e.fact else e.statement['kind']
            verdict = 'kept' if i == 0 or c.score >= ranked[0].score - 0.35 else 'dropped (lower score)'
            lines.append(f'  {c.score:6.2f} {verdict:22s} {e.doc}:{e.line_start} 表{e.table_no or "-"} {e.subject}'
                         f'{"/" + e.aspect if e.aspect else ""} = {what}  [{c.words}] {"; ".join(c.why)}')
        for c, reason in reading.excluded[:limit]:
            lines.append(f'  {"":6s} dropped ({reason}) {c.entry.doc}:{c.entry.line_start} {c.entry.subject}')
    return '\n'.join(lines)
