"""define: a 名词解释 entry, quoted from each document that defines it; different wordings are told apart.

    run(plan, ctx)   # '项目支出是什么意思' -> the glossary entry, with its lines, and which documents word it how
    run(plan, ctx)   # '克州工信局2025年“机关运行经费”的口径和2024年有什么不同' -> both wordings and what changed

Definitions carry no figures and need no organisation: a question that names
none reads the glossaries of every loaded document. Wordings that differ only
in punctuation or spacing are one wording; where documents word a term
differently, each wording is quoted with the documents that print it, and the
words that changed between two wordings are named.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher

from ..compose import Draft
from ..normalize import name_key, normalise
from ..plan import Plan
from ..select import candidates

GAP = 4          # differences closer than this many equal characters are one difference
SHOWN = 3        # more differences than this, and the wordings are quoted without naming each


def run(plan: Plan, ctx):
    ranked = candidates(plan.reading, lambda e: e.kind == 'definition')
    if not ranked:
        return _inside_other_entries(plan, ctx)
    best = ranked[0].score
    chosen = [c.entry for c in ranked if c.score >= best - 0.01]
    wordings: dict[str, list] = {}
    for e in chosen:
        wordings.setdefault(wording_key(e.statement['text']), []).append(e)
    groups = sorted(wordings.values(), key=lambda es: -max(e.year or 0 for e in es))
    draft = Draft(ctx)
    names = ctx.short_names()
    for i, entries in enumerate(groups):
        e = entries[0]
        cites = ''.join(draft.cite_entry(x) for x in entries[:6])
        label = f'（{_documents(entries, names)}的名词解释）' if len(groups) > 1 else ''
        draft.add(f'{"另：" if i else ""}{e.statement["text"]}{label}{cites}')
    docs = {e.doc for e in chosen}
    if len(groups) == 1 and len(docs) > 1:
        draft.add(f'（{_documents(chosen, names)}的名词解释表述相同。）')
    if len(groups) == 2:
        draft.add(_difference(groups[0], groups[1], names))
    elif len(groups) > 2:
        draft.add('（各文件对这一名词的表述不同，见上。）')
    return draft.finish(plan.question, None, None, 'facts')


def wording_key(text: str) -> str:
    """A definition's words without punctuation, spaces or the width of its colon: what tells two wordings apart."""
    return re.sub(r'[^\w]', '', name_key(normalise(text)))


def _documents(entries, names: dict[str, str]) -> str:
    seen = dict.fromkeys(f'{names.get(e.org, e.org)}{e.year or ""}年' for e in entries)
    return '、'.join(seen)


def _difference(newer: list, older: list, names: dict[str, str]) -> str:
    a, b = _body(newer[0].statement['text']), _body(older[0].statement['text'])
    spans = differences(a, b)
    first, second = _documents(newer, names), _documents(older, names)
    if not spans or len(spans) > SHOWN:
        return f'（{first}与{second}的文件对这一名词的表述不同。）'
    said = '；'.join(f'{first}写“{x or "（无）"}”，{second}写“{y or "（无）"}”' for x, y in spans)
    return f'区别：{said}。'


def differences(a: str, b: str) -> list[tuple[str, str]]:
    """The stretches where two wordings differ, neighbouring ones joined: [('行政单位（含…）', '各单位')]."""
    ops = [op for op in SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != 'equal']
    merged: list[list[int]] = []
    for _, i1, i2, j1, j2 in ops:
        if merged and i1 - merged[-1][1] < GAP and j1 - merged[-1][3] < GAP:
            merged[-1][1], merged[-1][3] = i2, j2
        else:
            merged.append([i1, i2, j1, j2])
    out = []
    for i1, i2, j1, j2 in merged:
        x, y = _widen(a, i1, i2), _widen(b, j1, j2)
        if re.sub(r'[^\w]', '', x) != re.sub(r'[^\w]', '', y):
            out.append((x, y))
    return out


def _widen(text: str, start: int, end: int) -> str:
    return text[start:end].strip('，。；、:：')


def _body(text: str) -> str:
    return re.split(r'[:：]', text, maxsplit=1)[-1].strip()


def _inside_other_entries(plan: Plan, ctx):
    """A term the glossary does not define on its own but explains inside another entry."""
    words = [s.name for s in plan.reading.subject_spans if len(s.name) >= 2]
    entries = [e for e in plan.reading.catalogue.entries if e.kind == 'definition']
    for word in words:
        found = [e for e in entries if word in name_key(e.statement['text'])]
        if found:
            draft = Draft(ctx)
            e = found[0]
            draft.add(f'名词解释中没有单列“{word}”，相关条目：{e.statement["text"]}{draft.cite_entry(e)}')
            return draft.finish(plan.question, None, None, 'facts')
    return None
