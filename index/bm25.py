"""Cutting Chinese text into words for the keyword index (SQLite FTS5, BM25-ranked): jieba with a fixed
dictionary of budget terms, places and bodies (data/vocabulary), the same for indexing and for queries.

    tokenizer = BudgetTokenizer()
    tokenizer.words('项目支出绩效目标表 专网租赁费')     # every word, spaces kept: what a chunk is indexed as
    tokenizer.tokens('州政府办2024年三公经费是多少')    # ['州政府办', '2024', '三公经费']: what a query searches
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

import jieba

from ingest.vocabulary import vocabulary_table

PUNCTUATION = re.compile(r'^[\s\W_]+$')
QUOTES = re.compile(r'[“”"‘’\'「」]')
jieba.setLogLevel(logging.WARNING)


class BudgetTokenizer:
    def __init__(self):
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for word in dictionary():
            self._jieba.add_word(word, freq=200000)

    def words(self, text: str) -> list[str]:
        return self._jieba.lcut(QUOTES.sub('', text), HMM=False)

    def tokens(self, text: str) -> list[str]:
        words = self.words(text.lower())         # '“三公”经费' is 三公经费
        dropped = stopwords()
        return [w for w in words if w.strip() and not PUNCTUATION.match(w) and w not in dropped]


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The words a query drops (data/vocabulary/query_stopwords.tsv): '的', '多少', '请问', …"""
    return frozenset(word for word, _ in vocabulary_table('query_stopwords'))


@lru_cache(maxsize=1)
def budget_terms() -> tuple[str, ...]:
    """The budget terms of data/vocabulary/index_terms.tsv, in their order ('三公经费', '三公', …)."""
    return tuple(term for term, _ in vocabulary_table('index_terms'))


def dictionary() -> list[str]:
    """Budget terms, their synonyms and scopes, places and bodies: the words the index is cut by."""
    words = set(budget_terms())
    for table in ('synonyms', 'scopes', 'places', 'bodies'):
        for head, others in vocabulary_table(table):
            words.update(w for w in (head,) + others if len(w) >= 2)
    return sorted(words)


DICTIONARY_FILES = ('synonyms', 'scopes', 'places', 'bodies')
