"""Opening the stores and the answering context: one function for the CLI, the API and the page.

    opened = open_context(settings)
    answer('州政府办2024年三公经费是多少', opened.ctx)       # the context answers, searches and lists documents
    opened.store, opened.vectors                            # what uploads and removals write to
    ingest_samples(settings)                                # the page's first run: the samples, into an empty store

The search engine follows the fact store's generation: when another process ingests or removes a document, the
next search reopens the vector store (index/runtime.py) and the context re-reads the document list (qa/context.py).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from index.facts_store import FactStore
from index.pipeline import IngestOptions, ingest_paths
from index.retriever import HybridSearch
from index.runtime import open_index, open_vectors
from qa.answer import Context
from qa.llm import chat_model


@dataclass(frozen=True)
class Opened:
    ctx: Context              # answers; ctx.search is engine.search
    store: FactStore
    vectors: object | None    # the vector store as opened (None on a read-only data directory)
    engine: HybridSearch      # keyword + vector search, reopening the vectors after another process wrote


def open_context(settings) -> Opened:
    store, vectors, engine = open_index(settings)
    ctx = Context.from_store(store, search=engine.search, llm=chat_model(settings))
    return Opened(ctx, store, vectors, engine)


def ingest_samples(settings) -> None:
    """The page's first run on an empty data directory: the sample disclosures, with their vectors."""
    store = FactStore(settings.facts_db)
    report = ingest_paths([settings.samples_dir], store, open_vectors(settings),
                          IngestOptions(settings.alias_files, settings=settings))
    for error in report.refused:
        logging.getLogger('budgetqa').warning('sample not loaded: %s', error)


__all__ = ['Opened', 'ingest_samples', 'open_context']
