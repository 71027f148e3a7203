"""Opening the stores from settings: the one place that knows how they fit together.

    store, vectors, search = open_index(settings)
"""
from __future__ import annotations

from .embeddings import make_embeddings
from .facts_store import FactStore
from .retriever import HybridSearch
from .vectors import open_vector_store


def open_vectors(settings):
    embeddings = make_embeddings(settings.embedding, settings.embedding_cache_path)
    return open_vector_store(settings, embeddings)


def open_index(settings, with_vectors: bool = True):
    store = FactStore(settings.facts_db)
    vectors = open_vectors(settings) if with_vectors else None
    return store, vectors, HybridSearch.open(store, vectors)
