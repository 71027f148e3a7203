"""Rankings at the level asked, across documents, stated previous figures, blank parent rows and per-person
figures, answered over the samples' facts (issue #20).

Each question is one of a class: the level words (哪一类/哪一款/明细科目) choose the rows by their code's length,
a ranking over the loaded disclosures lists every organisation-year, a figure the prose states for last year
answers a change without last year's document, a 类 row printed blank is the sum of its rows, and a per-person
figure is computed only when the question names the headcount.
"""
from decimal import Decimal

import pytest

from qa.answer import answer


def cited_lines(result) -> set[tuple[str, int]]:
    return {(c.doc, line) for c in result.citations for line in range(c.line_start, c.line_end + 1)}


def test_the_class_level_ranks_the_3_digit_rows_of_the_table_that_prints_them(facts_ctx):
    result = answer('库尔勒开发区2024年哪一类支出最多？', facts_ctx)
    assert result.status == 'answered' and Decimal(result.value) == 21920
    assert '资源勘探工业信息等支出' in result.answer and '上年结转结余' in result.answer   # its scope is said
    assert ('004_e54530e087c47278.txt', 137) in cited_lines(result)


def test_the_detail_rows_of_basic_spending_are_the_economic_rows_of_its_own_table(facts_ctx):
    result = answer('州政府办2024年基本支出的明细科目里，哪一项花钱最多？', facts_ctx)
    assert Decimal(result.value) == Decimal('457.72') and '津贴补贴' in result.answer and '表6' in result.answer


def test_top_three_of_personnel_costs_lists_three(facts_ctx):
    result = answer('州政府办2024年人员经费里前三是哪些', facts_ctx)
    assert '3、奖金' in result.answer and '4、' not in result.answer


def test_a_level_the_table_prints_blank_is_summed_from_its_rows_and_labelled_computed(facts_ctx):
    result = answer('库尔勒开发区2024年一般公共预算支出哪一类最多', facts_ctx)
    assert result.status == 'answered' and result.verified
    assert '计算得出' in result.answer and '城乡社区支出' in result.answer


def test_a_ranking_over_the_loaded_disclosures_lists_each_organisation_year_and_the_templates(facts_ctx):
    result = answer('这几份预算公开里，谁的政府采购预算最多？', facts_ctx)
    assert Decimal(result.value) == Decimal('253.09')
    assert '（2025年）17.80万元' in result.answer            # both years of one organisation are ranked
    assert '未填写的模板' in result.answer and ('004_e54530e087c47278.txt', 2813) in cited_lines(result)


def test_among_several_units_the_count_word_names_the_set_not_the_unit(facts_ctx):
    result = answer('几家单位里谁的车最多？', facts_ctx)
    assert result.status == 'answered' and Decimal(result.value) == 11 and result.unit == '辆'


def test_a_figure_stated_for_last_year_answers_the_change_without_last_years_document(facts_ctx):
    result = answer('库尔勒开发区2024年一般公共预算收入预算是按多少编的？比2023年少多少？', facts_ctx)
    assert result.status == 'answered' and Decimal(result.value) == 88000
    assert '12,000' in result.answer and '计算：88,000 − 100,000' in result.answer
    single = answer('库尔勒开发区2024年一般公共预算收入预算比2023年少多少', facts_ctx)
    assert Decimal(single.value) == -12000


def test_a_year_not_loaded_and_not_stated_is_still_refused(facts_ctx):
    assert answer('库尔勒开发区2023年三公经费是多少', facts_ctx).status == 'not_found'


def test_a_blank_parent_row_is_the_sum_of_its_printed_children(facts_ctx):
    result = answer('开发区管委会2024年彩票公益金安排了多少？', facts_ctx)
    assert result.status == 'answered' and Decimal(result.value) == 8 and result.verified
    assert '3 + 5 = 8' in result.answer and '没有' not in result.answer


def test_per_person_is_computed_when_the_headcount_is_named(facts_ctx):
    result = answer('州政府办2024年人员经费按实有人数算平均每人多少', facts_ctx)
    assert result.status == 'answered' and Decimal(result.value) == Decimal('13.53') and result.verified
    assert '1,407.47 ÷ 104' in result.answer and '计算得出' in result.answer


@pytest.mark.parametrize('question', ['州政府办在职人员人均工资是多少？', '库尔勒经开区在职人员人均人员经费是多少？'])
def test_a_per_person_figure_the_document_does_not_print_is_not_made_up(facts_ctx, question):
    assert answer(question, facts_ctx).status == 'not_found'


def test_standard_times_quantity_is_checked_against_the_projects_budget(facts_ctx):
    result = answer('开发区消防大队专项业务工作经费项目是怎么算的？', facts_ctx)
    assert '5 × 82 = 410' in result.answer and '与预算安排一致' in result.answer
