"""Self-contained questions asked one after another in a conversation: each is understood as if asked alone.

Pairs are generated from the stored facts (tests/question_generator.py): the second question of a pair is about
another document (another organisation or year) and asks its own item; asked after the first, its plan must be
the plan it has when asked alone, and nothing may be carried."""
import random

import pytest

from qa.answer import answer
from question_generator import generate

TARGET = 0.99
PAIRS = 200


def understood(plan: dict) -> dict:
    return {k: v for k, v in plan.items() if k not in ('carried', 'asked_as')}


@pytest.fixture(scope='module')
def pairs(facts_store, facts_ctx):
    cases = [c for c in generate(facts_store.path, seed=11) if c.doc]
    alone = {c.question: answer(c.question, facts_ctx) for c in cases}
    standalone = [c for c in cases if alone[c.question].status == 'answered' and alone[c.question].plan.get('orgs')]
    rng = random.Random(5)
    out = []
    while len(out) < PAIRS:
        first, second = rng.sample(standalone, 2)
        if first.doc != second.doc:
            out.append((first, second, alone[first.question], alone[second.question]))
    return out


def test_a_self_contained_question_takes_nothing_from_the_one_before(pairs, facts_ctx):
    leaked = []
    for first, second, first_alone, second_alone in pairs:
        after = answer(second.question, facts_ctx, previous=first_alone.plan)
        if after.plan.get('carried') or understood(after.plan) != understood(second_alone.plan):
            leaked.append(f'{first.question} → {second.question}: {after.plan.get("describe")}')
    assert len(leaked) <= (1 - TARGET) * len(pairs), '\n'.join(leaked)


@pytest.mark.parametrize('first, second', [
    ('州政府办2024年三公经费是多少', '克州工信局2025年和2024年一般公共预算拨款各是多少，差多少'),
    ('克州工信局2025年三公经费是多少', '州政府办的主要职能是什么'),
])
def test_the_reported_leaks_are_gone(facts_ctx, first, second):
    previous = answer(first, facts_ctx).plan
    assert understood(answer(second, facts_ctx, previous=previous).plan) == understood(answer(second, facts_ctx).plan)


@pytest.mark.parametrize('follow, carried', [
    ('那2025年呢？', ['单位', '事项']), ('它的公务接待费呢？', ['单位', '年份']), ('那州政府办呢？', ['年份', '事项']),
    ('主要职能是什么', ['单位', '年份']),
])
def test_a_follow_up_takes_only_what_it_leaves_out(facts_ctx, follow, carried):
    previous = answer('克州工信局2024年三公经费是多少', facts_ctx).plan
    assert answer(follow, facts_ctx, previous=previous).plan['carried'] == carried
