"""Measuring retrieval on gold questions: is an evidence line inside the top hit, the top k?

    gold = load_gold(Path('../shared/eval/dev_questions.jsonl'))
    rates = evidence_hit_rates(gold, lambda text: retrieve(text, ctx, k=5))
    rates['top1'], rates['top5'], rates['misses']
"""
from __future__ import annotations

import json
from pathlib import Path


def load_gold(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding='utf-8').splitlines() if line.strip()]


def covers(hit, evidence: list[dict], slack: int = 2) -> bool:
    return any(e['doc'] == hit.doc and hit.line_start - slack <= e['line'] <= hit.line_end + slack for e in evidence)


def evidence_hit_rates(gold: list[dict], search, k: int = 5) -> dict:
    answerable = [g for g in gold if g['category'] != 'unanswerable']
    top1 = topk = 0
    misses = []
    for g in answerable:
        hits = search(g['question'])[:k]
        first = bool(hits) and covers(hits[0], g['evidence'])
        anywhere = any(covers(h, g['evidence']) for h in hits)
        top1 += first
        topk += anywhere
        if not anywhere:
            misses.append(g['id'])
    n = len(answerable) or 1
    return {'questions': len(answerable), 'top1': top1 / n, f'top{k}': topk / n, 'misses': misses}
