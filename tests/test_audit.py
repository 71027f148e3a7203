"""The audit: specific findings in the sample documents, each checked by reading them; none where tables agree."""
import json
import sqlite3

import pandas as pd
import pytest
from frictionless import validate

from conftest import run_cli
from index.facts_store import FactStore
from qa.audit import audit
from service.export import compare, export


@pytest.fixture(scope='module')
def findings(sample_index):
    return audit(FactStore(sample_index.facts_db))


def find(findings, doc, kind, words):
    return [f for f in findings
            if f.doc.startswith(doc) and f.kind == kind and all(w in f.title + f.figures for w in words)]


def test_consistent_documents_have_no_contradictions(findings):
    for doc in ('000', '002'):
        assert not [f for f in findings if f.doc.startswith(doc) and f.severity == 'contradiction'], doc


def test_table_arithmetic_contradiction(findings):
    # 003 表5: 行政运行 合计 459.41 but 基本支出 459.01
    hit = find(findings, '003', 'table_arithmetic', ['表5', '行政运行', '459.41', '459.01'])
    assert hit and hit[0].severity == 'contradiction' and hit[0].citations[0].line_start == 1235


def test_rounding_is_its_own_severity(findings):
    hit = find(findings, '001', 'table_arithmetic', ['301 工资福利支出', '522.71', '522.70'])
    assert hit and {f.severity for f in hit} == {'rounding'}


def test_text_against_table(findings):
    hit = find(findings, '003', 'text_vs_table', ['行政运行（项）', '459.01', '459.41'])
    assert hit and {c.line_start for c in hit[0].citations} == {2344, 1239}


def test_between_tables_and_text_in_korla(findings):
    # 004 表6 人员经费 17888 against the 情况说明's 17887
    hit = find(findings, '004', 'text_vs_table', ['人员经费', '17,887', '17,888'])
    assert hit and hit[0].severity == 'contradiction'


def test_stated_rate_against_its_amounts(findings):
    # 003 line 2357: 1.74, 比上年减少 7.192 → the rate would be 80.52%, the document says 80.82%
    hit = find(findings, '003', 'stated_change', ['公务员医疗补助', '80.52', '80.82'])
    assert hit


def test_implied_previous_year_against_last_years_disclosure(findings):
    # 2025: 基本支出 672.20, 比上年增加 76.39 → 595.81; the 2024 disclosure published 561.95
    hit = find(findings, '001', 'stated_change', ['基本支出', '595.81', '561.95'])
    assert hit and {c.doc for c in hit[0].citations} == {'001_efa3db65107556e7.txt', '000_f62fb37ef8e53f88.txt'}


def test_project_allocation_does_not_add_up(findings):
    # 001 食盐专营管理工作项目: 0.6 + 0.5 + 1 + 1 = 3.1 against 预算安排规模 3.00
    hit = find(findings, '001', 'project', ['食盐专营管理工作项目', '3.1', '3.00'])
    assert hit


def test_project_against_its_performance_table(findings):
    hit = find(findings, '004', 'project', ['园区日常环卫服务费', '400', '1,400'])
    assert hit


def test_completeness_findings(findings):
    assert find(findings, '004', 'completeness', ['模板没有填写'])
    assert find(findings, '003', 'completeness', ['2313.6333.632303.6319'])


def test_audit_cli_formats(sample_index):
    md = run_cli('audit', '003_1c7e695c684c211f.txt', data_dir=sample_index.data_dir)
    assert md.returncode == 0 and '## 003_1c7e695c684c211f.txt' in md.stdout and '[contradiction]' in md.stdout
    js = run_cli('audit', '--format', 'json', data_dir=sample_index.data_dir)
    rows = [json.loads(l) for l in js.stdout.splitlines()]
    assert {'doc', 'kind', 'severity', 'title', 'figures', 'citations'} <= set(rows[0])
    bad = run_cli('audit', 'nope.txt', data_dir=sample_index.data_dir)
    assert bad.returncode == 2 and 'no stored document named nope.txt' in bad.stderr


def test_compare_across_organisations(ctx):
    facts = compare(ctx, '三公经费')
    values = {(f.org, f.year): str(f.value) for f in facts}
    assert values[('库尔勒经济技术开发区管理委员会', 2024)] == '96'
    assert values[('克孜勒苏柯尔克孜自治州人民政府办公室', 2024)] == '0.00'
    assert len({f.year for f in facts}) == 3


@pytest.mark.parametrize('fmt', ['csv', 'xlsx', 'sqlite'])
def test_export_tables(sample_index, tmp_path, fmt):
    out = tmp_path / f'facts.{fmt}'
    export(FactStore(sample_index.facts_db), fmt, out)
    if fmt == 'csv':
        frame = pd.read_csv(out)
    elif fmt == 'xlsx':
        frame = pd.read_excel(out)
    else:
        with sqlite3.connect(out) as db:
            frame = pd.read_sql('SELECT * FROM facts', db)
            assert db.execute('SELECT count(*) FROM documents').fetchone()[0] == 5
    assert {'doc', 'line_start', 'table', 'row', 'column', 'value', 'unit'} <= set(frame.columns)
    assert ((frame['doc'] == '002_220f206dadf5e393.txt') & (frame['value'] == 1407.47)).any()


def test_export_fiscal_data_package_validates(sample_index, tmp_path):
    export(FactStore(sample_index.facts_db), 'datapackage', tmp_path / 'fdp')
    report = validate(str(tmp_path / 'fdp' / 'datapackage.json'))
    assert report.valid, report.to_dict()
    descriptor = json.loads((tmp_path / 'fdp' / 'datapackage.json').read_text(encoding='utf-8'))
    assert descriptor['model']['measures']['amount'] == {'source': 'value', 'currency': 'CNY', 'factor': 10000}
    assert descriptor['model']['dimensions']['administrative']['dimensionType'] == 'entity'
