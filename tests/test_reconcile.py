"""A scope difference is not a contradiction: two figures that cells of one table reconcile (a column or a sum of
columns of the same row) are said to have different scopes; 文件前后不一致 is claimed only when nothing does.
Asserted by mechanism over the samples' stored facts, not by organisation."""
from conftest import SAMPLES
from ingest.numbers import format_amount
from qa.answer import answer
from qa.audit import TEXT_TO_TABLE, _Doc, _first, _total, audit
from qa.reconcile import reconciled, reconciling


def sums_in_a_row(facts):
    """(part, other part, whole) cells of one printed table row with part + other == whole."""
    rows = {}
    for f in facts:
        if f.source == 'table' and f.value:
            rows.setdefault((f.table_no, f.line_start), []).append(f)
    for cells in rows.values():
        for a in cells:
            for b in cells:
                for whole in cells:
                    if len({id(a), id(b), id(whole)}) == 3 and a.value + b.value == whole.value:
                        yield a, b, whole


def test_a_row_that_splits_a_figure_reconciles_it_and_nothing_else_does(facts_ctx):
    facts = facts_ctx.facts()
    found = list(sums_in_a_row(facts))
    assert found
    for part, _, whole in found[:50]:
        cells = reconciling(facts, part, whole.value)
        assert cells and cells[0] is part and part.value + sum(c.value for c in cells[1:]) == whole.value
        assert reconciling(facts, part, whole.value + 1000) == []


def test_an_answer_gives_each_figure_its_scope_instead_of_a_contradiction(facts_ctx):
    said = []
    for d in facts_ctx.documents:
        result = answer(f'{d.org}{d.year}年一般公共预算拨款是多少', facts_ctx)
        if '口径不同' in result.answer:
            said.append(result)
            assert 'document_contradiction' not in result.warnings and result.verified
            assert '文件前后不一致' not in result.answer
    assert said                      # the samples hold such a case (表2's 一般公共预算 + 上级转移支付)


def test_the_audit_reports_text_against_table_only_where_no_cell_reconciles(facts_store):
    findings = {(f.doc, f.title) for f in audit(facts_store) if f.kind == 'text_vs_table'}
    checked = 0
    for info in facts_store.documents():
        doc = _Doc(facts_store, info)
        for item, table, rows, column in TEXT_TO_TABLE:
            text = _first(doc.text_item(item))
            cell = _first([c for row in rows.split('|') for c in doc.table(table, row, column)]) if rows \
                else _total(doc, table, column)
            if text is None or cell is None or text.value == cell.value:
                continue
            checked += 1
            reported = (info.doc, f'{item}：情况说明 与 表{table}') in findings
            assert reported != bool(reconciling(doc.facts, cell, text.value)) or \
                any(c.value == text.value for c in doc.table(table, None, column))
    assert checked


def _used_figure(result, facts):
    """The stored figure an answer's first figure stands on (a difference states the later year's first)."""
    figure = result.figures[0]
    line = result.citations[figure.citation - 1].line_start
    return next(f for f in facts if f.line_start == line and f.row == figure.row and f.column == figure.column)


def test_a_difference_between_years_gives_the_scope_of_the_documents_own_change_instead_of_a_contradiction(facts_ctx):
    """Every change a disclosure states (比上年增加/减少) whose year before is loaded, asked as a difference of the two
    years: the stated change against the two figures' difference is 文件前后不一致 only when no cells of one table
    reconcile the sentence's figure with the figure the difference used; otherwise both scopes are said."""
    loaded = {(d.org_key, d.year) for d in facts_ctx.documents}
    scoped = claimed = 0
    for d in [d for d in facts_ctx.documents if (d.org_key, (d.year or 0) - 1) in loaded]:
        facts = facts_ctx.facts([d])
        for change in [f for f in facts if f.source == 'text' and f.column in ('比上年增加', '比上年减少')]:
            level = next((f for f in facts if f.source == 'text' and f.row == change.row and f.column == '数额'
                          and 0 <= change.line_start - f.line_start <= 3), None)
            for item in (change.row, change.row + '拨款'):
                result = answer(f'{d.org}{d.year}年比{d.year - 1}年{item}多多少', facts_ctx)
                if level is None or '文件自己的说法' not in result.answer or result.answer.count('（计算：') != 1:
                    continue                              # another item, or two differences (a two-part question)
                used = _used_figure(result, facts)
                other_scope = used.value != level.value and bool(reconciled(facts, used, level))
                if '与两份文件所列数字之差' in result.answer:           # the contradiction a stated change can claim
                    claimed += 1
                    assert not other_scope, result.answer
                if '口径不同' in result.answer:
                    scoped += 1
                    assert other_scope and '与两份文件所列数字之差' not in result.answer, result.answer
    assert scoped and claimed     # the samples hold both: 表2's 一般公共预算 + 上级转移支付, and a changed 基本支出


def _project_against_table_7(store):
    """(document, project, its 预算安排规模, its 表7 row's 项目支出合计, another column of that row) in the store."""
    for info in store.documents():
        facts = store.facts(doc=info.doc)
        for size in [f for f in facts if f.item == '预算安排规模' and f.project and f.source == 'text']:
            rows = [f for f in facts if f.table_no == 7 and f.project == size.project and f.column == '项目支出合计']
            if len(rows) != 1:
                continue
            parts = [f for f in facts if f.table_no == 7 and f.line_start == rows[0].line_start
                     and f.column != '项目支出合计' and 0 < f.value < rows[0].value]
            if parts:
                yield info, size, rows[0], parts[0]


def test_the_audit_reports_a_project_against_table_7_only_where_no_cell_of_its_row_reconciles(facts_store, tmp_path):
    """A project's 预算安排规模 rewritten to one column of its 表7 row is that column's scope, not a contradiction;
    rewritten to a figure no cell makes, it is one."""
    from index.facts_store import FactStore
    from index.pipeline import ingest_paths
    cases = list(_project_against_table_7(facts_store))
    assert cases                         # a 表7 row the samples split by economic class
    for n, (info, size, total, part) in enumerate(cases[:2]):
        lines = (SAMPLES / info.doc).read_text(encoding='utf-8').split('\n')
        for value, reported in ((part.value, False), (total.value + 1000, True)):
            edited = list(lines)
            edited[size.line_start - 1] = edited[size.line_start - 1].replace(format_amount(size.value),
                                                                              format_amount(value))
            folder = tmp_path / f'{n}-{value}'
            folder.mkdir()
            (folder / info.doc).write_text('\n'.join(edited), encoding='utf-8')
            store = FactStore(folder / 'facts.db')
            assert not ingest_paths([folder / info.doc], store).refused
            titles = [f.title for f in audit(store) if f.kind == 'project']
            assert (f'“{size.project}”：预算安排规模 与 表7' in titles) == reported, (value, titles)
