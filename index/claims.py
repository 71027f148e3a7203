"""What a file claims (its tables, its figures by their labels), so two parts of one disclosure can be told
from two versions of it, and what a replacing file changes.

    mine, theirs = claims_of(prepared), stored_claims(store, '002_220f206dadf5e393.txt')
    mine.conflict(theirs)      # 'both print the table …' | 'line 495: … is 88.88 万元 here but …' | None
    changes(mine, [theirs])    # {'figures_differ': 1, 'figures_added': 0, 'figures_gone': 0, 'largest': [...]}
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from ingest.text import squash

from .facts_store import FactStore
from .store_rows import PreparedDocument

LARGEST = 5                      # differences listed when a stored disclosure is replaced


class FigureLabels(NamedTuple):
    """What a figure is printed under: table figures by table title, row and column; figures from prose by row
    and column only (the same statement may stand in either part)."""
    source: str                  # 'table' | 'text'
    table: str                   # the table's title, whitespace removed ('' for prose)
    row: str
    column: str
    unit: str


@dataclass
class Claims:
    """What a file says that another part of the same disclosure must not say differently: the tables it
    prints (titles, whitespace removed) and each figure by its labels -> {value: line}."""
    titles: set[str]
    figures: dict[FigureLabels, dict[Decimal, int]]

    def conflict(self, other: 'Claims') -> str | None:
        """Why this file and `other` cannot be parts of one disclosure (its line, then the other's); None if they
        can. A figure conflicts when the labels it is printed under carry no value in common in the two files."""
        for title in sorted(self.titles & other.titles):
            return f'both print the table {title}'
        for key in sorted(self.figures.keys() & other.figures.keys(), key=str):
            mine, theirs = self.figures[key], other.figures[key]
            if not mine.keys() & theirs.keys():
                (value, line), (old, old_line) = _first(mine), _first(theirs)
                label = ' '.join(x for x in (key.table, f'{key.row}/{key.column}') if x)
                return f'line {line}: {label} is {value} {key.unit} here but {old} {key.unit} there (line {old_line})'
        return None


def _first(values: dict[Decimal, int]) -> tuple[Decimal, int]:
    """The value printed first (on the lowest line)."""
    return min(values.items(), key=lambda v: v[1])


def changes(new: Claims, old: list[Claims]) -> dict:
    """What a replacing file changes in the figures of the documents it replaces: how many figures (by their
    labels) have another value, how many are new or gone, and the largest differences with their row labels."""
    before: dict[FigureLabels, dict[Decimal, int]] = {}
    for claims in old:
        for key, values in claims.figures.items():
            before.setdefault(key, {}).update(values)
    differ = []
    for key in sorted(new.figures.keys() & before.keys(), key=str):
        mine, theirs = new.figures[key], before[key]
        if not mine.keys() & theirs.keys():
            (value, line), (was, _) = _first(mine), _first(theirs)
            differ.append({'table': key.table, 'row': key.row, 'column': key.column, 'unit': key.unit,
                           'old': str(was), 'new': str(value), 'line': line, 'difference': str(value - was)})
    differ.sort(key=lambda d: -abs(Decimal(d['difference'])))
    return {'figures_differ': len(differ), 'figures_added': len(new.figures.keys() - before.keys()),
            'figures_gone': len(before.keys() - new.figures.keys()), 'largest': differ[:LARGEST]}


def _title(text: str | None) -> str:
    return squash(text or '')


def _claim(claims: Claims, source: str, table_title: str, row: str, column: str, value, unit: str,
           line: int) -> None:
    key = FigureLabels(source, _title(table_title) if source == 'table' else '', row or '', column or '', unit or '')
    claims.figures.setdefault(key, {}).setdefault(Decimal(str(value)), line)


def claims_of(prepared: PreparedDocument) -> Claims:
    """The claims of a parsed document, from the rows the store will write."""
    claims = Claims({_title(t.title) for t in prepared.tables if _title(t.title)}, {})
    for f in prepared.facts:
        title = prepared.tables[f.table_index].title if f.table_index is not None else ''
        _claim(claims, 'text' if f.source else 'table', title, f.row, f.column, f.value, f.unit, f.line_start)
    return claims


def stored_claims(store: FactStore, doc: str) -> Claims:
    claims = Claims({_title(t['title']) for t in store.tables(doc) if _title(t['title'])}, {})
    for f in store.facts(doc=doc):
        _claim(claims, f.source, f.table_title, f.row, f.column, f.value, f.unit, f.line_start)
    return claims
