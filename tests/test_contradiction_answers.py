"""Where the document contradicts itself, the answer says so with both figures and both lines (文件前后不一致);
asserted by mechanism over every such place the samples' stored checks hold, not by organisation or item."""
import re
from decimal import Decimal

from ingest.numbers import format_amount
from ingest.text_checks import ALLOCATION, RATE, TWICE
from qa.answer import answer


def failed_text_checks(store, name):
    return [c for c in store.checks(failed_only=True)
            if c['kind'] == 'text' and c['name'].startswith(name) and c['severity'] == 'contradiction']


def info(ctx, doc):
    return next(d for d in ctx.documents if d.doc == doc)


def xiang(subject: str) -> str:
    found = re.findall(r'([^（）()]+)[（(]项[）)]$', subject)
    return found[0] if found else ''


def unique_items(ctx, doc):
    """项 labels stated once per document (a 行政运行 of several 款 is not asked by its label alone)."""
    labels = [xiang(f.row) for f in ctx.facts([info(ctx, doc)]) if f.source == 'text' and f.column == '数额']
    return {label for label in labels if label and labels.count(label) == 1}


def cited_lines(result):
    return {n for c in result.citations for n in range(c.line_start, c.line_end + 1)}


def test_a_stated_rate_its_amounts_do_not_give_is_said_with_the_computed_rate(facts_store, facts_ctx):
    asked = 0
    for c in failed_text_checks(facts_store, RATE):
        label = xiang(c['subject'])
        if label not in unique_items(facts_ctx, c['doc']):
            continue
        d = info(facts_ctx, c['doc'])
        result = answer(f'{d.org}{d.year}年{label}比上年是增是减？', facts_ctx)
        asked += 1
        assert '文件前后不一致' in result.answer, result.answer
        assert f'{format_amount(abs(Decimal(c["actual"])))}%' in result.answer and '计算：' in result.answer
        assert c['line_start'] in cited_lines(result) and result.verified
    assert asked


def test_an_item_stated_twice_is_said_with_both_lines(facts_store, facts_ctx):
    checks = failed_text_checks(facts_store, TWICE)
    said = 0
    for c in checks:
        d = info(facts_ctx, c['doc'])
        result = answer(f'{d.org}{d.year}年{xiang(c["subject"])}比上年是增是减？', facts_ctx)
        if result.status != 'answered' or c['line_start'] not in cited_lines(result):
            continue                 # another item of the same label was chosen
        said += 1
        assert '写了两处' in result.answer and c['line_end'] in cited_lines(result), result.answer
    assert said


def test_a_project_allocation_that_does_not_add_up_says_the_sum_and_the_total(facts_store, facts_ctx):
    checks = failed_text_checks(facts_store, ALLOCATION)
    assert checks
    for c in checks:
        d = info(facts_ctx, c['doc'])
        result = answer(f'{d.org}{d.year}年“{c["subject"]}”资金怎么分配的？', facts_ctx)
        assert '对不上' in result.answer, result.answer
        assert format_amount(Decimal(c['actual'])) in result.answer and result.verified
        assert c['line_start'] in cited_lines(result)


def test_a_failed_table_sum_is_said_in_plain_words_with_both_figures(facts_store, facts_ctx):
    """'表6…公用经费一栏…14行加起来为2,522万元（计算：…），与合计行印的2,414万元对不上' —
    no '核对未通过：合计行 = Σ 各行'."""
    checks = [c for c in facts_store.checks(failed_only=True) if c['name'].startswith('合计行 = Σ 各行（')
              and c['severity'] == 'contradiction' and c['table_no'] == 6 and not c['name'].endswith('（合计）')]
    assert checks
    for c in checks:
        d = info(facts_ctx, c['doc'])
        column = c['name'][len('合计行 = Σ 各行（'):-1]
        result = answer(f'{d.org}{d.year}年一般公共预算基本支出表里，{column}各明细加起来和合计数对得上吗', facts_ctx)
        assert result.answer.startswith('对不上') and 'Σ' not in result.answer
        assert format_amount(Decimal(c['actual'])) in result.answer
        assert format_amount(Decimal(c['expected'])) in result.answer
        assert Decimal(result.value) == Decimal(c['actual']) and result.verified


def test_a_row_of_a_long_column_that_does_not_add_up_gets_one_line_not_every_row(facts_ctx):
    for d in facts_ctx.documents:
        result = answer(f'{d.org}{d.year}年小学教育是多少', facts_ctx)
        assert result.answer.count(' + ') < 10


def test_the_narratives_level_against_the_tables(facts_store, facts_ctx):
    """'…小学教育（项）：2024年预算数为2132万元' where the tables print 2,396 and 2,383: both said."""
    said = 0
    for d in facts_ctx.documents:
        facts = facts_ctx.facts([d])
        for f in [f for f in facts if f.source == 'text' and f.column == '数额' and f.row.endswith('（项）')]:
            label = xiang(f.row)
            rows = [x for x in facts if x.source == 'table' and x.row == label and x.column == '合计']
            if not rows or len({x.row_code for x in rows}) != 1 or label not in unique_items(facts_ctx, d.doc) or \
                    any(x.value == f.value for x in facts if x.source == 'table' and x.row_code == rows[0].row_code):
                continue
            result = answer(f'{d.org}{d.year}年{label}预算是多少', facts_ctx)
            if '口径不同' in result.answer:
                continue
            said += 1
            assert '文件前后不一致' in result.answer and format_amount(f.value) in result.answer, result.answer
    assert said


def test_a_blank_row_of_the_sangong_table_answers_no(facts_store, facts_ctx):
    blanks = [s for s in facts_store.statements(kind='blank_row') if s['table_no'] == 10 and '小计' not in s['subject']]
    assert blanks
    for s in blanks:
        d = info(facts_ctx, s['doc'])
        result = answer(f'{d.org}{d.year}年有没有安排{s["subject"]}？', facts_ctx)
        assert result.status == 'answered' and result.answer.startswith('没有'), result.answer
        assert s['line_start'] in cited_lines(result)


def test_what_the_document_withholds_is_asked_as_withheld(facts_ctx):
    """'那3个涉密项目是什么，各多少钱' over '其中 3 个项目涉密不公开…': 文件没有公开 (qa/plans/verify.py),
    not a quote."""
    from qa.plans.verify import asks_withheld
    for d in facts_ctx.documents:
        for f in facts_ctx.facts([d]):
            sentence = facts_ctx.lines(f.doc, f.line_start, f.line_end)
            if f.source == 'text' and f.unit == '个' and '涉密' in sentence:
                assert asks_withheld(f'{d.org}{d.year}年那{f.value}个涉密项目是什么，各多少钱？', sentence)
                assert not asks_withheld(f'{d.org}{d.year}年项目支出共多少个？', sentence)
                return
    raise AssertionError('no 涉密 sentence in the samples')


def test_a_row_whose_columns_do_not_add_up_is_said_whichever_table_answers(facts_store, facts_ctx):
    """'其他商贸事务支出' answered from 表2 still says that 表5's row does not add up
    (合计 2,283.33, 项目支出 1,854.62)."""
    said = 0
    for c in [c for c in facts_store.checks(failed_only=True) if c['kind'] == 'row' and c['severity'] == 'contradiction'
              and c['table_no'] == 5]:
        d = info(facts_ctx, c['doc'])
        code, _, label = c['subject'].partition(' ')
        facts = facts_ctx.facts([d])
        if len({f.row_code for f in facts if f.source == 'table' and f.row == label}) != 1 or \
                any(f.project for f in facts if f.row_code == code):
            continue
        result = answer(f'{d.org}{d.year}年{label}是多少', facts_ctx)
        said += 1
        assert '对不上' in result.answer and format_amount(Decimal(c['expected'])) in result.answer, result.answer
    assert said


def test_a_reason_naming_staff_is_read_against_the_stated_headcount(facts_ctx):
    """'主要原因是本年在职人员较上年有所减少' where the document states '在职 28人，增加 3人'."""
    said = 0
    for d in facts_ctx.documents:
        facts = facts_ctx.facts([d])
        ups = {f.item for f in facts if f.source == 'text' and f.column == '比上年增加' and f.item.endswith('人数')
               and f.value}
        for f in [f for f in facts
                  if f.source == 'text' and f.column.startswith('比上年') and f.row.endswith('（项）')]:
            sentence = facts_ctx.lines(f.doc, f.line_start, f.line_end + 3).replace(' ', '')
            if any(re.search(item[:2] + r'人员[^，。；]{0,6}减少', sentence) for item in ups):
                result = answer(f'{d.org}{d.year}年{xiang(f.row)}{f.column[:3]}{f.column[3:]}了多少？', facts_ctx)
                if f.line_start not in cited_lines(result):
                    continue
                said += 1
                assert '所给原因' in result.answer and '文件前后不一致' in result.answer, result.answer
    assert said
