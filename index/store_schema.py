"""The store's SQLite file: its tables, how it is opened (writable, or read-only) and how an older one is migrated.

    connection = connect(Path('.data/facts.db'), read_only=False)
    connection.execute('PRAGMA user_version').fetchone()[0]     # SCHEMA_VERSION once migrate() has run
    migrate(store)                     # store: a FactStore (index/facts_store.py), whose transaction is used

Every repeated string (labels, columns, units, headings, check names, chunk words) is kept once, by number, in
`labels`; documents are referred to by an integer id. The schema carries a version (PRAGMA user_version): a
store of another version is dropped and re-derived by the next ingest (everything in it comes from the files),
keeping the paths it was read from so the user is told what to ingest again.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from errors import StoreError  # noqa: F401  (the category of the errors below, caught from here as before)
from errors import StoreMissing, StoreOldReadOnly, StoreTooNew, StoreUnreadable

SCHEMA_VERSION = 12
LINES_PER_ROW = 64
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


def connect(path: Path, read_only: bool) -> sqlite3.Connection:
    """A connection of one thread: rows by name; WAL (readers never see half a document) when writable."""
    connection = _connect_read_only(path) if read_only else \
        sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    if not read_only:
        connection.execute('PRAGMA journal_mode=WAL')
        connection.execute('PRAGMA synchronous=NORMAL')
    return connection


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """Read-only: as is when SQLite can share the write-ahead log; else the file as it stands (immutable:
    nobody can write in a read-only directory, and ingest folds the log into the file after each batch)."""
    if not path.exists():
        raise StoreMissing(folder=str(path.parent))
    for options in ('mode=ro', 'mode=ro&immutable=1'):
        try:
            connection = sqlite3.connect(f'{path.as_uri()}?{options}', uri=True, timeout=30,
                                         isolation_level=None, check_same_thread=False)
            connection.execute('SELECT COUNT(*) FROM sqlite_master').fetchone()
            return connection
        except sqlite3.OperationalError:
            continue
    raise StoreUnreadable(db=str(path))


def migrate(store) -> None:
    """Bring `store` (a FactStore) to SCHEMA_VERSION, or refuse a store written by a newer budget-qa."""
    version = store.db.execute('PRAGMA user_version').fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreTooNew(db=str(store.path), version=version, known=SCHEMA_VERSION)
    if version == SCHEMA_VERSION:
        return
    if store.read_only:
        raise StoreOldReadOnly(db=str(store.path))
    with store.transaction() as db:
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


def _previous_paths(db) -> list[str]:
    for table in ('previous_paths', 'documents'):
        try:
            return [r[0] for r in db.execute(f'SELECT path FROM {table}') if r[0]]
        except sqlite3.OperationalError:
            continue
    return []


def writable(folder: Path) -> bool:
    """Can files be created here? (os.access says yes to root on a read-only mount: try it.)"""
    import tempfile
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def disk_full(error: BaseException) -> bool:
    import errno
    return (isinstance(error, sqlite3.OperationalError) and 'full' in str(error)) or \
        (isinstance(error, OSError) and error.errno == errno.ENOSPC)
