"""per_person: a figure divided by a headcount the question names, and a standard times a quantity — computed,
each operand cited, the formula shown.

    run(plan, ctx)   # '州政府办2024年人员经费按实有人数算平均每人多少' -> 1,407.47 ÷ 104 = 13.53 万元/人
    standard_times_quantity(draft, project, own)   # '5万元/人 × 82名 = 410万元', against 预算安排规模 410万元

A budget disclosure prints no per-person figures (人均工资 is 文件中没有): one
is computed only when the question names the headcount to divide by, and it is
labelled as computed, never as the document's.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ingest.numbers import format_amount

from ..compose import Draft, amount, subject_phrase, who
from ..plan import Plan
from ..select import candidates
from .common import amounts

HEADCOUNT_UNITS = ('人', '名')
MONEY_UNITS = ('万元', '元', '亿元')


def run(plan: Plan, ctx):
    if plan.reading is None:
        return None
    reading = amounts(plan).reading           # '人数' names an operand; the answer is money per person
    spans = [s for s in reading.subject_spans if s.exact]
    heads = candidates(reading, lambda e: e.kind == 'fact' and e.aspect == '' and e.unit in HEADCOUNT_UNITS)
    heads = [c for c in heads if any(s in c.used for s in spans)]      # the headcount the question names
    if not heads:
        return None
    head = heads[0]
    money = candidates(reading, lambda e: e.kind == 'fact' and e.aspect == '' and e.unit in MONEY_UNITS
                       and e.doc == head.entry.doc,
                       spans=[s for s in reading.spans if s not in head.used])
    if not money or not head.entry.fact.value:
        return None
    part, count = money[0].entry, head.entry
    value = (part.fact.value / count.fact.value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)
    unit = f'{part.unit}/人'
    draft = Draft(ctx)
    draft.add(f'{who(part)}{subject_phrase(part)}为{amount(part.fact)}{draft.cite_fact(part.fact)}，'
              f'{subject_phrase(count)}为{amount(count.fact)}{draft.cite_fact(count.fact)}；按{count.subject}平均，'
              f'每人{format_amount(value)}{unit}（计算：人均 = {format_amount(part.fact.value)} ÷ '
              f'{format_amount(count.fact.value)} = {format_amount(value)}{unit}，为计算得出的数，不是文件所列）。')
    return draft.finish(plan.question, str(value), unit, 'computation')


def standard_times_quantity(draft: Draft, project, own: list) -> bool:
    """'5万元/人员的标准保障大队82名': a rate and a count stated on one line of a project, multiplied and set
    against the project's budget. Whether one was found."""
    for rate in [e for e in own if '/' in e.unit]:
        base = rate.unit.split('/', 1)[0]
        counts = [e for e in own if e.fact.line_start == rate.fact.line_start and e is not rate
                  and e.unit in HEADCOUNT_UNITS + ('个', '户', '辆', '台', '次', '人次')]
        if len(counts) != 1 or base != project.unit:
            continue
        count = counts[0]
        product = rate.fact.value * count.fact.value
        agrees = '与预算安排一致' if product == project.fact.value else \
            f'与所列{format_amount(project.fact.value)}{project.unit}不一致'
        draft.add(f'按标准计算：{amount(rate.fact)}{draft.cite_fact(rate.fact)} × {amount(count.fact)}'
                  f'{draft.cite_fact(count.fact)} = {format_amount(product)}{base}'
                  f'（计算：{format_amount(rate.fact.value)} × {format_amount(count.fact.value)} = '
                  f'{format_amount(product)}），{agrees}。')
        if product != project.fact.value:
            draft.warn('document_contradiction')
        return True
    return False
