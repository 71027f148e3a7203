"""The prose's own arithmetic (ingest/text_checks.py), asserted by mechanism over the samples: every stated change
whose rate is recomputed from its amounts, every item stated twice, every 资金分配 paragraph added up."""
from decimal import Decimal

from ingest.text_checks import ALLOCATION, RATE, TWICE


def text_checks(document, name=None, prefix=False):
    return [c for c in document.checks if c.kind == 'text'
            and (name is None or c.name == name or prefix and c.name.startswith(name))]


def stated(document, check):
    return {f.column: f for f in document.facts if f.source == 'text' and f.row == check.subject
            and check.line_start <= f.line_start <= check.line_end and RATE in f.checks_failed + f.checks_passed}


def test_every_stated_rate_is_recomputed_from_its_amounts(parsed):
    for document in parsed.values():
        for c in text_checks(document, RATE):
            figures = stated(document, c)
            change = next(f for f in figures.values() if f.column.startswith('比上年'))
            signed = change.value if change.column.endswith('增加') else -change.value
            prior = figures['数额'].value - signed
            assert c.actual == (signed / prior * 100).quantize(Decimal('0.01'))
            direction_agrees = (c.actual >= 0) == (c.expected >= 0)
            assert c.ok == (direction_agrees and abs(c.actual - c.expected) <= c.rounding), (document.name, c)


def test_a_rate_whose_direction_word_disagrees_with_the_amount_fails(parsed):
    """'比上年预算减少143万元，增加8%': 143 ÷ 1546 is 下降9.25%."""
    failed = [c for d in parsed.values() for c in text_checks(d, RATE) if not c.ok and c.expected > 0 > c.actual]
    assert failed
    for c in failed:
        assert c.severity == 'contradiction'


def test_a_rate_rounded_to_its_printed_digits_is_not_a_contradiction(parsed):
    """'增长601.5%' for 8392 over 1395 (601.58%): the document cut the last digit."""
    rounded = [c for d in parsed.values() for c in text_checks(d, RATE)
               if c.ok and c.expected != c.actual]
    assert rounded and all(abs(c.actual - c.expected) <= c.rounding for c in rounded)


def test_an_item_stated_twice_with_other_figures_is_a_failed_check_on_both_lines(parsed):
    for document in parsed.values():
        for c in text_checks(document, TWICE, prefix=True):
            assert c.line_start < c.line_end
            first, second = (f for f in document.facts if f.source == 'text' and f.row == c.subject
                             and f.line_start in (c.line_start, c.line_end)
                             and c.name in (f.checks_failed + f.checks_passed)
                             and (f.column in c.columns))
            assert c.ok == (c.expected == c.actual)
    failed = [c for d in parsed.values() for c in text_checks(d, TWICE, prefix=True) if not c.ok]
    assert failed and all(c.severity == 'contradiction' for c in failed)


def test_project_allocations_are_added_up_against_their_budget(parsed):
    checks = [(d, c) for d in parsed.values() for c in text_checks(d, ALLOCATION)]
    assert checks
    for document, c in checks:
        size = next(f for f in document.facts if f.item == '预算安排规模' and f.project == c.subject
                    and f.line_start == c.line_start)
        assert c.expected == size.value
        parts = [f for f in document.facts if f.source == 'text' and f.project == c.subject
                 and ALLOCATION in (f.checks_failed + f.checks_passed) and f is not size]
        assert sum(p.value for p in parts) == c.actual
        assert c.ok == (c.actual == c.expected)
    assert any(not c.ok for _, c in checks) and any(c.ok for _, c in checks)


def test_a_rate_per_unit_is_not_a_part_of_the_whole(parsed):
    """'为民办实事经费每个工作队 7 万元' is a rate, so the paragraph is not added up."""
    for document in parsed.values():
        for block in document.blocks:
            if block.kind == 'paragraph' and block.text.lstrip().startswith('资金分配情况') and '每' in block.text:
                assert not [c for c in text_checks(document, ALLOCATION)
                            if block.line_start <= c.line_end <= block.line_end]
