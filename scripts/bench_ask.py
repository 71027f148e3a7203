"""`ask` latency over the dev questions with warm stores, split by how each was answered.

    .venv/bin/python scripts/bench_ask.py [--rounds 5]

Uses the default data directory (run `make run` or `python -m qa ingest data/samples` first).
Prints figures; asserts nothing. Target: p95 under 300 ms without a language model.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from qa.answer import answer  # noqa: E402
from service.cli import ready_context  # noqa: E402
from service.evaluation import load_gold  # noqa: E402
from settings import Settings  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(p * len(values))) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--gold', type=Path, default=REPO.parent / 'shared' / 'eval' / 'dev_questions.jsonl')
    args = parser.parse_args()
    started = time.perf_counter()
    ctx = ready_context(Settings.from_env())
    print(f'open stores, model and BM25   {time.perf_counter() - started:.2f}s')
    questions = [g['question'] for g in load_gold(args.gold)]
    for q in questions:            # warm caches
        answer(q, ctx)
    timings: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for q in questions:
            t = time.perf_counter()
            result = answer(q, ctx)
            kind = 'retrieval' if result.method == 'retrieval' else 'facts'
            timings.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
    for kind, values in sorted(timings.items()):
        print(f'{kind:10s} n={len(values):4d}  p50 {statistics.median(values):6.1f} ms  '
              f'p95 {percentile(values, 0.95):6.1f} ms')
    everything = [v for values in timings.values() for v in values]
    print(f'{"all":10s} n={len(everything):4d}  p50 {statistics.median(everything):6.1f} ms  '
          f'p95 {percentile(everything, 0.95):6.1f} ms')


if __name__ == '__main__':
    main()
