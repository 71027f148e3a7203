"""Table reconstruction for each layout the disclosures come in, on small made-up tables.

Each test builds the same 表3 (支出总体情况表) in one layout and checks every
cell lands in its row and column; the pitfalls named in the ingest issue each
have a test: <b> tags and stray tabs, one cell per line, pdftotext rows that
lost their column positions with a header broken over lines and repeated after
a page break, OCR-split numbers, cut-off labels and codes.
"""
from decimal import Decimal

from ingest.tables import read_tables

EXPECTED_T3 = {
    ('201', '合计'): '868.26', ('201', '基本支出'): '428.08', ('201', '项目支出'): '440.18',
    ('20113', '合计'): '868.26', ('20113', '基本支出'): '428.08', ('20113', '项目支出'): '440.18',
    ('2011301', '合计'): '820.61', ('2011301', '基本支出'): '388.43', ('2011301', '项目支出'): '432.18',
    ('2011350', '合计'): '39.65', ('2011350', '基本支出'): '39.65',
    ('2011399', '合计'): '8.00', ('2011399', '项目支出'): '8.00',
    ('208', '合计'): '133.87', ('208', '基本支出'): '133.87',
    ('20805', '合计'): '133.87', ('20805', '基本支出'): '133.87',
    ('2080501', '合计'): '133.87', ('2080501', '基本支出'): '133.87',
    ('', '合计'): '1002.13', ('', '基本支出'): '561.95', ('', '项目支出'): '440.18',
}


def cells(table):
    return {(row.code, cell.column): str(cell.value) for row in table.rows for cell in row.cells}


def only_table(lines, number=3):
    tables, warnings = read_tables(lines)
    return next(t for t in tables if t.number == number), warnings


def test_tab_separated_rows_with_tags_stray_tab_and_split_number():
    lines = ['表 3', '', '## 单位支出总体情况表', '', '单位：万元', '',
             '项 目\t\t\t支出预算\t\t\t',
             '功能分类科目 编码\t\t\t功 能 分 类 科 目 名 称\t合 计\t基本支出\t项目支出',
             '类\t款\t项\t\t\t\t',
             '201\t\t\t一般公共服务支出\t868.26\t428.08\t440.18',
             '201\t13\t\t商贸事务\t868.26\t428.08\t440.18',
             '201\t13\t01\t行政运行\t820.61\t388.43\t432. 18',
             '201\t13\t50\t事业运行\t39.65\t39.65\t',
             '201\t13\t99\t其他商贸事务支出\t8.00\t\t8.00',
             '208\t\t\t社会保障和就业支出\t133.87\t133.87\t',
             '208\t05\t\t行政事业单位养老支出\t133.87\t133.87\t',
             '208\t05\t01\t行政单位离退休\t133.87\t133.87\t',
             '\t\t\t\t<b>合 计</b>\t<b>1,002.13</b>\t<b>561.95</b>\t<b>440.</b>',
             '\t\t\t\t\t\t\t<b>18</b>']
    table, _ = only_table(lines)
    assert table.layout == 'tsv'
    assert cells(table) == EXPECTED_T3
    split = next(c for r in table.rows for c in r.cells if r.code == '2011301' and c.column == '项目支出')
    assert 'ocr_split_joined' in split.flags
    over_lines = next(c for r in table.rows for c in r.cells if r.label == '合计' and c.column == '项目支出')
    assert 'split_over_lines' in over_lines.flags


def test_one_cell_per_line_with_a_row_broken_in_two_groups():
    rows = [['201', '', '', '一般公共服务支出'], ['868.26', '428.08', '440.18'],
            ['201', '13', '', '商贸事务', '868.26', '428.08', '440.18'],
            ['201', '13', '01', '行政运行', '820.61', '388.43', '432.18'],
            ['201', '13', '50', '事业运行', '39.65', '39.65', ''],
            ['201', '13', '99', '其他商贸事务支出', '8.00', '', '8.00'],
            ['208', '', '', '社会保障和就业支出', '133.87', '133.87', ''],
            ['208', '05', '', '行政事业单位养老支出', '133.87', '133.87', ''],
            ['208', '05', '01', '行政单位离退休', '133.87', '133.87', ''],
            ['', '', '', '合  计', '1002.13', '561.95', '440.18']]
    lines = ['表3', '', '支出总体情况表', '', '编制单位：某局                    单位：万元',
             '\t项    目', '\t支出预算', '', '\t功能分类科目编码', '\t功能分类科目名称', '\t合  计', '\t基本支出',
             '\t项目支出', '']
    for row in rows:
        lines += ['\t' + cell for cell in row] + ['']
    table, _ = only_table(lines)
    assert table.layout == 'cell_per_line'
    assert cells(table) == EXPECTED_T3


PDFTOTEXT_T3 = [' 表 3', '', '部门支出总体情况表', '', '编制部门：某局 单位：万元', '', '科目 支出预算', '',
                '功能分类科目编码', '功能分类科目名称 合计 基本支出 项目支出', '', '类 款 项', '', '※ ※ ※ ※ 1 2 3', '',
                '总计 1,002.13 561.95 440.18', '',
                '201 一般公共服务支出 868.26 428.08 440.18', '',
                '201 13 商贸事务 868.26 428.08 440.18', '',
                '201 13 01 行政运行 820.61 388.43 432. 18', '',
                '201 13 50 事业运行 39.65 39.65', '',
                '201 13 99', '其他商贸事务', '', '支出', '8.00 8.00', '',
                '7', '', '编制部门：某局 单位：万元', '', '功能分类科目编码',
                '功能分类科目名称 合计 基本支出 项目支出', '',
                '208 社会保障和就业支出 133.87 133.87', '',
                '208 05 行政事业单位养老支出 133.87 133.87', '',
                '208 05 01 行政单位离退休 133.87 133.87', '']


def test_pdftotext_rows_placed_by_the_arithmetic():
    table, _ = only_table(PDFTOTEXT_T3)
    assert table.layout == 'text'
    expected = {(code if code else '', col): v for (code, col), v in EXPECTED_T3.items()}
    assert cells(table) == expected
    labels = {r.code: r.label for r in table.rows}
    assert labels['2011399'] == '其他商贸事务支出'   # label broken over two lines, values on a third


def test_pdftotext_equal_values_are_placed_by_column_sums_not_guessed():
    # 事业运行 prints "39.65 39.65": 基本支出 or 项目支出? Only 基本 makes 20113 = Σ 项.
    table, _ = only_table(PDFTOTEXT_T3)
    row = next(r for r in table.rows if r.code == '2011350')
    assert row.value('基本支出') == Decimal('39.65') and row.value('项目支出') is None
    assert not any('column_ambiguous' in c.flags for c in row.cells)


def test_pdftotext_undecidable_placement_is_flagged():
    lines = ['表 10', '', '财政拨款“三公”经费支出情况表', '单位：万元', '“三公”经费支出内容 合计', '资金来源',
             '一般公共预算 政府性基金', '国有资本经营预', '算', '合计 13.80 13.80', '公务接待费 3.00 3.00',
             '公务用车购置及运行费（小计） 10.80 10.80', '公务用车运行费 10.80 10.80']
    table, _ = only_table(lines, 10)
    total = next(r for r in table.rows if r.label == '合计')
    assert total.value('合计') == Decimal('13.80')
    second = next(c for c in total.cells if c.column != '合计')
    assert 'column_ambiguous' in second.flags   # 一般公共预算? 政府性基金? the layout cannot say


def test_cut_codes_are_repaired_from_the_same_label_in_another_table():
    t2 = ['表2', '收入总体情况表', '单位：万元',
          '功能分类科目编码\t\t\t功能分类科目名称\t总计\t财政拨款（补助）小计\t一般公共预算',
          '201\t03\t99\t其他政府办公厅（室）及相关机构事务支出\t544\t544\t544',
          '204\t99\t99\t其他公共安全支出\t126\t126\t126']
    t3 = ['表 3', '支出总体情况表', '单位：万元', '功能分类科目编码\t\t\t功能分类科目名称\t合计\t基本支出\t项目支出',
          '201\t0\t9\t其他政府办公厅（室）及相关机构事务支出\t544\t544\t',
          '204\t9\t9]其他公共安全支出\t126\t\t126']
    tables, _ = read_tables(t2 + t3)
    table = next(t for t in tables if t.number == 3)
    codes = {r.label: (r.code, r.flags) for r in table.rows}
    assert codes['其他政府办公厅（室）及相关机构事务支出'][0] == '2010399'
    assert 'code_repaired:20109' in codes['其他政府办公厅（室）及相关机构事务支出'][1]
    assert codes['其他公共安全支出'][0] == '2049999'
    row = next(r for r in table.rows if r.label == '其他公共安全支出')
    assert row.value('项目支出') == Decimal('126')   # the code+label cell took one slot, not two


def test_a_table_without_title_is_found_where_codes_restart():
    lines = ['表2', '收入总体情况表', '单位：万元',
             '功能分类科目编码\t\t\t功能分类科目名称\t总计\t财政拨款（补助）小计\t一般公共预算',
             '201\t03\t01\t行政运行\t940\t940\t940', '208\t05\t01\t行政单位离退休\t17\t17\t17',
             '201\t03\t01\t行政运行\t940\t940\t', '208\t05\t01\t行政单位离退休\t17\t17\t']
    tables, warnings = read_tables(lines)
    assert [t.number for t in tables] == [2, 3]
    assert 'title_and_header_missing' in tables[1].warnings
    assert any('表3' in w and 'line 7' in w for w in warnings)


def test_garbled_number_is_flagged_not_read():
    lines = ['表 4', '财政拨款收支预算总体情况表', '单位：万元',
             '项目\t合计\t功能分类\t合计\t一般公共预算\t政府性基金预算\t国有资本经营预算',
             '一、财政拨款（补助）\t2918.03\t201 一般公共服务支出\t2313.63\t2313.6333.632303.6319\t\t']
    table, _ = only_table(lines, 4)
    row = next(r for r in table.rows if r.code == '201')
    assert row.value('合计') == Decimal('2313.63') and row.value('一般公共预算') is None
    assert any(f.startswith('unreadable_number:2313.6333.632303.6319') for f in row.flags)


def test_empty_table_keeps_its_note():
    lines = ['表 8', '政府性基金预算支出情况表', '单位：万元',
             '项 目\t\t\t政府性基金预算支出', '类\t款\t项\t\t', '\t\t\t合 计\t\t\t', '',
             '备注：某局 2024 年没有使用政府性基金预算拨款安排的支出，政府性基金预算支出情况表为空表。']
    table, _ = only_table(lines, 8)
    assert table.empty
    assert '为空表' in table.note
