"""Reading printed amounts: '1,003.73', '１２３．４５', '432. 18', '397 7', '<b>8.00</b>'.

    read_number('1,003.73')      # Reading(Decimal('1003.73'), ())
    read_number('432. 18')       # Reading(Decimal('432.18'), ('ocr_split_joined',))
    read_number('2313.6333.63')  # None  (not one number: flagged by the caller)

A cell's text stays as printed; this module is the one place where it becomes
a value.  OCR splits inside one cell are rejoined and flagged, never read as
two numbers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .text import halfwidth, strip_markup

PLAIN_NUMBER = re.compile(r'^[-+]?\d+(?:\.\d+)?$')
GROUPED_NUMBER = re.compile(r'^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$')
# '432. 18' or '432 .18': a decimal point with a space on one side.
SPLIT_DECIMAL = re.compile(r'^([-+]?\d+)\s*\.\s+(\d+)$|^([-+]?\d+)\s+\.(\d+)$')
# '397 7', '708 3': digits broken by one space inside one cell.
SPLIT_DIGITS = re.compile(r'^(\d+)\s(\d+)(\.\d+)?$')


@dataclass(frozen=True)
class Reading:
    value: Decimal
    flags: tuple[str, ...] = ()


def clean_cell(text: str) -> str:
    """Strip HTML tags, full-width forms and surrounding space."""
    return halfwidth(strip_markup(text, bold=False), comma=True).replace('\u3000', ' ').strip()


def read_number(text: str) -> Reading | None:
    """The value of a cell that holds exactly one number, else None."""
    s = clean_cell(text)
    if not s:
        return None
    if PLAIN_NUMBER.match(s):
        return Reading(_decimal(s))
    if GROUPED_NUMBER.match(s):
        return Reading(_decimal(s.replace(',', '')))
    m = SPLIT_DECIMAL.match(s)
    if m:
        whole, frac = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return Reading(_decimal(f'{whole}.{frac}'), ('ocr_split_joined',))
    m = SPLIT_DIGITS.match(s)
    if m:
        return Reading(_decimal(m.group(1) + m.group(2) + (m.group(3) or '')), ('ocr_split_joined',))
    return None


def looks_numeric(text: str) -> bool:
    """True for cells made only of digits and number punctuation.

    Such a cell that `read_number` cannot read is a garbled number
    ('2313.6333.632303.6319') and must be flagged, not dropped silently.
    """
    s = clean_cell(text).replace(' ', '')
    return bool(s) and bool(re.fullmatch(r'[-+]?[\d.,]+', s)) and any(c.isdigit() for c in s)


def _decimal(s: str) -> Decimal:
    try:
        return Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - guarded by the regexes
        raise ValueError(f'not a number: {s!r}') from exc


def same_amount(a: Decimal, b: Decimal, tolerance: Decimal = Decimal('0.005')) -> bool:
    return abs(a - b) <= tolerance


def format_amount(value: Decimal) -> str:
    """'1003.73' -> '1,003.73' keeping the printed precision."""
    sign = '-' if value < 0 else ''
    text = format(abs(value), 'f')
    whole, _, frac = text.partition('.')
    whole = f'{int(whole):,}'
    return sign + whole + ('.' + frac if frac else '')
