"""What the API's workers share: sessions, recent answers (for /feedback) and rate-limit counters, in SQLite.

    shared = ApiState(settings.api_db, rate=30)             # <data dir>/api.db, next to facts.db
    shared.save_session('ticket-42', answer.plan)           # the plan a follow-up ("那2025年呢？") starts from
    shared.session('ticket-42')                             # -> that plan (a dict), in any worker, after a restart
    shared.save_answer(answer.to_json()); shared.answer(answer.id)
    shared.allow('127.0.0.1')                               # False once the address sent `rate` requests this second

Several `qa serve` workers (and a restart) see the same state because it lives in the data directory, not in a
process. The ingest data (facts.db, vectors) is never touched. A data directory that cannot be written (read-only)
keeps the state in memory instead, for this process only, with a warning in the log.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from pathlib import Path

KEEP = 10_000                 # sessions and answers kept (the oldest go first)
SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (session TEXT PRIMARY KEY, plan TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS answers (id TEXT PRIMARY KEY, answer TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS hits (client TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS hits_by_client ON hits (client, at);
"""
log = logging.getLogger('budgetqa.api')


class ApiState:
    def __init__(self, path: Path, rate: int, keep: int = KEEP):
        self.path, self.rate, self.keep = Path(path), rate, keep
        self.lock = threading.Lock()            # one connection, shared by the worker's threads
        self.db = self._open()
        self.writes = 0

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            db.execute('PRAGMA journal_mode=WAL')
            db.execute('PRAGMA synchronous=NORMAL')
            db.executescript(SCHEMA)
            return db
        except (OSError, sqlite3.OperationalError) as error:
            log.warning('API state kept in memory for this process only (%s: %s)', self.path, error)
            db = sqlite3.connect(':memory:', isolation_level=None, check_same_thread=False)
            db.executescript(SCHEMA)
            return db

    # ---- sessions and answers --------------------------------------------------------------

    def save_session(self, session: str, plan: dict) -> None:
        self._put('sessions', 'session', session, 'plan', plan)

    def session(self, session: str) -> dict | None:
        return self._get('sessions', 'session', session, 'plan')

    def save_answer(self, answer: dict) -> None:
        self._put('answers', 'id', answer['id'], 'answer', answer)

    def answer(self, answer_id: str) -> dict | None:
        return self._get('answers', 'id', answer_id, 'answer')

    def _put(self, table: str, key: str, value: str, column: str, data: dict) -> None:
        """Insert or replace (a replaced row gets a new rowid: rowid order is recency), then drop the oldest. A
        write that fails (a full disk) loses this session step or feedback target, never the answer itself."""
        text = json.dumps(data, ensure_ascii=False)
        with self.lock:
            try:
                self.db.execute(f'INSERT OR REPLACE INTO {table} ({key}, {column}, at) VALUES (?, ?, ?)',
                                (value, text, time.time()))
                self.db.execute(f'DELETE FROM {table} WHERE rowid <= (SELECT MAX(rowid) FROM {table}) - ?',
                                (self.keep,))
            except sqlite3.Error as error:
                log.warning('API state: %s not kept (%s)', table, error)

    def _get(self, table: str, key: str, value: str, column: str) -> dict | None:
        with self.lock:
            row = self.db.execute(f'SELECT {column} FROM {table} WHERE {key} = ?', (value,)).fetchone()
        return json.loads(row[0]) if row else None

    # ---- rate limit ------------------------------------------------------------------------

    def allow(self, client: str) -> bool:
        """At most `rate` requests from one address in any second, counted over every worker: the count and the
        new request are one write transaction, so two workers cannot both take the last place."""
        now = time.time()
        with self.lock:
            try:
                self.db.execute('BEGIN IMMEDIATE')
            except sqlite3.Error as error:           # the counters cannot be read: the API keeps answering
                log.warning('API state: rate limit not counted (%s)', error)
                return True
            try:
                self.db.execute('DELETE FROM hits WHERE client = ? AND at <= ?', (client, now - 1))
                (recent,) = self.db.execute('SELECT COUNT(*) FROM hits WHERE client = ?', (client,)).fetchone()
                allowed = recent < self.rate
                if allowed:
                    self.db.execute('INSERT INTO hits (client, at) VALUES (?, ?)', (client, now))
                self.writes += 1
                if self.writes % 1000 == 0:               # addresses that stopped sending
                    self.db.execute('DELETE FROM hits WHERE at <= ?', (now - 1,))
                self.db.execute('COMMIT')
            except BaseException:
                self.db.execute('ROLLBACK')
                raise
        return allowed

    def close(self) -> None:
        with self.lock:
            self.db.close()


__all__ = ['ApiState']
