"""Hybrid search: BM25 over jieba tokens and vectors from Chroma, fused by reciprocal rank.

    search = HybridSearch.open(store, vector_store)
    hits = search.search('三公经费', orgs=('…人民政府办公室',), years=(2024,), k=5)
    hits[0].doc, hits[0].line_start, hits[0].text    # the document's own lines

Candidates come from the store's FTS5 index and from Chroma, limited to the
documents of the asked organisations and years: a search reads what those
documents hold, whatever the size of the corpus.

The search follows the fact store's generation: when any process has written
a document since, the vector store is opened again (`reopen`), and a vector
query that still fails (an id another process removed) is answered from
keywords alone, with a warning in the log, never an error.

`HybridRetriever` is the same search behind langchain's `BaseRetriever`, so
it plugs into a runnable chain. Filters narrow by organisation, year and
table before ranking; a final rerank favours chunks that name the asked
year and the budget terms of the question.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from chromadb.errors import ChromaError

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from .bm25 import BudgetTokenizer, budget_terms
from .store_rows import ChunkRow

RRF_K = 60
# tuned on the dev questions (scripts/bench_index.py reports the hit rates per weighting)
KEYWORD_WEIGHT = 1.0
VECTOR_WEIGHT = 1.0
CANDIDATES = 40
log = logging.getLogger('budgetqa')


@dataclass(frozen=True)
class Hit(ChunkRow):
    """A chunk found for a question: the text of its lines as printed, and its fused score."""
    text: str
    score: float

    @property
    def id(self) -> str:
        return self.key

    def to_json(self) -> dict:
        return {'doc': self.doc, 'line_start': self.line_start, 'line_end': self.line_end,
                'table': self.table_no or None, 'section': self.section, 'score': round(self.score, 5),
                'text': self.text}


class HybridSearch:
    """Keyword (SQLite FTS5) and vector candidates of the asked documents, fused; nothing held in memory."""

    def __init__(self, store, tokenizer: BudgetTokenizer, vector_store=None, reopen=None):
        self.store = store
        self.tokenizer = tokenizer
        self.vectors = vector_store
        self.reopen = reopen                     # () -> the vector store as it is on disk now
        self.generation = store.generation()

    @classmethod
    def open(cls, store, vector_store=None, reopen=None) -> 'HybridSearch':
        return cls(store, BudgetTokenizer(), vector_store, reopen)

    def follow(self) -> None:
        """Open the vector store again if any process wrote a document since it was opened."""
        generation = self.store.generation()
        if generation != self.generation and self.reopen is not None:
            self.vectors = self.reopen()
        self.generation = generation

    def search(self, query: str, orgs=(), years=(), table: int | None = None, k: int = 5,
               boost: dict[tuple[str, int], float] | None = None) -> list[Hit]:
        """`boost`: (doc, line) -> weight, for lines the caller already knows matter (its matched facts)."""
        docs = self.store.docs_of(orgs, years) if orgs or years else None
        if docs == []:
            return []
        self.follow()
        rows: dict[str, object] = {}
        fused: dict[str, float] = {}
        tokens = self.tokenizer.tokens(query)
        for rank, (chunk, _) in enumerate(self.store.keyword_search(tokens, docs, table, CANDIDATES)):
            rows[chunk.key] = chunk
            fused[chunk.key] = fused.get(chunk.key, 0.0) + KEYWORD_WEIGHT / (RRF_K + rank)
        vector_keys = self._vector_keys(query, docs, table)
        rows.update(self.store.chunks_by_key([key for key in vector_keys if key not in rows]))
        for rank, key in enumerate(key for key in vector_keys if key in rows):
            fused[key] = fused.get(key, 0.0) + VECTOR_WEIGHT / (RRF_K + rank)
        for chunk, weight in self._boosted(boost or {}, docs, table):
            rows.setdefault(chunk.key, chunk)
            fused[chunk.key] = fused.get(chunk.key, 0.0) + weight
        reranked = {key: score + _rerank_bonus(rows[key], query, years) for key, score in fused.items()}
        best = sorted(reranked.items(), key=lambda kv: -kv[1])[:k]
        return [self._hit(rows[key], score) for key, score in best]

    def _vector_keys(self, query, docs, table) -> list[str]:
        if self.vectors is None:
            return []
        try:
            found = self.vectors.similarity_search_with_score(query, k=CANDIDATES, filter=_where(docs, table))
        except ChromaError as error:         # e.g. 'Error finding id': an id removed behind this handle's back
            log.warning('vector search failed (%s); answering from keywords and reopening the vectors', error)
            if self.reopen is not None:
                self.vectors = self.reopen()
            return []
        return [doc.id for doc, _ in found]

    def _boosted(self, boost: dict[tuple[str, int], float], docs, table):
        by_doc: dict[str, dict[int, float]] = {}
        for (doc, line), weight in boost.items():
            if docs is None or doc in docs:
                by_doc.setdefault(doc, {})[line] = weight
        for doc, lines in by_doc.items():
            for chunk in self.store.chunks_covering(doc, list(lines)):
                if table is None or chunk.table_no == table:
                    yield chunk, max(w for n, w in lines.items() if chunk.line_start <= n <= chunk.line_end)

    def _hit(self, chunk, score: float) -> Hit:
        text = ' '.join(t.strip() for _, t in self.store.line_text(chunk.doc, chunk.line_start, chunk.line_end))
        return Hit(**vars(chunk), text=text, score=score)


def _where(docs, table) -> dict | None:
    clauses = []
    if docs is not None:
        clauses.append({'doc': {'$in': list(docs)}})
    if table is not None:
        clauses.append({'table_no': table})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {'$and': clauses}


def _rerank_bonus(chunk, query: str, years) -> float:
    bonus = 0.0
    terms = [t for t in budget_terms() if len(t) >= 3 and t in query]
    text = chunk.embed_text
    bonus += 0.002 * sum(1 for t in terms if t in text)
    if years and chunk.year in years:
        bonus += 0.001
    return bonus


class HybridRetriever(BaseRetriever):
    """The hybrid search as a langchain retriever; filters are fields of the retriever."""

    search_engine: object
    orgs: tuple = ()
    years: tuple = ()
    table: int | None = None
    k: int = 5

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = self.search_engine.search(query, self.orgs, self.years, self.table, self.k)
        return [Document(page_content=h.text, id=h.id, metadata=h.to_json()) for h in hits]
