"""The real disclosures of ../shared/realdocs and their key figures as printed (keyfacts.jsonl).

    files = realdocs_files()                       # [] where ../shared is absent
    keyfacts = load_keyfacts()                     # {file name: [keyfact dict, ...]}
    found, missing = match_keyfacts(doc.facts, doc.source.lines, keyfacts[path.name])

A key figure is stored when a fact of that file has its value as printed, its row as printed (a
printed row may be annotated by the reader, '一、财政拨款收入（收入总计单元格空白）': either text may
contain the other, spaces and quotes ignored) and its table title as printed (for a figure in the
prose, the keyfact names the heading it stands under: that heading is printed above the fact).
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / 'shared'
REALDOCS = SHARED / 'realdocs'


def realdocs_files() -> list[Path]:
    folder = REALDOCS / 'files'
    return sorted(folder.glob('*.pdf')) if folder.is_dir() else []


def load_keyfacts() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    path = REALDOCS / 'keyfacts.jsonl'
    if not path.exists():
        return out
    for line in path.read_text(encoding='utf-8').splitlines():
        if line.strip():
            row = json.loads(line)
            out.setdefault(row['file'], []).append(row)
    return out


def squash(text: str) -> str:
    return re.sub(r'[\s“”"‘’（）()、，,：:。/]', '', text or '')


def _row_matches(printed: str, fact, line_text: str) -> bool:
    want = squash(re.sub(r'[（(][^）)]*单元格[^）)]*[）)]', '', printed))
    if not want:
        return True
    got = [squash(fact.row), squash(fact.column)]
    if any(g and (g in want or want in g) for g in got):
        return True
    return fact.source == 'text' and want in line_text


def _title_matches(printed: str, fact, above: str) -> bool:
    want = squash(printed)
    if not want:
        return True
    if fact.source == 'table':
        title = squash(fact.table_title)
        return bool(title) and (want in title or title in want)
    return want in above


def match_keyfacts(facts, lines, keyfacts: list[dict]) -> tuple[list[dict], list[dict]]:
    """`facts` of one file and its `lines` (line 1 first): the key figures found among them, and those not."""
    found, missing = [], []
    for kf in keyfacts:
        if 'value' not in kf:
            continue
        value = Decimal(kf['value'])
        ok = False
        for fact in facts:
            if fact.value != value:
                continue
            line_text = squash(''.join(lines[fact.line_start - 1:fact.line_end + 1]))
            above = squash(''.join(lines[max(0, fact.line_start - 80):fact.line_end]))
            if _row_matches(kf.get('row', ''), fact, line_text) and _title_matches(kf.get('table', ''), fact, above):
                ok = True
                break
        (found if ok else missing).append(kf)
    return found, missing
