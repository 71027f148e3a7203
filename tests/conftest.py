"""Shared fixtures: the sample corpus, parsed once; a private data directory per test."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.document import parse_document

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / 'data' / 'samples'
SAMPLE_NAMES = sorted(p.name for p in SAMPLES.glob('*.txt'))


@pytest.fixture(scope='session')
def parsed():
    """Every sample document, parsed once per test session."""
    return {name: parse_document(SAMPLES / name) for name in SAMPLE_NAMES}


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    path = tmp_path / 'data'
    monkeypatch.setenv('BUDGETQA_DATA_DIR', str(path))
    return path


def run_cli(*args: str, data_dir: Path, input_text: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, BUDGETQA_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, '-m', 'qa', *args], cwd=REPO, env=env, capture_output=True,
                          text=True, input=input_text, timeout=300)
