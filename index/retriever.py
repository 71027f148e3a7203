"""Hybrid search: BM25 over jieba tokens and vectors from Chroma, fused by reciprocal rank.

    search = HybridSearch.open(store, vector_store)
    hits = search.search('州政府办2024年三公经费', orgs=('…人民政府办公室',), years=(2024,), k=5)
    hits[0].doc, hits[0].line_start, hits[0].text

`HybridRetriever` is the same search behind langchain's `BaseRetriever`, so
it plugs into a runnable chain. Filters narrow by organisation, year and
table before ranking; a final rerank favours chunks that name the asked
year and the budget terms of the question.
"""
from __future__ import annotations

from dataclasses import dataclass

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from .bm25 import BUDGET_TERMS, BudgetTokenizer, KeywordIndex

RRF_K = 60
# tuned on the dev questions (scripts/bench_index.py reports the hit rates per weighting)
KEYWORD_WEIGHT = 1.0
VECTOR_WEIGHT = 1.0
CANDIDATES = 40


@dataclass(frozen=True)
class Hit:
    id: str
    doc: str
    org: str
    year: int
    kind: str
    table_no: int
    section: str
    line_start: int
    line_end: int
    text: str
    score: float

    def to_json(self) -> dict:
        return {'doc': self.doc, 'line_start': self.line_start, 'line_end': self.line_end,
                'table': self.table_no or None, 'section': self.section, 'score': round(self.score, 5),
                'text': self.text}


class HybridSearch:
    def __init__(self, chunks: list[dict], tokenizer: BudgetTokenizer, vector_store=None):
        self.chunks = {c['id']: c for c in chunks}
        self.keyword = KeywordIndex(tokenizer, [(c['id'], c['text']) for c in chunks])
        self.vectors = vector_store

    @classmethod
    def open(cls, store, vector_store=None) -> 'HybridSearch':
        chunks = store.chunks()
        words = set()
        for info in store.documents():
            words.update((info.org, info.org_key, *info.aliases))
        words.update(c['section'].split(' > ')[-1] for c in chunks if c['kind'] == 'table')
        return cls(chunks, BudgetTokenizer(sorted(words)), vector_store)

    def search(self, query: str, orgs=(), years=(), table: int | None = None, k: int = 5,
               boost: dict[tuple[str, int], float] | None = None) -> list[Hit]:
        """`boost`: (doc, line) -> weight, for lines the caller already knows matter (its matched facts)."""
        allowed = {cid for cid, c in self.chunks.items() if _passes(c, orgs, years, table)}
        if not allowed:
            return []
        fused: dict[str, float] = {}
        keyword = sorted(self.keyword.scores(query, allowed).items(), key=lambda kv: -kv[1])[:CANDIDATES]
        for rank, (cid, _) in enumerate(keyword):
            fused[cid] = fused.get(cid, 0.0) + KEYWORD_WEIGHT / (RRF_K + rank)
        for rank, cid in enumerate(self._vector_ids(query, orgs, years, table, allowed)):
            fused[cid] = fused.get(cid, 0.0) + VECTOR_WEIGHT / (RRF_K + rank)
        for cid, weight in _boosted(self.chunks, allowed, boost or {}).items():
            fused[cid] = fused.get(cid, 0.0) + weight
        reranked = {cid: score + _rerank_bonus(self.chunks[cid], query, years) for cid, score in fused.items()}
        best = sorted(reranked.items(), key=lambda kv: -kv[1])[:k]
        return [_hit(self.chunks[cid], score) for cid, score in best]

    def _vector_ids(self, query, orgs, years, table, allowed) -> list[str]:
        if self.vectors is None:
            return []
        where = _where(orgs, years, table)
        found = self.vectors.similarity_search_with_score(query, k=CANDIDATES, filter=where)
        return [doc.id for doc, _ in found if doc.id in allowed]


def _passes(chunk: dict, orgs, years, table) -> bool:
    return ((not orgs or chunk['org_key'] in orgs) and (not years or chunk['year'] in years)
            and (table is None or chunk['table_no'] == table))


def _where(orgs, years, table) -> dict | None:
    clauses = []
    if orgs:
        clauses.append({'org_key': {'$in': list(orgs)}})
    if years:
        clauses.append({'year': {'$in': list(years)}})
    if table is not None:
        clauses.append({'table_no': table})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {'$and': clauses}


def _boosted(chunks: dict, allowed: set[str], boost: dict[tuple[str, int], float]) -> dict[str, float]:
    out: dict[str, float] = {}
    if not boost:
        return out
    for cid in allowed:
        c = chunks[cid]
        weight = max((w for (doc, line), w in boost.items()
                      if doc == c['doc'] and c['line_start'] <= line <= c['line_end']), default=0.0)
        if weight:
            out[cid] = weight
    return out


def _rerank_bonus(chunk: dict, query: str, years) -> float:
    bonus = 0.0
    terms = [t for t in BUDGET_TERMS if len(t) >= 3 and t in query]
    bonus += 0.002 * sum(1 for t in terms if t in chunk['text'])
    if years and chunk['year'] in years:
        bonus += 0.001
    return bonus


def _hit(chunk: dict, score: float) -> Hit:
    return Hit(chunk['id'], chunk['doc'], chunk['org'], chunk['year'], chunk['kind'], chunk['table_no'],
               chunk['section'], chunk['line_start'], chunk['line_end'], chunk['text'], score)


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
