"""list and count: the things a document lists — projects, units, the parts of an item — or how many.

    run(plan, ctx)     # '州政府办2024年一般公共预算都安排了哪些项目' -> the projects of 表7, each cited
    count(plan, ctx)   # '州政府办下设几个处室' -> 12, from the sentence that lists them

A unit named inside a document ('开发区第一中学承担了哪些项目') lists the projects
whose 项目承担单位 it is.
"""
from __future__ import annotations

import re

from ..compose import Draft, amount, who
from ..orgs import same_unit, unit_without_parent
from ..plan import Plan
from ..select import per_document
from . import lookup
from .common import figures, state

COUNTED = ('个', '项', '家')


def run(plan: Plan, ctx):
    if plan.subunit:
        return _projects_of_unit(plan, ctx)
    stated = _stated_list(plan, ctx)
    if stated is not None:
        return stated
    if '项目' in plan.question and not _named_project(plan):
        listed = _projects(plan, ctx)
        if listed is not None:
            return listed
    return lookup.run(plan, ctx)


def count(plan: Plan, ctx):
    ranked = [c for c in figures(plan) if c.entry.kind == 'fact' and c.entry.unit in COUNTED]
    if ranked:
        return lookup.run(plan, ctx)
    stated = _count_in_sentence(plan, ctx)
    if stated is not None:
        return stated
    if '项目' in plan.question:
        return _projects(plan, ctx)
    return None


def _count_in_sentence(plan: Plan, ctx):
    """'项目支出共计 290.85 万元，共计 8 个项目': a count stated in a sentence about the item asked."""
    words = [s.name for s in plan.reading.subject_spans if s.exact and len(s.name) >= 2]
    if not words:
        return None
    for e in plan.reading.catalogue.entries:
        if e.kind != 'fact' or e.fact.source != 'text' or e.unit not in COUNTED or e.aspect:
            continue
        line = ctx.lines(e.doc, e.line_start, e.line_end).replace(' ', '')
        if any(w in line for w in words):
            draft = Draft(ctx)
            draft.add(f'{who(e)}文件原文：“{line}”{draft.cite_fact(e.fact)}，其中写明{e.fact.row}{amount(e.fact)}。')
            return draft.finish(plan.question, str(e.fact.value), e.unit, 'facts')
    return None


def _named_project(plan: Plan) -> bool:
    return any(s.entry_ids and plan.reading.catalogue.entries[next(iter(s.entry_ids))].project
               for s in plan.reading.spans)


def _stated_list(plan: Plan, ctx):
    """A counted item whose sentence names its members ('下设 12 个处室，分别是：…')."""
    ranked = [c for c in figures(plan) if c.entry.kind == 'fact' and c.entry.unit in COUNTED]
    leads = per_document(ranked)
    if not leads:
        return None
    draft = Draft(ctx)
    for c in leads:
        f = c.entry.fact
        line = ctx.lines(f.doc, f.line_start, f.line_end)
        listing = re.search(r'(分别是|分别为|包括)[:：]?(.+?)(。|$)', line)
        state(draft, c.entry, plan, ctx, breakdown=False, explanation=False)
        if listing:
            draft.add(f'文件原文：“{line.strip()}”{draft.cite_fact(f)}')
    first = leads[0].entry
    return draft.finish(plan.question, str(first.fact.value), first.unit, 'facts')


def _projects(plan: Plan, ctx):
    """The projects each document lists: 表7 (一般公共预算), else its 绩效目标表, else its 情况说明."""
    draft = Draft(ctx)
    counts = []
    for d in plan.reading.docs:
        entries = [e for e in plan.reading.catalogue.entries if e.doc == d.doc and e.kind == 'fact' and e.project_total]
        for source in ((lambda e: e.table_no == 7), (lambda e: e.fact.source == 'table'), (lambda e: True)):
            chosen = _unique_projects([e for e in entries if source(e)])
            if chosen:
                break
        if not chosen:
            continue
        where = '表7' if chosen[0].table_no == 7 else (
            '项目支出绩效目标表' if chosen[0].fact.source == 'table' else '情况说明')
        listed = '；'.join(f'{i}、{e.fact.project}{amount(e.fact)}{draft.cite_fact(e.fact)}'
                          for i, e in enumerate(chosen, 1))
        draft.add(f'{who(chosen[0])}{where}列出{len(chosen)}个项目：{listed}。')
        counts.append(len(chosen))
    if not counts:
        return None
    single = len(counts) == 1
    return draft.finish(plan.question, str(counts[0]) if single else None, '个' if single else None, 'count')


def _unique_projects(entries):
    seen, out = set(), []
    for e in sorted(entries, key=lambda e: e.line_start):
        if e.fact.project not in seen:
            seen.add(e.fact.project)
            out.append(e)
    return out


def _projects_of_unit(plan: Plan, ctx):
    """Projects whose 项目承担单位 is the unit asked about."""
    unit = plan.subunit
    draft = Draft(ctx)
    items = []
    for d in plan.reading.docs:
        owners = [s for s in ctx.statements(d.doc, 'subunit') if s['text'].startswith('项目承担单位')]
        owners = [s for s in owners if same_unit(unit_without_parent(unit), s['subject'])
                  or same_unit(unit_without_parent(unit), s['text'])]
        paragraphs = [b for b in ctx.blocks(d.doc)
                      if b['kind'] in ('paragraph', 'heading') and '项目名称' in b['text'][:12]]
        for owner in owners:
            title = max((b for b in paragraphs if b['line_start'] < owner['line_start']), key=lambda b: b['line_start'],
                        default=None)
            if title is None:
                continue
            name = re.split(r'项目名称[:：]\s*', title['text'], maxsplit=1)[-1].strip()
            size = next((e for e in plan.reading.catalogue.entries if e.doc == d.doc and e.kind == 'fact'
                         and e.project_total and e.fact.source == 'text' and title['line_start'] <= e.line_start
                         and e.line_start <= owner['line_start'] + 12 and e.fact.item == '预算安排规模'), None)
            money = f'，{amount(size.fact)}{draft.cite_fact(size.fact)}' if size else ''
            items.append(f'{name}{money}{draft.cite_lines(d.doc, owner["line_start"], owner["line_end"])}')
    if not items:
        return None
    draft.add(f'{unit}承担的项目共{len(items)}个：' + '；'.join(f'{i}、{t}' for i, t in enumerate(items, 1)) + '。')
    return draft.finish(plan.question, str(len(items)), '个', 'count')
