"""Exporting all facts with their provenance: CSV, XLSX, SQLite (opens in Datasette), Fiscal Data Package.

    export(store, 'datapackage', Path('out/'))    # out/datapackage.json + out/facts.csv
    compare(store, '三公经费')                      # one item across organisations and years, with citations
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd

from errors import UnknownFormat, UnknownItem
from index.facts_store import FactStore
from ingest.models import BudgetFact

from qa.context import Context
from qa.normalize import normalise
from qa.select import Reading, candidates

FORMATS = ('csv', 'xlsx', 'sqlite', 'datapackage')
FACT_FIELDS = ('doc', 'org', 'year', 'source', 'table', 'table_title', 'row_code', 'row', 'column', 'value', 'unit',
               'raw', 'line_start', 'line_end', 'item', 'project', 'checks_failed', 'flags')


def fact_rows(facts: list[BudgetFact]) -> pd.DataFrame:
    return pd.DataFrame([{'doc': f.doc, 'org': f.org, 'year': f.year, 'source': f.source, 'table': f.table_no,
                          'table_title': f.table_title, 'row_code': f.row_code, 'row': f.row, 'column': f.column,
                          'value': float(f.value), 'unit': f.unit, 'raw': f.raw, 'line_start': f.line_start,
                          'line_end': f.line_end, 'item': f.item, 'project': f.project,
                          'checks_failed': '；'.join(f.checks_failed), 'flags': ','.join(f.flags)} for f in facts],
                        columns=list(FACT_FIELDS))


def export(store: FactStore, fmt: str, out: Path) -> list[Path]:
    if fmt not in FORMATS:
        raise UnknownFormat(fmt=fmt, expected=', '.join(FORMATS))
    frame = fact_rows(store.facts())
    if fmt == 'csv':
        frame.to_csv(out, index=False, encoding='utf-8-sig')
        return [out]
    if fmt == 'xlsx':
        frame.to_excel(out, index=False)
        return [out]
    if fmt == 'sqlite':
        out.unlink(missing_ok=True)
        with sqlite3.connect(out) as db:
            frame.to_sql('facts', db, index=False)
            pd.DataFrame([{'doc': d.doc, 'org': d.org, 'year': d.year} for d in store.documents()]).to_sql(
                'documents', db, index=False)
            pd.DataFrame(store.checks()).to_sql('checks', db, index=False)
        return [out]
    return _datapackage(frame, out)


def _datapackage(frame: pd.DataFrame, folder: Path) -> list[Path]:
    """A Fiscal Data Package: amounts in 万元 as a measure with currency CNY and factor 10000."""
    folder.mkdir(parents=True, exist_ok=True)
    amounts = frame[frame['unit'] == '万元'].copy()
    amounts['direction'] = amounts.apply(_direction, axis=1)
    amounts['phase'] = 'proposed'
    columns = ['org', 'year', 'table', 'table_title', 'row_code', 'row', 'column', 'project', 'direction', 'phase',
               'value', 'doc', 'line_start', 'line_end', 'source']
    amounts['table'] = amounts['table'].astype('Int64')      # integers, blank for prose facts
    amounts[columns].to_csv(folder / 'facts.csv', index=False)
    fields = [{'name': n, 'type': t} for n, t in (
        ('org', 'string'), ('year', 'integer'), ('table', 'integer'), ('table_title', 'string'),
        ('row_code', 'string'), ('row', 'string'), ('column', 'string'), ('project', 'string'),
        ('direction', 'string'), ('phase', 'string'), ('value', 'number'), ('doc', 'string'),
        ('line_start', 'integer'), ('line_end', 'integer'), ('source', 'string'))]
    descriptor = {
        # Fiscal Data Package content (the 'model'); the profile is the plain tabular one so it validates offline
        'name': 'budget-qa-facts', 'title': '预算公开数据（budget-qa 提取）', 'profile': 'tabular-data-package',
        'resources': [{'name': 'facts', 'path': 'facts.csv', 'format': 'csv', 'mediatype': 'text/csv',
                       'encoding': 'utf-8', 'profile': 'tabular-data-resource', 'schema': {'fields': fields}}],
        'model': {
            'measures': {'amount': {'source': 'value', 'currency': 'CNY', 'factor': 10000}},
            'dimensions': {
                'administrative': {'dimensionType': 'entity', 'primaryKey': ['org'],
                                   'attributes': {'org': {'source': 'org'}}},
                'date': {'dimensionType': 'datetime', 'primaryKey': ['year'],
                         'attributes': {'year': {'source': 'year'}}},
                'functional-classification': {'dimensionType': 'classification', 'classificationType': 'functional',
                                              'primaryKey': ['row_code'],
                                              'attributes': {'row_code': {'source': 'row_code'},
                                                             'row': {'source': 'row'}}},
                'column': {'dimensionType': 'other', 'primaryKey': ['column'],
                           'attributes': {'column': {'source': 'column'}}},
                'direction': {'dimensionType': 'other', 'primaryKey': ['direction'],
                              'attributes': {'direction': {'source': 'direction'}}},
                'phase': {'dimensionType': 'other', 'primaryKey': ['phase'],
                          'attributes': {'phase': {'source': 'phase'}}},
            },
        },
    }
    path = folder / 'datapackage.json'
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding='utf-8')
    return [path, folder / 'facts.csv']


def _direction(row) -> str:
    if row['table'] == 1 and row['row'] and not str(row['row_code']):
        return 'revenue'
    if row['table'] == 2 or (row['source'] == 'text' and '收入' in str(row['row'])):
        return 'revenue'
    return 'expenditure'


def compare(ctx: Context, item: str, orgs: tuple[str, ...] = (), years: tuple[int, ...] = ()) -> list[BudgetFact]:
    """One item (三公经费, 人员经费, 公务接待费 … any row label or text item) per organisation and year."""
    text = normalise(item)
    out = []
    for d in ctx.documents_of(orgs, years):
        catalogue = ctx.catalogue([d])
        reading = Reading(text, [d], catalogue, catalogue.spans(text))
        ranked = candidates(reading, lambda e: e.kind == 'fact' and e.aspect == '')
        if ranked:
            out.append(ranked[0].entry.fact)
    if not out:
        raise UnknownItem(item=item)
    return out


def fact_json(f: BudgetFact) -> dict:
    return {'doc': f.doc, 'org': f.org, 'year': f.year, 'source': f.source, 'table': f.table_no,
            'table_title': f.table_title, 'row_code': f.row_code, 'row': f.row, 'column': f.column,
            'value': str(f.value), 'unit': f.unit, 'raw': f.raw, 'line_start': f.line_start, 'line_end': f.line_end,
            'item': f.item, 'project': f.project, 'checks_passed': list(f.checks_passed),
            'checks_failed': list(f.checks_failed), 'flags': list(f.flags)}


def compare_row(f: BudgetFact) -> dict:
    """One figure of `compare`, with where it stands."""
    return {'org': f.org, 'year': f.year, 'value': str(f.value), 'unit': f.unit, 'doc': f.doc,
            'line_start': f.line_start, 'line_end': f.line_end, 'table': f.table_no, 'row': f.row, 'column': f.column}
