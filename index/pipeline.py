"""Ingesting files into the stores: parse every file first, then write each document in its own transaction.

    report = ingest_paths([Path('data/samples')], store, vectors, IngestOptions(replace=True),
                          IngestProgress(message=print))
    report.outcomes[0].summary['facts'], report.outcomes[0].status   # 363, 'ingested' | 'unchanged'
    report.refused                   # [IngestError(file, line, what to do), …]: the files not stored

A file that cannot be read is refused and the others are stored; with `all_or_nothing`, one refused file
means nothing is written and stored data stays exactly as it was. The parse workers' pool is in
index/parse_pool.py, what makes two files versions of one disclosure in index/claims.py, the vectors' step in
index/vector_sync.py.
"""
from __future__ import annotations

import json
import os
import pickle
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from errors import (EmptyFolder, IngestError, NameTwiceInBatch, NoSuchFile, SameContent, SameName, SecondVersion,
                    VersionsInBatch)
from ingest.models import Declared
from ingest.orgs import load_alias_file
from ingest.reader import SUPPORTED_SUFFIXES, read_source
from settings import Settings

from .chunks import CHUNKER_VERSION
from .claims import changes, claims_of, stored_claims
from .facts_store import FactStore
from .parse_pool import parse_limited
from .parse_worker import ParseResult
from .store_rows import PreparedDocument
from .vector_sync import sync_vectors

DEFAULT_KIND = '预算'                   # a document stored before kinds were read is a 预算


@dataclass(frozen=True)
class IngestOutcome:
    doc: str
    path: str
    status: str          # 'ingested' | 'unchanged'
    summary: dict


@dataclass(frozen=True)
class IngestReport:
    """What an ingest stored (`outcomes`, in the order of the files) and what it refused, each with why."""
    outcomes: list[IngestOutcome] = field(default_factory=list)
    refused: list[IngestError] = field(default_factory=list)


@dataclass(frozen=True)
class IngestOptions:
    """How an ingest treats the files it is given."""
    alias_files: tuple[Path, ...] = ()    # more names of organisations (ingest/orgs.py load_alias_file)
    declared: Declared | None = None      # organisation, year, kind: for every file, for documents that print none
    replace: bool = False                 # a file conflicting with stored documents replaces them (else refused)
    all_or_nothing: bool = False          # one refused file: nothing is written
    added_by: str = ''                    # kept with each document's provenance
    workers: int | None = None            # parse processes; one per core when None
    settings: Settings | None = None      # the parsing limits and the tests' fault point; Settings() when None

    @property
    def resolved_settings(self) -> Settings:
        """The settings this ingest runs under (parse_seconds, parse_memory_mb, fault_point)."""
        return self.settings or Settings()


def _quiet(*_) -> None:
    pass


@dataclass(frozen=True)
class IngestProgress:
    """Where an ingest reports as it goes: lines of text, and (done, total) for a bar of files read and one of
    documents embedded."""
    message: Callable[[str], None] = _quiet
    documents: Callable[[int, int], None] = _quiet
    vectors: Callable[[int, int], None] = _quiet


@dataclass(frozen=True)
class ParsedFile:
    """A file parsed, its ParseResult kept on disk (`spilled`) until it is written, with the disclosure it is
    part of (organisation key, year, kind)."""
    path: Path
    spilled: Path
    org_key: str
    year: int | None
    kind: str

    @property
    def disclosure(self) -> tuple[str, int | None, str]:
        return self.org_key, self.year, self.kind


def collect_files(paths: list[Path]) -> tuple[list[Path], list[IngestError]]:
    files, errors = [], []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = sorted(p for p in path.rglob('*') if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            if not found:
                errors.append(EmptyFolder(path, expected=', '.join(SUPPORTED_SUFFIXES)))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            errors.append(NoSuchFile(path))
    return _unique_names(files, errors), errors


def ingest_paths(paths: list[Path], store: FactStore, vectors=None, options: IngestOptions = IngestOptions(),
                 progress: IngestProgress = IngestProgress()) -> IngestReport:
    """Read every file first (parsing in a pool of processes, one per core), then write each document in its
    own transaction, then the vectors of those written (when a vector store is given). Files of one
    organisation and year are parts of one disclosure when they print different tables and no figure of one
    contradicts the other; a file that does is a second version, refused unless `options.replace` (then the
    stored files it conflicts with are removed once it is stored). The parsing limits and the tests' fault
    point come from `options.settings`."""
    files, errors = collect_files(paths)
    aliases = _aliases(options.alias_files, errors)
    sources, unchanged = _new_sources(store, files, errors, options.replace)
    with tempfile.TemporaryDirectory(prefix='budgetqa-ingest-') as spill:
        parsed = _parse_all(sources, aliases, errors, options, progress, len(files), len(unchanged), Path(spill))
        parsed, replaced = _conflicts(store, parsed, options.replace, errors)
        if errors and options.all_or_nothing:
            return IngestReport([], _in_order(errors, files))
        outcomes = _write_all(store, files, unchanged, parsed, replaced, vectors, options, progress)
        return IngestReport(outcomes, _in_order(errors, files))


def _new_sources(store: FactStore, files: list[Path], errors: list,
                 replace: bool = False) -> tuple[list[Path], list[Path]]:
    """The files to parse, and those already stored as they are. A file whose content is stored under another
    name is refused (it adds nothing, and one figure must not be cited from two files); so is a file with the name
    of a stored document and other content, unless `replace` (a file of the same name from another folder, or an
    edited copy, must not silently change the answers)."""
    documents = store.documents()
    stored = {d.content_hash: d.doc for d in documents}
    by_name = {d.doc: d for d in documents}
    sources, unchanged = [], []
    for path in files:
        try:
            source = read_source(path)
        except IngestError as error:
            errors.append(error)
            continue
        content_hash = f'{source.content_hash}:{CHUNKER_VERSION}'
        if store.is_current(source.name, content_hash):
            unchanged.append(path)
        elif stored.get(content_hash, source.name) != source.name:
            errors.append(SameContent(path, doc=stored[content_hash]))
        elif not replace and _other_content(by_name.get(source.name), source.content_hash, path):
            errors.append(SameName(path, name=source.name, stored_path=by_name[source.name].path))
        else:
            stored[content_hash] = f'{source.name} in this batch'
            sources.append(path)          # read again by the worker that parses it: memory stays flat
    return sources, unchanged


def _other_content(stored, content_hash: str, path: Path) -> bool:
    """A stored document whose bytes differ from the file's. A new parser or chunker version alone is not a
    difference; a store written before the bytes' own hash was kept compares the file's path instead."""
    if stored is None:
        return False
    reading = stored.content_hash.split(':')[0]
    if '.' not in reading:
        return str(Path(stored.path or '').resolve()) != str(Path(path).resolve())
    return reading.split('.')[-1] != content_hash.split('.')[-1]


def _in_order(errors: list[IngestError], files: list[Path]) -> list[IngestError]:
    order = {str(path): i for i, path in enumerate(files)}
    return sorted(errors, key=lambda e: order.get(e.path, -1))


def _unique_names(files: list[Path], errors: list) -> list[Path]:
    """Documents are known by file name: a second file with a name already in the batch is refused."""
    seen: dict[str, Path] = {}
    out = []
    for path in files:
        if path.name in seen and seen[path.name].resolve() != path.resolve():
            errors.append(NameTwiceInBatch(path, other=str(seen[path.name])))
        elif path.name not in seen:
            seen[path.name] = path
            out.append(path)
    return out


def _conflicts(store: FactStore, parsed: list[ParsedFile], replace: bool,
               errors: list) -> tuple[list[ParsedFile], dict[str, list[str]]]:
    """The parsed files to store, and file name -> the stored documents it replaces. Files of one organisation,
    year and kind (stored, or earlier in this batch) must not print the same table or give one figure two values:
    such a file is a second version of the disclosure (how a forgery gets in, and answers must never choose
    between versions by file name), refused with what conflicts unless `replace`, which removes the stored ones.
    A 预算 and a 决算 of one organisation-year are two disclosures: they print the same tables, with other figures."""
    stored: dict[tuple, list[str]] = {}
    for d in store.documents():
        stored.setdefault((d.org_key, d.year, d.summary.get('kind') or DEFAULT_KIND), []).append(d.doc)
    batch: dict[tuple, list[tuple[str, Path]]] = {}          # org-year-kind -> (file name, spilled) kept so far
    kept, replaced = [], {}
    for item in parsed:
        path, key, year = item.path, item.org_key, item.year
        earlier = batch.get(item.disclosure, []) if year is not None else []
        others = [doc for doc in stored.get(item.disclosure, []) if doc != path.name] if year is not None else []
        claims = claims_of(_unspill(item.spilled).prepared) if earlier or others else None
        clash = next(((name, why) for name, theirs in earlier
                      if (why := claims.conflict(claims_of(_unspill(theirs).prepared))) is not None), None)
        conflicting = {doc: why for doc in others if (why := claims.conflict(stored_claims(store, doc))) is not None}
        if clash:
            errors.append(VersionsInBatch(path, org=key, year=year, other=clash[0], why=clash[1]))
        elif conflicting and not replace:
            doc, why = next(iter(conflicting.items()))
            errors.append(SecondVersion(path, org=key, year=year, docs=', '.join(conflicting), why=why, doc=doc))
        else:
            replaced[path.name] = sorted(conflicting)
            kept.append(item)
            batch.setdefault(item.disclosure, []).append((path.name, item.spilled))
    return kept, replaced


def _write_all(store: FactStore, files: list[Path], unchanged: list[Path], parsed: list[ParsedFile],
               replaced: dict[str, list[str]], vectors, options: IngestOptions,
               progress: IngestProgress) -> list[IngestOutcome]:
    """Every file was read: write each document in its own transaction, then its vectors."""
    stored = {d.doc: d for d in store.documents()} if unchanged or parsed else {}
    outcomes = [IngestOutcome(path.name, str(path), 'unchanged', stored[path.name].summary if path.name in stored
                              else {}) for path in unchanged]
    removed = []
    for item in parsed:
        path, result = item.path, _unspill(item.spilled)
        prepared, summary = result.prepared, result.summary
        summary['added_by'] = options.added_by
        summary['replaces'] = replaced.get(prepared.name, [])
        same_name = _other_content(stored.get(prepared.name), prepared.document.content_hash.split(':')[0], path)
        older = [prepared.name] * same_name + summary['replaces']
        if older:
            summary['changes'] = {'of': older, **changes(claims_of(prepared), [stored_claims(store, d) for d in older])}
        prepared = _with_summary(prepared, summary)
        fault_point = options.resolved_settings.fault_point
        store.write_prepared(prepared, fault=_fault('in_fact_write', fault_point))
        _fault('after_facts', fault_point)()
        for old in summary['replaces']:
            store.remove(old)
            removed.append(old)
        outcomes.append(IngestOutcome(prepared.name, str(path), 'ingested', summary))
    order = {str(path): i for i, path in enumerate(files)}
    outcomes.sort(key=lambda o: order.get(o.path, 0))
    if parsed:
        store.checkpoint()
    if vectors is not None:
        synced = sync_vectors(store, vectors, progress.message, docs=[item.path.name for item in parsed],
                              removed=removed, on_vectors=progress.vectors)
        progress.message(f"vectors: {synced['added']} chunks embedded and written, {synced['removed']} removed, "
                         f"{synced['seconds']}s")
    return outcomes


def _parse_all(sources: list[Path], aliases, errors: list, options: IngestOptions, progress: IngestProgress,
               total: int, done: int, spill: Path) -> list[ParsedFile]:
    """Parse and chunk in worker processes over the machine's cores, each under a time and memory limit.
    Each parsed document is kept on disk until every file has been read: memory stays flat for a province."""
    workers = options.workers or min(os.cpu_count() or 1, max(1, len(sources)))
    out = []
    started = time.perf_counter()
    parsing = parse_limited(sources, aliases, workers, options.declared, options.resolved_settings)
    for path, result in zip(sources, parsing):
        done += 1
        if result.error is not None:
            errors.append(result.error)
            progress.message(f'[{done}/{total}] {path.name}: ERROR')
        else:
            summary = result.summary
            out.append(ParsedFile(path, _spill(spill, len(out), result), summary['org_key'], summary['year'],
                                  summary.get('kind') or DEFAULT_KIND))
            rate = (done - (total - len(sources))) / max(time.perf_counter() - started, 1e-9)
            progress.message(f'[{done}/{total}] {path.name}: parsed in {result.seconds:.2f}s ({rate:.1f} documents/s)')
        progress.documents(done, total)
    return out


def _with_summary(prepared: PreparedDocument, summary: dict) -> PreparedDocument:
    """The document row with its summary (provenance added after parsing) in place."""
    return replace(prepared, document=prepared.document._replace(summary=json.dumps(summary, ensure_ascii=False)))


def _spill(folder: Path, number: int, result: ParseResult) -> Path:
    path = folder / f'{number}.pickle'
    with path.open('wb') as f:
        pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _unspill(path: Path) -> ParseResult:
    with path.open('rb') as f:
        return pickle.load(f)


def _fault(point: str, fault_point: str | None):
    """Tests only (Settings.fault_point, never set in production): the process is killed at the named point, to
    prove a crash loses nothing."""
    def fire():
        if fault_point == point:
            os._exit(70)
    return fire


def remove_document(store: FactStore, doc: str, vectors=None, uploads: Path | None = None) -> bool:
    """Remove a document's facts, chunks and vectors; a file uploaded through the page (under `uploads`) goes too.
    False when no document has that name."""
    stored = next((d for d in store.documents() if d.doc == doc), None)
    if stored is None or not store.remove(doc):
        return False
    if vectors is not None:
        sync_vectors(store, vectors, removed=[doc])
    path = Path(stored.path)
    if uploads is not None and path.parent.resolve() == Path(uploads).resolve():
        path.unlink(missing_ok=True)
    return True


def _aliases(alias_files, errors) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for path in alias_files:
        try:
            for name, names in load_alias_file(path).items():
                merged.setdefault(name, []).extend(names)
        except IngestError as error:          # a line of an alias file that is not 'full name<TAB>aliases'
            errors.append(error)
    return merged
