"""The level of a classification a question asks for, and the rows of a table at that level.

    >>> level_asked('库尔勒开发区2024年哪一类支出最多')     # words: data/vocabulary/levels.tsv
    '类'
    >>> limit_asked('人员经费里前三是哪些')
    3

    at_level(entries, '类')                              # the table's 3-digit rows (201 一般公共服务支出 …)
    rolled_up(entries, '类', labels)                     # where it prints them blank: each 类 as the sum of its rows

A row's level is the length of its code in the national classification: 类 201
(301), 款 20101 (30101), 项 2010101. 项 and 明细 are the finest rows a table
has (30101 in a 基本支出 table, which has no 7-digit rows).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from ingest.vocabulary import vocabulary_table

from ..normalize import normalise

CODE_LENGTH = {'类': 3, '款': 5}
CHINESE_DIGITS = {'一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9, '十': 10}


@lru_cache(maxsize=1)
def level_words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((level, tuple(normalise(w) for w in words)) for level, words in vocabulary_table('levels'))


def level_asked(text: str) -> str:
    """'类', '款', '项' or '' (no level named: the finest rows)."""
    found = [(text.find(w), level) for level, words in level_words() for w in words if w in text]
    return min(found)[1] if found else ''


def limit_asked(text: str) -> int | None:
    """'前三' / '前5名' / '最多的三项': how many rows the answer lists first."""
    m = re.search(r'前\s*(\d{1,2}|[一二两三四五六七八九十])\s*(?:名|位|项|个|类|款|家)?', text) or \
        re.search(r'最(?:多|高|大|少|低|小)的\s*(\d{1,2}|[一二两三四五六七八九十])\s*(?:项|个|类|款|家|名)', text)
    if not m:
        return None
    n = m.group(1)
    return int(n) if n.isdigit() else CHINESE_DIGITS[n]


def chinese_number(n: int) -> str:
    """3 -> '三', 17 -> '十七', 25 -> '二十五': counts written in words, so they are not read as figures."""
    digits = '零一二三四五六七八九'
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return (digits[tens] if tens > 1 else '') + '十' + (digits[ones] if ones else '')


def _code(e) -> str:
    return e.fact.row_code or ''


def finest(entries: list) -> list:
    """The rows no other row of the list is part of (by code); rows without a code stay."""
    codes = {_code(e) for e in entries if _code(e)}
    return [e for e in entries if not _code(e) or not any(c != _code(e) and c.startswith(_code(e)) for c in codes)]


def at_level(entries: list, level: str) -> list:
    if level not in CODE_LENGTH:
        return finest(entries)
    return [e for e in entries if len(_code(e)) == CODE_LENGTH[level]]


@dataclass
class Rolled:
    """A row the table prints blank (or not at all), as the sum of its printed rows."""
    code: str
    label: str
    parts: list = field(default_factory=list)

    @property
    def value(self) -> Decimal:
        return sum((e.fact.value for e in self.parts), Decimal(0))


def rolled_up(entries: list, level: str, labels: dict[str, str]) -> list[Rolled]:
    """Each row of the level as the sum of the finest rows under it; `labels`: code -> the row's printed name."""
    length = CODE_LENGTH.get(level)
    if length is None:
        return []
    groups: dict[str, Rolled] = {}
    for e in finest([e for e in entries if len(_code(e)) >= length]):
        code = _code(e)[:length]
        groups.setdefault(code, Rolled(code, labels.get(code, code))).parts.append(e)
    return list(groups.values())


def complete(rows: list, entries: list, level: str) -> bool:
    """Every group of the table's finer rows has its row at the level printed (no 类 left blank)."""
    length = CODE_LENGTH[level]
    printed = {_code(e) for e in rows}
    return bool(rows) and {_code(e)[:length] for e in entries if len(_code(e)) > length} <= printed


def children(entries: list, code: str) -> list:
    """The finest printed rows under a code ('22960' -> 2296002, 2296006)."""
    return finest([e for e in entries if len(_code(e)) > len(code) and _code(e).startswith(code)])
