"""Tables read by what they are (ingest/grids.py), from made-up lines in the shapes real disclosures print.

    .venv/bin/python -m pytest -q tests/test_grids.py
"""
from __future__ import annotations

from decimal import Decimal

from ingest.document import parse_source
from ingest.grid_checks import grid_checks
from ingest.grids import column_paths, read_grids, sangong_item, table_kind
from ingest.models import SourceText


def rows(*lines: str) -> list[str]:
    return [line.replace('|', '\t') for line in lines]


def cell(table, label: str, column: str) -> Decimal | None:
    for row in table.rows:
        if row.label == label:
            return row.value(column)
    return None


def test_a_two_sided_summary_gives_each_amount_the_label_beside_it():
    lines = ['2026年预算单位财务收支预算总表', '编制单位：某某局 单位：元'] + rows(
        '本年收入||本年支出|||',
        '项目|预算数|项目|预算数||',
        '|||合计|基本支出|项目支出',
        '一、财政拨款收入|195,774,300|一、一般公共服务支出|134,339,860|114,479,860|19,860,000',
        '收入总计|195,774,300|支出总计|195,774,300|175,071,300|20,703,000')
    [table] = read_grids(lines)
    assert (table.title, table.unit, table.kind) == ('2026年预算单位财务收支预算总表', '元', '收支总表')
    assert cell(table, '一、财政拨款收入', '本年收入/预算数') == Decimal('195774300')
    assert cell(table, '支出总计', '本年支出/预算数/基本支出') == Decimal('175071300')
    assert {r.side for r in table.rows} == {'收入', '支出'}


def test_a_heading_merged_over_columns_heads_each_of_them():
    paths = column_paths([['合计', '“三公”经费', '', '', '会议费'], ['', '小计', '因公出国（境）费', '公务接待费', '']])
    assert paths == ['合计', '“三公”经费/小计', '“三公”经费/因公出国（境）费', '“三公”经费/公务接待费', '会议费']


def test_a_table_over_two_pages_is_one_table_and_its_repeated_header_is_read_once():
    header = ['科目编码|科目名称|合计|基本支出|项目支出']
    lines = ['一般公共预算支出表', '单位：万元'] + rows(*header, '201|一般公共服务支出|30.00|20.00|10.00',
                                                  '20101|人大事务|30.00|20.00|10.00') + ['— 3 —'] + rows(
        *header, '208|社会保障和就业支出|5.00|5.00|')
    [table] = read_grids(lines)
    assert [r.code for r in table.rows] == ['201', '20101', '208']
    assert not [c for c in grid_checks(table) if not c.ok]


def test_a_number_above_the_title_and_the_title_inside_the_table():
    lines = ['表一'] + rows('收支预算总表部门：某某办公厅 单位：万元||', '项目名称|金额|', '收入合计|9,146.79|')
    [table] = read_grids(lines)
    assert table.title == '表一 收支预算总表'
    assert cell(table, '收入合计', '金额') == Decimal('9146.79')


def test_a_row_numbering_the_columns_is_not_data_nor_header():
    lines = ['2026年部门支出预算总表', '单位：万元'] + rows('科目名称|总计|基本支出', '**|1|2', '合计|99.00|60.00')
    [table] = read_grids(lines)
    assert [(r.label, [c.column for c in r.cells]) for r in table.rows] == [('合计', ['总计', '基本支出'])]


def test_a_sangong_table_names_its_total_and_parts_whichever_way_it_is_drawn():
    title = '“三公”经费、会议费、培训费支出预算表'
    assert sangong_item(title, '', '合计') == ''                    # holds 会议费 and 培训费 too
    assert sangong_item(title, '', '“三公”经费/小计') == '三公经费'
    assert sangong_item(title, '', '会议费') == ''
    assert sangong_item('财政拨款“三公”经费支出表', '合计', '预算数') == '三公经费'
    assert sangong_item('三公经费表', '2、公务接待费', '预算数') == '公务接待费'
    assert table_kind(title) == '三公经费表' and table_kind('2026年政府采购预算明细表') == '政府采购表'


def test_a_total_that_does_not_add_up_is_a_failed_check():
    lines = ['部门支出总表', '单位：万元'] + rows('科目编码|科目名称|合计|基本支出|项目支出',
                                              '201|一般公共服务支出|30.00|20.00|10.00',
                                              '20101|人大事务|25.00|20.00|10.00')
    [table] = read_grids(lines)
    failed = [c for c in grid_checks(table) if not c.ok]
    assert failed and {c.severity for c in failed} == {'contradiction'}


def test_a_page_without_text_is_named_not_the_file_refused():
    lines = ('某某局2026年部门预算', '2026年某某局收支总预算100.00万元，比上年增加1.00万元。', '三公经费10.00万元。',
             '基本支出80.00万元。', '')
    source = SourceText('x.pdf', lines, 'pdf', 'h', (1, 1, 1, 1, 2))
    document = parse_source(source)
    assert any(w.startswith('page 2: no text') for w in document.warnings)
