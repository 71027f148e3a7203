"""Organisation, year, kind and aliases from made-up lines: the shapes real disclosures print.

    /work/main/.venv/bin/python -m pytest -q tests/test_orgs.py
"""
from __future__ import annotations

import time

import pytest

from ingest.orgs import derive_aliases, detect_kind, detect_org, detect_year, org_key


def test_title_drawn_with_spaces_between_characters():
    lines = ['某某市统计局', '2 0 2 6 年 度 部 门 预 算', '目 录', '第一部分 部门概况']
    assert (detect_org(lines), detect_year(lines), detect_kind(lines)) == ('某某市统计局', 2026, '预算')


def test_title_split_over_several_lines():
    lines = ['2025 年度', '某某市农业技术推广', '服务中心', '单位预算', '目录', '第一部分 单位概况']
    assert detect_org(lines) == '某某市农业技术推广服务中心'
    assert detect_year(lines) == 2025


def test_year_printed_apart_from_its_title():
    lines = ['某某市统计局 年部门预算情况说明', '2026', '一 单位基本情况']
    assert (detect_org(lines), detect_year(lines)) == ('某某市统计局', 2026)


def test_unit_of_amounts_is_not_an_organisation():
    lines = ['收支预算总表部门：中共某某县委办公室 单位：万元', '项目\t金额', '单位：万元', '一、财政拨款\t100.00']
    assert detect_org(lines) == '中共某某县委办公室'


def test_label_with_spaced_characters_and_ascii_colon():
    lines = ['某某省2019年度', '省级部门预算公开报表', '部 门:某某省审计厅', '某某省财政厅印制', '目 录']
    assert (detect_org(lines), detect_year(lines)) == ('某某省审计厅', 2019)


def test_scope_printed_after_the_name_is_kept():
    lines = ['2026 年度', '某某市民政局(本级)', '单位预算', '目录']
    assert detect_org(lines) == '某某市民政局(本级)'


def test_final_accounts_title():
    lines = ['某某县财政局', '2023 年度部门决算', '目 录', '第二部分 2023 年度部门决算表', '2024年部门预算安排']
    assert (detect_org(lines), detect_year(lines), detect_kind(lines)) == ('某某县财政局', 2023, '决算')


def test_passing_years_do_not_make_the_budget_year():
    lines = ['某某县财政局2026年部门预算', '目录', '2025年预算执行情况', '上年结转', '与2025年相比增加']
    assert detect_year(lines) == 2026


def test_table_listing_several_units_names_none_of_them():
    lines = ['预算单位\t某某县第一中学\t100', '预算单位\t某某县第二中学\t200', '关于某某县教育局2024年部门预算的说明']
    assert detect_org(lines) == '某某县教育局'


def test_year_under_a_table_title_alone():
    lines = ['\t预算13表 部门整体支出绩效目标表', '（2026年度）', '部门名称\t\t某某市审计局']
    assert (detect_org(lines), detect_year(lines)) == ('某某市审计局', 2026)


@pytest.mark.parametrize('printed', ['中国共产党江苏省委员会办公厅', '中共江苏省委办公厅', '江苏省委办公厅'])
def test_party_committee_names_are_one_organisation(printed):
    assert org_key(printed) == '江苏省委办公厅'
    assert {'中国共产党江苏省委员会办公厅', '中共江苏省委办公厅', '江苏省委办公厅', '省委办公厅'} <= set(
        derive_aliases(printed))
    assert '江苏委办公厅' not in derive_aliases(printed)


def test_cppcc_office_is_named_as_people_say_it():
    aliases = set(derive_aliases('江苏省政协办公厅'))
    assert {'中国人民政治协商会议江苏省委员会办公厅', '省政协办公厅', '江苏政协办公厅'} <= aliases


def test_city_bodies_take_the_city_short_name_and_scope_is_dropped():
    assert {'苏州水务局', '市水务局'} <= set(derive_aliases('苏州市水务局'))
    assert {'福州市民政局', '福州民政局'} <= set(derive_aliases('福州市民政局(本级)'))


def test_prefecture_samples_keep_their_short_names():
    assert {'州政府办', '克州政府办', '政府办'} <= set(derive_aliases('克孜勒苏柯尔克孜自治州人民政府办公室'))
    assert org_key('中共克孜勒苏柯尔克孜自治州工业和信息化局') == '克孜勒苏柯尔克孜自治州工业和信息化局'


def test_detection_is_fast_on_a_long_document():
    lines = ['某某市统计局2026年部门预算'] + ['一般公共服务支出\t2010301-行政运行\t1,077.77\t单位：万元'] * 20000
    start = time.perf_counter()
    detect_org(lines), detect_year(lines), detect_kind(lines)
    assert time.perf_counter() - start < 1.0


def test_township_government_and_unit_scope_in_the_title():
    lines = ['某某县某某镇人民政府2024年部门（单位）预算公开', '目录']
    assert (detect_org(lines), detect_year(lines)) == ('某某县某某镇人民政府', 2024)


def test_final_accounts_year_from_table_titles_when_there_is_no_cover():
    lines = ['收入支出决算总表', '2023年度收入支出决算总表', '编制单位：某某县财政局\t单位：万元',
             '2023年度财政拨款收入支出决算总表']
    assert (detect_org(lines), detect_year(lines), detect_kind(lines)) == ('某某县财政局', 2023, '决算')


def test_cppcc_long_form_is_keyed_by_its_short_form():
    assert org_key('中国人民政治协商会议江苏省委员会办公厅') == '江苏省政协办公厅'
