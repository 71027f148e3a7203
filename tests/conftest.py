"""Shared fixtures: the sample corpus, parsed once; a private data directory per test."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

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


def run_cli(*args: str, data_dir: Path, input_text: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`python -m qa …` in a child process; `env`: more BUDGETQA_* settings for it (a test-only fault point)."""
    OUTPUT.mkdir(exist_ok=True)
    child = dict(os.environ, BUDGETQA_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO),
                 BUDGETQA_EMBEDDING_CACHE=str(OUTPUT / 'embeddings.db'), **(env or {}))
    return subprocess.run([sys.executable, '-m', 'qa', *args], cwd=REPO, env=child, capture_output=True,
                          text=True, input=input_text, timeout=300)

def index_settings(data_dir: Path, **extra):
    """Settings for a test data directory; the embedding cache is shared by the whole test run."""
    from settings import Settings
    OUTPUT.mkdir(exist_ok=True)
    env = {'BUDGETQA_DATA_DIR': str(data_dir), 'BUDGETQA_EMBEDDING_CACHE': str(OUTPUT / 'embeddings.db'), **extra}
    return Settings.from_env(env)


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
