"""Rows travel between the parse workers, the store and its readers as named records: every field of a record
is written to the column of its name (label texts as label ids), and an ingest takes its options and reports
its progress through two small objects."""
import sqlite3

import pytest

from conftest import SAMPLES
from index.facts_store import FactStore
from index.parse_worker import parse_one
from index.pipeline import IngestOptions, IngestProgress, ingest_paths
from settings import Settings

DOC = '002_220f206dadf5e393.txt'
TABLES = {'lines': ('lines', 'first'), 'tables': ('tables', 'id'), 'facts': ('facts', 'id'),
          'checks': ('checks', 'n'), 'statements': ('statements', 'n'), 'chunks': ('chunks', 'id'),
          'blocks': ('blocks', 'n'), 'details': ('details', 'n')}
COLUMN = {'column': 'col', 'table_index': 'table_id'}          # fields whose column is named otherwise


@pytest.fixture(scope='module')
def written(tmp_path_factory):
    prepared = parse_one(SAMPLES / DOC, {}, memory_mb=Settings().parse_memory_mb).prepared
    store = FactStore(tmp_path_factory.mktemp('data') / 'facts.db')
    store.write_prepared(prepared)
    db = sqlite3.connect(store.path)
    db.row_factory = sqlite3.Row
    return prepared, db


def as_written(record, field: str, row: sqlite3.Row, labels: dict, tables_from: int):
    value = row[COLUMN.get(field, field)]
    if field in getattr(record, 'LABELS', ()):
        return labels.get(value)
    if field == 'table_index':
        return None if value is None else value - tables_from
    return value


@pytest.mark.parametrize('kind', list(TABLES))
def test_every_field_of_a_record_is_stored_in_the_column_of_its_name(written, kind):
    prepared, db = written
    table, order = TABLES[kind]
    labels = dict(db.execute('SELECT id, text FROM labels'))
    tables_from = db.execute('SELECT MIN(id) FROM tables').fetchone()[0]
    records = getattr(prepared, kind)
    rows = db.execute(f'SELECT * FROM {table} ORDER BY {order}').fetchall()
    assert records and len(rows) == len(records)
    for record, row in zip(records, rows):
        for field in record._fields:
            expected = getattr(record, field)
            if field in getattr(record, 'LABELS', ()):
                expected = expected or None
            assert as_written(record, field, row, labels, tables_from) == expected, (kind, field)


def test_the_document_row_is_stored_by_name(written):
    prepared, db = written
    row = db.execute('SELECT * FROM documents').fetchone()
    assert {f: row[f] for f in prepared.document._fields} == prepared.document._asdict()


def test_an_ingest_takes_its_options_and_reports_through_one_progress_object(tmp_path):
    store = FactStore(tmp_path / 'facts.db')
    messages, documents = [], []
    progress = IngestProgress(message=messages.append, documents=lambda done, total: documents.append((done, total)))
    report = ingest_paths([SAMPLES / DOC], store, options=IngestOptions(added_by='a test'), progress=progress)
    assert [o.status for o in report.outcomes] == ['ingested'] and not report.refused
    assert store.documents()[0].summary['added_by'] == 'a test'
    assert documents == [(1, 1)]
    assert any(m.startswith(f'[1/1] {DOC}: parsed in') for m in messages)
