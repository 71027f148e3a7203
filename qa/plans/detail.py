"""detail: what a project's description says (who carries it, on what basis, when, how it is divided),
or where a row's money comes from.

    run(plan, ctx)   # '开发区党建工作项目由谁承担' -> its '项目承担单位：…' line, quoted
                     # '州政府办政府楼搬迁改造费怎么分配' -> its budget and the figures its description lists

Which words ask for which line is data (data/vocabulary/project_fields.tsv).
"""
from __future__ import annotations

import re
from functools import lru_cache

from ingest.vocabulary import vocabulary_table

from ..checknotes import failed_checks
from ..compose import Draft, amount, who
from ..normalize import name_key, normalise
from ..plan import Plan
from ..select import per_document
from .common import figures, state
from .per_person import standard_times_quantity

SOURCE_TABLE = 2


@lru_cache(maxsize=1)
def fields() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((head, tuple(sorted((normalise(w) for w in words), key=len, reverse=True)))
                 for head, words in vocabulary_table('project_fields'))


def asked_field(text: str) -> str:
    found = [(max(len(w) for w in words if w in text), head) for head, words in fields() if any(w in text for w in words)]
    return max(found)[1] if found else ''


def run(plan: Plan, ctx):
    field = asked_field(plan.question)
    project = _project(plan)
    if project is not None:
        if field in ('项目承担单位', '设立的政策依据', '资金执行时间'):
            return _project_line(plan, project, field, ctx)
        return _project_breakdown(plan, project, ctx)
    if field == '资金来源':
        return _sources(plan, ctx)
    return None


def _project(plan: Plan):
    """The project entry (its own budget figure) the question names best."""
    ranked = [c for c in figures(plan) if c.entry.kind == 'fact' and c.entry.project_total]
    return ranked[0].entry if ranked else None


def _project_line(plan: Plan, project, field: str, ctx):
    blocks = [b for b in ctx.blocks(project.doc) if b['kind'] in ('paragraph', 'heading')]
    titles = [b for b in blocks if '项目名称' in b['text'][:12]]
    wanted = name_key(project.project)
    title = max(titles, key=lambda b: _shared(wanted, name_key(b['text'])), default=None)
    if title is None or _shared(wanted, name_key(title['text'])) < 4:
        return None
    following = [b['line_start'] for b in titles if b['line_start'] > title['line_start']]
    stop = min(following, default=title['line_start'] + 40)
    line = next((b for b in blocks if title['line_start'] < b['line_start'] < stop
                 and re.sub(r'\s', '', b['text']).startswith(field)), None)
    if line is None:
        return None
    draft = Draft(ctx)
    name = title['text'].split('：', 1)[-1].split(':', 1)[-1].strip()
    draft.add(f'{who(project)}“{name}”{draft.cite_lines(project.doc, title["line_start"], title["line_end"])}：'
              f'“{line["text"].strip()}”{draft.cite_lines(project.doc, line["line_start"], line["line_end"])}')
    return draft.finish(plan.question, None, None, 'facts')


def _project_breakdown(plan: Plan, project, ctx):
    """The project's budget and the figures its description lists."""
    draft = Draft(ctx)
    state(draft, project, plan, ctx, breakdown=False, explanation=False)
    own = [e for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == project.doc
           and e.fact.source == 'text' and not e.project_total and name_key(e.project) == name_key(project.project)
           and e.aspect == '']
    if own:
        draft.add('文件所列：' + '；'.join(f'{e.fact.row}{amount(e.fact)}{draft.cite_fact(e.fact)}' for e in own[:8]) + '。')
        standard_times_quantity(draft, project, own)
        failed_checks(draft, [e.fact for e in own])      # the listed parts against the project's own total
    return draft.finish(plan.question, str(project.fact.value), project.unit, 'facts')


def _sources(plan: Plan, ctx):
    """Where a row's money comes from: its non-zero columns in the 收入 table."""
    ranked = [c for c in figures(plan) if c.entry.kind == 'fact' and c.entry.fact.source == 'table']
    leads = per_document(ranked)
    if not leads:
        return None
    lead = leads[0].entry
    sources = [e for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == lead.doc
               and e.table_no == SOURCE_TABLE and e.fact.row_code == lead.fact.row_code and lead.fact.row_code
               and e.aspect and e.fact.value != 0]
    if not sources:
        return None
    draft = Draft(ctx)
    state(draft, lead, plan, ctx, breakdown=False, explanation=False)
    listed = '，'.join(f'{e.fact.column}{amount(e.fact)}{draft.cite_fact(e.fact)}' for e in sources)
    draft.add(f'资金来源（表{SOURCE_TABLE}）：{listed}。')
    return draft.finish(plan.question, str(lead.fact.value), lead.unit, 'facts')


def _shared(a: str, b: str) -> int:
    from ..catalogue import longest_common_run
    return len(longest_common_run(a, b)[0])
