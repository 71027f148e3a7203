"""The years a question asks about: written out, or relative to an organisation's own documents.

    >>> find_years('克州工信局2024和2025年三公经费').explicit
    (2024, 2025)
    >>> find_years('去年的三公经费').relative
    ('-1',)
    >>> resolve(find_years('近两年'), available=(2023, 2024, 2025))
    (2024, 2025)

'比上年' and '比去年' ask for a change, not a year; '1995年前退休人员' and
'2000年7月' are not disclosure years. Relative words are data
(data/vocabulary/years.tsv).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.vocabulary import vocabulary_table

YEAR = re.compile(r'(?<![\d.])((?:19|20)\d\d|\d\d)(?:\s*(年度|年|届)|(?=[）)\]、和与及至到,，\-~？?。!！;；]|$)|'
                  r'(?=[\u4e00-\u9fff])(?![人万元个家辆台次项名平件套户亿千百米公里吨份本册]))')
NOT_A_YEAR_AFTER = re.compile(r'^(年)?\s*(前|以前|之前|以后|之后|底|末|\d{1,2}月|[上下]半年)')
RANGE = re.compile(r'((?:19|20)\d\d)\s*(?:年)?\s*(?:[-~至到])\s*((?:19|20)\d\d)')
COMPARATIVE = re.compile(r'(比|较|与|同|跟|和|相比)$')


@dataclass(frozen=True)
class YearMention:
    explicit: tuple[int, ...] = ()
    relative: tuple[str, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()


def find_years(text: str, protected: tuple[tuple[int, int], ...] = ()) -> YearMention:
    """`protected`: spans of names in which a year word is part of the name ('上年结转结余', '本年收入')."""
    explicit, spans = [], []
    for m in RANGE.finditer(text):
        if any(s <= m.start() < e for s, e in protected):
            continue
        first, last = sorted((int(m.group(1)), int(m.group(2))))
        if last - first <= 10:
            explicit += [y for y in range(first, last + 1) if y not in explicit]
            spans.append(m.span())
    for m in YEAR.finditer(text):
        if any(s <= m.start() < e for s, e in spans + list(protected)):
            continue
        year = _year(m, text)
        if year is not None:
            if year not in explicit:
                explicit.append(year)
            spans.append(m.span())
    relative = []
    for word, offset in _relative_words():
        for m in re.finditer(re.escape(word), text):
            if any(s <= m.start() < e for s, e in spans + list(protected)) or COMPARATIVE.search(text[:m.start()]):
                continue
            relative.append(offset)
            spans.append(m.span())
    return YearMention(tuple(explicit), tuple(dict.fromkeys(relative)), tuple(spans))


def _year(m: re.Match, text: str) -> int | None:
    digits, suffix = m.group(1), m.group(2) or ''
    if len(digits) == 2 and not suffix:
        return None                     # '24' alone is a number; '24年' is a year
    if NOT_A_YEAR_AFTER.match(text[m.end(1):m.end(1) + 5]):
        return None
    if text[max(0, m.start() - 2):m.start()].endswith(('截至', '截止')):
        return None
    value = int(digits)
    year = value if value > 1900 else 2000 + value
    return year if 2000 <= year <= 2099 else None


def _relative_words() -> list[tuple[str, str]]:
    pairs = [(word, offset) for offset, words in vocabulary_table('years') for word in words]
    return sorted(pairs, key=lambda p: -len(p[0]))


def resolve(mention: YearMention, available: tuple[int, ...]) -> tuple[int, ...]:
    """Written years as they are; relative ones against the years an organisation has documents for."""
    years = list(mention.explicit)
    latest = max(available) if available else None
    for offset in mention.relative:
        if latest is None:
            continue
        if offset.startswith('last'):
            years += [y for y in sorted(available)[-int(offset[4:]):] if y not in years]
        else:
            year = latest + int(offset)
            if year not in years:
                years.append(year)
    return tuple(years)
