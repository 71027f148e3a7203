"""The number reader: one printed cell, one value, or none — never two numbers read as one."""
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from ingest.numbers import format_amount, looks_numeric, read_number


@pytest.mark.parametrize('text, value, flags', [
    ('1,003.73', '1003.73', ()),
    ('<b>1,003.73</b>', '1003.73', ()),
    ('１２３．４５', '123.45', ()),
    ('432. 18', '432.18', ('ocr_split_joined',)),
    ('432 .18', '432.18', ('ocr_split_joined',)),
    ('397 7', '3977', ('ocr_split_joined',)),
    ('0.00', '0.00', ()),
    ('75592', '75592', ()),
])
def test_reads_one_number(text, value, flags):
    reading = read_number(text)
    assert reading.value == Decimal(value)
    assert reading.flags == flags


@pytest.mark.parametrize('text', ['2313.6333.632303.6319', '12.3.4', '', '合计', '1,2,3', '201 一般公共服务支出'])
def test_refuses_what_is_not_one_number(text):
    assert read_number(text) is None


def test_garbled_digits_still_look_numeric_so_they_get_flagged():
    assert looks_numeric('2313.6333.632303.6319')
    assert not looks_numeric('一般公共服务支出')


def test_format_amount_keeps_printed_precision():
    assert format_amount(Decimal('1003.73')) == '1,003.73'
    assert format_amount(Decimal('0.00')) == '0.00'
    assert format_amount(Decimal('75592')) == '75,592'


amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)


@given(amounts)
def test_any_amount_printed_with_separators_reads_back(value):
    assert read_number(format_amount(value)).value == value


@given(amounts, st.sampled_from(['fullwidth', 'tag', 'spaces']))
def test_printing_variants_read_back(value, variant):
    text = format_amount(value)
    if variant == 'fullwidth':
        text = text.translate(str.maketrans('0123456789.,', '０１２３４５６７８９．，'))
    elif variant == 'tag':
        text = f'<b>{text}</b>'
    else:
        text = f'  {text}\u3000'
    assert read_number(text).value == value


@given(st.integers(min_value=1, max_value=99999), st.integers(min_value=0, max_value=99))
def test_ocr_split_after_the_point_is_rejoined_and_flagged(whole, cents):
    reading = read_number(f'{whole}. {cents:02d}')
    assert reading.value == Decimal(f'{whole}.{cents:02d}')
    assert 'ocr_split_joined' in reading.flags
