"""The SQLite store of documents, their lines, tables, facts, checks, statements, chunks and keyword index.

    store = FactStore(settings.facts_db)
    store.replace_document(parsed, path, summary, chunks)   # one transaction: old state or new, never half
    store.facts(doc='002_220f206dadf5e393.txt', table_no=10)
    store.line_text('002_220f206dadf5e393.txt', 495, 495)
    store.keyword_search(['三公经费'], docs=('002_220f206dadf5e393.txt',), limit=40)

Everything is read per document through indexes, so a question costs what its
documents cost, whatever the size of the store. Documents are referred to by
an integer id inside the database (a file name once, not on every row); the
keyword index is SQLite FTS5 over the chunks' jieba tokens, kept in the same
transaction as the facts. The schema carries a version (PRAGMA user_version);
the database runs in WAL mode so readers never see half a document.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from errors import StoreError  # noqa: F401  (callers catch it from here, as before errors.py)
from errors import DiskFull, ReadOnly, StoreMissing, StoreOldReadOnly, StoreTooNew, StoreUnreadable
from ingest.models import BudgetFact, Check, ParsedDocument, Statement
from ingest.orgs import org_key
from ingest.text import strip_markup

SCHEMA_VERSION = 12
LINES_PER_ROW = 64
TOKEN_SEPARATOR = '\u3000'       # as index/chunks.py writes tokens
SCHEMA = (
    # every repeated string (labels, columns, units, headings, check names, chunk words) once, by number:
    # documents of one template share almost all of them, so the store grows by figures, not by words
    "CREATE TABLE previous_paths (path TEXT)",          # files an older store held, to be ingested again
    "CREATE TABLE generation (n INTEGER NOT NULL)",     # bumped by every write: readers notice a change
    "INSERT INTO generation VALUES (0)",
    "CREATE TABLE labels (id INTEGER PRIMARY KEY, hash INTEGER NOT NULL, text TEXT NOT NULL)",
    "CREATE INDEX labels_by_hash ON labels (hash)",     # a number, not the text again
    """CREATE TABLE documents (
        id INTEGER PRIMARY KEY, doc TEXT NOT NULL UNIQUE, path TEXT, content_hash TEXT NOT NULL, encoding TEXT,
        org TEXT NOT NULL, org_key TEXT NOT NULL, year INTEGER, aliases TEXT NOT NULL, n_lines INTEGER,
        summary TEXT NOT NULL, ingested_at TEXT NOT NULL, vectors INTEGER NOT NULL DEFAULT 0,
        facts_from INTEGER, facts_to INTEGER, chunks_from INTEGER, chunks_to INTEGER)""",
    "CREATE INDEX documents_by_org ON documents (org_key, year)",
    # the text itself, LINES_PER_ROW lines to a row (joined by newlines; PDF pages alongside): a row per line
    # would cost half the text again in row overhead
    """CREATE TABLE lines (doc_id INTEGER NOT NULL, first INTEGER NOT NULL, text TEXT NOT NULL, pages TEXT,
        PRIMARY KEY (doc_id, first)) WITHOUT ROWID""",
    """CREATE TABLE tables (id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL, table_no INTEGER, kind TEXT, title INTEGER,
        unit TEXT, columns TEXT, line_start INTEGER, line_end INTEGER, empty INTEGER, note TEXT, layout TEXT,
        warnings TEXT)""",
    "CREATE INDEX tables_by_doc ON tables (doc_id)",
    """CREATE TABLE facts (id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL, table_id INTEGER, source INTEGER,
        table_no INTEGER, row_code TEXT, row INTEGER, col INTEGER, value TEXT NOT NULL, unit INTEGER, raw TEXT,
        line_start INTEGER, line_end INTEGER, item INTEGER, project INTEGER, section INTEGER, checks_passed INTEGER,
        checks_failed INTEGER, flags INTEGER)""",
    "CREATE INDEX facts_by_item ON facts (item) WHERE item IS NOT NULL",
    "CREATE INDEX facts_by_row ON facts (row)",
    "CREATE INDEX facts_by_project ON facts (project) WHERE project IS NOT NULL",
    # rows a document owns in order (n): kept together by document, so no index on the document is needed
    """CREATE TABLE checks (doc_id INTEGER NOT NULL, n INTEGER NOT NULL, table_no INTEGER, name INTEGER,
        subject INTEGER, expected TEXT, actual TEXT, ok INTEGER, line_start INTEGER, line_end INTEGER, kind INTEGER,
        severity INTEGER, PRIMARY KEY (doc_id, n)) WITHOUT ROWID""",
    """CREATE TABLE statements (doc_id INTEGER NOT NULL, n INTEGER NOT NULL, kind TEXT, subject INTEGER, text INTEGER,
        line_start INTEGER, line_end INTEGER, table_no INTEGER, PRIMARY KEY (doc_id, n)) WITHOUT ROWID""",
    # projects' records line by line (ingest/project_details.py): form fields, indicators, description lines
    """CREATE TABLE details (doc_id INTEGER NOT NULL, n INTEGER NOT NULL, source INTEGER, project INTEGER,
        field INTEGER, value INTEGER, op TEXT, target TEXT, unit INTEGER, previous INTEGER, line_start INTEGER,
        line_end INTEGER, indicator INTEGER, PRIMARY KEY (doc_id, n)) WITHOUT ROWID""",
    """CREATE TABLE blocks (doc_id INTEGER NOT NULL, n INTEGER NOT NULL, kind INTEGER, line_start INTEGER,
        line_end INTEGER, table_no INTEGER, PRIMARY KEY (doc_id, n)) WITHOUT ROWID""",
    """CREATE TABLE chunks (id INTEGER PRIMARY KEY, key INTEGER NOT NULL, doc_id INTEGER NOT NULL, kind INTEGER,
        table_no INTEGER, section INTEGER, line_start INTEGER, line_end INTEGER, tokens INTEGER NOT NULL)""",
    "CREATE UNIQUE INDEX chunks_by_key ON chunks (key)",
    # the keyword index reads its content (the chunks' words) through this view: nothing is stored twice
    "CREATE VIEW chunk_words (id, tokens) AS SELECT c.id, l.text FROM chunks c JOIN labels l ON l.id = c.tokens",
    "CREATE VIRTUAL TABLE chunks_fts USING fts5(tokens, content='chunk_words', content_rowid='id')",
)
CHILD_TABLES = ('lines', 'tables', 'checks', 'statements', 'blocks', 'details')   # facts and chunks: by id range
EMPTY = ('', '[]')


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


@dataclass(frozen=True)
class PreparedDocument:
    """A parsed document as the rows the store writes, label texts in place of ids: made in the worker that
    parsed it (cheap to pass between processes), written by FactStore.write_prepared."""
    name: str
    document: tuple
    labels: dict[str, int]          # every label text -> its hash
    lines: list[tuple]
    tables: list[tuple]
    facts: list[tuple]              # first field: the index of its table in `tables`, or None
    checks: list[tuple]
    statements: list[tuple]
    chunks: list[tuple]             # first field: the chunk's key as a signed 64-bit number
    blocks: list[tuple]
    details: list[tuple] = ()


# where the label texts stand in each kind of prepared row (replaced by label ids when written)
TABLE_LABELS = frozenset({2})
FACT_LABELS = frozenset({3, 4, 6, 10, 11, 12, 13, 14, 15})
CHECK_LABELS = frozenset({1, 2, 8, 9})
STATEMENT_LABELS = frozenset({1, 2})
CHUNK_LABELS = frozenset({0, 2, 5})
BLOCK_LABELS = frozenset({0})
DETAIL_LABELS = frozenset({0, 1, 2, 3, 6, 7})


def prepare_document(parsed: ParsedDocument, path: Path | str, summary: dict, chunks=()) -> PreparedDocument:
    document = (parsed.name, str(path), parsed.source.content_hash, parsed.source.encoding, parsed.org,
                org_key(parsed.org), parsed.year, json.dumps(parsed.aliases, ensure_ascii=False),
                len(parsed.source.lines), json.dumps(summary, ensure_ascii=False),
                datetime.now(timezone.utc).isoformat(timespec='seconds'))
    tables, table_index = [], {}
    for i, t in enumerate(parsed.tables):
        tables.append((t.number, t.kind, t.title, t.unit, json.dumps(t.columns, ensure_ascii=False),
                       t.line_start, t.line_end, int(t.empty), t.note, t.layout, json.dumps(t.warnings)))
        table_index.setdefault((t.number, t.title), i)
    facts = [(table_index.get((f.table_no, f.table_title)), *_fact_row(f)) for f in parsed.facts]
    checks = [(c.table_no, c.name, c.subject, str(c.expected), str(c.actual), int(c.ok), c.line_start, c.line_end,
               c.kind, c.severity) for c in parsed.checks]
    statements = [(s.kind, s.subject, s.text, s.line_start, s.line_end, s.table_no) for s in parsed.statements]
    unique = {int(c.key, 16) - 2 ** 63: c for c in chunks}    # a chunk repeated in a file is kept once
    chunk_rows = [(key, c.kind, c.table_no, c.section, c.line_start, c.line_end, c.tokens) for key, c in unique.items()]
    blocks = [(b.kind, b.line_start, b.line_end, b.table_no) for b in parsed.blocks]
    details = [(d.source, d.project, d.field, d.value, d.op, d.target, d.unit, d.previous, d.line_start, d.line_end,
                int(d.indicator)) for d in parsed.details]
    texts = set()
    for rows, positions, skip in ((tables, TABLE_LABELS, 0), (facts, FACT_LABELS, 1), (checks, CHECK_LABELS, 0),
                                  (statements, STATEMENT_LABELS, 0), (chunk_rows, CHUNK_LABELS, 1),
                                  (blocks, BLOCK_LABELS, 0), (details, DETAIL_LABELS, 0)):
        for row in rows:
            texts.update(row[skip + i] for i in positions)
    return PreparedDocument(parsed.name, document, {t: _hash(t) for t in texts if t},
                            _line_rows(parsed.source), tables, facts, checks, statements, chunk_rows, blocks, details)


def _ids(row: tuple, positions: frozenset, label) -> tuple:
    return tuple((label(v) if v else None) if i in positions else v for i, v in enumerate(row))


class FactStore:
    """One store; each thread reads through its own connection, so readers never wait on each other (WAL)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.read_only = not _writable(self.path.parent)   # a read-only data directory: answers still work
        self._local = threading.local()
        self._migrate()

    @property
    def db(self) -> sqlite3.Connection:
        connection = getattr(self._local, 'db', None)
        if connection is None:
            connection = self._connect_read_only() if self.read_only else \
                sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            connection.row_factory = sqlite3.Row
            if not self.read_only:
                connection.execute('PRAGMA journal_mode=WAL')
                connection.execute('PRAGMA synchronous=NORMAL')
            self._local.db = connection
        return connection

    def _connect_read_only(self) -> sqlite3.Connection:
        """Read-only: as is when SQLite can share the write-ahead log; else the file as it stands (immutable:
        nobody can write in a read-only directory, and ingest folds the log into the file after each batch)."""
        if not self.path.exists():
            raise StoreMissing(folder=str(self.path.parent))
        for options in ('mode=ro', 'mode=ro&immutable=1'):
            try:
                connection = sqlite3.connect(f'{self.path.as_uri()}?{options}', uri=True, timeout=30,
                                             isolation_level=None, check_same_thread=False)
                connection.execute('SELECT COUNT(*) FROM sqlite_master').fetchone()
                return connection
            except sqlite3.OperationalError:
                continue
        raise StoreUnreadable(db=str(self.path))

    def close(self) -> None:
        connection = getattr(self._local, 'db', None)
        if connection is not None:
            connection.close()
            self._local.db = None

    # ---- schema --------------------------------------------------------------------

    def _migrate(self) -> None:
        version = self.db.execute('PRAGMA user_version').fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreTooNew(db=str(self.path), version=version, known=SCHEMA_VERSION)
        if version == SCHEMA_VERSION:
            return
        if self.read_only:
            raise StoreOldReadOnly(db=str(self.path))
        with self.transaction() as db:
            # everything here is derived from the files: an older layout is dropped and re-derived by the next
            # ingest; the paths it was read from are kept so the user is told what to ingest again
            previous = _previous_paths(db)
            for kind, name in db.execute("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') "
                                         "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'chunks_fts_%'").fetchall():
                db.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
            for statement in SCHEMA:
                db.execute(statement)
            db.executemany('INSERT INTO previous_paths VALUES (?)', [(p,) for p in previous])
            db.execute(f'PRAGMA user_version={SCHEMA_VERSION}')

    @contextmanager
    def transaction(self):
        if self.read_only:
            raise ReadOnly(folder=str(self.path.parent))
        self.db.execute('BEGIN IMMEDIATE')
        try:
            yield self.db
            self.db.execute('COMMIT')
        except BaseException as error:
            if self.db.in_transaction:
                try:
                    self.db.execute('ROLLBACK')
                except sqlite3.Error:          # SQLite may have rolled back already (disk full)
                    pass
            if _disk_full(error):
                raise DiskFull(folder=str(self.path.parent)) from None
            raise

    @contextmanager
    def snapshot(self):
        """Everything read inside sees one state of the store, even if another process writes meanwhile."""
        if self.db.in_transaction:
            yield self
            return
        self.db.execute('BEGIN')
        try:
            yield self
        finally:
            if self.db.in_transaction:
                self.db.execute('COMMIT')

    # ---- writing ---------------------------------------------------------------------

    def is_current(self, doc: str, content_hash: str) -> bool:
        row = self.db.execute('SELECT content_hash FROM documents WHERE doc = ?', (doc,)).fetchone()
        return row is not None and row['content_hash'] == content_hash

    def replace_document(self, parsed: ParsedDocument, path: Path | str, summary: dict, chunks=(),
                         fault=lambda: None) -> None:
        """Replace everything stored for this file name, in one transaction."""
        self.write_prepared(prepare_document(parsed, path, summary, chunks), fault)

    def write_prepared(self, doc: 'PreparedDocument', fault=lambda: None) -> None:
        """Write a document made ready by prepare_document (in a worker process), in one transaction: what is
        left here is finding label ids and inserting rows."""
        with self.transaction() as db:
            self._delete(db, doc.name)
            db.execute('UPDATE generation SET n = n + 1')
            db.execute('DELETE FROM previous_paths')
            doc_id = db.execute('INSERT INTO documents VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,0,NULL,NULL,NULL,NULL)',
                                doc.document).lastrowid
            label = self._labels(db, doc.labels)
            db.executemany('INSERT INTO lines VALUES (?,?,?,?)', [(doc_id, *r) for r in doc.lines])
            tables_from = _next_id(db, 'tables')
            db.executemany('INSERT INTO tables VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)', [
                (tables_from + i, doc_id, *_ids(r, TABLE_LABELS, label)) for i, r in enumerate(doc.tables)])
            facts_from = _next_id(db, 'facts')
            db.executemany('INSERT INTO facts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)', [
                (facts_from + i, doc_id, None if r[0] is None else tables_from + r[0], *_ids(r[1:], FACT_LABELS, label))
                for i, r in enumerate(doc.facts)])
            db.executemany('INSERT INTO checks VALUES (?,?,?,?,?,?,?,?,?,?,?,?)', [
                (doc_id, n, *_ids(r, CHECK_LABELS, label)) for n, r in enumerate(doc.checks)])
            db.executemany('INSERT INTO statements VALUES (?,?,?,?,?,?,?,?)', [
                (doc_id, n, *_ids(r, STATEMENT_LABELS, label)) for n, r in enumerate(doc.statements)])
            fault()   # tests: a crash here, half written, must leave the old state
            chunks_from = _next_id(db, 'chunks')
            db.executemany('INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?)', [
                (chunks_from + i, r[0], doc_id, *_ids(r[1:], CHUNK_LABELS, label)) for i, r in enumerate(doc.chunks)])
            chunks_to = chunks_from + len(doc.chunks) - 1
            db.execute('INSERT INTO chunks_fts(rowid, tokens) SELECT id, tokens FROM chunk_words '
                       'WHERE id BETWEEN ? AND ?', (chunks_from, chunks_to))
            db.executemany('INSERT INTO blocks VALUES (?,?,?,?,?,?)', [
                (doc_id, n, *_ids(r, BLOCK_LABELS, label)) for n, r in enumerate(doc.blocks)])
            db.executemany('INSERT INTO details VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)', [
                (doc_id, n, *_ids(r, DETAIL_LABELS, label)) for n, r in enumerate(doc.details)])
            db.execute('UPDATE documents SET facts_from = ?, facts_to = ?, chunks_from = ?, chunks_to = ? WHERE id = ?',
                       (facts_from, facts_from + len(doc.facts) - 1, chunks_from, chunks_to, doc_id))

    @staticmethod
    def _labels(db, texts: dict[str, int]):
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

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database after a batch, so readers start from a small log."""
        self.db.execute('PRAGMA wal_checkpoint(TRUNCATE)')

    def remove(self, doc: str) -> bool:
        with self.transaction() as db:
            found = self._delete(db, doc)
            db.execute('UPDATE generation SET n = n + 1')
        return found

    @staticmethod
    def _delete(db, doc: str) -> bool:
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

    # ---- reading ---------------------------------------------------------------------

    def previous_paths(self) -> list[str]:
        """The files a store written by an older budget-qa held: to ingest again (they were cleared)."""
        return [r[0] for r in self.db.execute('SELECT path FROM previous_paths')]

    def generation(self) -> int:
        """A number that changes whenever any process writes a document: caches keyed on it stay true."""
        return self.db.execute('SELECT n FROM generation').fetchone()[0]

    def set_summary_field(self, values: dict[str, object], field: str) -> None:
        """Keep a derived figure in documents' summaries (doc -> value), e.g. the audit's counts. Does not change
        the generation: nothing an answer reads changes."""
        with self.transaction() as db:
            for doc, value in values.items():
                row = db.execute('SELECT summary FROM documents WHERE doc = ?', (doc,)).fetchone()
                if row is not None:
                    summary = json.loads(row['summary'])
                    summary[field] = value
                    db.execute('UPDATE documents SET summary = ? WHERE doc = ?',
                               (json.dumps(summary, ensure_ascii=False), doc))

    def documents(self) -> list[DocumentInfo]:
        rows = self.db.execute('SELECT * FROM documents ORDER BY doc').fetchall()
        return [_document(r) for r in rows]

    def docs_of(self, orgs=(), years=()) -> list[str]:
        """The documents of these organisations (keys) and years; every document when both are empty."""
        where, args = [], []
        if orgs:
            where.append(f'org_key IN ({",".join("?" * len(orgs))})')
            args += list(orgs)
        if years:
            where.append(f'year IN ({",".join("?" * len(years))})')
            args += list(years)
        sql = 'SELECT doc FROM documents' + (' WHERE ' + ' AND '.join(where) if where else '') + ' ORDER BY doc'
        return [r[0] for r in self.db.execute(sql, args)]

    def without_vectors(self) -> list[str]:
        """Documents whose chunks are not yet in the vector store (an ingest stopped between the two)."""
        return [r[0] for r in self.db.execute('SELECT doc FROM documents WHERE vectors = 0 ORDER BY doc')]

    def mark_vectors(self, docs: list[str], done: bool = True) -> None:
        with self.transaction() as db:
            db.executemany('UPDATE documents SET vectors = ? WHERE doc = ?', [(int(done), d) for d in docs])

    def document_count(self) -> int:
        return self.db.execute('SELECT COUNT(*) FROM documents').fetchone()[0]

    def _doc_id(self, doc: str) -> int | None:
        """Looked up every time: another process may have re-ingested the document under a new number."""
        row = self.db.execute('SELECT id FROM documents WHERE doc = ?', (doc,)).fetchone()
        return row['id'] if row else None

    def facts(self, org: str | None = None, year: int | None = None, table_no: int | None = None,
              doc: str | None = None, source: str | None = None, item: str | None = None) -> list[BudgetFact]:
        where, args = [], []
        for column, value in (('d.org_key', org_key(org) if org else None), ('d.year', year), ('f.table_no', table_no),
                              ('d.doc', doc), ('f.source', SOURCES.get(source, source)), ('li.text', item)):
            if value is not None:
                where.append(f'{column} = ?')
                args.append(value)
        sql = (FACTS_SELECT + (' WHERE ' + ' AND '.join(where) if where else '') + ' ORDER BY d.doc, f.id')
        return [_fact(r) for r in self.db.execute(sql, args)]

    def facts_named(self, names: list[str], docs: list[str] | None = None) -> list[BudgetFact]:
        """Facts whose row label, item or project is one of `names` (as stored), in these documents."""
        ids = self._label_ids(names)
        if not ids:
            return []
        marks = ','.join('?' * len(ids))
        # within documents, read each document's range of facts (unary + keeps SQLite off the label indexes,
        # which would visit every document's rows of a common label such as 合计)
        plus = '+' if docs is not None else ''
        sql = FACTS_SELECT + (f' WHERE ({plus}f.row IN ({marks}) OR {plus}f.item IN ({marks}) '
                              f'OR {plus}f.project IN ({marks}))')
        args = list(ids) * 3
        if docs is not None:
            sql += f' AND d.doc IN ({",".join("?" * len(docs))})'
            args += list(docs)
        return [_fact(r) for r in self.db.execute(sql + ' ORDER BY d.doc, f.id', args)]

    def _label_ids(self, texts: list[str]) -> list[int]:
        """The ids of these labels, found by their hashes (the labels' text is not indexed)."""
        texts = set(texts)
        hashes = list({_hash(t) for t in texts})
        if not hashes:
            return []
        rows = self.db.execute(f'SELECT id, text FROM labels WHERE hash IN ({",".join("?" * len(hashes))})', hashes)
        return [r['id'] for r in rows if r['text'] in texts]

    def checks(self, doc: str | None = None, failed_only: bool = False) -> list[dict]:
        sql = ('SELECT d.doc, c.table_no, ln.text AS name, ls.text AS subject, c.expected, c.actual, c.ok, c.line_start, '
               'c.line_end, lk.text AS kind, lv.text AS severity FROM checks c JOIN documents d ON d.id = c.doc_id '
               'LEFT JOIN labels lk ON lk.id = c.kind LEFT JOIN labels lv ON lv.id = c.severity '
               'LEFT JOIN labels ln ON ln.id = c.name LEFT JOIN labels ls ON ls.id = c.subject WHERE 1=1'
               + (' AND d.doc = ?' if doc else '') + (' AND c.ok = 0' if failed_only else ''))
        return [dict(r) for r in self.db.execute(sql, (doc,) if doc else ())]

    def statements(self, doc: str | None = None, kind: str | None = None) -> list[dict]:
        where = [c for c, v in (('d.doc = ?', doc), ('s.kind = ?', kind)) if v]
        sql = ('SELECT d.doc, s.kind, l.text AS subject, lt.text AS text, s.line_start, s.line_end, s.table_no '
               'FROM statements s JOIN documents d ON d.id = s.doc_id LEFT JOIN labels l ON l.id = s.subject '
               'LEFT JOIN labels lt ON lt.id = s.text'
               + (' WHERE ' + ' AND '.join(where) if where else '')
               + ' ORDER BY d.doc, s.line_start, s.n')
        return [dict(r) for r in self.db.execute(sql, [v for v in (doc, kind) if v])]

    def statements_like(self, kind: str, words: list[str], limit: int = 200) -> list[dict]:
        """Statements of a kind whose subject contains one of the words ('三公经费是什么意思' over every document)."""
        if not words:
            return []
        likes = ' OR '.join('l.text LIKE ?' for _ in words)
        sql = ('SELECT d.doc, s.kind, l.text AS subject, lt.text AS text, s.line_start, s.line_end, s.table_no '
               'FROM statements s JOIN documents d ON d.id = s.doc_id JOIN labels l ON l.id = s.subject '
               f'LEFT JOIN labels lt ON lt.id = s.text WHERE s.kind = ? AND ({likes}) ORDER BY d.doc LIMIT ?')
        return [dict(r) for r in self.db.execute(sql, [kind] + [f'%{w}%' for w in words] + [limit])]

    def details(self, doc: str) -> list[dict]:
        """A document's project records line by line: source, project, field, value (as printed), op, target,
        unit, previous (上年完成值), line_start, line_end, indicator."""
        sql = ('SELECT d.doc, ls.text AS source, lp.text AS project, lf.text AS field, lv.text AS value, x.op, '
               'x.target, lu.text AS unit, lr.text AS previous, x.line_start, x.line_end, x.indicator '
               'FROM details x JOIN documents d ON d.id = x.doc_id LEFT JOIN labels ls ON ls.id = x.source '
               'LEFT JOIN labels lp ON lp.id = x.project LEFT JOIN labels lf ON lf.id = x.field '
               'LEFT JOIN labels lv ON lv.id = x.value LEFT JOIN labels lu ON lu.id = x.unit '
               'LEFT JOIN labels lr ON lr.id = x.previous WHERE d.doc = ? ORDER BY x.n')
        return [{k: (r[k] or '') if k not in ('line_start', 'line_end', 'indicator') else r[k] for k in r.keys()}
                for r in self.db.execute(sql, (doc,))]

    def blocks(self, doc: str | None = None) -> list[dict]:
        """Headings and paragraphs, their text read from the document's lines (wrapped lines joined)."""
        sql = ('SELECT d.doc, lk.text AS kind, b.line_start, b.line_end, b.table_no FROM blocks b '
               'LEFT JOIN labels lk ON lk.id = b.kind '
               'JOIN documents d ON d.id = b.doc_id' + (' WHERE d.doc = ?' if doc else '') + ' ORDER BY d.doc, b.line_start, b.n')
        out, texts = [], {}
        for r in self.db.execute(sql, (doc,) if doc else ()):
            block = dict(r)
            if block['doc'] not in texts:
                texts[block['doc']] = dict(self.line_text(block['doc'], 1, 10 ** 9))
            lines = texts[block['doc']]
            joined = ''.join(lines.get(n, '').strip() for n in range(block['line_start'], block['line_end'] + 1))
            block['text'] = strip_markup(joined, line_marks=True) if block['kind'] != 'table' else ''
            out.append(block)
        return out

    def tables(self, doc: str | None = None) -> list[dict]:
        sql = ('SELECT d.doc, t.table_no, t.kind, l.text AS title, t.unit, t.columns, t.line_start, t.line_end, t.empty, '
               't.note, t.layout, t.warnings FROM tables t JOIN documents d ON d.id = t.doc_id '
               'LEFT JOIN labels l ON l.id = t.title'
               + (' WHERE d.doc = ?' if doc else '') + ' ORDER BY d.doc, t.line_start')
        return [dict(r) for r in self.db.execute(sql, (doc,) if doc else ())]

    def chunks(self, docs: list[str] | None = None) -> list[ChunkRow]:
        sql = CHUNKS_SELECT + (f' WHERE d.doc IN ({",".join("?" * len(docs))})' if docs is not None else '')
        return [_chunk(r) for r in self.db.execute(sql + ' ORDER BY d.doc, c.line_start', list(docs or ()))]

    def chunks_by_key(self, keys: list[str]) -> dict[str, ChunkRow]:
        numbers = [int(k) for k in keys if str(k).lstrip('-').isdigit()]
        if not numbers:
            return {}
        rows = self.db.execute(CHUNKS_SELECT + f' WHERE c.key IN ({",".join("?" * len(numbers))})', numbers)
        return {str(r['key']): _chunk(r) for r in rows}

    def chunk_count(self) -> int:
        return self.db.execute('SELECT COUNT(*) FROM chunks').fetchone()[0]

    def chunks_covering(self, doc: str, lines: list[int]) -> list[ChunkRow]:
        doc_id = self._doc_id(doc)
        if doc_id is None or not lines:
            return []
        rows = self.db.execute(CHUNKS_SELECT + ' WHERE d.id = ? AND c.line_start <= ? AND c.line_end >= ?',
                               (doc_id, max(lines), min(lines)))
        return [c for c in map(_chunk, rows) if any(c.line_start <= n <= c.line_end for n in lines)]

    def keyword_search(self, tokens: list[str], docs: list[str] | None = None, table: int | None = None,
                       limit: int = 40) -> list[tuple[ChunkRow, float]]:
        """Chunks matching any of the tokens, best BM25 first, within these documents (all when None)."""
        tokens = [t.replace('"', '') for t in tokens if t.replace('"', '').strip()]
        if not tokens:
            return []
        query = ' OR '.join(f'"{t}"' for t in dict.fromkeys(tokens))
        sql = (CHUNKS_SELECT.replace('SELECT ', 'SELECT bm25(chunks_fts) AS score, ', 1)
               .replace(' FROM chunks c', ' FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid', 1)
               + ' WHERE chunks_fts MATCH ?')
        args: list = [query]
        if docs is not None:
            sql += f' AND d.doc IN ({",".join("?" * len(docs))})'
            args += list(docs)
        if table is not None:
            sql += ' AND c.table_no = ?'
            args.append(table)
        rows = self.db.execute(sql + ' ORDER BY score LIMIT ?', args + [limit])
        return [(_chunk(r), -r['score']) for r in rows]

    def pages(self, doc: str) -> dict[int, int]:
        return {n: page for n, _, page in self._lines(doc, 1, 10 ** 9) if page is not None}

    def page_of(self, doc: str, line: int) -> int | None:
        return next((page for n, _, page in self._lines(doc, line, line)), None)

    def names_in(self, doc: str) -> list[str]:
        """The units (处室, 下属单位, 项目承担单位) and projects a document names."""
        doc_id = self._doc_id(doc)
        units = self.db.execute("SELECT DISTINCT l.text FROM statements s JOIN labels l ON l.id = s.subject "
                                "WHERE s.doc_id = ? AND s.kind = 'subunit'", (doc_id,))
        projects = self.db.execute("SELECT DISTINCT l.text FROM facts f JOIN labels l ON l.id = f.project "
                                   "WHERE f.id BETWEEN (SELECT facts_from FROM documents WHERE id = ?) "
                                   "AND (SELECT facts_to FROM documents WHERE id = ?)", (doc_id, doc_id))
        return [r[0] for r in units] + [r[0] for r in projects]

    def name_exists(self, fragment: str) -> bool:
        """Whether some stored project, unit or row names `fragment` ('自治区中小企业…' is a project, not a place)."""
        like = '%' + fragment.replace('%', '') + '%'
        return self.db.execute("SELECT 1 FROM labels l WHERE l.text LIKE ? AND (EXISTS (SELECT 1 FROM facts f WHERE "
                               "f.project = l.id) OR EXISTS (SELECT 1 FROM statements s WHERE s.subject = l.id AND "
                               "s.kind = 'subunit')) LIMIT 1", (like,)).fetchone() is not None

    def line_text(self, doc: str, start: int, end: int) -> list[tuple[int, str]]:
        return [(n, text) for n, text, _ in self._lines(doc, start, end)]

    def _lines(self, doc: str, start: int, end: int) -> list[tuple[int, str, int | None]]:
        first = ((max(start, 1) - 1) // LINES_PER_ROW) * LINES_PER_ROW + 1
        rows = self.db.execute('SELECT first, text, pages FROM lines WHERE doc_id = ? AND first BETWEEN ? AND ? '
                               'ORDER BY first', (self._doc_id(doc), first, end))
        out = []
        for r in rows:
            pages = [int(p) if p else None for p in r['pages'].split(',')] if r['pages'] else []
            for i, text in enumerate(r['text'].split('\n')):
                n = r['first'] + i
                if start <= n <= end:
                    out.append((n, text, pages[i] if i < len(pages) else None))
        return out

    def orgs_matching(self, name: str) -> list[str]:
        """Organisation keys whose full name or an alias equals, or contains, `name`."""
        exact, partial = set(), set()
        for info in self.documents():
            names = (info.org, info.org_key) + info.aliases
            if name in names:
                exact.add(info.org_key)
            elif any(name in n for n in names):
                partial.add(info.org_key)
        return sorted(exact or partial)


FACTS_SELECT = ('SELECT d.doc, d.org, d.year, f.source, f.table_no, lt.text AS table_title, f.row_code, lr.text AS row, '
                'lc.text AS col, f.value, lu.text AS unit, f.raw, f.line_start, f.line_end, li.text AS item, '
                'lp.text AS project, ls.text AS section, lcp.text AS checks_passed, lcf.text AS checks_failed, '
                'lf.text AS flags FROM facts f JOIN documents d ON d.id = f.doc_id AND f.id BETWEEN d.facts_from AND d.facts_to '
                'LEFT JOIN tables t ON t.id = f.table_id LEFT JOIN labels lt ON lt.id = t.title '
                'LEFT JOIN labels lr ON lr.id = f.row LEFT JOIN labels lc ON lc.id = f.col '
                'LEFT JOIN labels lu ON lu.id = f.unit LEFT JOIN labels li ON li.id = f.item '
                'LEFT JOIN labels lp ON lp.id = f.project LEFT JOIN labels ls ON ls.id = f.section '
                'LEFT JOIN labels lcp ON lcp.id = f.checks_passed LEFT JOIN labels lcf ON lcf.id = f.checks_failed '
                'LEFT JOIN labels lf ON lf.id = f.flags')
CHUNKS_SELECT = ('SELECT c.key, d.doc, d.year, lk.text AS kind, c.table_no, ls.text AS section, c.line_start, c.line_end, '
                 'lw.text AS tokens FROM chunks c JOIN documents d ON d.id = c.doc_id AND c.id BETWEEN d.chunks_from AND d.chunks_to '
                 'LEFT JOIN labels ls ON ls.id = c.section JOIN labels lw ON lw.id = c.tokens LEFT JOIN labels lk ON lk.id = c.kind')
SOURCES = {'table': 0, 'text': 1}


def _line_rows(source) -> list[tuple]:
    rows = []
    lines = [line.replace('\n', ' ') for line in source.lines]
    for first in range(0, len(lines), LINES_PER_ROW):
        pages = source.pages[first:first + LINES_PER_ROW] if source.pages else ()
        rows.append((first + 1, '\n'.join(lines[first:first + LINES_PER_ROW]),
                     ','.join('' if p is None else str(p) for p in pages) if pages else None))
    return rows


def _previous_paths(db) -> list[str]:
    for table in ('previous_paths', 'documents'):
        try:
            return [r[0] for r in db.execute(f'SELECT path FROM {table}') if r[0]]
        except sqlite3.OperationalError:
            continue
    return []


def _document(r: sqlite3.Row) -> DocumentInfo:
    return DocumentInfo(r['doc'], r['path'], r['content_hash'], r['org'], r['org_key'], r['year'],
                        tuple(json.loads(r['aliases'])), json.loads(r['summary']), r['ingested_at'])


def _writable(folder: Path) -> bool:
    """Can files be created here? (os.access says yes to root on a read-only mount: try it.)"""
    import tempfile
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _disk_full(error: BaseException) -> bool:
    import errno
    return (isinstance(error, sqlite3.OperationalError) and 'full' in str(error)) or \
        (isinstance(error, OSError) and error.errno == errno.ENOSPC)


def _next_id(db, table: str) -> int:
    """A document's facts and chunks take consecutive ids (its range is kept on the document: no index by document)."""
    return db.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM {table}').fetchone()[0]


def _hash(text: str) -> int:
    """A signed 64-bit number for a label's text (the index holds numbers, not the text twice)."""
    return int.from_bytes(hashlib.blake2b(text.encode('utf-8'), digest_size=8).digest(), 'big', signed=True)


def _section(f: BudgetFact) -> str:
    return f.section.split(' > ')[-1] if f.section else ''


def _fact_row(f: BudgetFact) -> tuple:
    return (SOURCES[f.source], f.table_no, f.row_code, f.row, f.column, str(f.value), f.unit,
            None if f.raw == str(f.value) else f.raw, f.line_start, f.line_end, f.item, f.project, _section(f),
            _tuple_text(f.checks_passed), _tuple_text(f.checks_failed), _tuple_text(f.flags))


def _tuple_text(values: tuple[str, ...]) -> str:
    return json.dumps(values, ensure_ascii=False) if values else ''


def _tuple_of(text: str | None) -> tuple[str, ...]:
    return () if text in EMPTY or text is None else tuple(json.loads(text))


def _fact(r: sqlite3.Row) -> BudgetFact:
    return BudgetFact(doc=r['doc'], org=r['org'], year=r['year'], source='table' if r['source'] == 0 else 'text',
                      table_no=r['table_no'], table_title=r['table_title'] or '', row_code=r['row_code'],
                      row=r['row'] or '', column=r['col'] or '', value=Decimal(r['value']), unit=r['unit'] or '',
                      raw=r['value'] if r['raw'] is None else r['raw'], line_start=r['line_start'], line_end=r['line_end'], item=r['item'] or '',
                      project=r['project'] or '', section=r['section'] or '',
                      checks_passed=_tuple_of(r['checks_passed']), checks_failed=_tuple_of(r['checks_failed']),
                      flags=_tuple_of(r['flags']))


def _chunk(r: sqlite3.Row) -> ChunkRow:
    return ChunkRow(str(r['key']), r['doc'], r['year'] or 0, r['kind'], r['table_no'] or 0, r['section'] or '',
                    r['line_start'], r['line_end'], r['tokens'])


def statement_from_row(r: dict) -> Statement:
    return Statement(r['kind'], r['subject'], r['text'], r['line_start'], r['line_end'], r['table_no'])


def check_from_row(r: dict) -> Check:
    return Check(r['table_no'], r['name'], r['subject'], Decimal(r['expected']), Decimal(r['actual']), bool(r['ok']),
                 r['line_start'], r['line_end'], r['kind'])
