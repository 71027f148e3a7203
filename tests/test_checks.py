"""The tables' own arithmetic: consistent tables pass; the contradictions the documents
really contain are reported with both figures, and the printed figures are kept."""
from decimal import Decimal


def failed(document, table_no=None):
    """Failed table checks (the prose's own checks are tests/test_text_checks.py)."""
    return [c for c in document.checks
            if not c.ok and c.kind != 'text' and (table_no is None or c.table_no == table_no)]


def test_consistent_documents_have_no_failed_checks(parsed):
    for name in ('000_f62fb37ef8e53f88.txt', '002_220f206dadf5e393.txt'):
        assert parsed[name].checks, name
        assert failed(parsed[name]) == [], name


def test_rounding_is_told_apart_from_contradiction(parsed):
    checks = failed(parsed['001_efa3db65107556e7.txt'])
    assert checks and {c.severity for c in checks} == {'rounding'}
    c = next(c for c in checks if c.subject == '301 工资福利支出 / 合计')
    assert (c.expected, c.actual) == (Decimal('522.71'), Decimal('522.70'))


def test_real_contradictions_in_changji_are_reported_and_figures_kept(parsed):
    doc = parsed['003_1c7e695c684c211f.txt']
    by_subject = {(c.table_no, c.subject): c for c in failed(doc)}
    admin = by_subject[(5, '2011301 行政运行')]            # 合计 459.41 but 基本支出 459.01
    assert (admin.expected, admin.actual, admin.severity) == (Decimal('459.41'), Decimal('459.01'), 'contradiction')
    other = by_subject[(5, '2011399 其他商贸事务支出')]     # 2283.33 vs 1854.62
    assert other.diff == Decimal('-428.71')
    subtotal = by_subject[(2, '201 一般公共服务支出')]     # 小计 6302.69 includes 结转 3989.06
    assert subtotal.line_start == 241
    fact = next(f for f in doc.facts if f.table_no == 5 and f.row_code == '2011301' and f.column == '合计')
    assert fact.value == Decimal('459.41')
    assert '合计 = 基本支出 + 项目支出' in fact.checks_failed


def test_korla_basic_expenditure_table_does_not_add_up(parsed):
    doc = parsed['004_e54530e087c47278.txt']
    c = next(c for c in failed(doc, 6) if c.subject.endswith('/ 公用经费'))
    assert (c.expected, c.actual) == (Decimal('2414'), Decimal('2522'))


def test_korla_sangong_subtotal_left_empty_is_a_gap(parsed):
    doc = parsed['004_e54530e087c47278.txt']
    gaps = [c for c in failed(doc, 10)]
    assert gaps and all(c.expected == Decimal(0) or c.kind == 'row' for c in gaps)
    assert any('公务用车购置及运行费' in c.name for c in gaps)


def test_income_equals_expenditure_in_table_1(parsed):
    for name, doc in parsed.items():
        check = next(c for c in doc.checks if c.table_no == 1 and c.name == '收入总计 = 支出总计')
        assert check.ok, name
