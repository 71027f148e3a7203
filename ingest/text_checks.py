"""The arithmetic the prose promises, evaluated on its own figures: where a sentence contradicts itself.

    facts, statements = read_narrative(blocks)
    for check, members in text_checks(facts, blocks):
        check.ok, check.name       # False, '增减率 = 增减额 ÷ 上年数'
        members                    # the TextFacts it read: amount, change, rate

Three identities, each a `Check` of kind 'text' whose members are the facts it read:

- a stated change: '1403万元，比上年减少143万元，增加8%' — the rate, with its direction
  word, is the change over last year's figure (143 ÷ 1546 = 下降9.25%, not 增长8%);
- one item stated with its change twice ('…其他公安支出（项）' in two paragraphs) gives
  the same figures both times (one check per figure: 预算数, 增减额, 增减率; a decrease is negative);
- a project's 资金分配情况 adds up to its 预算安排规模 (0.6+0.5+1+1 = 3.1, not 3).
"""
from __future__ import annotations

import re
from decimal import Decimal

from .models import Block, Check

RATE = '增减率 = 增减额 ÷ 上年数'
TWICE = '同一项两处所写相同'
ALLOCATION = '资金分配之和 = 预算安排规模'
EXACT = Decimal('0.005')
ALLOCATION_HEAD = re.compile(r'^\s*资金分配情况')
PER_UNIT = re.compile(r'每[\u4e00-\u9fff]{0,6}\s*\d')


def text_checks(facts, blocks: list[Block]) -> list[tuple[Check, tuple]]:
    groups = _stated_changes(facts)
    return _rate_checks(groups) + _twice_checks(groups) + _allocation_checks(facts, blocks)


def _stated_changes(facts) -> list[dict]:
    """Per sentence and item: its amount ('数额'), change ('比上年增加/减少') and rate ('增长率/下降率')."""
    groups: dict[tuple, dict] = {}
    for f in facts:
        if not f.canonical or f.unit not in ('万元', '%', '元', '亿元'):
            continue
        role = 'amount' if f.column == '数额' else 'change' if f.column.startswith('比上年') else \
            'rate' if f.column in ('增长率', '下降率') else ''
        if role:
            groups.setdefault((f.item, f.project, f.sentence), {}).setdefault(role, f)
    return [g for g in groups.values() if 'change' in g and 'amount' in g]


def signed_change(change) -> Decimal:
    return change.value if change.column.endswith('增加') else -change.value


def signed_rate(rate) -> Decimal:
    return rate.value if rate.column == '增长率' else -rate.value


def _rate_checks(groups: list[dict]) -> list[tuple[Check, tuple]]:
    out = []
    for g in groups:
        amount, change, rate = g['amount'], g['change'], g.get('rate')
        prior = amount.value - signed_change(change)
        if rate is None or prior <= 0:
            continue
        computed = (signed_change(change) / prior * 100).quantize(Decimal('0.01'))
        stated = signed_rate(rate)
        # a rate printed to whole percents is rounded to whole percents: one unit of its last digit is rounding
        rounding = max(Decimal('0.05'), Decimal(1).scaleb(rate.value.as_tuple().exponent))
        ok = abs(computed - stated) <= rounding and (computed >= 0) == (stated >= 0)
        members = (amount, change, rate)
        out.append((_check(RATE, amount.item, stated, computed, ok, members, rounding), members))
    return out


def _twice_checks(groups: list[dict]) -> list[tuple[Check, tuple]]:
    """The same item with its change in two sentences: amount, change and rate the same both times."""
    out = []
    by_item: dict[tuple, list[dict]] = {}
    for g in groups:
        by_item.setdefault((g['amount'].item, g['amount'].project), []).append(g)
    for (item, _), stated in by_item.items():
        for first, second in zip(stated, stated[1:]):
            for role, said, value in (('amount', '预算数', lambda f: f.value), ('change', '增减额', signed_change),
                                      ('rate', '增减率', signed_rate)):
                a, b = first.get(role), second.get(role)
                if a is None or b is None:
                    continue
                members = (a, b)
                out.append((_check(f'{TWICE}（{said}）', item, value(a), value(b), abs(value(a) - value(b)) < EXACT,
                                   members), members))
    return out


def _allocation_checks(facts, blocks: list[Block]) -> list[tuple[Check, tuple]]:
    """The amounts of a 资金分配情况 paragraph against the 预算安排规模 of its project, stated just before."""
    out = []
    sizes = [f for f in facts if f.item == '预算安排规模' and f.project]
    for block in blocks:
        if block.kind != 'paragraph' or not ALLOCATION_HEAD.match(block.text) or PER_UNIT.search(block.text):
            continue      # '每个工作队 7 万元' is a rate per unit, not a part of the whole
        size = next((s for s in reversed(sizes) if s.line_start < block.line_start <= s.line_start + 12), None)
        if size is None:
            continue
        parts = [f for f in facts if block.line_start <= f.line_start <= block.line_end and f.unit == '万元'
                 and f.column == '数额' and f.project == size.project]
        if parts and (parts[0].item in ('项目资金', '资金') or (parts[0].value == size.value and len(parts) > 2)):
            parts = parts[1:]   # '项目资金 3 万元，其中：…' states the total first
        if len(parts) < 2:
            continue
        total = sum((p.value for p in parts), Decimal(0))
        members = (size, *parts)
        out.append((_check(ALLOCATION, size.project, size.value, total, abs(total - size.value) < EXACT, members),
                    members))
    return out


def _check(name: str, subject: str, expected: Decimal, actual: Decimal, ok: bool, members,
           rounding: Decimal = Decimal('0.05')) -> Check:
    lines = sorted({m.line_start for m in members})
    return Check(None, name, subject, expected, actual, ok, min(m.line_start for m in members),
                 max(m.line_end for m in members), 'text', tuple(lines),
                 tuple(dict.fromkeys(m.column for m in members)), rounding)
