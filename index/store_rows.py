"""A document as the rows the store writes (named records, label texts in place of ids), and rows read back.

    prepared = prepare_document(parsed, path, summary, chunks)     # in the parse worker: cheap to pickle
    prepared.facts[0].row, prepared.facts[0].table_index           # '基本支出', 0 (its table in prepared.tables)
    insert_document(db, prepared)      # inside the store's transaction: label ids found, rows inserted
    fact_from_row(row)                 # a row of FACTS_SELECT (index/facts_store.py) -> BudgetFact

Each record names the fields that hold a label (LABELS): texts kept once in the `labels` table and written as
its ids. A document's facts and chunks take consecutive ids (its range is kept on the document: no index by
document); its other rows are numbered within it (n).
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import NamedTuple

from ingest.models import BudgetFact, Check, ParsedDocument, Statement
from ingest.orgs import org_key

from .store_schema import CHILD_TABLES, LINES_PER_ROW

TOKEN_SEPARATOR = '\u3000'       # as index/chunks.py writes tokens
SOURCES = {'table': 0, 'text': 1}
EMPTY = ('', '[]')


# ---- rows as written (the columns of index/store_schema.py's tables, in order, without ids) -----------------

class DocumentRow(NamedTuple):
    doc: str
    path: str
    content_hash: str
    encoding: str
    org: str
    org_key: str
    year: int | None
    aliases: str                 # JSON list
    n_lines: int
    summary: str                 # JSON object
    ingested_at: str


class LineRow(NamedTuple):
    first: int                   # the number of the first of LINES_PER_ROW lines
    text: str                    # the lines joined by newlines
    pages: str | None            # their pages, comma-separated ('' where none)


class TableRow(NamedTuple):
    table_no: int | None
    kind: str
    title: str
    unit: str
    columns: str                 # JSON list
    line_start: int
    line_end: int
    empty: int
    note: str
    layout: str
    warnings: str                # JSON list
    LABELS = ('title',)


class FactRow(NamedTuple):
    table_index: int | None      # its table in PreparedDocument.tables (the table's id once written)
    source: int                  # SOURCES
    table_no: int | None
    row_code: str
    row: str
    column: str
    value: str
    unit: str
    raw: str | None              # None when it is the value's text
    line_start: int
    line_end: int
    item: str
    project: str
    section: str
    checks_passed: str           # JSON list, '' when none
    checks_failed: str
    flags: str
    LABELS = ('row', 'column', 'unit', 'item', 'project', 'section', 'checks_passed', 'checks_failed', 'flags')


class CheckRow(NamedTuple):
    table_no: int | None
    name: str
    subject: str
    expected: str
    actual: str
    ok: int
    line_start: int
    line_end: int
    kind: str
    severity: str
    LABELS = ('name', 'subject', 'kind', 'severity')


class StatementRow(NamedTuple):
    kind: str
    subject: str
    text: str
    line_start: int
    line_end: int
    table_no: int | None
    LABELS = ('subject', 'text')


class ChunkEntry(NamedTuple):
    key: int                     # the chunk's key (hex) as a signed 64-bit number
    kind: str
    table_no: int
    section: str
    line_start: int
    line_end: int
    tokens: str
    LABELS = ('kind', 'section', 'tokens')


class BlockRow(NamedTuple):
    kind: str
    line_start: int
    line_end: int
    table_no: int | None
    LABELS = ('kind',)


class DetailRow(NamedTuple):
    source: str
    project: str
    field: str
    value: str
    op: str
    target: str
    unit: str
    previous: str
    line_start: int
    line_end: int
    indicator: int
    LABELS = ('source', 'project', 'field', 'value', 'unit', 'previous')


@dataclass(frozen=True)
class PreparedDocument:
    """A parsed document as the rows the store writes, label texts in place of ids: made in the worker that
    parsed it (cheap to pass between processes), written by FactStore.write_prepared."""
    name: str
    document: DocumentRow
    labels: dict[str, int]          # every label text -> its hash
    lines: list[LineRow]
    tables: list[TableRow]
    facts: list[FactRow]
    checks: list[CheckRow]
    statements: list[StatementRow]
    chunks: list[ChunkEntry]
    blocks: list[BlockRow]
    details: list[DetailRow] = ()


# ---- making them --------------------------------------------------------------------------------------------

def prepare_document(parsed: ParsedDocument, path: Path | str, summary: dict, chunks=()) -> PreparedDocument:
    document = DocumentRow(parsed.name, str(path), parsed.source.content_hash, parsed.source.encoding, parsed.org,
                           org_key(parsed.org), parsed.year, json.dumps(parsed.aliases, ensure_ascii=False),
                           len(parsed.source.lines), json.dumps(summary, ensure_ascii=False),
                           datetime.now(timezone.utc).isoformat(timespec='seconds'))
    tables, table_index = [], {}
    for i, t in enumerate(parsed.tables):
        tables.append(TableRow(t.number, t.kind, t.title, t.unit, json.dumps(t.columns, ensure_ascii=False),
                               t.line_start, t.line_end, int(t.empty), t.note, t.layout, json.dumps(t.warnings)))
        table_index.setdefault((t.number, t.title), i)
    facts = [_fact_row(f, table_index.get((f.table_no, f.table_title))) for f in parsed.facts]
    checks = [CheckRow(c.table_no, c.name, c.subject, str(c.expected), str(c.actual), int(c.ok), c.line_start,
                       c.line_end, c.kind, c.severity) for c in parsed.checks]
    statements = [StatementRow(s.kind, s.subject, s.text, s.line_start, s.line_end, s.table_no)
                  for s in parsed.statements]
    unique = {int(c.key, 16) - 2 ** 63: c for c in chunks}    # a chunk repeated in a file is kept once
    chunk_rows = [ChunkEntry(key, c.kind, c.table_no, c.section, c.line_start, c.line_end, c.tokens)
                  for key, c in unique.items()]
    blocks = [BlockRow(b.kind, b.line_start, b.line_end, b.table_no) for b in parsed.blocks]
    details = [DetailRow(d.source, d.project, d.field, d.value, d.op, d.target, d.unit, d.previous, d.line_start,
                         d.line_end, int(d.indicator)) for d in parsed.details]
    texts = {getattr(row, name) for rows in (tables, facts, checks, statements, chunk_rows, blocks, details)
             for row in rows for name in row.LABELS}
    return PreparedDocument(parsed.name, document, {t: label_hash(t) for t in texts if t},
                            _line_rows(parsed.source), tables, facts, checks, statements, chunk_rows, blocks, details)


def _line_rows(source) -> list[LineRow]:
    rows = []
    lines = [line.replace('\n', ' ') for line in source.lines]
    for first in range(0, len(lines), LINES_PER_ROW):
        pages = source.pages[first:first + LINES_PER_ROW] if source.pages else ()
        rows.append(LineRow(first + 1, '\n'.join(lines[first:first + LINES_PER_ROW]),
                            ','.join('' if p is None else str(p) for p in pages) if pages else None))
    return rows


def _fact_row(f: BudgetFact, table_index: int | None) -> FactRow:
    return FactRow(table_index, SOURCES[f.source], f.table_no, f.row_code, f.row, f.column, str(f.value), f.unit,
                   None if f.raw == str(f.value) else f.raw, f.line_start, f.line_end, f.item, f.project,
                   _section(f), _tuple_text(f.checks_passed), _tuple_text(f.checks_failed), _tuple_text(f.flags))


def _section(f: BudgetFact) -> str:
    return f.section.split(' > ')[-1] if f.section else ''


def _tuple_text(values: tuple[str, ...]) -> str:
    return json.dumps(values, ensure_ascii=False) if values else ''


def label_hash(text: str) -> int:
    """A signed 64-bit number for a label's text (the index holds numbers, not the text twice)."""
    return int.from_bytes(hashlib.blake2b(text.encode('utf-8'), digest_size=8).digest(), 'big', signed=True)


# ---- writing them -------------------------------------------------------------------------------------------

def insert_document(db, doc: PreparedDocument, fault=lambda: None) -> None:
    """Insert a prepared document's rows (inside a transaction; its old rows already deleted)."""
    doc_id = db.execute('INSERT INTO documents VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,0,NULL,NULL,NULL,NULL)',
                        doc.document).lastrowid
    label = _store_labels(db, doc.labels)
    db.executemany('INSERT INTO lines VALUES (?,?,?,?)', [(doc_id, *r) for r in doc.lines])
    tables_from = _next_id(db, 'tables')
    db.executemany('INSERT INTO tables VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)', [
        (tables_from + i, doc_id, *with_label_ids(r, label)) for i, r in enumerate(doc.tables)])
    facts_from = _next_id(db, 'facts')
    db.executemany('INSERT INTO facts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)', [
        (facts_from + i, doc_id, None if r.table_index is None else tables_from + r.table_index,
         *with_label_ids(r, label)[1:]) for i, r in enumerate(doc.facts)])
    db.executemany('INSERT INTO checks VALUES (?,?,?,?,?,?,?,?,?,?,?,?)', [
        (doc_id, n, *with_label_ids(r, label)) for n, r in enumerate(doc.checks)])
    db.executemany('INSERT INTO statements VALUES (?,?,?,?,?,?,?,?)', [
        (doc_id, n, *with_label_ids(r, label)) for n, r in enumerate(doc.statements)])
    fault()   # tests: a crash here, half written, must leave the old state
    chunks_from = _next_id(db, 'chunks')
    db.executemany('INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?)', [
        (chunks_from + i, r.key, doc_id, *with_label_ids(r, label)[1:]) for i, r in enumerate(doc.chunks)])
    chunks_to = chunks_from + len(doc.chunks) - 1
    db.execute('INSERT INTO chunks_fts(rowid, tokens) SELECT id, tokens FROM chunk_words '
               'WHERE id BETWEEN ? AND ?', (chunks_from, chunks_to))
    db.executemany('INSERT INTO blocks VALUES (?,?,?,?,?,?)', [
        (doc_id, n, *with_label_ids(r, label)) for n, r in enumerate(doc.blocks)])
    db.executemany('INSERT INTO details VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)', [
        (doc_id, n, *with_label_ids(r, label)) for n, r in enumerate(doc.details)])
    db.execute('UPDATE documents SET facts_from = ?, facts_to = ?, chunks_from = ?, chunks_to = ? WHERE id = ?',
               (facts_from, facts_from + len(doc.facts) - 1, chunks_from, chunks_to, doc_id))


def delete_document(db, doc: str) -> bool:
    """Delete everything stored for a document (inside a transaction); False when none is."""
    row = db.execute('SELECT id FROM documents WHERE doc = ?', (doc,)).fetchone()
    if row is None:
        return False
    doc_id = row['id']
    db.execute("INSERT INTO chunks_fts(chunks_fts, rowid, tokens) SELECT 'delete', id, tokens FROM chunk_words "
               "WHERE id BETWEEN (SELECT chunks_from FROM documents WHERE id = ?) "
               "AND (SELECT chunks_to FROM documents WHERE id = ?)", (doc_id, doc_id))
    db.execute('DELETE FROM chunks WHERE id BETWEEN (SELECT chunks_from FROM documents WHERE id = ?) '
               'AND (SELECT chunks_to FROM documents WHERE id = ?)', (doc_id, doc_id))
    db.execute('DELETE FROM facts WHERE id BETWEEN (SELECT facts_from FROM documents WHERE id = ?) '
               'AND (SELECT facts_to FROM documents WHERE id = ?)', (doc_id, doc_id))
    for table in CHILD_TABLES:
        db.execute(f'DELETE FROM {table} WHERE doc_id = ?', (doc_id,))
    db.execute('DELETE FROM documents WHERE id = ?', (doc_id,))
    return True


@cache
def _label_positions(record: type) -> frozenset[int]:
    return frozenset(record._fields.index(name) for name in record.LABELS)


def with_label_ids(row: tuple, label) -> tuple:
    """The row's values as written: each of its LABELS as the label's id (None for an empty text)."""
    positions = _label_positions(type(row))
    return tuple((label(v) if v else None) if i in positions else v for i, v in enumerate(row))


def _store_labels(db, texts: dict[str, int]):
    """Every string a document repeats, stored once across the store: text -> id (`texts`: text -> hash)."""
    ids = {}
    hashes = list(set(texts.values()))
    for i in range(0, len(hashes), 500):
        part = hashes[i:i + 500]
        for label_id, text in db.execute(f'SELECT id, text FROM labels WHERE hash IN ({",".join("?" * len(part))})',
                                         part):
            ids[text] = label_id
    for text, digest in texts.items():
        if text not in ids:
            ids[text] = db.execute('INSERT INTO labels (hash, text) VALUES (?, ?)', (digest, text)).lastrowid
    return ids.get


def _next_id(db, table: str) -> int:
    """A document's facts and chunks take consecutive ids (its range is kept on the document: no index by
    document)."""
    return db.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM {table}').fetchone()[0]


# ---- reading them back --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentInfo:
    doc: str
    path: str
    content_hash: str
    org: str
    org_key: str
    year: int | None
    aliases: tuple[str, ...]
    summary: dict
    ingested_at: str


@dataclass(frozen=True)
class ChunkRow:
    key: str
    doc: str
    year: int
    kind: str
    table_no: int
    section: str
    line_start: int
    line_end: int
    tokens: str

    @property
    def embed_text(self) -> str:
        return self.tokens.replace(TOKEN_SEPARATOR, '')


def document_from_row(r: sqlite3.Row) -> DocumentInfo:
    return DocumentInfo(r['doc'], r['path'], r['content_hash'], r['org'], r['org_key'], r['year'],
                        tuple(json.loads(r['aliases'])), json.loads(r['summary']), r['ingested_at'])


def fact_from_row(r: sqlite3.Row) -> BudgetFact:
    return BudgetFact(doc=r['doc'], org=r['org'], year=r['year'], source='table' if r['source'] == 0 else 'text',
                      table_no=r['table_no'], table_title=r['table_title'] or '', row_code=r['row_code'],
                      row=r['row'] or '', column=r['col'] or '', value=Decimal(r['value']), unit=r['unit'] or '',
                      raw=r['value'] if r['raw'] is None else r['raw'], line_start=r['line_start'],
                      line_end=r['line_end'], item=r['item'] or '', project=r['project'] or '',
                      section=r['section'] or '', checks_passed=_tuple_of(r['checks_passed']),
                      checks_failed=_tuple_of(r['checks_failed']), flags=_tuple_of(r['flags']))


def _tuple_of(text: str | None) -> tuple[str, ...]:
    return () if text in EMPTY or text is None else tuple(json.loads(text))


def chunk_from_row(r: sqlite3.Row) -> ChunkRow:
    return ChunkRow(str(r['key']), r['doc'], r['year'] or 0, r['kind'], r['table_no'] or 0, r['section'] or '',
                    r['line_start'], r['line_end'], r['tokens'])


def statement_from_row(r: dict) -> Statement:
    return Statement(r['kind'], r['subject'], r['text'], r['line_start'], r['line_end'], r['table_no'])


def check_from_row(r: dict) -> Check:
    return Check(r['table_no'], r['name'], r['subject'], Decimal(r['expected']), Decimal(r['actual']), bool(r['ok']),
                 r['line_start'], r['line_end'], r['kind'])
