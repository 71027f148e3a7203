"""define: a 名词解释 entry, quoted from each document that defines it; different wordings are told apart.

    run(plan, ctx)   # '项目支出是什么意思' -> the glossary entry, with its lines

Definitions carry no figures. When documents of different years word a term
differently, the answer quotes each and says so.
"""
from __future__ import annotations

from ..compose import Draft
from ..normalize import name_key
from ..plan import Plan
from ..select import candidates


def run(plan: Plan, ctx):
    ranked = candidates(plan.reading, lambda e: e.kind == 'definition')
    if not ranked:
        return _inside_other_entries(plan, ctx)
    best = ranked[0].score
    chosen = [c.entry for c in ranked if c.score >= best - 0.01]
    wordings: dict[str, list] = {}
    for e in chosen:
        wordings.setdefault(name_key(e.statement['text']), []).append(e)
    draft = Draft(ctx)
    groups = sorted(wordings.values(), key=lambda es: -max(e.year or 0 for e in es))
    for i, entries in enumerate(groups):
        e = entries[0]
        cites = ''.join(draft.cite_entry(x) for x in entries[:6])
        years = '、'.join(sorted({f'{x.year}年' for x in entries if x.year}))
        label = f'（{years}文件的名词解释）' if len(groups) > 1 else ''
        draft.add(f'{"另：" if i else ""}{e.statement["text"]}{label}{cites}')
    if len(groups) > 1:
        draft.add('（不同年份的文件对这一名词的表述不同。）')
    return draft.finish(plan.question, None, None, 'facts')


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
