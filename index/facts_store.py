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
transaction as the facts. The database runs in WAL mode so readers never see
half a document. Its tables and migration are in index/store_schema.py; the
rows written and read back, named, in index/store_rows.py; this module is the
store's connection, transactions and queries.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

from errors import StoreError  # noqa: F401  (callers catch it from here, as before errors.py)
from errors import DiskFull, ReadOnly
from ingest.models import BudgetFact, ParsedDocument
from ingest.orgs import org_key
from ingest.text import strip_markup

from .store_rows import (SOURCES, ChunkRow, DocumentInfo, PreparedDocument, chunk_from_row, delete_document,
                         document_from_row, fact_from_row, insert_document, label_hash, prepare_document)
from .store_schema import LINES_PER_ROW, connect, disk_full, migrate, writable


class FactStore:
    """One store; each thread reads through its own connection, so readers never wait on each other (WAL)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.read_only = not writable(self.path.parent)   # a read-only data directory: answers still work
        self._local = threading.local()
        migrate(self)

    @property
    def db(self) -> sqlite3.Connection:
        connection = getattr(self._local, 'db', None)
        if connection is None:
            connection = self._local.db = connect(self.path, self.read_only)
        return connection

    def close(self) -> None:
        connection = getattr(self._local, 'db', None)
        if connection is not None:
            connection.close()
            self._local.db = None

    # ---- transactions ---------------------------------------------------------------

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
            if disk_full(error):
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

    def write_prepared(self, doc: PreparedDocument, fault=lambda: None) -> None:
        """Write a document made ready by prepare_document (in a worker process), in one transaction: what is
        left here is finding label ids and inserting rows."""
        with self.transaction() as db:
            delete_document(db, doc.name)
            db.execute('UPDATE generation SET n = n + 1')
            db.execute('DELETE FROM previous_paths')
            insert_document(db, doc, fault)

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database after a batch, so readers start from a small log."""
        self.db.execute('PRAGMA wal_checkpoint(TRUNCATE)')

    def remove(self, doc: str) -> bool:
        with self.transaction() as db:
            found = delete_document(db, doc)
            db.execute('UPDATE generation SET n = n + 1')
        return found

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
        return [document_from_row(r) for r in rows]

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
        return [fact_from_row(r) for r in self.db.execute(sql, args)]

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
        return [fact_from_row(r) for r in self.db.execute(sql + ' ORDER BY d.doc, f.id', args)]

    def _label_ids(self, texts: list[str]) -> list[int]:
        """The ids of these labels, found by their hashes (the labels' text is not indexed)."""
        texts = set(texts)
        hashes = list({label_hash(t) for t in texts})
        if not hashes:
            return []
        rows = self.db.execute(f'SELECT id, text FROM labels WHERE hash IN ({",".join("?" * len(hashes))})', hashes)
        return [r['id'] for r in rows if r['text'] in texts]

    def checks(self, doc: str | None = None, failed_only: bool = False) -> list[dict]:
        sql = ('SELECT d.doc, c.table_no, ln.text AS name, ls.text AS subject, c.expected, c.actual, c.ok, '
               'c.line_start, c.line_end, lk.text AS kind, lv.text AS severity FROM checks c '
               'JOIN documents d ON d.id = c.doc_id '
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
               'JOIN documents d ON d.id = b.doc_id' + (' WHERE d.doc = ?' if doc else '')
               + ' ORDER BY d.doc, b.line_start, b.n')
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
        sql = ('SELECT d.doc, t.table_no, t.kind, l.text AS title, t.unit, t.columns, t.line_start, t.line_end, '
               't.empty, t.note, t.layout, t.warnings FROM tables t JOIN documents d ON d.id = t.doc_id '
               'LEFT JOIN labels l ON l.id = t.title'
               + (' WHERE d.doc = ?' if doc else '') + ' ORDER BY d.doc, t.line_start')
        return [dict(r) for r in self.db.execute(sql, (doc,) if doc else ())]

    def chunks(self, docs: list[str] | None = None) -> list[ChunkRow]:
        sql = CHUNKS_SELECT + (f' WHERE d.doc IN ({",".join("?" * len(docs))})' if docs is not None else '')
        return [chunk_from_row(r) for r in self.db.execute(sql + ' ORDER BY d.doc, c.line_start', list(docs or ()))]

    def chunks_by_key(self, keys: list[str]) -> dict[str, ChunkRow]:
        numbers = [int(k) for k in keys if str(k).lstrip('-').isdigit()]
        if not numbers:
            return {}
        rows = self.db.execute(CHUNKS_SELECT + f' WHERE c.key IN ({",".join("?" * len(numbers))})', numbers)
        return {str(r['key']): chunk_from_row(r) for r in rows}

    def chunk_count(self) -> int:
        return self.db.execute('SELECT COUNT(*) FROM chunks').fetchone()[0]

    def chunks_covering(self, doc: str, lines: list[int]) -> list[ChunkRow]:
        doc_id = self._doc_id(doc)
        if doc_id is None or not lines:
            return []
        rows = self.db.execute(CHUNKS_SELECT + ' WHERE d.id = ? AND c.line_start <= ? AND c.line_end >= ?',
                               (doc_id, max(lines), min(lines)))
        return [c for c in map(chunk_from_row, rows) if any(c.line_start <= n <= c.line_end for n in lines)]

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
        return [(chunk_from_row(r), -r['score']) for r in rows]

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


FACTS_SELECT = ('SELECT d.doc, d.org, d.year, f.source, f.table_no, lt.text AS table_title, f.row_code, '
                'lr.text AS row, lc.text AS col, f.value, lu.text AS unit, f.raw, f.line_start, f.line_end, '
                'li.text AS item, lp.text AS project, ls.text AS section, lcp.text AS checks_passed, '
                'lcf.text AS checks_failed, lf.text AS flags FROM facts f '
                'JOIN documents d ON d.id = f.doc_id AND f.id BETWEEN d.facts_from AND d.facts_to '
                'LEFT JOIN tables t ON t.id = f.table_id LEFT JOIN labels lt ON lt.id = t.title '
                'LEFT JOIN labels lr ON lr.id = f.row LEFT JOIN labels lc ON lc.id = f.col '
                'LEFT JOIN labels lu ON lu.id = f.unit LEFT JOIN labels li ON li.id = f.item '
                'LEFT JOIN labels lp ON lp.id = f.project LEFT JOIN labels ls ON ls.id = f.section '
                'LEFT JOIN labels lcp ON lcp.id = f.checks_passed LEFT JOIN labels lcf ON lcf.id = f.checks_failed '
                'LEFT JOIN labels lf ON lf.id = f.flags')
CHUNKS_SELECT = ('SELECT c.key, d.doc, d.year, lk.text AS kind, c.table_no, ls.text AS section, c.line_start, '
                 'c.line_end, lw.text AS tokens FROM chunks c '
                 'JOIN documents d ON d.id = c.doc_id AND c.id BETWEEN d.chunks_from AND d.chunks_to '
                 'LEFT JOIN labels ls ON ls.id = c.section JOIN labels lw ON lw.id = c.tokens '
                 'LEFT JOIN labels lk ON lk.id = c.kind')
