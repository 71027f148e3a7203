"""Property tests: however a consistent table is printed, it reads the same and its checks pass;
an inconsistent one keeps failing."""
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from ingest.checks import table_checks
from ingest.numbers import format_amount
from ingest.tables import read_tables

LEAVES = [('201', '13', '01', '行政运行'), ('201', '13', '50', '事业运行'), ('208', '05', '01', '行政单位离退休')]
amount = st.decimals(min_value=0, max_value=99999, places=2, allow_nan=False, allow_infinity=False)
FULLWIDTH = str.maketrans('0123456789.,', '０１２３４５６７８９．，')


def printed(value: Decimal, style: str) -> str:
    text = format_amount(value) if style in ('grouped', 'fullwidth') else format(value, 'f')
    if style == 'fullwidth':
        text = text.translate(FULLWIDTH)
    if style == 'ocr' and '.' in text:
        whole, frac = text.split('.')
        text = f'{whole}. {frac}'
    if style == 'tag':
        text = f'<b>{text}</b>'
    return text


def table_lines(basic, project, styles, order, total_shift=Decimal(0)):
    rows = []
    for (code, kuan, xiang, label), b, p in zip(LEAVES, basic, project):
        rows.append((code, kuan, xiang, label, b + p, b, p))
    by_class = {}
    for r in rows:
        by_class.setdefault(r[0], []).append(r)
    lines = []
    for cls in sorted(by_class):
        kids = by_class[cls]
        b, p = sum(k[5] for k in kids), sum(k[6] for k in kids)
        name = {'201': '一般公共服务支出', '208': '社会保障和就业支出'}[cls]
        group = [(cls, '', '', name, b + p, b, p)] + [kids[i] for i in order if i < len(kids)]
        lines += group
    tb, tp = sum(r[5] for r in rows), sum(r[6] for r in rows)
    lines.append(('', '', '', '合计', tb + tp + total_shift, tb, tp))
    out = ['表3', '支出总体情况表', '单位：万元', '功能分类科目编码\t\t\t功能分类科目名称\t合计\t基本支出\t项目支出']
    for i, (c, k, x, label, t, b, p) in enumerate(lines):
        style = styles[i % len(styles)]
        out.append('\t'.join([c, k, x, label, printed(t, style), printed(b, style), printed(p, style)]))
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(amount, min_size=3, max_size=3), st.lists(amount, min_size=3, max_size=3),
       st.lists(st.sampled_from(['plain', 'grouped', 'fullwidth', 'ocr', 'tag']), min_size=1, max_size=4),
       st.permutations([0, 1]))
def test_any_printing_of_a_consistent_table_reads_the_same_and_adds_up(basic, project, styles, order):
    tables, _ = read_tables(table_lines(basic, project, styles, order))
    table = next(t for t in tables if t.number == 3)
    leaf = {r.code: r for r in table.rows if len(r.code) == 7}
    for (code, kuan, xiang, _), b, p in zip(LEAVES, basic, project):
        assert leaf[code + kuan + xiang].value('合计') == b + p
    assert all(c.ok for c in table_checks(table))


@settings(max_examples=40, deadline=None)
@given(st.lists(amount, min_size=3, max_size=3), st.lists(amount, min_size=3, max_size=3),
       st.lists(st.sampled_from(['plain', 'grouped', 'fullwidth', 'ocr']), min_size=1, max_size=3),
       st.decimals(min_value=Decimal('0.10'), max_value=1000, places=2))
def test_an_inconsistent_total_keeps_failing(basic, project, styles, shift):
    tables, _ = read_tables(table_lines(basic, project, styles, [0, 1], total_shift=shift))
    table = next(t for t in tables if t.number == 3)
    failed = [c for c in table_checks(table) if not c.ok]
    assert failed and all('合计' in c.subject or c.kind == 'row' for c in failed)
