"""Real disclosures of six provinces (../shared/realdocs), loaded as a user loads them.

    .venv/bin/python -m pytest -q tests/test_realdocs.py

Every readable file is stored with the organisation, year and kind it prints; at least 95% of the key
figures a reader looks up (keyfacts.jsonl) are stored facts of the right file, with their row and table
title as printed; and for each file the four questions every reader asks first — 收支总计, 基本支出,
项目支出, 三公经费 — are answered with a figure the file states for them, citing a page that prints it.
The expected figures are taken from the stored facts themselves (which table rows and columns name the
item, whatever the template), not written by hand. Skipped, saying why, where ../shared is absent.
"""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from realdocs import REALDOCS, load_keyfacts, match_keyfacts, realdocs_files

if not realdocs_files():
    pytest.skip(f'the real disclosures are not here ({REALDOCS}/files); they sit beside the repository in '
                'shared/realdocs', allow_module_level=True)

KEYFACTS = load_keyfacts()
READABLE = [p for p in realdocs_files() if 'error' not in KEYFACTS.get(p.name, [{}])[0]]
UNREADABLE = [p for p in realdocs_files() if p not in READABLE]


@pytest.fixture(scope='module')
def real_store(tmp_path_factory):
    from index.facts_store import FactStore
    from index.pipeline import IngestOptions, ingest_paths
    store = FactStore(tmp_path_factory.mktemp('realdocs') / 'facts.db')
    ingest_paths(READABLE, store, options=IngestOptions(workers=2))
    return store


@pytest.fixture(scope='module')
def real_ctx(real_store):
    from qa.answer import Context
    return Context.from_store(real_store)


def test_every_readable_file_is_stored_with_the_org_year_and_kind_it_prints(real_store):
    stored = {d.doc: d for d in real_store.documents()}
    assert sorted(stored) == sorted(p.name for p in READABLE)
    for name, info in stored.items():
        expected = KEYFACTS[name][0]
        assert (info.org, info.year, info.summary.get('kind')) == (expected['org'], expected['year'],
                                                                    expected['kind']), name


def test_an_image_only_file_is_refused_saying_it_needs_ocr():
    from ingest.reader import IngestError, read_source
    for path in UNREADABLE:
        with pytest.raises(IngestError, match='OCR'):
            read_source(path)


def test_key_figures_are_stored_as_printed(real_store):
    found = missing = 0
    report = []
    for path in READABLE:
        facts = real_store.facts(doc=path.name)
        lines = [text for _, text in real_store.line_text(path.name, 1, 10 ** 6)]
        ok, not_ok = match_keyfacts(facts, lines, KEYFACTS[path.name])
        found, missing = found + len(ok), missing + len(not_ok)
        report += [f"{path.name}: {k['table']} | {k['row']} | {k['value']}" for k in not_ok]
    share = found / (found + missing)
    assert share >= 0.95, f'{share:.1%} of key figures stored; missing:\n' + '\n'.join(report)


# ---- the four first questions, expected figures read from the stored facts ------------------------

def _kind(title: str) -> str:
    from ingest.grids import table_kind
    return table_kind(title)


def _names(fact) -> tuple[str, str]:
    """The row's and the column's own names: '' for a column whose last heading names no item (预算数, 合计)."""
    from qa.catalogue import _leaf
    from qa.label_match import generic_words
    from qa.normalize import name_key
    row = _leaf(fact.row) if '/' in fact.row else fact.row
    last = fact.column.rsplit('/', 1)[-1]
    column = '' if not last or name_key(last) in generic_words() else _leaf(fact.column)
    return re.sub(r'^[一二三四五六七八九十\d]+[、.．]', '', re.sub(r'\s', '', row)), column


def expected_figures(facts) -> dict[str, set[Decimal]]:
    """Item -> the values the file prints for it at the scope of all its funds, from its own tables: the
    收支总表's 总计 (or 合计) rows, the 支出总表's or 收支总表's 基本支出 and 项目支出, the 三公 table's total."""
    out: dict[str, set[Decimal]] = {'收支总计': set(), '基本支出': set(), '项目支出': set(), '三公经费': set()}
    for f in facts:
        if f.source != 'table':
            continue
        kind = _kind(f.table_title) if f.table_no is None else {1: '收支总表', 3: '支出总表', 10: '三公经费表'}.get(
            f.table_no, '')
        row, column = _names(f)
        whole = not column
        if kind == '收支总表' and re.fullmatch(r'(收入|支出|收支)总计', row) and whole:
            out['收支总计'].add(f.value)
        for item in ('基本支出', '项目支出'):
            if kind == '收支总表' and row == item:
                out[item].add(f.value)
            if kind == '支出总表' and row in ('合计', '总计', '') and column == item:
                out[item].add(f.value)
        if kind == '三公经费表' and f.item == '三公经费':
            out['三公经费'].add(f.value)
    if not out['收支总计']:
        out['收支总计'] = {f.value for f in facts if f.source == 'table' and _kind(f.table_title) == '收支总表'
                        and re.fullmatch(r'(收入|支出|收支)?合计', _names(f)[0]) and not _names(f)[1]}
    return out


def _cases():
    return [(path.name, item) for path in READABLE for item in ('收支总计', '基本支出', '项目支出', '三公经费')]


@pytest.mark.parametrize('name,item', _cases())
def test_first_questions_are_answered_with_the_figure_the_file_prints(real_store, real_ctx, name, item):
    """A disclosure in two files (情况说明 + 报表) is one disclosure: the answer may come from either file; a
    figure the 情况说明 rounds (244.85 for the table's 244.848) is the same figure."""
    from qa.answer import answer
    info = next(d for d in real_store.documents() if d.doc == name)
    expected = expected_figures(real_store.facts(doc=name))[item]
    if not expected:
        pytest.skip(f'{name} prints no {item} in its tables')
    parts = [d.doc for d in real_store.documents() if (d.org_key, d.year) == (info.org_key, info.year)]
    result = answer(f'{info.org}{info.year}年{item}是多少', real_ctx)
    assert result.status == 'answered', result.answer
    value = Decimal(str(result.value).replace(',', ''))
    assert any(abs(value - e) < Decimal('0.005') for e in expected), (result.answer, expected)
    printed = {(doc, real_store.page_of(doc, f.line_start)) for doc in parts for f in real_store.facts(doc=doc)
               if f.value == value}
    cited = {(c.doc, c.page) for c in result.citations}
    assert cited & printed, (result.answer, cited, printed)


PERFORMANCE_FORM = next((p for p in READABLE if '泉州市人民政府办公室' in p.name), None)


@pytest.fixture(scope='module')
def form_ctx(tmp_path_factory):
    """One real disclosure that prints a 部门整体支出绩效目标表, alone in a store (cheap)."""
    from index.facts_store import FactStore
    from index.pipeline import ingest_paths
    from qa.answer import Context
    if PERFORMANCE_FORM is None:
        pytest.skip('the 泉州 disclosure with a 绩效目标表 is not among the real files')
    store = FactStore(tmp_path_factory.mktemp('realform') / 'facts.db')
    ingest_paths([PERFORMANCE_FORM], store)
    return Context.from_store(store)


def test_a_real_performance_form_is_stored_and_answered_line_by_line(form_ctx):
    from qa.answer import answer
    doc = PERFORMANCE_FORM.name
    rows = form_ctx.store.details(doc)
    indicator = next(r for r in rows if r['indicator'] and r['field'] == '预算执行率')
    assert (indicator['op'], indicator['target'], indicator['unit']) == ('≥', '85', '%')
    assert any(r['field'] == '部门名称' and r['value'] == '泉州市人民政府办公室' for r in rows)
    result = answer('泉州市政府办2026年部门整体绩效目标中组织举办会议（活动）数的目标值是多少', form_ctx)
    assert (result.value, result.unit) == ('100', '场') and result.verified, result.answer
    cited = result.citations[0]
    assert cited.doc == doc and cited.page and '组织举办会议' in cited.text
