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

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from ingest.models import BudgetFact, Check, ParsedDocument, Statement
from ingest.orgs import org_key

SCHEMA_VERSION = 5
TOKEN_SEPARATOR = '\u3000'       # as index/chunks.py writes tokens
SCHEMA = (
    """CREATE TABLE documents (
        id INTEGER PRIMARY KEY, doc TEXT NOT NULL UNIQUE, path TEXT, content_hash TEXT NOT NULL, encoding TEXT,
        org TEXT NOT NULL, org_key TEXT NOT NULL, year INTEGER, aliases TEXT NOT NULL, n_lines INTEGER,
        summary TEXT NOT NULL, ingested_at TEXT NOT NULL, vectors INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX documents_by_org ON documents (org_key, year)",
    """CREATE TABLE lines (doc_id INTEGER NOT NULL, line INTEGER NOT NULL, text TEXT NOT NULL, page INTEGER,
        PRIMARY KEY (doc_id, line)) WITHOUT ROWID""",
    """CREATE TABLE tables (id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL, table_no INTEGER, kind TEXT, title TEXT,
        unit TEXT, columns TEXT, line_start INTEGER, line_end INTEGER, empty INTEGER, note TEXT, layout TEXT,
        warnings TEXT)""",
    "CREATE INDEX tables_by_doc ON tables (doc_id)",
    """CREATE TABLE facts (id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL, table_id INTEGER, source TEXT NOT NULL,
        table_no INTEGER, row_code TEXT, row TEXT, col TEXT, value TEXT NOT NULL, unit TEXT, raw TEXT,
        line_start INTEGER, line_end INTEGER, item TEXT, project TEXT, section TEXT, checks_passed TEXT,
        checks_failed TEXT, flags TEXT)""",
    "CREATE INDEX facts_by_doc ON facts (doc_id, table_no)",
    "CREATE INDEX facts_by_item ON facts (item) WHERE item != ''",
    "CREATE INDEX facts_by_row ON facts (row)",
    "CREATE INDEX facts_by_project ON facts (project) WHERE project != ''",
    """CREATE TABLE checks (doc_id INTEGER NOT NULL, table_no INTEGER, name TEXT, subject TEXT, expected TEXT,
        actual TEXT, ok INTEGER, line_start INTEGER, line_end INTEGER, kind TEXT, severity TEXT)""",
    "CREATE INDEX checks_by_doc ON checks (doc_id)",
    """CREATE TABLE statements (doc_id INTEGER NOT NULL, kind TEXT, subject TEXT, text TEXT,
        line_start INTEGER, line_end INTEGER, table_no INTEGER)""",
    "CREATE INDEX statements_by_doc ON statements (doc_id, kind)",
    "CREATE INDEX statements_by_kind ON statements (kind, subject)",
    """CREATE TABLE blocks (doc_id INTEGER NOT NULL, kind TEXT, text TEXT, line_start INTEGER, line_end INTEGER,
        table_no INTEGER)""",
    "CREATE INDEX blocks_by_doc ON blocks (doc_id, line_start)",
    """CREATE TABLE chunks (id INTEGER PRIMARY KEY, key TEXT NOT NULL, doc_id INTEGER NOT NULL, kind TEXT,
        table_no INTEGER, section TEXT, line_start INTEGER, line_end INTEGER, tokens TEXT NOT NULL)""",
    "CREATE UNIQUE INDEX chunks_by_key ON chunks (key)",
    "CREATE INDEX chunks_by_doc ON chunks (doc_id, line_start)",
    # keyword index: the chunks' tokens are its content, so nothing is stored twice
    "CREATE VIRTUAL TABLE chunks_fts USING fts5(tokens, content='chunks', content_rowid='id')",
)
CHILD_TABLES = ('lines', 'tables', 'facts', 'checks', 'statements', 'blocks')
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


class StoreError(Exception):
    pass


class FactStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute('PRAGMA journal_mode=WAL')
        self.db.execute('PRAGMA synchronous=NORMAL')
        self._migrate()
        self._ids: dict[str, int] = {}

    def close(self) -> None:
        self.db.close()

    # ---- schema --------------------------------------------------------------------

    def _migrate(self) -> None:
        version = self.db.execute('PRAGMA user_version').fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f'{self.path} was written by a newer budget-qa (schema {version}, this one knows '
                             f'{SCHEMA_VERSION}); upgrade budget-qa or use another BUDGETQA_DATA_DIR')
        if version == SCHEMA_VERSION:
            return
        with self.transaction() as db:
            # everything here is derived from the files: an older layout is dropped and re-derived by the next
            # ingest (the paths it was read from are printed by `qa ingest`)
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                      "AND name NOT LIKE 'chunks_fts_%'").fetchall():
                db.execute(f'DROP TABLE IF EXISTS "{name}"')
            for statement in SCHEMA:
                db.execute(statement)
            db.execute(f'PRAGMA user_version={SCHEMA_VERSION}')

    @contextmanager
    def transaction(self):
        self.db.execute('BEGIN IMMEDIATE')
        try:
            yield self.db
        except BaseException:
            if self.db.in_transaction:
                self.db.execute('ROLLBACK')
            raise
        else:
            self.db.execute('COMMIT')

    # ---- writing ---------------------------------------------------------------------

    def is_current(self, doc: str, content_hash: str) -> bool:
        row = self.db.execute('SELECT content_hash FROM documents WHERE doc = ?', (doc,)).fetchone()
        return row is not None and row['content_hash'] == content_hash

    def replace_document(self, parsed: ParsedDocument, path: Path | str, summary: dict, chunks=(),
                         fault=lambda: None) -> None:
        """Replace everything stored for this file name, in one transaction."""
        with self.transaction() as db:
            self._delete(db, parsed.name)
            doc_id = db.execute('INSERT INTO documents VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,0)', (
                parsed.name, str(path), parsed.source.content_hash, parsed.source.encoding, parsed.org,
                org_key(parsed.org), parsed.year, json.dumps(parsed.aliases, ensure_ascii=False),
                len(parsed.source.lines), json.dumps(summary, ensure_ascii=False),
                datetime.now(timezone.utc).isoformat(timespec='seconds'))).lastrowid
            pages = parsed.source.pages or (None,) * len(parsed.source.lines)
            db.executemany('INSERT INTO lines VALUES (?,?,?,?)',
                           [(doc_id, i, text, page) for i, (text, page) in enumerate(zip(parsed.source.lines, pages), 1)])
            table_ids = {}
            for t in parsed.tables:
                table_ids[(t.number, t.title, t.line_start)] = db.execute(
                    'INSERT INTO tables VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,?)',
                    (doc_id, t.number, t.kind, t.title, t.unit, json.dumps(t.columns, ensure_ascii=False),
                     t.line_start, t.line_end, int(t.empty), t.note, t.layout, json.dumps(t.warnings))).lastrowid
            titles = {}
            for (number, title, _), table_id in table_ids.items():
                titles.setdefault((number, title), table_id)
            db.executemany('INSERT INTO facts VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
                           [_fact_row(doc_id, titles.get((f.table_no, f.table_title)), f) for f in parsed.facts])
            db.executemany('INSERT INTO checks VALUES (?,?,?,?,?,?,?,?,?,?,?)', [
                (doc_id, c.table_no, c.name, c.subject, str(c.expected), str(c.actual), int(c.ok),
                 c.line_start, c.line_end, c.kind, c.severity) for c in parsed.checks])
            db.executemany('INSERT INTO statements VALUES (?,?,?,?,?,?,?)', [
                (doc_id, s.kind, s.subject, s.text, s.line_start, s.line_end, s.table_no)
                for s in parsed.statements])
            fault()   # tests: a crash here, half written, must leave the old state
            db.executemany('INSERT OR IGNORE INTO chunks VALUES (NULL,?,?,?,?,?,?,?,?)', [
                (c.key, doc_id, c.kind, c.table_no, c.section, c.line_start, c.line_end, c.tokens) for c in chunks])
            db.execute('INSERT INTO chunks_fts(rowid, tokens) SELECT id, tokens FROM chunks WHERE doc_id = ?', (doc_id,))
            db.executemany('INSERT INTO blocks VALUES (?,?,?,?,?,?)', [
                (doc_id, b.kind, b.text if b.kind != 'table' else '', b.line_start, b.line_end, b.table_no)
                for b in parsed.blocks])
        self._ids.pop(parsed.name, None)

    def remove(self, doc: str) -> bool:
        with self.transaction() as db:
            found = self._delete(db, doc)
        self._ids.pop(doc, None)
        return found

    @staticmethod
    def _delete(db, doc: str) -> bool:
        row = db.execute('SELECT id FROM documents WHERE doc = ?', (doc,)).fetchone()
        if row is None:
            return False
        doc_id = row['id']
        db.execute("INSERT INTO chunks_fts(chunks_fts, rowid, tokens) SELECT 'delete', id, tokens FROM chunks "
                   "WHERE doc_id = ?", (doc_id,))
        db.execute('DELETE FROM chunks WHERE doc_id = ?', (doc_id,))
        for table in CHILD_TABLES:
            db.execute(f'DELETE FROM {table} WHERE doc_id = ?', (doc_id,))
        db.execute('DELETE FROM documents WHERE id = ?', (doc_id,))
        return True

    # ---- reading ---------------------------------------------------------------------

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
        if doc not in self._ids:
            row = self.db.execute('SELECT id FROM documents WHERE doc = ?', (doc,)).fetchone()
            if row is None:
                return None
            self._ids[doc] = row['id']
        return self._ids[doc]

    def facts(self, org: str | None = None, year: int | None = None, table_no: int | None = None,
              doc: str | None = None, source: str | None = None, item: str | None = None) -> list[BudgetFact]:
        where, args = [], []
        for column, value in (('d.org_key', org_key(org) if org else None), ('d.year', year), ('f.table_no', table_no),
                              ('d.doc', doc), ('f.source', source), ('f.item', item)):
            if value is not None:
                where.append(f'{column} = ?')
                args.append(value)
        sql = (FACTS_SELECT + (' WHERE ' + ' AND '.join(where) if where else '') + ' ORDER BY d.doc, f.id')
        return [_fact(r) for r in self.db.execute(sql, args)]

    def facts_named(self, names: list[str], docs: list[str] | None = None) -> list[BudgetFact]:
        """Facts whose row label, item, column or project is one of `names` (as stored), in these documents."""
        if not names:
            return []
        marks = ','.join('?' * len(names))
        sql = FACTS_SELECT + (f' WHERE (f.row IN ({marks}) OR f.item IN ({marks}) OR f.project IN ({marks}))')
        args = list(names) * 3
        if docs is not None:
            sql += f' AND d.doc IN ({",".join("?" * len(docs))})'
            args += list(docs)
        return [_fact(r) for r in self.db.execute(sql + ' ORDER BY d.doc, f.id', args)]

    def checks(self, doc: str | None = None, failed_only: bool = False) -> list[dict]:
        sql = ('SELECT d.doc, c.table_no, c.name, c.subject, c.expected, c.actual, c.ok, c.line_start, c.line_end, '
               'c.kind, c.severity FROM checks c JOIN documents d ON d.id = c.doc_id WHERE 1=1'
               + (' AND d.doc = ?' if doc else '') + (' AND c.ok = 0' if failed_only else ''))
        return [dict(r) for r in self.db.execute(sql, (doc,) if doc else ())]

    def statements(self, doc: str | None = None, kind: str | None = None) -> list[dict]:
        where = [c for c, v in (('d.doc = ?', doc), ('s.kind = ?', kind)) if v]
        sql = ('SELECT d.doc, s.kind, s.subject, s.text, s.line_start, s.line_end, s.table_no FROM statements s '
               'JOIN documents d ON d.id = s.doc_id' + (' WHERE ' + ' AND '.join(where) if where else '')
               + ' ORDER BY d.doc, s.line_start')
        return [dict(r) for r in self.db.execute(sql, [v for v in (doc, kind) if v])]

    def blocks(self, doc: str | None = None) -> list[dict]:
        sql = ('SELECT d.doc, b.kind, b.text, b.line_start, b.line_end, b.table_no FROM blocks b '
               'JOIN documents d ON d.id = b.doc_id' + (' WHERE d.doc = ?' if doc else '') + ' ORDER BY d.doc, b.line_start')
        return [dict(r) for r in self.db.execute(sql, (doc,) if doc else ())]

    def tables(self, doc: str | None = None) -> list[dict]:
        sql = ('SELECT d.doc, t.table_no, t.kind, t.title, t.unit, t.columns, t.line_start, t.line_end, t.empty, '
               't.note, t.layout, t.warnings FROM tables t JOIN documents d ON d.id = t.doc_id'
               + (' WHERE d.doc = ?' if doc else '') + ' ORDER BY d.doc, t.line_start')
        return [dict(r) for r in self.db.execute(sql, (doc,) if doc else ())]

    def chunks(self, docs: list[str] | None = None) -> list[ChunkRow]:
        sql = CHUNKS_SELECT + (f' WHERE d.doc IN ({",".join("?" * len(docs))})' if docs is not None else '')
        return [_chunk(r) for r in self.db.execute(sql + ' ORDER BY d.doc, c.line_start', list(docs or ()))]

    def chunks_by_key(self, keys: list[str]) -> dict[str, ChunkRow]:
        if not keys:
            return {}
        rows = self.db.execute(CHUNKS_SELECT + f' WHERE c.key IN ({",".join("?" * len(keys))})', keys)
        return {r['key']: _chunk(r) for r in rows}

    def chunk_count(self) -> int:
        return self.db.execute('SELECT COUNT(*) FROM chunks').fetchone()[0]

    def chunks_covering(self, doc: str, lines: list[int]) -> list[ChunkRow]:
        doc_id = self._doc_id(doc)
        if doc_id is None or not lines:
            return []
        rows = self.db.execute(CHUNKS_SELECT + ' WHERE c.doc_id = ? AND c.line_start <= ? AND c.line_end >= ?',
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
        rows = self.db.execute('SELECT line, page FROM lines WHERE doc_id = ? AND page IS NOT NULL', (self._doc_id(doc),))
        return {r['line']: r['page'] for r in rows}

    def page_of(self, doc: str, line: int) -> int | None:
        row = self.db.execute('SELECT page FROM lines WHERE doc_id = ? AND line = ?', (self._doc_id(doc), line)).fetchone()
        return row['page'] if row else None

    def names_in(self, doc: str) -> list[str]:
        """The units (处室, 下属单位, 项目承担单位) and projects a document names."""
        doc_id = self._doc_id(doc)
        units = self.db.execute("SELECT DISTINCT subject FROM statements WHERE doc_id = ? AND kind = 'subunit'", (doc_id,))
        projects = self.db.execute("SELECT DISTINCT project FROM facts WHERE doc_id = ? AND project != ''", (doc_id,))
        return [r[0] for r in units] + [r[0] for r in projects]

    def name_exists(self, fragment: str) -> bool:
        """Whether some stored project, unit or row names `fragment` ('自治区中小企业…' is a project, not a place)."""
        like = '%' + fragment.replace('%', '') + '%'
        for sql in ("SELECT 1 FROM facts WHERE project != '' AND project LIKE ? LIMIT 1",
                    "SELECT 1 FROM statements WHERE kind = 'subunit' AND subject LIKE ? LIMIT 1"):
            if self.db.execute(sql, (like,)).fetchone():
                return True
        return False

    def projects(self) -> list[tuple[str, str]]:
        """(doc, project) of every project stored: what a question naming a project but no organisation may mean."""
        rows = self.db.execute("SELECT DISTINCT d.doc, f.project FROM facts f JOIN documents d ON d.id = f.doc_id "
                               "WHERE f.project != ''")
        return [(r[0], r[1]) for r in rows]

    def line_text(self, doc: str, start: int, end: int) -> list[tuple[int, str]]:
        rows = self.db.execute('SELECT line, text FROM lines WHERE doc_id = ? AND line BETWEEN ? AND ? ORDER BY line',
                               (self._doc_id(doc), start, end))
        return [(r['line'], r['text']) for r in rows]

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


FACTS_SELECT = ('SELECT d.doc, d.org, d.year, f.source, f.table_no, t.title AS table_title, f.row_code, f.row, f.col, '
                'f.value, f.unit, f.raw, f.line_start, f.line_end, f.item, f.project, f.section, f.checks_passed, '
                'f.checks_failed, f.flags FROM facts f JOIN documents d ON d.id = f.doc_id '
                'LEFT JOIN tables t ON t.id = f.table_id')
CHUNKS_SELECT = ('SELECT c.key, d.doc, d.year, c.kind, c.table_no, c.section, c.line_start, c.line_end, c.tokens '
                 'FROM chunks c JOIN documents d ON d.id = c.doc_id')


def _document(r: sqlite3.Row) -> DocumentInfo:
    return DocumentInfo(r['doc'], r['path'], r['content_hash'], r['org'], r['org_key'], r['year'],
                        tuple(json.loads(r['aliases'])), json.loads(r['summary']), r['ingested_at'])


def _fact_row(doc_id: int, table_id: int | None, f: BudgetFact) -> tuple:
    return (doc_id, table_id, f.source, f.table_no, f.row_code, f.row, f.column, str(f.value), f.unit, f.raw,
            f.line_start, f.line_end, f.item, f.project, f.section.split(' > ')[-1] if f.section else '',
            _tuple_text(f.checks_passed), _tuple_text(f.checks_failed), _tuple_text(f.flags))


def _tuple_text(values: tuple[str, ...]) -> str:
    return json.dumps(values, ensure_ascii=False) if values else ''


def _tuple_of(text: str) -> tuple[str, ...]:
    return () if text in EMPTY or text is None else tuple(json.loads(text))


def _fact(r: sqlite3.Row) -> BudgetFact:
    return BudgetFact(doc=r['doc'], org=r['org'], year=r['year'], source=r['source'], table_no=r['table_no'],
                      table_title=r['table_title'] or '', row_code=r['row_code'], row=r['row'], column=r['col'],
                      value=Decimal(r['value']), unit=r['unit'], raw=r['raw'], line_start=r['line_start'],
                      line_end=r['line_end'], item=r['item'], project=r['project'], section=r['section'],
                      checks_passed=_tuple_of(r['checks_passed']), checks_failed=_tuple_of(r['checks_failed']),
                      flags=_tuple_of(r['flags']))


def _chunk(r: sqlite3.Row) -> ChunkRow:
    return ChunkRow(r['key'], r['doc'], r['year'] or 0, r['kind'], r['table_no'] or 0, r['section'] or '',
                    r['line_start'], r['line_end'], r['tokens'])


def statement_from_row(r: dict) -> Statement:
    return Statement(r['kind'], r['subject'], r['text'], r['line_start'], r['line_end'], r['table_no'])


def check_from_row(r: dict) -> Check:
    return Check(r['table_no'], r['name'], r['subject'], Decimal(r['expected']), Decimal(r['actual']), bool(r['ok']),
                 r['line_start'], r['line_end'], r['kind'])
