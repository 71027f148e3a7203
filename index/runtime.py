"""Opening the stores from settings: the one place that knows how they fit together.

    store, vectors, search = open_index(settings)
"""
from __future__ import annotations

from .embeddings import make_embeddings
from errors import ReadOnly

from .facts_store import FactStore
from .retriever import HybridSearch
from .vectors import fresh_vector_store, open_vector_store


def open_vectors(settings):
    embeddings = make_embeddings(settings.embedding, settings.embedding_cache_path)
    return open_vector_store(settings, embeddings)


def reopen_vectors(settings):
    """The vector store read again from disk: what another process wrote is seen, what it removed is gone."""
    embeddings = make_embeddings(settings.embedding, settings.embedding_cache_path)
    return fresh_vector_store(settings, embeddings)


def open_index(settings, with_vectors: bool = True):
    """On a read-only data directory the embedded vector store cannot open (it writes as it opens): answers then
    come from facts and the keyword index; a Chroma server is still used."""
    store = FactStore(settings.facts_db)
    usable = with_vectors and (not store.read_only or settings.chroma_host)
    vectors = open_vectors(settings) if usable else None
    reopen = (lambda: reopen_vectors(settings)) if usable else None
    return store, vectors, HybridSearch.open(store, vectors, reopen)


def writable_store(settings) -> FactStore:
    """The fact store for a command that changes it: a clear refusal on a read-only data directory."""
    store = FactStore(settings.facts_db)
    if store.read_only:
        raise ReadOnly(folder=str(settings.data_dir))
    return store
