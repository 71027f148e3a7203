"""Parsing untrusted files in a pool of worker processes, each document under a time and memory limit.

    for result in parse_limited([Path('data/samples/002_220f206dadf5e393.txt')], aliases={}, workers=2):
        result.prepared.name, result.summary['facts'], result.error     # '002_….txt', 368, None

A worker that hangs is killed and its document refused; a worker that dies is replaced and its document
retried alone (then once in a freshly spawned worker) before the file is blamed. The parsing itself is in
index/parse_worker.py.
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from errors import ParseTimeout, ReaderStopped
from ingest.models import Declared
from settings import Settings

from .parse_worker import ParseResult, failed, parse_one, start_worker


def parse_limited(paths: list[Path], aliases, workers: int, declared: Declared | None = None,
                  settings: Settings | None = None) -> Iterator[ParseResult]:
    """A ParseResult per path, in order. Untrusted files are parsed in fresh worker
    processes (forked from a small server process, so the limits cover only the parsing) with an address-space
    limit (Settings.parse_memory_mb); a document that takes longer than Settings.parse_seconds, or whose worker
    dies (twice), is an IngestError and its worker is replaced."""
    settings = settings or Settings()
    seconds, memory_mb = settings.parse_seconds, settings.parse_memory_mb
    import multiprocessing
    from concurrent.futures import TimeoutError as Timeout
    from concurrent.futures.process import BrokenProcessPool
    forkserver = multiprocessing.get_context('forkserver')  # workers fork from a small server, not from this
    forkserver.set_forkserver_preload(['index.parse_preload'])   # process (which may hold a model and a page)
    spawned: set[int] = set()          # documents already retried in a spawned worker
    use_spawn = False                  # the forkserver failed a document on its own: spawn fresh workers instead
    results: dict[int, ParseResult] = {}
    suspects: set[int] = set()
    cursor = 0                                         # results are yielded in the order of `paths`
    while len(results) < len(paths):
        pending = [i for i in range(len(paths)) if i not in results]
        alone = pending[0] in suspects                 # a document whose worker died is retried on its own
        batch = pending[:1] if alone else pending
        context = multiprocessing.get_context('spawn') if use_spawn else forkserver
        pool = ProcessPoolExecutor(max_workers=1 if alone else workers, mp_context=context,
                                   initializer=start_worker, initargs=(memory_mb * 2 ** 20,))
        try:
            with _plain_main():
                futures = [(i, pool.submit(parse_one, paths[i], aliases, declared, memory_mb=memory_mb,
                                           fault_point=settings.fault_point)) for i in batch]
            for i, future in futures:
                try:
                    results[i] = future.result(timeout=seconds)
                except Timeout:
                    results[i] = failed(ParseTimeout(paths[i], seconds=seconds))
                    break
                except BrokenProcessPool:
                    if alone and i not in spawned:
                        spawned.add(i)         # once more, in a spawned worker, before the file is blamed
                        use_spawn = True
                    elif alone:
                        results[i] = failed(ReaderStopped(paths[i]))
                    else:       # the worker that died was on one of the first unfinished documents
                        suspects.update([j for j, _ in futures if j not in results][:workers])
                    break
                while cursor in results:
                    yield results[cursor]
                    cursor += 1
        finally:
            _stop(pool)
    while cursor in results:
        yield results[cursor]
        cursor += 1


@contextmanager
def _plain_main():
    """Workers start without re-running this process's main script (multiprocessing imports it in each new
    worker: under Streamlit's AppTest that script is the page)."""
    import sys
    import types
    main = sys.modules.get('__main__')
    sys.modules['__main__'] = types.ModuleType('__main__')
    try:
        yield
    finally:
        sys.modules['__main__'] = main


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop a pool at once: a worker stuck on a file is killed, not waited for."""
    processes = list((getattr(pool, '_processes', None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(timeout=5)
    pool.shutdown(wait=True)
