"""Facts stated in the prose, each checked against the document by reading it."""
from decimal import Decimal

import pytest


def fact(document, item, column='数额'):
    found = [f for f in document.facts if f.source == 'text' and f.item == item and f.column.startswith(column)]
    assert found, f'no {item}/{column} in {document.name}'
    return found[0]


@pytest.mark.parametrize('name, item, column, value, unit, line', [
    ('000_f62fb37ef8e53f88.txt', '编制数', '数额', '29', '人', 73),
    ('000_f62fb37ef8e53f88.txt', '实有人数', '数额', '68', '人', 73),
    ('000_f62fb37ef8e53f88.txt', '在职人数', '比上年减少', '4', '人', 73),
    ('000_f62fb37ef8e53f88.txt', '三公经费', '数额', '10.00', '万元', 494),
    ('000_f62fb37ef8e53f88.txt', '公务用车运行费', '数额', '7.00', '万元', 494),
    ('000_f62fb37ef8e53f88.txt', '机关运行经费', '比上年增加', '2.82', '万元', 502),
    ('000_f62fb37ef8e53f88.txt', '政府采购服务预算', '数额', '164.29', '万元', 506),
    ('000_f62fb37ef8e53f88.txt', '房屋面积', '数额', '1522.00', '平方米', 514),
    ('000_f62fb37ef8e53f88.txt', '车辆价值', '数额', '105.32', '万元', 515),
    ('000_f62fb37ef8e53f88.txt', '单位资金', '比上年增加', '432.18', '万元', 374),
    ('000_f62fb37ef8e53f88.txt', '一般公共服务支出（类）商贸事务（款）行政运行（项）', '比上年减少', '170.13', '万元',
     414),
    ('001_efa3db65107556e7.txt', '编制数', '数额', '28', '人', 25),
    ('001_efa3db65107556e7.txt', '三公经费', '比上年增加', '3.80', '万元', 1061),
    ('001_efa3db65107556e7.txt', '基本支出', '比上年增加', '76.39', '万元', 796),
    ('001_efa3db65107556e7.txt', '人员经费', '数额', '642.00', '万元', 947),
    ('002_220f206dadf5e393.txt', '三公经费', '数额', '0.00', '万元', 495),
    ('002_220f206dadf5e393.txt', '人员经费', '数额', '1407.47', '万元', 429),
    ('002_220f206dadf5e393.txt', '车辆数量', '数额', '11', '辆', 518),
    ('003_1c7e695c684c211f.txt', '编制数', '数额', '38', '人', 32),
    ('003_1c7e695c684c211f.txt', '三公经费', '数额', '10.5', '万元', 2404),
    ('003_1c7e695c684c211f.txt', '基本支出', '比上年增加', '65.6', '万元', 2313),
    ('003_1c7e695c684c211f.txt', '房屋面积', '数额', '59.14', '平方米', 2420),
    ('004_e54530e087c47278.txt', '编制数', '数额', '346', '人', 109),
    ('004_e54530e087c47278.txt', '一般公共预算', '比上年减少', '5918', '万元', 811),
])
def test_named_fact(parsed, name, item, column, value, unit, line):
    f = fact(parsed[name], item, column)
    assert (f.value, f.unit, f.line_start) == (Decimal(value), unit, line)


def test_asset_facts_say_when_they_were_counted(parsed):
    f = fact(parsed['003_1c7e695c684c211f.txt'], '房屋面积')
    assert f.column == '数额（截至2022年底）'


def test_project_facts_carry_their_project(parsed):
    doc = parsed['002_220f206dadf5e393.txt']
    sizes = {f.project: f.value for f in doc.facts if f.item == '预算安排规模'}
    assert sizes == {'机场设施租赁费': Decimal('60.00'), '业务活动经费项目': Decimal('50.00'),
                     '克州合作交流中心工作经费': Decimal('40.00'), '政府楼搬迁改造费': Decimal('59.00')}
    split = [(f.row, f.value) for f in doc.facts if f.project == '政府楼搬迁改造费' and f.line_start == 481]
    assert split == [('会议室搬迁改造费', Decimal('49')), ('视频会议室维护费', Decimal('10'))]


def test_performance_indicators(parsed):
    doc = parsed['002_220f206dadf5e393.txt']
    visitors = next(f for f in doc.facts if f.item == '绩效指标' and f.row.startswith('全年贵宾厅使用人数'))
    assert (visitors.value, visitors.unit, visitors.project, visitors.line_start) == (
        Decimal('2000'), '人', '机场设施租赁费', 577)
    assert 'op:≥' in visitors.flags


def test_unfilled_template_sections_are_statements_not_values(parsed):
    doc = parsed['004_e54530e087c47278.txt']
    unfilled = [s for s in doc.statements if s.kind == 'template_unfilled']
    assert {s.line_start for s in unfilled} >= {2747, 2763, 2777, 2791}
    assert not [f for f in doc.facts if f.source == 'text' and 2745 <= f.line_start <= 2800 and f.item]


def test_not_arranged_is_recorded(parsed):
    doc = parsed['000_f62fb37ef8e53f88.txt']
    subjects = {s.subject for s in doc.statements if s.kind == 'not_arranged'}
    assert '政府性基金预算' in subjects
    empty = {s.table_no for s in doc.statements if s.kind == 'empty_table'}
    assert empty == {8, 9}


def test_organisation_year_and_aliases(parsed):
    doc = parsed['002_220f206dadf5e393.txt']
    assert (doc.org, doc.year) == ('克孜勒苏柯尔克孜自治州人民政府办公室', 2024)
    assert {'州政府办', '克州政府办', '政府办'} <= set(doc.aliases)
    korla = parsed['004_e54530e087c47278.txt']
    assert {'库尔勒开发区', '开发区', '经开区'} <= set(korla.aliases)
    assert parsed['000_f62fb37ef8e53f88.txt'].year == 2024 and parsed['001_efa3db65107556e7.txt'].year == 2025
