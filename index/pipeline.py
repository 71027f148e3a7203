"""Ingesting files into the stores: parse every file first, then write each document in its own transaction.

    report = ingest_paths([Path('data/samples')], store, progress=print)
    report.outcomes[0].summary['facts'], report.outcomes[0].status   # 363, 'ingested' | 'unchanged'
    report.refused                   # [IngestError(file, line, what to do), …]: the files not stored

A file that cannot be read is refused and the others are stored; with `all_or_nothing`, one refused file
means nothing is written and stored data stays exactly as it was.
"""
from __future__ import annotations

import json
import os
import pickle
import re
import tempfile
import time
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Callable

from ingest.models import Declared
from ingest.orgs import load_alias_file
from errors import (EmptyFolder, IngestError, NameTwiceInBatch, NoSuchFile, ParseTimeout, ReaderStopped, SameContent,
                    SameName, SecondVersion, VersionsInBatch)
from ingest.reader import SUPPORTED_SUFFIXES, read_source
from settings import Settings

from .chunks import CHUNKER_VERSION
from .facts_store import FactStore
from .parse_worker import failed, parse_one, start_worker
from .vectors import stored_ids

DEFAULT_KIND = '预算'                   # a document stored before kinds were read is a 预算

EMBED_BATCH = 256


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


def ingest_paths(paths: list[Path], store: FactStore, alias_files: tuple[Path, ...] = (),
                 progress: Callable[[str], None] = lambda message: None, vectors=None,
                 on_document: Callable[[int, int], None] = lambda done, total: None,
                 workers: int | None = None,
                 on_vectors: Callable[[int, int], None] = lambda done, total: None,
                 replace: bool = False, added_by: str = '', declared: Declared | None = None,
                 all_or_nothing: bool = False, settings: Settings | None = None) -> IngestReport:
    """Read every file first (parsing in a pool of processes, one per core), then write each document in its
    own transaction. `on_document(done, total)` reports progress for a bar. Files of one organisation and year
    are parts of one disclosure when they print different tables and no figure of one contradicts the other; a
    file that does is a second version, refused unless `replace` (then the stored files it conflicts with are
    removed once it is stored). `declared` (organisation, year, kind) applies to every file, for documents that
    print none. `added_by` is kept with each document's provenance. `settings` gives the parsing limits
    (Settings() when not given)."""
    settings = settings or Settings()
    files, errors = collect_files(paths)
    aliases = _aliases(alias_files, errors)
    sources, unchanged = _new_sources(store, files, errors, replace)
    with tempfile.TemporaryDirectory(prefix='budgetqa-ingest-') as spill:
        parsed = _parse_all(sources, aliases, errors, progress, on_document, len(files), len(unchanged), workers,
                            Path(spill), declared, settings)
        parsed, replaced = _conflicts(store, parsed, replace, errors)
        if errors and all_or_nothing:
            return IngestReport([], _in_order(errors, files))
        outcomes = _write_all(store, files, unchanged, parsed, vectors, progress, on_vectors, replaced, added_by,
                              settings.fault_point)
        return IngestReport(outcomes, _in_order(errors, files))


def _new_sources(store: FactStore, files: list[Path], errors: list,
                 replace: bool = False) -> tuple[list, list[Path]]:
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
            sources.append((path, None))          # read again by the worker that parses it: memory stays flat
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


def _conflicts(store: FactStore, parsed, replace: bool, errors: list) -> tuple[list, dict[str, list[str]]]:
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
        path, spilled, _, key, year, kind = item
        earlier = batch.get((key, year, kind), []) if year is not None else []
        others = [doc for doc in stored.get((key, year, kind), []) if doc != path.name] if year is not None else []
        claims = claims_of(_unspill(spilled)[0]) if earlier or others else None
        clash = next(((name, why) for name, theirs in earlier
                      if (why := claims.conflict(claims_of(_unspill(theirs)[0]))) is not None), None)
        conflicting = {doc: why for doc in others if (why := claims.conflict(stored_claims(store, doc))) is not None}
        if clash:
            errors.append(VersionsInBatch(path, org=key, year=year, other=clash[0], why=clash[1]))
        elif conflicting and not replace:
            doc, why = next(iter(conflicting.items()))
            errors.append(SecondVersion(path, org=key, year=year, docs=', '.join(conflicting), why=why, doc=doc))
        else:
            replaced[path.name] = sorted(conflicting)
            kept.append(item)
            batch.setdefault((key, year, kind), []).append((path.name, spilled))
    return kept, replaced


@dataclass
class Claims:
    """What a file says that another part of the same disclosure must not say differently: the tables it
    prints (titles, whitespace removed) and each figure by its labels -> {value: line}."""
    titles: set[str]
    figures: dict[tuple, dict[Decimal, int]]

    def conflict(self, other: 'Claims') -> str | None:
        """Why this file and `other` cannot be parts of one disclosure (its line, then the other's); None if they
        can. A figure conflicts when the labels it is printed under carry no value in common in the two files."""
        for title in sorted(self.titles & other.titles):
            return f'both print the table {title}'
        for key in sorted(self.figures.keys() & other.figures.keys(), key=str):
            mine, theirs = self.figures[key], other.figures[key]
            if not mine.keys() & theirs.keys():
                (value, line), (old, old_line) = min(mine.items(), key=lambda v: v[1]), min(theirs.items(), key=lambda v: v[1])
                _, title, row, column, unit = key
                label = ' '.join(x for x in (title, f'{row}/{column}') if x)
                return f'line {line}: {label} is {value} {unit} here but {old} {unit} there (line {old_line})'
        return None


LARGEST = 5                      # differences listed when a stored disclosure is replaced


def changes(new: Claims, old: list[Claims]) -> dict:
    """What a replacing file changes in the figures of the documents it replaces: how many figures (by their
    labels) have another value, how many are new or gone, and the largest differences with their row labels."""
    before: dict[tuple, dict[Decimal, int]] = {}
    for claims in old:
        for key, values in claims.figures.items():
            before.setdefault(key, {}).update(values)
    differ = []
    for key in sorted(new.figures.keys() & before.keys(), key=str):
        mine, theirs = new.figures[key], before[key]
        if not mine.keys() & theirs.keys():
            (value, line), (was, _) = min(mine.items(), key=lambda v: v[1]), min(theirs.items(), key=lambda v: v[1])
            _, title, row, column, unit = key
            differ.append({'table': title, 'row': row, 'column': column, 'unit': unit, 'old': str(was),
                           'new': str(value), 'line': line, 'difference': str(value - was)})
    differ.sort(key=lambda d: -abs(Decimal(d['difference'])))
    return {'figures_differ': len(differ), 'figures_added': len(new.figures.keys() - before.keys()),
            'figures_gone': len(before.keys() - new.figures.keys()), 'largest': differ[:LARGEST]}


def _title(text: str | None) -> str:
    return re.sub(r'\s+', '', text or '')


def _claim(claims: Claims, source: str, table_title: str, row: str, column: str, value, unit: str,
           line: int) -> None:
    """Table figures are keyed by table title, row and column; figures from prose by row and column only (the
    same statement may stand in either part)."""
    key = (source, _title(table_title) if source == 'table' else '', row or '', column or '', unit or '')
    claims.figures.setdefault(key, {}).setdefault(Decimal(str(value)), line)


def claims_of(prepared) -> Claims:
    """The claims of a parsed document, from the rows the store will write."""
    claims = Claims({_title(t[2]) for t in prepared.tables if _title(t[2])}, {})
    for table, source, _, _, row, column, value, unit, _, line, *_ in prepared.facts:
        title = prepared.tables[table][2] if table is not None else ''
        _claim(claims, 'text' if source else 'table', title, row, column, value, unit, line)
    return claims


def stored_claims(store: FactStore, doc: str) -> Claims:
    claims = Claims({_title(t['title']) for t in store.tables(doc) if _title(t['title'])}, {})
    for f in store.facts(doc=doc):
        _claim(claims, f.source, f.table_title, f.row, f.column, f.value, f.unit, f.line_start)
    return claims


def _write_all(store, files, unchanged, parsed, vectors, progress, on_vectors, replaced=None,
               added_by: str = '', fault_point: str | None = None) -> list[IngestOutcome]:
    """Every file was read: write each document in its own transaction, then its vectors."""
    stored = {d.doc: d for d in store.documents()} if unchanged or parsed else {}
    outcomes = [IngestOutcome(path.name, str(path), 'unchanged', stored[path.name].summary if path.name in stored
                              else {}) for path in unchanged]
    removed = []
    for path, spilled, *_ in parsed:
        prepared, summary = _unspill(spilled)
        summary['added_by'] = added_by
        summary['replaces'] = (replaced or {}).get(prepared.name, [])
        same_name = _other_content(stored.get(prepared.name), prepared.document[2].split(':')[0], path)
        older = [prepared.name] * same_name + summary['replaces']
        if older:
            summary['changes'] = {'of': older, **changes(claims_of(prepared), [stored_claims(store, d) for d in older])}
        prepared = _with_summary(prepared, summary)
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
        synced = sync_vectors(store, vectors, progress, docs=[p.name for p, *_ in parsed], removed=removed,
                              on_vectors=on_vectors)
        progress(f"vectors: {synced['added']} chunks embedded and written, {synced['removed']} removed, "
                 f"{synced['seconds']}s")
    return outcomes


def _parse_all(sources, aliases, errors, progress, on_document, total, done, workers, spill: Path,
               declared: Declared | None, settings: Settings):
    """Parse and chunk in worker processes over the machine's cores, each under a time and memory limit.
    Each parsed document is kept on disk until every file has been read: memory stays flat for a province."""
    workers = workers or min(os.cpu_count() or 1, max(1, len(sources)))
    out = []
    started = time.perf_counter()
    parsing = parse_limited([p for p, _ in sources], aliases, workers, declared, settings)
    for (path, _), (prepared, summary, seconds, error) in zip(sources, parsing):
        done += 1
        if error is not None:
            errors.append(error)
            progress(f'[{done}/{total}] {path.name}: ERROR')
        else:
            out.append((path, _spill(spill, len(out), prepared, summary), seconds, summary['org_key'], summary['year'],
                        summary.get('kind') or DEFAULT_KIND))
            rate = (done - (total - len(sources))) / max(time.perf_counter() - started, 1e-9)
            progress(f'[{done}/{total}] {path.name}: parsed in {seconds:.2f}s ({rate:.1f} documents/s)')
        on_document(done, total)
    return out


def parse_limited(paths: list[Path], aliases, workers: int, declared: Declared | None = None,
                  settings: Settings | None = None):
    """(prepared, summary, seconds, error) per path, in order. Untrusted files are parsed in fresh worker
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
    results: dict[int, tuple] = {}
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


def _with_summary(prepared, summary: dict):
    """The document row with its summary (provenance added after parsing) in place."""
    document = list(prepared.document)
    document[9] = json.dumps(summary, ensure_ascii=False)
    return replace(prepared, document=tuple(document))


def _spill(folder: Path, number: int, prepared, summary) -> Path:
    path = folder / f'{number}.pickle'
    with path.open('wb') as f:
        pickle.dump((prepared, summary), f, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _unspill(path: Path):
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


def sync_vectors(store: FactStore, vectors, progress: Callable[[str], None] = lambda message: None,
                 docs: list[str] | None = None, removed: list[str] = (),
                 on_vectors: Callable[[int, int], None] = lambda done, total: None) -> dict:
    """Make the vector store hold exactly the chunks the fact store holds.

    SQLite is the record; vectors are derived from it. Each document carries a
    flag set once its vectors are written, so only the documents an ingest wrote
    (or one stopped before their vectors) are embedded: adding documents costs
    what they cost. When the two stores still disagree in size (a removal
    stopped half way, a new vector store), every key is compared and repaired.
    """
    started = time.perf_counter()
    added = dropped = 0
    for doc in removed:
        dropped += _delete_vectors(vectors, doc)
    pending = sorted(set(docs or ()) | set(store.without_vectors()))
    for i in range(0, len(pending), 20):
        batch = pending[i:i + 20]
        for doc in batch:
            dropped += _delete_vectors(vectors, doc)
        added += _add_vectors(vectors, store.chunks(batch), progress)
        store.mark_vectors(batch)
        on_vectors(min(i + 20, len(pending)), len(pending))
    if vectors_count(vectors) != store.chunk_count():
        wanted = {c.key: c for c in store.chunks()}
        have = stored_ids(vectors)
        extra = sorted(have - wanted.keys())
        if extra:
            vectors.delete(ids=extra)
            dropped += len(extra)
        added += _add_vectors(vectors, [c for key, c in wanted.items() if key not in have], progress)
    return {'added': added, 'removed': dropped, 'seconds': round(time.perf_counter() - started, 2)}


def _add_vectors(vectors, chunks, progress) -> int:
    for i in range(0, len(chunks), EMBED_BATCH):
        batch = chunks[i:i + EMBED_BATCH]
        vectors.add_texts([c.embed_text for c in batch], metadatas=[_metadata(c) for c in batch],
                          ids=[c.key for c in batch])
        progress(f'embedding and writing vectors: {min(i + EMBED_BATCH, len(chunks))}/{len(chunks)}')
    return len(chunks)


def _delete_vectors(vectors, doc: str) -> int:
    collection = vectors._collection
    ids = collection.get(where={'doc': doc}, include=[])['ids']
    if ids:
        collection.delete(ids=ids)
    return len(ids)


def vectors_count(vectors) -> int:
    return vectors._collection.count()


def _metadata(chunk) -> dict:
    return {'doc': chunk.doc, 'year': chunk.year, 'kind': chunk.kind, 'table_no': chunk.table_no,
            'line_start': chunk.line_start, 'line_end': chunk.line_end}


def _aliases(alias_files, errors) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for path in alias_files:
        try:
            for name, names in load_alias_file(path).items():
                merged.setdefault(name, []).extend(names)
        except IngestError as error:          # a line of an alias file that is not 'full name<TAB>aliases'
            errors.append(error)
    return merged
