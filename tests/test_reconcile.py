"""A scope difference is not a contradiction: two figures that cells of one table reconcile (a column or a sum of
columns of the same row) are said to have different scopes; 文件前后不一致 is claimed only when nothing does.
Asserted by mechanism over the samples' stored facts, not by organisation."""
from qa.answer import answer
from qa.audit import TEXT_TO_TABLE, _Doc, _first, _total, audit
from qa.reconcile import reconciling


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
