"""A project's details are facts too: who is responsible, which unit carries it, what the money is for, how the
amount is calculated, each performance indicator (指标值, 上年完成值), the 部门整体绩效目标表's contact; and the
projects a unit inside a document carries, ranked or summed.

    .venv/bin/python -m pytest -q tests/test_project_details.py

Stored line by line (ingest/project_details.py -> table details), answered by quoting and citing the printed
line (qa/plans/detail.py); a field the document does not print is 文件中没有, never guessed.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from qa.answer import answer

GOV = '002_220f206dadf5e393.txt'          # tab-separated form rows
CHANGJI = '003_1c7e695c684c211f.txt'      # one cell per line
KEZHOU_2025 = '001_efa3db65107556e7.txt'  # pdftotext lines, names broken over lines
KORLA = '004_e54530e087c47278.txt'


def detail(parsed, doc, project, field):
    found = [d for d in parsed[doc].details if d.project == project and d.field == field]
    assert found, (doc, project, field)
    return found[0]


def printed(d):
    return d.value, d.line_start, d.line_end


# ---- what is stored -------------------------------------------------------------------------------

def test_form_fields_are_read_in_every_layout(parsed):
    assert printed(detail(parsed, GOV, '业务活动经费项目', '项目负责人')) == ('努尔江·买买提吐尔干', 537, 537)
    assert detail(parsed, CHANGJI, '正格勒得村村委会办公楼维修项目', '项目负责人').value == '苏帆'
    assert detail(parsed, KEZHOU_2025, '单位其他资金收入', '项目负责人').value == '阿不都瓦力·阿山拜克'
    assert printed(detail(parsed, KEZHOU_2025, '', '部门联系人')) == ('赵娜', 1142, 1142)
    assert detail(parsed, KORLA, '国土空间总体规划', '预算单位').value == '库尔勒经济技术开发区自然资源局'


def test_indicators_keep_their_operator_target_unit_and_last_years_value(parsed):
    row = detail(parsed, GOV, '业务活动经费项目', '全年采编上报政务信息条数（条）')
    assert (row.indicator, row.op, row.target, row.unit, row.previous, row.line_start) == \
        (True, '≥', '990', '条', '1000 篇', 541)
    assert detail(parsed, KORLA, '国土空间总体规划', '人员满意度').previous == ''       # printed '-'


def test_descriptions_in_the_prose_are_stored_field_by_field(parsed):
    row = detail(parsed, KORLA, '开发区国土空间总体规划项目', '项目承担单位')
    assert (row.value, row.line_start) == ('北京清华同衡规划设计研究院有限公司', 1750)
    assert detail(parsed, KORLA, '雪亮工程费用', '资金分配情况').value == '完全不予公开'


def test_the_store_gives_the_details_back_as_printed(facts_store):
    rows = [r for r in facts_store.details(GOV) if r['field'] == '全年采编上报政务信息条数（条）']
    assert rows and rows[0]['value'] == '>=990 条' and rows[0]['previous'] == '1000 篇'


# ---- answers --------------------------------------------------------------------------------------

def cited(result, doc, line):
    return any(c.doc == doc and c.line_start <= line <= c.line_end for c in result.citations)


@pytest.mark.parametrize('question, words, doc, line', [
    ('昌吉州工信局正格勒得村村委会办公楼维修项目谁负责？', ['苏帆'], CHANGJI, 3208),
    ('库尔勒开发区国土空间总体规划项目由哪个单位承担？', ['清华同衡', '自然资源局'], KORLA, 1750),
    ('克州工信局2025年部门整体绩效目标表的联系人是谁？', ['赵娜'], KEZHOU_2025, 1142),
    ('开发区消防救援大队专项业务工作经费项目的410万元是怎么测算的？', ['82', '5万元'], KORLA, 2509),
    ('The Korla development zone fire brigade special operations budget - how is that amount calculated?',
     ['82', '5万元'], KORLA, 2509),
    ('克州合作交流中心工作经费项目谁负责？一年要接待多少个团队？', ['李刚', '150', '上年完成值'], GOV, 597),
])
def test_a_field_is_quoted_from_its_line_and_cited(facts_ctx, question, words, doc, line):
    result = answer(question, facts_ctx)
    assert result.status == 'answered' and result.verified, result.answer
    assert all(w in result.answer for w in words), result.answer
    assert cited(result, doc, line), result.citations


def test_an_indicator_answer_states_operator_value_unit_and_last_year(facts_ctx):
    result = answer('州政府办业务活动经费项目的绩效目标里，全年要采编上报多少条政务信息？', facts_ctx)
    assert (result.value, result.unit) == ('990', '条')
    assert '≥990条' in result.answer and '上年完成值：1000 篇' in result.answer
    assert cited(result, GOV, 541)


def test_an_undisclosed_field_is_said_to_be_undisclosed(facts_ctx):
    result = answer('库尔勒开发区雪亮工程费用的资金分配情况是什么？', facts_ctx)
    assert '完全不予公开' in result.answer and cited(result, KORLA, 1265)


def test_a_field_the_document_does_not_print_is_not_guessed(facts_ctx):
    result = answer('昌吉州工信局正格勒得村村委会办公楼维修项目的设立依据是什么？', facts_ctx)
    assert result.status == 'not_found' and '没有列出' in result.answer


def test_a_unit_inside_a_document_is_answered_with_the_projects_it_carries(facts_ctx):
    ranked = answer('库尔勒开发区园林环卫市政局哪个项目钱最多？', facts_ctx)
    assert ranked.status == 'answered' and Decimal(ranked.value) == 1500 and '专项业务工作经费' in ranked.answer
    summed = answer('库尔勒开发区政法统战事务中心的项目一共多少钱？资金用途为什么看不到？', facts_ctx)
    assert Decimal(summed.value) == 31 and '计算：' in summed.answer and '不予公开' in summed.answer
    assert summed.verified and cited(summed, KORLA, 1282)


def test_a_units_totals_are_still_not_its_parents(facts_ctx):
    result = answer('库尔勒开发区政法统战事务中心2024年的支出预算总额是多少？', facts_ctx)
    assert result.status == 'not_found' and '下属单位' in result.answer
