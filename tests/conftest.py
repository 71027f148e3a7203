"""Shared fixtures: the sample corpus, parsed once; a private data directory per test."""
from __future__ import annotations

import contextlib
import gc
import io
import logging
import os
import socket
import subprocess
import sys
import time
import traceback
from pathlib import Path
from unittest import mock

import pytest

from ingest.document import parse_document

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / 'data' / 'samples'
SAMPLE_NAMES = sorted(p.name for p in SAMPLES.glob('*.txt'))
OUTPUT = REPO / 'tests' / 'output'


@pytest.fixture(scope='session')
def parsed():
    """Every sample document, parsed once per test session."""
    return {name: parse_document(SAMPLES / name) for name in SAMPLE_NAMES}


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    path = tmp_path / 'data'
    monkeypatch.setenv('BUDGETQA_DATA_DIR', str(path))
    return path


PROCESS_ONLY = {'BUDGETQA_FAULT', 'BUDGETQA_PARSE_SECONDS', 'BUDGETQA_PARSE_MEMORY_MB'}


def cli_env(data_dir: Path) -> dict[str, str]:
    """The variables a test's `python -m qa` command runs with: its data directory, the run's embedding cache."""
    OUTPUT.mkdir(exist_ok=True)
    return {'BUDGETQA_DATA_DIR': str(data_dir), 'BUDGETQA_EMBEDDING_CACHE': str(OUTPUT / 'embeddings.db')}


def run_process(*args: str, data_dir: Path, input_text: str | None = None,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`python -m qa ARGS` in a new process, with `env` added to its environment: for what only a process boundary
    shows (a killed process, a setting read at start, the scorer's batch contract, a second process)."""
    env = {**os.environ, 'PYTHONPATH': str(REPO), **cli_env(data_dir), **(env or {})}
    return subprocess.run([sys.executable, '-m', 'qa', *args], cwd=REPO, env=env, capture_output=True,
                          text=True, input=input_text, timeout=300)


def run_cli(*args: str, data_dir: Path, input_text: str | None = None) -> subprocess.CompletedProcess:
    """`python -m qa ARGS` run in this process, as a new process would run it: service.cli.main with the same
    argv, environment, working directory and standard input; its standard output and error captured (warnings
    logged go to standard error, as Python's last-resort handler prints them); an exception it lets out is
    printed as a traceback with exit status 1, SystemExit gives its status; the command opens its own embedded
    Chroma (one opened before by the test is set aside and put back). Saves the start-up and the model load
    of a process (8-20 s) per command."""
    from service.cli import main
    at_start = sorted(PROCESS_ONLY & set(os.environ))
    assert not at_start, f'{at_start} are read as a process starts (by it or by its parse workers): use run_process'
    out, err = io.StringIO(), io.StringIO()
    stdin = io.StringIO(input_text or '')
    with mock.patch.dict(os.environ, cli_env(data_dir)), mock.patch.object(sys, 'stdin', stdin), \
            contextlib.chdir(REPO), _own_chroma(), _stderr_logging(err), contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as stop:
            code = _exit_status(stop.code, err)
        except Exception:                     # noqa: BLE001 - what the interpreter does with an uncaught error
            traceback.print_exc(file=err)
            code = 1
    gc.collect()                              # closes the command's database files, as the end of a process does
    return subprocess.CompletedProcess(['python', '-m', 'qa', *args], code, out.getvalue(), err.getvalue())


def _exit_status(code, err) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=err)
    return 1


@contextlib.contextmanager
def _own_chroma():
    """Embedded Chroma keys its open systems by directory for the whole process: a command in this process gets
    none of them (as a new process would have none) and its own are stopped when it ends."""
    from chromadb.api.shared_system_client import SharedSystemClient as Shared
    saved = dict(Shared._identifier_to_system), dict(Shared._identifier_to_refcount)
    Shared._identifier_to_system.clear()
    Shared._identifier_to_refcount.clear()
    try:
        yield
    finally:
        for system in list(Shared._identifier_to_system.values()):
            system.stop()
        Shared._identifier_to_system.clear()
        Shared._identifier_to_refcount.clear()
        Shared._identifier_to_system.update(saved[0])
        Shared._identifier_to_refcount.update(saved[1])


@contextlib.contextmanager
def _stderr_logging(err):
    handler = logging.StreamHandler(err)
    handler.setLevel(logging.WARNING)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)


def index_settings(data_dir: Path, **extra):
    """Settings for a test data directory; the embedding cache is shared by the whole test run."""
    from settings import Settings
    return Settings.from_env({**cli_env(data_dir), **extra})


@pytest.fixture(scope='session')
def sample_index(tmp_path_factory):
    """The five samples ingested with vectors (embedded Chroma), once per test session."""
    from index.facts_store import FactStore
    from index.pipeline import ingest_paths
    from index.runtime import open_vectors
    settings = index_settings(tmp_path_factory.mktemp('index'))
    store = FactStore(settings.facts_db)
    assert not ingest_paths([SAMPLES], store, vectors=open_vectors(settings)).refused
    return settings


@pytest.fixture(scope='session')
def facts_store(tmp_path_factory):
    """The five samples' facts (no vectors), once per test session."""
    from index.facts_store import FactStore
    from index.pipeline import ingest_paths
    store = FactStore(tmp_path_factory.mktemp('facts') / 'facts.db')
    assert not ingest_paths([SAMPLES], store).refused
    return store


@pytest.fixture(scope='session')
def facts_ctx(facts_store):
    """An answering context over the samples' facts only: no retrieval, no language model."""
    from qa.answer import Context
    return Context.from_store(facts_store)


@pytest.fixture(scope='session')
def ctx(sample_index):
    """An answering context over the sample index, with retrieval and no language model."""
    from index.runtime import open_index
    from qa.answer import Context
    store, _, engine = open_index(sample_index)
    return Context.from_store(store, search=engine.search)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str, seconds: float = 90) -> None:
    """Until a server started by a test listens on 127.0.0.1:port; fail (and stop it) otherwise."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    process.kill()
    pytest.fail(f'{what} did not start on port {port}')
