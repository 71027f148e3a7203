"""Parsing one untrusted file in a worker process, under limits (used by index/parse_pool.py parse_limited).

    result = parse_one(Path('data/samples/002_220f206dadf5e393.txt'), {}, memory_mb=2048)
    result.prepared.name, result.summary['facts'], result.error     # '002_….txt', 368, None (a ParseResult)

The limits come from the settings (Settings.parse_seconds, parse_memory_mb), passed in by the pool
(index/parse_pool.py).

Imports only what parsing needs (no vector store): index/parse_preload.py loads it, with the word segmenter,
into the forkserver that workers fork from, so a worker costs a fork, not a start-up.
"""
from __future__ import annotations

import signal
import time
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.document import parse_source
from ingest.models import Declared, ParsedDocument
from ingest.orgs import org_key
from errors import IngestError, TooMuchMemory
from ingest.reader import read_source

from .bm25 import BudgetTokenizer
from .chunks import CHUNKER_VERSION, chunks_for
from .store_rows import PreparedDocument, prepare_document


@dataclass(frozen=True)
class ParseResult:
    """What a worker sends back for one file: the rows to write and their summary, or why it was refused."""
    prepared: PreparedDocument | None
    summary: dict | None
    seconds: float
    error: IngestError | None = None


def failed(error: IngestError) -> ParseResult:
    return ParseResult(None, None, 0.0, error)


_TOKENIZER = None


def start_worker(memory: int | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C stops the parent, which stops the pool
    if memory:                                       # `memory` more than the worker's address space at start
        import resource
        limit = _address_space() + memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _address_space() -> int:
    try:
        for line in Path('/proc/self/status').read_text().splitlines():
            if line.startswith('VmSize:'):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tokenizer() -> BudgetTokenizer:
    global _TOKENIZER
    if _TOKENIZER is None:
        _TOKENIZER = BudgetTokenizer()
    return _TOKENIZER


def parse_one(path: Path, aliases, declared: Declared | None = None, *, memory_mb: int,
              fault_point: str | None = None) -> ParseResult:
    """`memory_mb`: the worker's limit, named when a document needs more; `fault_point` is for tests only
    (Settings.fault_point): 'parse_hangs' is a file the parser never finishes."""
    started = time.perf_counter()
    if fault_point == 'parse_hangs':
        time.sleep(3600)
    try:
        source = read_source(path)
        source = replace(source, content_hash=f'{source.content_hash}:{CHUNKER_VERSION}')
        document = parse_source(source, aliases, declared)
        chunks = chunks_for(document, _tokenizer())
    except IngestError as error:
        return failed(error)
    except MemoryError:
        return failed(TooMuchMemory(path))
    seconds = time.perf_counter() - started
    summary = summarise(document, seconds)
    summary.update(chunks=len(chunks), bytes=path.stat().st_size, org_key=org_key(document.org))
    if declared and (declared.org or declared.year or declared.kind):     # provenance: the user's word, not the file's
        summary['declared'] = {k: v for k, v in vars(declared).items() if v}
    # the rows the store writes are made here, in the worker: the writing process only inserts them
    return ParseResult(prepare_document(document, path.resolve(), summary, chunks), summary, seconds)


def summarise(document: ParsedDocument, seconds: float) -> dict:
    numbers = {t.number for t in document.tables if t.number}
    failed = [c for c in document.checks if not c.ok]
    return {
        'org': document.org,
        'year': document.year,
        'kind': document.kind,
        'encoding': document.source.encoding,
        'tables_found': sorted(numbers),
        'tables_read': [(t.kind, t.title) for t in document.tables if t.layout == 'grid'],
        'tables_empty': sorted(t.number for t in document.tables if t.empty and t.number),
        'tables_missing': [n for n in range(1, 11) if n not in numbers] if numbers else [],
        'performance_tables': sum(1 for t in document.tables if t.number is None),
        'facts': len(document.facts),
        'table_facts': sum(1 for f in document.facts if f.source == 'table'),
        'text_facts': sum(1 for f in document.facts if f.source == 'text'),
        'checks': len(document.checks),
        'checks_failed': {severity: sum(1 for c in failed if c.severity == severity)
                          for severity in ('contradiction', 'rounding', 'completeness')},
        'statements': len(document.statements),
        'warnings': list(document.warnings),
        'parse_seconds': round(seconds, 3),
    }
