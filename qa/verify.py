"""Checking every number of an answer against the facts and cited lines it stands on.

    unverified = unverified_numbers('人员经费1,407.47万元（第277行）', sources=['1407.47', ...])
    # [] when every figure is traced; years, line numbers and list markers are not figures

1,003.73 = 1003.73 = 1003.730 万元 = 10037300 元: a figure counts as traced
when its value, in any of the units 元/万元/亿元, equals a source number.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ingest.text import halfwidth

NUMBER = re.compile(r'(?<![\d.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(亿元|万元|元|%|％)?')
SCALES = {'元': Decimal(1), '万元': Decimal(10000), '亿元': Decimal(100000000)}


def numbers_in(text: str) -> list[tuple[str, Decimal, str, int, int]]:
    """(printed, value, unit, start, end) for each number in the text."""
    text = halfwidth(text, comma=True)      # one character for one: offsets hold in the text as printed
    out = []
    for m in NUMBER.finditer(text):
        try:
            value = Decimal(m.group(1).replace(',', ''))
        except InvalidOperation:
            continue
        out.append((m.group(0).strip(), value, m.group(2) or '', m.start(), m.end()))
    return out


def is_label(text: str, start: int, end: int, value: Decimal) -> bool:
    """Years (2024年), line references (第277行, 行277), list markers (1、 （2）) and table numbers (表6)."""
    after = text[end:end + 1]
    before = text[max(0, start - 1):start]
    if after in ('年', '月', '日', '行', '条', '号') or before in ('表', '第', '行', 'L'):
        return True
    if after in ('、', '）', ')') and value < 100 and value == value.to_integral():
        return True
    if re.fullmatch(r'20\d\d', str(value)) and after in ('', ' ', '，', '。', '（', '(', '、'):
        return True
    return False


def unverified_numbers(answer: str, sources: list[str]) -> list[str]:
    known = _values(sources)
    missing = []
    for printed, value, unit, start, end in numbers_in(answer):
        if is_label(answer, start, end, value):
            continue
        candidates = {value}
        if unit in SCALES:
            candidates |= {value * SCALES[unit] / scale for scale in SCALES.values()}
        if not any(_same(c, k) for c in candidates for k in known):
            missing.append(printed)
    return missing


def _values(sources: list[str]) -> list[Decimal]:
    out = []
    for text in sources:
        text = re.sub(r'(\d\.) +(\d)', r'\1\2', text)     # a cell a PDF printed with a space after its point: '432. 18'
        for _, value, unit, _, _ in numbers_in(text):
            out.append(value)
            if unit in SCALES:
                out.extend(value * SCALES[unit] / scale for scale in SCALES.values())
    return out


def _same(a: Decimal, b: Decimal) -> bool:
    """Equal values: unit conversions are exact in Decimal, so only representation may differ."""
    return abs(a - b) <= Decimal('1e-9') * max(Decimal(1), abs(b))
