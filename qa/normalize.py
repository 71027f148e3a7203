"""One spelling for a question and for every stored name it is compared with.

    normalise('州政府辦２０２４年“三公”經費是多少？')   # '州政府办2024年三公经费是多少？'
    normalise('What is the three public expenses of Kezhou IT bureau in 2024')
    # '多少三公经费of克孜勒苏柯尔克孜自治州工信局2024'
    name_key('1. 一般公共预算拨款（万元）')              # '一般公共预算拨款'

Traditional characters become simplified (opencc), full-width digits and
letters half-width, quotes and spaces go, and English words of the bilingual
glossary (data/vocabulary/english.tsv) become the Chinese a question would use.
"""
from __future__ import annotations

import re
from functools import lru_cache

import opencc

from ingest.text import halfwidth, squash
from ingest.vocabulary import vocabulary_table

QUOTES = '“”"‘’\'「」『』《》〈〉*#`'     # and markdown marks: a name is the same quoted or not
CHINESE_DIGITS = {'〇': '0', '零': '0', '一': '1', '二': '2', '三': '3', '四': '4', '五': '5', '六': '6', '七': '7',
                  '八': '8', '九': '9'}
CHINESE_YEAR = re.compile(r'([二两][〇零一二三四五六七八九]{3})(?=年)')
NUMBERING = re.compile(r'^(?:[一二三四五六七八九十]+[、.．]|\d+[、.．](?!\d)|（[一二三四五六七八九十\d]+）'
                       r'|其中[:：]?|[:：])+')
TRAILING_UNIT = re.compile(r'（[^（）]{0,6}(元|%|人|个|家|次|台|辆|米|项|户|天|月|小时|套|册|件|份|篇|本|场|期)'
                           r'[^（）]{0,4}）$')


@lru_cache(maxsize=1)
def _converter():
    return opencc.OpenCC('t2s')


def normalise(text: str) -> str:
    """The question as budget-qa reads it."""
    text = halfwidth(_converter().convert(text or ''), matching=True)
    text = CHINESE_YEAR.sub(lambda m: ''.join(CHINESE_DIGITS.get(c, c) for c in m.group(1)).replace('两', '2'), text)
    return squash(_english(text), drop=QUOTES)


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """A stored label or name as questions spell it: no numbering, quotes, spaces or trailing unit."""
    text = squash(halfwidth(_converter().convert(name or ''), matching=True), drop=QUOTES)
    text = NUMBERING.sub('', text)
    return TRAILING_UNIT.sub('', text) if len(text) > 4 else text


@lru_cache(maxsize=1)
def _english_pairs() -> tuple[tuple[re.Pattern, str], ...]:
    pairs = [(english, chinese) for chinese, englishes in vocabulary_table('english') for english in englishes]
    pairs.sort(key=lambda p: -len(p[0]))
    return tuple((re.compile(r'(?<![a-z])' + re.escape(e.lower()) + r"(?:'s|s)?(?![a-z])"), c) for e, c in pairs)


def _english(text: str) -> str:
    if not re.search(r'[A-Za-z]{3,}', text):
        return text
    lowered = text.lower()
    for pattern, chinese in _english_pairs():
        lowered = pattern.sub(chinese, lowered)
    # English words left over carry no meaning for matching
    return re.sub(r"\b(the|of|in|for|and|was|is|are|did|does|do|to|a|an|on|by|what|how|its|their|much|many)\b",
                  ' ', lowered)
