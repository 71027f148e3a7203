"""Each kind of plan is declared once (qa/plans/__init__.py KINDS) and the words that ask for it are data
(data/vocabulary/kinds.tsv): the two name the same kinds, and every place that treats kinds differently reads
the declaration."""
from ingest.vocabulary import vocabulary_table
from qa.plans import KIND_BY_NAME, KINDS, kind

PREFIXES = ('strict:', 'weak:')          # 'strict:define', 'weak:duty': conditions on a kind's words (qa/plan.py)


def kind_named(row: str) -> str:
    """The kind a kinds.tsv row asks for: 'weak:define' -> define, 'tables:count' -> tables."""
    for prefix in PREFIXES:
        if row.startswith(prefix):
            return row[len(prefix):]
    return row.split(':')[0]


def test_every_kind_with_words_is_declared_and_every_declared_worded_kind_has_words():
    worded = {kind_named(row) for row, _ in vocabulary_table('kinds')}
    assert worded <= set(KIND_BY_NAME), f'kinds.tsv names undeclared kinds: {sorted(worded - set(KIND_BY_NAME))}'
    declared = {k.name for k in KINDS if k.worded}
    assert declared == worded, f'declared as worded but without words: {sorted(declared - worded)}'


def test_each_kind_is_declared_once_and_falls_back_to_kinds_that_run():
    assert len(KIND_BY_NAME) == len(KINDS)
    for k in KINDS:
        assert (k.run is None) == (k.name in ('refuse', 'clarify')), k.name
        assert all(kind(f).run is not None and f != k.name for f in k.fallbacks), k.name


def test_kind_names_come_from_the_declaration():
    from qa.plan import Plan
    assert Plan('per_person', '平均每人多少').describe() == '人均（计算）'
    assert Plan('clarify', '三工经费').describe() == '需要确认'


def test_the_row_names_of_kinds_tsv_are_read_as_kinds():
    assert [kind_named(r) for r in ('weak:define', 'strict:define', 'tables:count', 'diff')] == \
        ['define', 'define', 'tables', 'diff']
