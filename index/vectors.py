"""The vector store: embedded Chroma in the data directory, or a Chroma server by configuration.

    store = open_vector_store(settings, embeddings)   # BUDGETQA_CHROMA_HOST/PORT select a server
    store.add_texts(texts, metadatas, ids)
    store.similarity_search_with_score('三公经费', k=5, filter={'org_key': '…'})

An embedded Chroma keeps its index in memory: when another process changed the
vectors, `fresh_vector_store` opens them again from disk (the search does so
whenever the fact store's generation moves).

Chroma is always given our embedding function, so it never falls back to its
own default model (which would be downloaded, and fails offline). Telemetry
is off.
"""
from __future__ import annotations

import hashlib

import chromadb
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

COLLECTION = 'budget_chunks'


def chroma_client(settings):
    client_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port or 8000,
                                   settings=client_settings)
    path = settings.data_dir / 'chroma'
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=client_settings)


def open_vector_store(settings, embeddings: Embeddings, client=None) -> Chroma:
    model = getattr(embeddings, 'name', type(embeddings).__name__)
    # one collection per embedding model: vectors of two models never mix
    name = f'{COLLECTION}_{abs(hash_name(model)) % 10 ** 8}'
    return Chroma(collection_name=name, embedding_function=embeddings, client=client or chroma_client(settings),
                  collection_metadata={'hnsw:space': 'cosine', 'model': model})


def fresh_vector_store(settings, embeddings: Embeddings) -> Chroma:
    """The vector store as it is on disk now: an embedded client of this process is not reused, since its
    in-memory index may keep ids another process removed (a server is always current)."""
    if not settings.chroma_host:
        stale = str(settings.data_dir / 'chroma')          # chroma keys an embedded system by its directory
        SharedSystemClient._identifier_to_system.pop(stale, None)
        SharedSystemClient._identifier_to_refcount.pop(stale, None)
    return open_vector_store(settings, embeddings)


def hash_name(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


def stored_ids(store: Chroma) -> set[str]:
    ids: set[str] = set()
    offset = 0
    while True:
        batch = store.get(include=[], limit=5000, offset=offset)['ids']
        ids.update(batch)
        if len(batch) < 5000:
            return ids
        offset += len(batch)
