"""Faults lose nothing: a process killed while writing leaves facts, chunks and vectors consistent,
and readers asking during an ingest never see half a document.

The kill is real: the ingest runs in a child process whose settings name a fault
point (Settings.fault_point, test-only: BUDGETQA_FAULT in the child's environment)
where it exits: inside the fact transaction, or between the fact write and the
vector write. Each case runs several times.
"""
import sqlite3
import threading

import pytest

from conftest import SAMPLES, index_settings, run_cli, run_process
from index.facts_store import FactStore
from index.pipeline import IngestOptions, ingest_paths
from index.runtime import open_vectors
from index.vectors import stored_ids

DOC = '002_220f206dadf5e393.txt'


def snapshot(data_dir):
    with sqlite3.connect(data_dir / 'facts.db') as db:
        return (db.execute('SELECT content_hash FROM documents').fetchall(),
                db.execute('SELECT count(*), sum(CAST(value AS REAL)) FROM facts').fetchone(),
                db.execute('SELECT count(*) FROM chunks').fetchone())


def changed_copy(tmp_path):
    folder = tmp_path / 'docs'
    folder.mkdir(exist_ok=True)
    path = folder / DOC
    text = (SAMPLES / DOC).read_text(encoding='utf-8').replace('公用经费 191.06 万元', '公用经费 191.07 万元')
    path.write_text(text, encoding='utf-8')
    return path


def run_with_fault(point, path, data_dir):
    """A changed file of a stored name, ingested by a new process whose Settings.fault_point is `point`."""
    return run_process('ingest', '--replace', str(path), data_dir=data_dir, env={'BUDGETQA_FAULT': point})


@pytest.mark.parametrize('attempt', range(3))
def test_killed_inside_the_fact_transaction_keeps_the_old_state(tmp_path, attempt):
    data_dir = tmp_path / 'data'
    assert run_cli('ingest', str(SAMPLES / DOC), data_dir=data_dir).returncode == 0
    before = snapshot(data_dir)
    result = run_with_fault('in_fact_write', changed_copy(tmp_path), data_dir)
    assert result.returncode == 70                       # the child really died mid-write
    assert snapshot(data_dir) == before                  # the transaction rolled back
    settings = index_settings(data_dir)
    assert stored_ids(open_vectors(settings)) == {c.key for c in FactStore(settings.facts_db).chunks()}


@pytest.mark.parametrize('attempt', range(3))
def test_killed_between_facts_and_vectors_is_repaired_by_the_next_ingest(tmp_path, attempt):
    data_dir = tmp_path / 'data'
    assert run_cli('ingest', str(SAMPLES / DOC), data_dir=data_dir).returncode == 0
    path = changed_copy(tmp_path)
    assert run_with_fault('after_facts', path, data_dir).returncode == 70
    settings = index_settings(data_dir)
    store = FactStore(settings.facts_db)
    chunk_ids = {c.key for c in store.chunks()}
    assert stored_ids(open_vectors(settings)) != chunk_ids   # the crash left vectors behind the facts …
    assert run_cli('ask', '州政府办2024年公用经费', '--json', data_dir=data_dir).returncode == 0   # … still answers
    result = run_cli('ingest', str(path), data_dir=data_dir)
    assert result.returncode == 0 and '(0 ingested, 1 unchanged)' in result.stdout
    assert stored_ids(open_vectors(settings)) == chunk_ids   # … and the next ingest repairs them


def test_opening_reports_chunks_without_vectors(tmp_path):
    data_dir = tmp_path / 'data'
    run_cli('ingest', '--no-vectors', str(SAMPLES / DOC), data_dir=data_dir)
    result = run_cli('ask', '州政府办2024年三公经费是多少', data_dir=data_dir)
    assert result.returncode == 0
    assert 'without vectors' in result.stderr and 'python -m qa ingest' in result.stderr


@pytest.mark.parametrize('attempt', range(3))
def test_readers_see_the_old_document_or_the_new_one(tmp_path, attempt):
    settings = index_settings(tmp_path / 'data')
    store = FactStore(settings.facts_db)
    ingest_paths([SAMPLES / DOC], store)
    old = len(store.facts(doc=DOC))
    folder = tmp_path / 'new'
    folder.mkdir()
    text = (SAMPLES / DOC).read_text(encoding='utf-8')
    (folder / DOC).write_text(text.replace('公用经费 191.06 万元', '公用经费 191.06 万元，其中办公费 1.00 万元'),
                              encoding='utf-8')
    seen, stop = set(), threading.Event()

    def read():
        reader = FactStore(settings.facts_db)
        while not stop.is_set():
            seen.add(len(reader.facts(doc=DOC)))

    threads = [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    writer = FactStore(settings.facts_db)
    for _ in range(3):
        ingest_paths([folder / DOC], writer, options=IngestOptions(replace=True))
        ingest_paths([SAMPLES / DOC], writer, options=IngestOptions(replace=True))
    stop.set()
    for t in threads:
        t.join()
    assert old in seen and seen <= {old, old + 1, old + 2}, seen
    assert 0 not in seen
