"""A question that leans on the one before it, in a conversation (the page's chat, `qa ask --session`).

    asked = follow_up('那2025年呢？', previous_answer.plan, ctx)
    asked.text      # '克孜勒苏柯尔克孜自治州工业和信息化局三公经费那2025年呢？': what is answered
    asked.carried   # ('单位', '事项'): what was taken from the question before

What the new question names stays; what it leaves out (organisation, year,
item) is taken from the previous turn's plan; a question that names its own
organisation and item, or that says more than a follow-up's filler words
about the organisation it names ('州政府办的主要职能是什么'), takes nothing. A newly named organisation with a
comparing word ('和州政府办比呢') is set beside the previous one. Questions about
organisations in general ('哪个单位最多') do not carry the organisation. The
words for these and a follow-up's filler are data: data/vocabulary/followups.tsv.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.vocabulary import vocabulary_table

from .normalize import normalise
from .years import find_years


@dataclass(frozen=True)
class FollowUp:
    text: str                              # the question as it is answered
    carried: tuple[str, ...] = ()          # '单位' | '年份' | '事项': what came from the previous question


@lru_cache(maxsize=1)
def followup_words() -> dict[str, tuple[str, ...]]:
    return dict(vocabulary_table('followups'))


def follow_up(text: str, previous_plan: dict | None, ctx) -> FollowUp:
    """`previous_plan`: the previous answer's plan (Answer.plan); None or a refusal carries nothing."""
    if not previous_plan or previous_plan.get('kind') in ('refuse', 'clarify'):
        return FollowUp(text)
    norm = normalise(text)
    words = followup_words()
    orgs, years, items = _previous(previous_plan)
    named = ctx.directory.resolve(norm)
    mention = find_years(norm)
    across = any(w in norm for w in words.get('across', ()))
    carried, prefix = [], []
    names_item = _names_an_item(norm, orgs if not named.mentioned else (), ctx)
    # '州政府办的主要职能是什么', '克州工信局2025年和2024年…差多少': a question of its own, nothing to lean on
    own_words = _own_words(norm, named.spans + mention.spans, words)
    own_question = named.mentioned and (names_item or own_words)
    # '和州政府办比呢' sets one organisation beside the previous one; a question naming two compares them itself
    comparing = len(named.keys) == 1 and not set(named.keys) & set(orgs) and \
        any(w in norm for w in words.get('compare', ())) and not (own_question and len(mention.explicit) > 1)
    own_question = own_question and not comparing
    if orgs and (comparing or not named.mentioned) and not across:
        prefix.append('和'.join(orgs) if comparing else '、'.join(orgs))
        carried.append('单位')
    if years and mention.relative and not mention.explicit:
        norm = _relative_to(norm, mention, max(years))
        carried.append('年份')
    elif years and not mention.spans and not across and not own_question:
        prefix.append('、'.join(f'{y}年' for y in years))
        carried.append('年份')
    if items and not names_item and not own_words:         # '主要职能是什么' asks something else, not 三公经费
        prefix.append(previous_plan.get('scope', '') + '、'.join(items))
        carried.append('事项')
    if not carried:
        return FollowUp(text)              # a question of its own
    return FollowUp(''.join(prefix) + norm.strip(), tuple(carried))


def _own_words(norm: str, spans, words: dict) -> bool:
    """Does the question say more than a follow-up's filler ('那…呢', '是多少') once names and years are taken out?"""
    rest = ''.join(ch for i, ch in enumerate(norm) if not any(s <= i < e for s, e in spans))
    for word in sorted(words.get('filler', ()), key=len, reverse=True):
        rest = rest.replace(word, '')
    return len(re.sub(r'[\W\d_]', '', rest)) >= 2


def _relative_to(norm: str, mention, year: int) -> str:
    """'去年呢' after a question about 2025: 2024年 (in a conversation, relative to the year just asked about)."""
    out, last = [], 0
    for (start, end), offset in sorted(zip(mention.spans, mention.relative)):
        if not offset.lstrip('-').isdigit():
            continue
        out.append(norm[last:start] + f'{year + int(offset)}年')
        last = end
    return ''.join(out) + norm[last:]


def _previous(plan: dict) -> tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...]]:
    parts = plan.get('parts') or [plan]
    orgs = tuple(dict.fromkeys(o for p in parts for o in p.get('orgs', ())))
    years = tuple(dict.fromkeys(y for p in parts for y in p.get('years', ())))
    items = tuple(dict.fromkeys(i for p in parts for i in p.get('items', ())))
    return orgs, years, items


def _names_an_item(norm: str, orgs: tuple[str, ...], ctx) -> bool:
    """Does the question name something the documents hold (read in the previous organisations' documents)?"""
    from .understand import understand
    plan = understand(norm, ctx, orgs)
    return plan.kind in ('refuse', 'clarify', 'define') or any(p.items for p in plan.parts or (plan,))
