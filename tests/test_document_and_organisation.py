"""Questions about words, duties, structure and the document's own tables, answered over the samples' facts.

Definitions need no organisation and never answer with a figure; duties come from
主要职能, 下属单位 / 内设机构 from 机构设置, tables from the stored tables by title.
"""
import pytest

from qa.answer import answer
from qa.plans.define import differences, wording_key


def ask(ctx, question):
    return answer(question, ctx)


# ---- definitions ---------------------------------------------------------------------------

@pytest.mark.parametrize('question', ['预算表里的“财政拨款”指的是哪几块钱？', '名词解释里财政拨款包含哪些',
                                      '什么是财政拨款'])
def test_a_definition_names_no_organisation_and_says_the_documents_agree(facts_ctx, question):
    a = ask(facts_ctx, question)
    assert a.status == 'answered' and a.value is None
    assert a.plan['kind'] == 'define'
    for words in ('一般公共预算', '政府性基金', '国有资本经营'):
        assert words in a.answer
    assert '表述相同' in a.answer and len({c.doc for c in a.citations}) == 5


def test_a_definition_asked_of_one_organisation_is_its_glossary_not_a_figure(facts_ctx):
    a = ask(facts_ctx, '2025年克州工信局名词解释里，公务用车购置费包含哪些？')
    assert a.status == 'answered' and a.value is None
    assert '车辆购置税' in a.answer and '牌照费' in a.answer
    assert {c.doc for c in a.citations} == {'001_efa3db65107556e7.txt'}


def test_two_years_wording_a_term_differently_are_quoted_and_the_change_named(facts_ctx):
    a = ask(facts_ctx, '克州工信局2025年预算里“机关运行经费”的口径和2024年有什么不同？')
    assert a.status == 'answered' and a.value is None
    assert '参照公务员法' in a.answer and '各单位的公用经费' in a.answer
    assert '区别' in a.answer and '克州工信局2025年' in a.answer and '克州工信局2024年' in a.answer
    assert {c.doc for c in a.citations} == {'000_f62fb37ef8e53f88.txt', '001_efa3db65107556e7.txt'}


def test_wordings_that_differ_only_in_punctuation_are_one_wording():
    assert wording_key('财政拨款:指由一般公共预算 安排的财政拨款数。') == \
        wording_key('财政拨款：指由一般公共预算安排的财政拨款数。')
    assert differences('指行政单位（含参照公务员法管理事业单位）的公用经费', '指各单位的公用经费') == \
        [('行政单位（含参照公务员法管理事业单位）', '各单位')]


# ---- duties -------------------------------------------------------------------------------

@pytest.mark.parametrize('question, words', [('昌吉州工信局管不管盐业？', '盐业'),
                                              ('州政府办负责政务公开吗？', '政务公开'),
                                              ('昌吉州工信局负不负责民爆行业管理', '民爆')])
def test_a_duty_is_answered_from_the_line_of_the_duties_that_names_it(facts_ctx, question, words):
    a = ask(facts_ctx, question)
    assert a.status == 'answered' and a.plan['kind'] == 'duty'
    assert words in a.answer and '负责' in a.answer
    assert a.citations and a.citations[0].line_start < 80


def test_a_duty_the_document_does_not_mention_is_said_so_citing_the_duties(facts_ctx):
    a = ask(facts_ctx, '昌吉州工信局管不管民航机场？')
    assert a.status == 'not_found'
    assert '职能表述中没有提到' in a.answer and a.citations


# ---- structure ----------------------------------------------------------------------------

def test_schools_among_the_units_are_found_by_the_words_their_names_carry(facts_ctx):
    a = ask(facts_ctx, '库尔勒开发区下属单位里有学校吗？')
    assert a.status == 'answered' and a.answer.startswith('有')
    assert '第一中学' in a.answer or '一中' in a.answer
    assert {c.line_start for c in a.citations} & {81, 105}


def test_a_unit_asked_by_name_is_looked_up_in_the_structure(facts_ctx):
    yes = ask(facts_ctx, '州政府办有没有信息科')
    no = ask(facts_ctx, '州政府办有没有宣传科')
    assert yes.answer.startswith('有') and '信息科' in yes.answer
    assert no.answer.startswith('没有') and '宣传科' in no.answer and no.citations


def test_no_subordinate_units_is_answered_from_the_structure_line(facts_ctx):
    a = ask(facts_ctx, '昌吉州工信局有下属单位吗')
    assert a.answer.startswith('没有') and '无下属预算单位' in a.answer


# ---- the document's tables ------------------------------------------------------------------

def test_the_tables_a_document_prints_are_counted_and_a_missing_one_is_found_in_the_other_year(facts_ctx):
    a = ask(facts_ctx, '克州工信局2024年的预算公开一共有几张表？有没有上年结转结余明细表？')
    assert a.status == 'answered' and a.value == '10' and a.unit == '张'
    assert '没有' in a.answer and '表11上年结转结余情况明细表' in a.answer and '空表' in a.answer
    assert a.verified


def test_the_table_for_an_item_and_an_unfilled_narrative_section_are_named(facts_ctx):
    a = ask(facts_ctx, '想查库尔勒开发区上年结转的钱每一笔用在哪，看哪张表？正文有说明吗？')
    assert '表11上年结转结余情况明细表' in a.answer
    assert '未填写的模板' in a.answer
    assert {c.line_start for c in a.citations} & {771, 2781, 2791}
