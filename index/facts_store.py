"""The SQLite store of documents, their lines, tables, facts, checks and statements.

    store = FactStore(settings.facts_db)
    store.replace_document(parsed, path)        # one transaction: old state or new, never half
    store.facts(org='克孜勒苏柯尔克孜自治州人民政府办公室', year=2024, table_no=10)
    store.line_text('002_220f206dadf5e393.txt', 495, 495)

The schema carries a version (PRAGMA user_version) and migrations; the
database runs in WAL mode so readers never see half a document.
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

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # version 1
        """CREATE TABLE documents (
            doc TEXT PRIMARY KEY, path TEXT, content_hash TEXT NOT NULL, encoding TEXT,
            org TEXT NOT NULL, org_key TEXT NOT NULL, year INTEGER, aliases TEXT NOT NULL, n_lines INTEGER,
            summary TEXT NOT NULL, ingested_at TEXT NOT NULL)""",
        """CREATE TABLE lines (doc TEXT NOT NULL, line INTEGER NOT NULL, text TEXT NOT NULL,
            PRIMARY KEY (doc, line)) WITHOUT ROWID""",
        """CREATE TABLE tables (doc TEXT NOT NULL, table_no INTEGER, kind TEXT, title TEXT, unit TEXT,
            columns TEXT, line_start INTEGER, line_end INTEGER, empty INTEGER, note TEXT, layout TEXT,
            warnings TEXT)""",
        """CREATE TABLE facts (id INTEGER PRIMARY KEY, doc TEXT NOT NULL, org TEXT NOT NULL, org_key TEXT NOT NULL,
            year INTEGER,
            source TEXT NOT NULL, table_no INTEGER, table_title TEXT, row_code TEXT, row TEXT, col TEXT,
            value TEXT NOT NULL, unit TEXT, raw TEXT, line_start INTEGER, line_end INTEGER, item TEXT,
            project TEXT, section TEXT, checks_passed TEXT, checks_failed TEXT, flags TEXT)""",
        "CREATE INDEX facts_by_org ON facts (org_key, year, table_no)",
        "CREATE INDEX facts_by_item ON facts (item)",
        """CREATE TABLE checks (doc TEXT NOT NULL, table_no INTEGER, name TEXT, subject TEXT, expected TEXT,
            actual TEXT, ok INTEGER, line_start INTEGER, line_end INTEGER, kind TEXT, severity TEXT)""",
        """CREATE TABLE statements (doc TEXT NOT NULL, kind TEXT, subject TEXT, text TEXT,
            line_start INTEGER, line_end INTEGER, table_no INTEGER)""",
        """CREATE TABLE blocks (doc TEXT NOT NULL, kind TEXT, text TEXT, line_start INTEGER,
            line_end INTEGER, heading_path TEXT, table_no INTEGER)""",
    ),
)
MIGRATIONS += (
    (  # version 2: retrieval chunks, written with the facts so the two never disagree
        """CREATE TABLE chunks (id TEXT PRIMARY KEY, doc TEXT NOT NULL, org TEXT, org_key TEXT, aliases TEXT,
            year INTEGER, kind TEXT, table_no INTEGER, section TEXT, line_start INTEGER, line_end INTEGER,
            text TEXT NOT NULL, embed_text TEXT NOT NULL)""",
        "CREATE INDEX chunks_by_doc ON chunks (doc)",
    ),
)
MIGRATIONS += (
    (  # version 3: the page of each line, for PDF sources
        "ALTER TABLE lines ADD COLUMN page INTEGER",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
DOC_TABLES = ('lines', 'tables', 'facts', 'checks', 'statements', 'blocks', 'chunks', 'documents')


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

    def close(self) -> None:
        self.db.close()

    # ---- schema --------------------------------------------------------------------

    def _migrate(self) -> None:
        version = self.db.execute('PRAGMA user_version').fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f'{self.path} was written by a newer budget-qa (schema {version}, this one knows '
                             f'{SCHEMA_VERSION}); upgrade budget-qa or use another BUDGETQA_DATA_DIR')
        for number in range(version, SCHEMA_VERSION):
            with self.transaction() as db:
                for statement in MIGRATIONS[number]:
                    db.execute(statement)
                db.execute(f'PRAGMA user_version={number + 1}')

    @contextmanager
    def transaction(self):
        self.db.execute('BEGIN IMMEDIATE')
        try:
            yield self.db
        except BaseException:
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
            db.execute('INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)', (
                parsed.name, str(path), parsed.source.content_hash, parsed.source.encoding, parsed.org,
                org_key(parsed.org), parsed.year, json.dumps(parsed.aliases, ensure_ascii=False), len(parsed.source.lines),
                json.dumps(summary, ensure_ascii=False), datetime.now(timezone.utc).isoformat(timespec='seconds')))
            pages = parsed.source.pages or (None,) * len(parsed.source.lines)
            db.executemany('INSERT INTO lines VALUES (?,?,?,?)',
                           [(parsed.name, i, text, page) for i, (text, page) in enumerate(zip(parsed.source.lines, pages), 1)])
            db.executemany('INSERT INTO tables VALUES (?,?,?,?,?,?,?,?,?,?,?,?)', [
                (parsed.name, t.number, t.kind, t.title, t.unit, json.dumps(t.columns, ensure_ascii=False),
                 t.line_start, t.line_end, int(t.empty), t.note, t.layout, json.dumps(t.warnings))
                for t in parsed.tables])
            db.executemany('INSERT INTO facts VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
                           [_fact_row(f) for f in parsed.facts])
            db.executemany('INSERT INTO checks VALUES (?,?,?,?,?,?,?,?,?,?,?)', [
                (parsed.name, c.table_no, c.name, c.subject, str(c.expected), str(c.actual), int(c.ok),
                 c.line_start, c.line_end, c.kind, c.severity) for c in parsed.checks])
            db.executemany('INSERT INTO statements VALUES (?,?,?,?,?,?,?)', [
                (parsed.name, s.kind, s.subject, s.text, s.line_start, s.line_end, s.table_no)
                for s in parsed.statements])
            fault()   # tests: a crash here, half written, must leave the old state
            db.executemany('INSERT OR IGNORE INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)', [
                (c.id, c.doc, c.org, c.org_key, c.aliases, c.year, c.kind, c.table_no, c.section, c.line_start,
                 c.line_end, c.text, c.embed_text) for c in chunks])
            db.executemany('INSERT INTO blocks VALUES (?,?,?,?,?,?,?)', [
                (parsed.name, b.kind, b.text, b.line_start, b.line_end,
                 json.dumps(b.heading_path, ensure_ascii=False), b.table_no) for b in parsed.blocks])

    def remove(self, doc: str) -> bool:
        with self.transaction() as db:
            found = db.execute('SELECT 1 FROM documents WHERE doc = ?', (doc,)).fetchone() is not None
            self._delete(db, doc)
        return found

    @staticmethod
    def _delete(db, doc: str) -> None:
        for table in DOC_TABLES:
            db.execute(f'DELETE FROM {table} WHERE doc = ?', (doc,))

    # ---- reading ---------------------------------------------------------------------

    def documents(self) -> list[DocumentInfo]:
        rows = self.db.execute('SELECT * FROM documents ORDER BY doc').fetchall()
        return [DocumentInfo(r['doc'], r['path'], r['content_hash'], r['org'], r['org_key'], r['year'],
                             tuple(json.loads(r['aliases'])), json.loads(r['summary']), r['ingested_at'])
                for r in rows]

    def facts(self, org: str | None = None, year: int | None = None, table_no: int | None = None,
              doc: str | None = None, source: str | None = None, item: str | None = None) -> list[BudgetFact]:
        where, args = [], []
        for column, value in (('org_key', org_key(org) if org else None), ('year', year), ('table_no', table_no), ('doc', doc),
                              ('source', source), ('item', item)):
            if value is not None:
                where.append(f'{column} = ?')
                args.append(value)
        sql = 'SELECT * FROM facts' + (' WHERE ' + ' AND '.join(where) if where else '') + ' ORDER BY doc, id'
        return [_fact(r) for r in self.db.execute(sql, args)]

    def checks(self, doc: str | None = None, failed_only: bool = False) -> list[dict]:
        sql = 'SELECT * FROM checks WHERE 1=1' + (' AND doc = ?' if doc else '') + (' AND ok = 0' if failed_only else '')
        return [dict(r) for r in self.db.execute(sql, (doc,) if doc else ())]

    def statements(self, doc: str | None = None) -> list[dict]:
        sql = 'SELECT * FROM statements' + (' WHERE doc = ?' if doc else '') + ' ORDER BY doc, line_start'
        return [dict(r) for r in self.db.execute(sql, (doc,) if doc else ())]

    def blocks(self, doc: str | None = None) -> list[dict]:
        sql = 'SELECT * FROM blocks' + (' WHERE doc = ?' if doc else '') + ' ORDER BY doc, line_start'
        return [dict(r) for r in self.db.execute(sql, (doc,) if doc else ())]

    def tables(self, doc: str | None = None) -> list[dict]:
        sql = 'SELECT * FROM tables' + (' WHERE doc = ?' if doc else '') + ' ORDER BY doc, line_start'
        return [dict(r) for r in self.db.execute(sql, (doc,) if doc else ())]

    def chunks(self) -> list[dict]:
        return [dict(r) for r in self.db.execute('SELECT * FROM chunks ORDER BY doc, line_start')]

    def pages(self, doc: str) -> dict[int, int]:
        rows = self.db.execute('SELECT line, page FROM lines WHERE doc = ? AND page IS NOT NULL', (doc,))
        return {r['line']: r['page'] for r in rows}

    def page_of(self, doc: str, line: int) -> int | None:
        row = self.db.execute('SELECT page FROM lines WHERE doc = ? AND line = ?', (doc, line)).fetchone()
        return row['page'] if row else None

    def names_in(self, doc: str) -> list[str]:
        """The units (处室, 下属单位, 项目承担单位) and projects a document names."""
        units = self.db.execute("SELECT DISTINCT subject FROM statements WHERE doc = ? AND kind = 'subunit'", (doc,))
        projects = self.db.execute("SELECT DISTINCT project FROM facts WHERE doc = ? AND project != ''", (doc,))
        return [r[0] for r in units] + [r[0] for r in projects]

    def name_exists(self, fragment: str) -> bool:
        """Whether some stored project, unit or row names `fragment` ('自治区中小企业…' is a project, not a place)."""
        like = '%' + fragment.replace('%', '') + '%'
        for sql in ("SELECT 1 FROM facts WHERE project LIKE ? LIMIT 1",
                    "SELECT 1 FROM statements WHERE kind = 'subunit' AND subject LIKE ? LIMIT 1",
                    "SELECT 1 FROM facts WHERE row LIKE ? LIMIT 1"):
            if self.db.execute(sql, (like,)).fetchone():
                return True
        return False

    def line_text(self, doc: str, start: int, end: int) -> list[tuple[int, str]]:
        rows = self.db.execute('SELECT line, text FROM lines WHERE doc = ? AND line BETWEEN ? AND ? ORDER BY line',
                               (doc, start, end))
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


def _fact_row(f: BudgetFact) -> tuple:
    return (f.doc, f.org, org_key(f.org), f.year, f.source, f.table_no, f.table_title, f.row_code, f.row, f.column, str(f.value),
            f.unit, f.raw, f.line_start, f.line_end, f.item, f.project, f.section,
            json.dumps(f.checks_passed, ensure_ascii=False), json.dumps(f.checks_failed, ensure_ascii=False),
            json.dumps(f.flags, ensure_ascii=False))


def _fact(r: sqlite3.Row) -> BudgetFact:
    return BudgetFact(doc=r['doc'], org=r['org'], year=r['year'], source=r['source'], table_no=r['table_no'],
                      table_title=r['table_title'], row_code=r['row_code'], row=r['row'], column=r['col'],
                      value=Decimal(r['value']), unit=r['unit'], raw=r['raw'], line_start=r['line_start'],
                      line_end=r['line_end'], item=r['item'], project=r['project'], section=r['section'],
                      checks_passed=tuple(json.loads(r['checks_passed'])),
                      checks_failed=tuple(json.loads(r['checks_failed'])), flags=tuple(json.loads(r['flags'])))


def statement_from_row(r: dict) -> Statement:
    return Statement(r['kind'], r['subject'], r['text'], r['line_start'], r['line_end'], r['table_no'])


def check_from_row(r: dict) -> Check:
    return Check(r['table_no'], r['name'], r['subject'], Decimal(r['expected']), Decimal(r['actual']), bool(r['ok']),
                 r['line_start'], r['line_end'], r['kind'])
