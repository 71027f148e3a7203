"""Readers' 👍/👎 on answers, kept with the question, the plan, the answer and its citations, so the helpdesk can
review wrong answers and turn them into test questions.

    record(settings, answer, 'down', '年份错了')
    record_json(settings, answer.to_json(), 'up')      # an answer kept as JSON (the API's recent answers)
    export(settings, 'csv')       # python -m qa feedback --format csv
"""
from __future__ import annotations

import csv
import fcntl
import io
import json
from datetime import datetime, timezone

from errors import BadRating
from qa.models import Answer

RATINGS = ('up', 'down')
MAX_COMMENT = 2000


def record(settings, answer: Answer, rating: str, comment: str = '') -> dict:
    return record_json(settings, answer.to_json(), rating, comment)


def record_json(settings, answer: dict, rating: str, comment: str = '') -> dict:
    """The same, for an answer kept as its JSON (`Answer.to_json()`: the API keeps recent answers so)."""
    if rating not in RATINGS:
        raise BadRating(rating=rating, expected=', '.join(RATINGS))
    entry = {'at': datetime.now(timezone.utc).isoformat(timespec='seconds'), 'rating': rating,
             'comment': comment.strip()[:MAX_COMMENT], 'question': answer['question'], 'status': answer['status'],
             'answer': answer['answer'], 'value': answer['value'], 'unit': answer['unit'], 'plan': answer['plan'],
             'citations': answer['citations']}
    path = settings.feedback_file
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open('a', encoding='utf-8') as f:
        fcntl.flock(f, fcntl.LOCK_EX)          # several page sessions append at once
        f.write(json.dumps(entry, ensure_ascii=False) + '\n')
    return entry


def entries(settings) -> list[dict]:
    path = settings.feedback_file
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding='utf-8').splitlines() if line.strip()]


CSV_COLUMNS = ('at', 'rating', 'comment', 'question', 'status', 'value', 'unit', 'understood', 'answer', 'sources')


def export(settings, fmt: str = 'csv') -> str:
    rows = entries(settings)
    if fmt == 'jsonl':
        return ''.join(json.dumps(r, ensure_ascii=False) + '\n' for r in rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS)
    writer.writeheader()
    for r in rows:
        writer.writerow({**{k: r.get(k) for k in CSV_COLUMNS if k in r},
                         'understood': (r.get('plan') or {}).get('describe', ''),
                         'sources': '; '.join(f"{c['doc']}:{c['line_start']}-{c['line_end']}" for c in r['citations'])})
    return out.getvalue()
