"""diff: how much an item changed — between two years' disclosures, or as the document states it.

    run(plan, ctx)   # '克州工信局2025年比2024年三公经费多了多少' -> 13.80 − 10.00 = 3.80, with both cells cited

Two years asked: computed from the two documents, formula shown, and the later
document's own 比上年 sentence quoted and checked against it. One year: the
document's stated change; when it states none and last year's document is
loaded, computed from it; otherwise 文件中没有 — the level is never given as the change.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from ingest.numbers import format_amount

from ..label_match import canonical
from ..checknotes import failed_checks, reason_notes, sentence_figures
from ..compose import Draft, amount, cite_sentence, refusal, sentence_at, subject_phrase, where, who
from ..plan import Plan
from ..reconcile import reconciled, scope_names
from ..select import candidates, per_document, stated_year, year_of
from ..understand import reread
from .common import amounts, figures, percent, state


def run(plan: Plan, ctx):
    if len(plan.orgs) >= 2:
        return between_orgs(plan, ctx)
    years = sorted(set(plan.years))
    if len(years) >= 2:
        return between_years(plan, years[0], years[-1], ctx)
    if asks_rate(plan):
        stated = _stated(plan, 'rate')
        return _quote_rate(plan, stated, ctx) if stated else None
    stated = _stated(plan)
    if stated:
        return _quote(plan, stated, ctx)
    level = per_document([c for c in figures(plan) if c.entry.kind == 'fact'])
    if not level:
        return None
    lead = level[-1].entry
    previous = _previous_year(lead, ctx)
    if previous is not None:
        both = reread(replace(plan, years=(previous, lead.year)), ctx,
                      ctx.disclosures(plan.orgs or (_key_of(lead, ctx),), (previous, lead.year), plan.disclosure))
        return between_years(both, previous, lead.year, ctx)
    draft = Draft(ctx)
    state(draft, lead, plan, ctx, breakdown=False, explanation=False)
    return refusal(plan.question, f'文件没有写明{lead.subject}比上年的增减，也没有载入上一年的预算公开。'
                                  '文件所列的本年数字：', draft)


def asks_rate(plan: Plan) -> bool:
    """'增长了百分之几': the rate of the change, not its amount."""
    return '%' in plan.units


def _stated(plan: Plan, aspect: str = 'change'):
    ranked = candidates(amounts(plan).reading, lambda e: e.kind == 'fact' and e.aspect == aspect)
    if not ranked:
        return []
    best = ranked[0].score
    return [c for c in per_document([c for c in ranked if c.score >= best - 0.5])]


def _quote(plan: Plan, stated, ctx):
    draft = Draft(ctx)
    headline = None
    for c in stated:
        f = c.entry.fact
        direction = f.column[len('比上年'):]
        signed = f.value if direction == '增加' else -f.value
        headline = headline or (signed, f.unit)
        level = _level_of(c.entry, plan)
        level_text = f'为{amount(level.fact)}{draft.cite_fact(level.fact)}，' if level else ''
        draft.add(f'{who(f)}{c.entry.subject}{level_text}比上年{direction}{format_amount(f.value)}{f.unit}'
                  f'{draft.cite_fact(f)}。文件原文：“{sentence_at(ctx, f)}”{cite_sentence(draft, f)}')
        failed_checks(draft, sentence_figures(ctx.facts([ctx.document(f.doc)]), f))
        reason_notes(draft, f, sentence_at(ctx, f))
    value, unit = headline
    return draft.finish(plan.question, str(abs(value)), unit, 'facts')


def _quote_rate(plan: Plan, stated, ctx):
    """The document's own 增长/下降 rate, quoted from its sentence."""
    draft = Draft(ctx)
    for c in stated:
        f = c.entry.fact
        direction = '增长' if f.column == '增长率' else '下降'
        draft.add(f'{who(f)}{c.entry.subject}比上年{direction}{format_amount(f.value)}%{draft.cite_fact(f)}'
                  f'（文件所写）。文件原文：“{sentence_at(ctx, f)}”{cite_sentence(draft, f)}')
    return draft.finish(plan.question, str(stated[0].entry.fact.value), '%', 'facts')


def _stated_rate(later, plan: Plan):
    return next((e for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == later.doc
                 and e.aspect == 'rate' and canonical(e.subject) == canonical(later.subject)
                 and e.project == later.project), None)


def _level_of(change, plan: Plan):
    options = [e for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == change.doc and e.aspect == ''
               and e.fact.source == 'text' and e.fact.line_start == change.fact.line_start
               and canonical(e.subject) == canonical(change.subject)]
    return options[0] if options else None


def _key_of(lead, ctx) -> str:
    return next((d.org_key for d in ctx.documents if d.doc == lead.doc), '')


def _previous_year(lead, ctx) -> int | None:
    key = next((d.org_key for d in ctx.documents if d.doc == lead.doc), None)
    years = ctx.directory.years_of(key) if key else ()
    return lead.year - 1 if lead.year and lead.year - 1 in years else None


def between_orgs(plan: Plan, ctx):
    """'A比B多多少': each organisation's own figure and the formula — never one organisation's change on its
    last year."""
    rate = asks_rate(plan)
    both = amounts(plan)           # the lines of a part before ('谁高？高多少？') stand on one organisation only
    both = replace(both, reading=replace(both.reading, near={}, excluded=[]))
    ranked = [c for c in figures(both) if c.entry.kind == 'fact']
    keys = {d.doc: d.org_key for d in ctx.documents}
    chosen = []
    for key in plan.orgs[:2]:
        best = next((c.entry for c in ranked if keys.get(c.entry.doc) == key), None)
        if best is None:
            return refusal(plan.question, f'{key}的文件中没有找到这一项。')
        chosen.append(best)
    a, b = chosen
    if a.unit != b.unit:
        return None
    draft = Draft(ctx)
    diff = _two_figures(draft, a, b, (f'{who(a)}{subject_phrase(a)}', f'{who(b)}{subject_phrase(b)}'),
                        (a.org, b.org), ('多', '少'))
    if rate:
        return refusal(plan.question, '增长率是同一单位两个年份之间的比较；两个不同单位的数字之间没有增长率，'
                                      '文件也没有给出这种比较。两者的数字：', draft)
    return draft.finish(plan.question, str(diff), a.unit, 'computation')


def _two_figures(draft: Draft, a, b, said: tuple[str, str], short: tuple[str, str], words: tuple[str, str]):
    """'A为x[1]，B为y[2]；A比B多d（计算：x − y = d）。' — both figures cited, the difference computed."""
    diff = a.fact.value - b.fact.value
    draft.add(f'{said[0]}为{amount(a.fact)}{draft.cite_fact(a.fact)}，{said[1]}为{amount(b.fact)}'
              f'{draft.cite_fact(b.fact)}；{short[0]}比{short[1]}{words[0] if diff >= 0 else words[1]}'
              f'{format_amount(abs(diff))}{a.unit}'
              f'（计算：{format_amount(a.fact.value)} − {format_amount(b.fact.value)} = {format_amount(diff)}）。')
    return diff


def between_years(plan: Plan, earlier: int, later: int, ctx):
    rate = asks_rate(plan)
    plan = amounts(plan)
    # the item carried from the part before names it; not its sentence's other figures
    if plan.carried:
        plan = replace(plan, reading=replace(plan.reading, near={}, excluded=[]))
    ranked = [c for c in figures(plan) if c.entry.kind == 'fact']
    per_year = {}
    for year in (earlier, later):
        in_year = [c for c in ranked if year_of(c.entry) == year]
        if not in_year:
            return refusal(plan.question, f'{year}年的文件中没有找到这一项。')
        close = [c for c in in_year if c.score >= in_year[0].score - 1.0]
        per_year[year] = min(close, key=lambda c: stated_year(c.entry) != year).entry   # the year written beside it
    a, b = per_year[later], per_year[earlier]
    if a.unit != b.unit:
        return None
    draft = Draft(ctx)
    diff = _two_figures(draft, a, b, (f'{a.org}{later}年{subject_phrase(a)}', f'{earlier}年'),
                        (f'{later}年', f'{earlier}年'), ('增加', '减少'))
    if b.doc == a.doc and stated_year(b):
        draft.add(f'（{earlier}年的数字是{later}年文件自己写明的上年数，没有用{earlier}年的文件。）')
    if a.subject != b.subject or a.project != b.project:
        draft.add(f'（两年的名称不同：{later}年为“{a.project or a.subject}”，'
                  f'{earlier}年为“{b.project or b.subject}”。）')
    _stated_against(draft, a, diff, plan)
    if rate:
        return _rate_between(draft, a, b, diff, plan)
    return draft.finish(plan.question, str(diff), a.unit, 'computation')


def _rate_between(draft: Draft, a, b, diff: Decimal, plan: Plan):
    """'增长了百分之几' over two years: the later document's stated rate where it states one, and the rate computed
    from the two figures (both shown; a mismatch warned)."""
    computed = percent(diff, b.fact.value) if b.fact.value else None
    if computed is not None:
        draft.add(f'按两年数字计算，{"增长" if diff >= 0 else "下降"}{format_amount(abs(computed))}%'
                  f'（计算：{format_amount(diff)} ÷ {format_amount(b.fact.value)} × 100% = '
                  f'{format_amount(computed)}%）。')
    stated = _stated_rate(a, plan)
    if stated is not None:
        f = stated.fact
        draft.add(f'文件写明{f.column[:2]}{format_amount(f.value)}%{draft.cite_fact(f)}。')
        if computed is not None and abs(abs(computed) - f.value) > Decimal('0.05') and \
                not _other_scope(draft, a, stated, plan):
            draft.warn('document_contradiction')
            draft.add(f'注意：文件写的{format_amount(f.value)}%与两年数字算出的{format_amount(abs(computed))}%不一致。')
        return draft.finish(plan.question, str(f.value), '%', 'facts')
    if computed is None:
        return None
    return draft.finish(plan.question, str(computed), '%', 'computation')


def _stated_against(draft: Draft, later, diff: Decimal, plan: Plan) -> None:
    """The later disclosure's own '比上年增加 X', quoted; a warning when X is not the difference of the two."""
    stated = next((e for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == later.doc
                   and e.aspect == 'change' and e.fact.column in ('比上年增加', '比上年减少')
                   and canonical(e.subject) == canonical(later.subject)
                   and e.project == later.project), None)
    if stated is None:
        return
    f = stated.fact
    draft.add(f'文件自己的说法：“{sentence_at(draft.ctx, f)}”{cite_sentence(draft, f)}')
    signed = f.value if f.column == '比上年增加' else -f.value
    if abs(signed - diff) > Decimal('0.05') and not _other_scope(draft, later, stated, plan):
        draft.warn('document_contradiction')
        draft.add(f'注意：文件写的{f.column}{format_amount(f.value)}{f.unit}与两份文件所列数字之差'
                  f'{format_amount(diff)}{later.unit}不一致（口径可能不同，请核对原文）。')


def _other_scope(draft: Draft, later, stated, plan: Plan) -> bool:
    """The document's own 比上年 sentence is about a figure of another scope than `later` when cells of one table
    reconcile the two (qa/reconcile.py: 685.20 一般公共预算 + 16.00 上级转移支付 = 701.20): both scopes said, and
    the two changes are not a contradiction."""
    level = _sentence_level(stated, plan)
    if level is None or level.fact.value == later.fact.value or level.unit != later.unit:
        return False
    facts = [e.fact for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == later.doc]
    cells = reconciled(facts, later.fact, level.fact)
    if not cells:
        return False
    made = sum((c.value for c in cells), Decimal(0))
    note = (f'（文件这句话所说的比上年变化是就{amount(level.fact)}{draft.cite_fact(level.fact)}而言的，与上面所用的'
            f'{amount(later.fact)}口径不同：{where(cells[0])}中{scope_names(cells)}为{format_amount(made)}'
            f'{later.unit}{draft.cite_fact(cells[-1])}。）')
    if note not in draft.parts:        # the change and the rate of one sentence: said once
        draft.add(note)
    return True


def _sentence_level(stated, plan: Plan):
    """The figure a stated change or rate is about: the same item's amount on its line or up to three lines before
    (a sentence printed over several lines)."""
    options = [e for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == stated.doc and e.aspect == ''
               and e.fact.source == 'text' and 0 <= stated.fact.line_start - e.fact.line_start <= 3
               and canonical(e.subject) == canonical(stated.subject) and e.project == stated.project]
    return max(options, key=lambda e: e.fact.line_start, default=None)
