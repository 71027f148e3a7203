"""Ingesting files into the stores: parse every file first, then write.

    outcomes = ingest_paths([Path('data/samples')], store, progress=print)
    outcomes[0].summary['facts'], outcomes[0].status   # 363, 'ingested' | 'unchanged'

If any file cannot be read, nothing is written and IngestFailed lists every
bad file with what to do: stored data stays exactly as it was.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from ingest.document import parse_source
from ingest.models import ParsedDocument
from ingest.orgs import load_alias_file, org_key
from ingest.reader import SUPPORTED_SUFFIXES, IngestError, read_source

from .chunks import CHUNKER_VERSION, chunks_for
from .facts_store import FactStore
from .vectors import stored_ids

EMBED_BATCH = 64


@dataclass(frozen=True)
class IngestOutcome:
    doc: str
    path: str
    status: str          # 'ingested' | 'unchanged'
    summary: dict


class IngestFailed(Exception):
    def __init__(self, errors: list[IngestError]):
        self.errors = errors
        super().__init__('\n'.join(str(e) for e in errors))


def collect_files(paths: list[Path]) -> tuple[list[Path], list[IngestError]]:
    files, errors = [], []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = sorted(p for p in path.rglob('*') if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            if not found:
                errors.append(IngestError(path, f"folder has no documents ({', '.join(SUPPORTED_SUFFIXES)}); "
                                                'point at the folder that holds the exported disclosures'))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            errors.append(IngestError(path, 'no such file or folder; check the path'))
    return files, errors


def ingest_paths(paths: list[Path], store: FactStore, alias_files: tuple[Path, ...] = (),
                 progress: Callable[[str], None] = lambda message: None, vectors=None) -> list[IngestOutcome]:
    files, errors = collect_files(paths)
    aliases = _aliases(alias_files, errors)
    parsed: list[tuple[Path, ParsedDocument, float]] = []
    for number, path in enumerate(files, 1):
        started = time.perf_counter()
        try:
            source = read_source(path)
            source = replace(source, content_hash=f'{source.content_hash}:{CHUNKER_VERSION}')
            if store.is_current(source.name, source.content_hash):
                parsed.append((path, None, 0.0))
                progress(f'[{number}/{len(files)}] {path.name}: unchanged')
                continue
            document = parse_source(source, aliases)
        except IngestError as error:
            errors.append(error)
            progress(f'[{number}/{len(files)}] {path.name}: ERROR')
            continue
        seconds = time.perf_counter() - started
        parsed.append((path, document, seconds))
        progress(f'[{number}/{len(files)}] {path.name}: parsed in {seconds:.2f}s')
    if errors:
        raise IngestFailed(errors)
    _check_duplicate_names(parsed)
    outcomes = []
    for path, document, seconds in parsed:
        if document is None:
            outcomes.append(IngestOutcome(path.name, str(path), 'unchanged', _stored_summary(store, path.name)))
            continue
        summary = summarise(document, seconds)
        started = time.perf_counter()
        chunks = chunks_for(document, org_key(document.org))
        summary['chunks'] = len(chunks)
        summary['chunk_seconds'] = round(time.perf_counter() - started, 3)
        store.replace_document(document, path.resolve(), summary, chunks, fault=_fault('in_fact_write'))
        _fault('after_facts')()
        outcomes.append(IngestOutcome(document.name, str(path), 'ingested', summary))
    if vectors is not None:
        synced = sync_vectors(store, vectors, progress)
        progress(f"vectors: {synced['added']} chunks embedded and written, {synced['removed']} removed, "
                 f"{synced['seconds']}s")
    return outcomes


def _fault(point: str):
    """Tests kill the process at a named point (BUDGETQA_FAULT) to prove a crash loses nothing."""
    def fire():
        if os.environ.get('BUDGETQA_FAULT') == point:
            os._exit(70)
    return fire


def sync_vectors(store: FactStore, vectors, progress: Callable[[str], None] = lambda message: None) -> dict:
    """Make the vector store hold exactly the chunks the fact store holds.

    SQLite is the record; vectors are derived from it, so an ingest stopped
    between the two is repaired here on the next run.
    """
    started = time.perf_counter()
    wanted = {c['id']: c for c in store.chunks()}
    have = stored_ids(vectors)
    extra = sorted(have - wanted.keys())
    if extra:
        vectors.delete(ids=extra)
    missing = [c for cid, c in wanted.items() if cid not in have]
    for i in range(0, len(missing), EMBED_BATCH):
        batch = missing[i:i + EMBED_BATCH]
        vectors.add_texts([c['embed_text'] for c in batch], metadatas=[_metadata(c) for c in batch],
                          ids=[c['id'] for c in batch])
        progress(f'embedding and writing vectors: {min(i + EMBED_BATCH, len(missing))}/{len(missing)}')
    seconds = time.perf_counter() - started
    return {'added': len(missing), 'removed': len(extra), 'seconds': round(seconds, 2)}


def _metadata(chunk: dict) -> dict:
    return {k: chunk[k] for k in ('doc', 'org_key', 'year', 'kind', 'table_no', 'section', 'line_start', 'line_end')}


def _aliases(alias_files, errors) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for path in alias_files:
        try:
            for name, names in load_alias_file(path).items():
                merged.setdefault(name, []).extend(names)
        except ValueError as error:
            errors.append(IngestError(path, str(error).split(': ', 1)[-1]))
    return merged


def _check_duplicate_names(parsed) -> None:
    seen: dict[str, Path] = {}
    for path, _, _ in parsed:
        if path.name in seen and seen[path.name].resolve() != path.resolve():
            raise IngestFailed([IngestError(path, f'another file with the same name is in this batch '
                                                  f'({seen[path.name]}); rename one of them')])
        seen[path.name] = path


def _stored_summary(store: FactStore, doc: str) -> dict:
    return next((d.summary for d in store.documents() if d.doc == doc), {})


def summarise(document: ParsedDocument, seconds: float) -> dict:
    numbers = {t.number for t in document.tables if t.number}
    failed = [c for c in document.checks if not c.ok]
    return {
        'org': document.org,
        'year': document.year,
        'encoding': document.source.encoding,
        'tables_found': sorted(numbers),
        'tables_empty': sorted(t.number for t in document.tables if t.empty and t.number),
        'tables_missing': [n for n in range(1, 11) if n not in numbers],
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
