"""rank: organisations by one item, or the rows of a table under one item, largest (or smallest) first.

    run(plan, ctx)   # '2024年哪个单位三公经费最多' -> each organisation's figure, ordered
                     # '上年结转结余最大一笔是什么' -> the rows of 表11, ordered

Several organisations in scope: one figure each (its latest year unless a year
is asked). One organisation: the rows of the table the item's figure stands
in, the most detailed rows only.
"""
from __future__ import annotations

import re

from ..compose import Draft, amount, subject_phrase, who
from ..plan import Plan
from .common import figures

LOWEST = re.compile(r'(最少|最低|最小|倒数)')
PROJECTS = re.compile(r'(哪个项目|哪项项目|哪些项目|项目中|项目里)')


def run(plan: Plan, ctx):
    ranked = [c for c in figures(plan) if c.entry.kind == 'fact']
    if not ranked:
        return None
    orgs = {c.entry.org for c in ranked}
    if len(orgs) >= 2:
        return _organisations(plan, ranked, ctx)
    if PROJECTS.search(plan.question):
        return _projects(plan, ranked[0].entry, ctx)
    return _rows(plan, ranked[0].entry, ctx)


def _projects(plan: Plan, lead, ctx):
    """'项目支出里最多的是哪个项目': the projects of the document by their own budget, one figure each."""
    seen, entries = set(), []
    totals = sorted((e for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == lead.doc
                     and e.project_total), key=lambda e: (e.table_no != 7, e.fact.source != 'table', e.line_start))
    for e in totals:
        if e.fact.project not in seen:
            seen.add(e.fact.project)
            entries.append(e)
    if len(entries) < 2:
        return None
    lowest = LOWEST.search(plan.question) is not None
    entries.sort(key=lambda e: e.fact.value, reverse=not lowest)
    draft = Draft(ctx)
    listed = '；'.join(f'{i}、{e.fact.project}{amount(e.fact)}{draft.cite_fact(e.fact)}' for i, e in enumerate(entries[:10], 1))
    draft.add(f'{who(lead)}各项目按预算{"从低到高" if lowest else "从高到低"}：{listed}。')
    if len(entries) > 10:
        draft.add(f'（共{len(entries)}个项目，只列前10个。）')
    first = entries[0]
    return draft.finish(plan.question, str(first.fact.value), first.unit, 'computation')


def _organisations(plan: Plan, ranked, ctx):
    best = ranked[0].score
    latest = {}
    for c in ranked:
        if c.score < best - 1.0:
            continue
        key = c.entry.org.replace('中共', '')
        seen = latest.get(key)
        if seen is None or (c.entry.year or 0) > (seen.year or 0):
            latest[key] = c.entry
    rows = sorted(latest.values(), key=lambda e: e.fact.value, reverse=not LOWEST.search(plan.question))
    draft = Draft(ctx)
    order = '从低到高' if LOWEST.search(plan.question) else '从高到低'
    listed = '；'.join(f'{i}、{e.org}（{e.year}年）{amount(e.fact)}{draft.cite_fact(e.fact)}' for i, e in enumerate(rows, 1))
    draft.add(f'{subject_phrase(rows[0])}按已载入文件{order}排序（各单位取{"所问年份" if plan.years else "最新年份"}）：{listed}。')
    if len({e.year for e in rows}) > 1:
        draft.warn('different_years')
        draft.add('注意：各单位文件的年份不同。')
    return draft.finish(plan.question, str(rows[0].fact.value), rows[0].unit, 'computation')


def _rows(plan: Plan, lead, ctx):
    """The most detailed rows of the lead's table (and column) in its document, ordered."""
    entries = [e for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == lead.doc
               and e.table_no == lead.table_no and e.fact.source == lead.fact.source and e.unit == lead.unit
               and e.fact.column == lead.fact.column and e is not lead and not _is_total(e)]
    if lead.fact.row_code is not None and lead.fact.row_code:
        entries = [e for e in entries if e.fact.row_code.startswith(lead.fact.row_code)]
    codes = {e.fact.row_code for e in entries if e.fact.row_code}
    entries = [e for e in entries if not any(c != e.fact.row_code and c.startswith(e.fact.row_code) for c in codes if e.fact.row_code)]
    if lead.table_no is None or len(entries) < 2:
        return None
    lowest = LOWEST.search(plan.question) is not None
    entries.sort(key=lambda e: e.fact.value, reverse=not lowest)
    draft = Draft(ctx)
    listed = '；'.join(f'{i}、{_label(e)}{amount(e.fact)}{draft.cite_fact(e.fact)}' for i, e in enumerate(entries[:10], 1))
    draft.add(f'{who(lead)}{subject_phrase(lead)}{amount(lead.fact)}{draft.cite_fact(lead.fact)}，'
              f'表{lead.table_no}所列各项{"从低到高" if lowest else "从高到低"}：{listed}。')
    first = entries[0]
    return draft.finish(plan.question, str(first.fact.value), first.unit, 'computation')


def _is_total(e) -> bool:
    return bool(re.fullmatch(r'(合计|总计|小计|收入总计|支出总计)', e.fact.row or ''))


def _label(e) -> str:
    return e.fact.project or e.fact.row
