"""The vector store made to hold exactly the chunks the fact store holds (SQLite is the record, vectors derive).

    sync_vectors(store, vectors, docs=['002_220f206dadf5e393.txt'])   # {'added': 245, 'removed': 0, 'seconds': 9.1}
    sync_vectors(store, vectors, removed=['002_220f206dadf5e393.txt'])
    vectors_count(vectors) == store.chunk_count()                      # True once synced
"""
from __future__ import annotations

import time
from typing import Callable

from .facts_store import FactStore
from .vectors import stored_ids

EMBED_BATCH = 256


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
