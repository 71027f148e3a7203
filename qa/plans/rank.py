"""rank: disclosures by one item, or the rows of a table under one item, largest (or smallest) first.

    run(plan, ctx)   # '这几份预算公开里，谁的政府采购预算最多' -> every loaded organisation-year's figure, ordered
                     # '库尔勒开发区2024年哪一类支出最多' -> the 类 rows (3-digit codes) of 表1 收支总表, ordered
                     # '上年结转结余最大一笔是什么' -> the rows of 表11, ordered

Several organisations in scope: one figure per disclosure (organisation-year;
only the asked year's when a year is asked), and the disclosures that leave the
item as an unfilled template named as not comparable. One organisation: the
rows of the table the item's figure stands in at the level asked
(qa/plans/levels.py; the finest rows unless the question names 类 or 款), or of
the table about the item (基本支出 -> its 基本支出 table). '前三' lists three.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from ingest.numbers import format_amount
from ingest.vocabulary import vocabulary_table
from ingest.text import squash

from ..catalogue import part_words
from ..label_match import canonical, names_for
from ..compose import Draft, amount, subject_phrase, unnumbered, who
from ..plan import Plan
from ..select import per_document
from .common import figures
from .levels import CODE_LENGTH, at_level, chinese_number, complete, level_asked, limit_asked, rolled_up

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
    listed = '；'.join(f'{i}、{e.fact.project}{amount(e.fact)}{draft.cite_fact(e.fact)}'
                       for i, e in enumerate(entries[:10], 1))
    draft.add(f'{who(lead)}各项目按预算{"从低到高" if lowest else "从高到低"}：{listed}。')
    if len(entries) > 10:
        draft.add(f'（共{len(entries)}个项目，只列前10个。）')
    first = entries[0]
    return draft.finish(plan.question, str(first.fact.value), first.unit, 'computation')


def _organisations(plan: Plan, ranked, ctx):
    """Every disclosure in scope (each organisation-year) by its figure; those that print the item only as an
    unfilled template are named as not comparable."""
    rows = [c.entry for c in per_document(ranked)]
    if len({e.unit for e in rows}) > 1:
        unit = rows[0].unit
        rows = [e for e in rows if e.unit == unit]
    lowest = LOWEST.search(plan.question) is not None
    rows.sort(key=lambda e: e.fact.value, reverse=not lowest)
    limit = limit_asked(plan.question) or len(rows)
    draft = Draft(ctx)
    order = '从低到高' if lowest else '从高到低'
    listed = '；'.join(f'{i}、{e.org}（{e.year}年）{amount(e.fact)}{_as_of(e)}{draft.cite_fact(e.fact)}'
                      for i, e in enumerate(rows[:limit], 1))
    draft.add(f'{_item_name(rows[0])}按已载入的{chinese_number(len(rows))}份预算公开{order}排序'
              f'{_first(limit, rows)}：{listed}。')
    _templates(plan, rows, draft, ctx)
    if len({e.year for e in rows}) > 1:
        draft.warn('different_years')
        draft.add('注意：各文件的年份不同。')
    return draft.finish(plan.question, str(rows[0].fact.value), rows[0].unit, 'computation')


def _templates(plan: Plan, rows: list, draft: Draft, ctx) -> None:
    """The documents in scope without the figure whose prose leaves it as template text ('政府采购预算 万元')."""
    have = {e.doc for e in rows}
    names = sorted((n for n in names_for(rows[0].subject) if len(n) >= 2), key=len, reverse=True)
    for d in plan.reading.docs:
        if d.doc in have:
            continue
        best = None
        for st in ctx.statements(d.doc, 'template_unfilled'):
            fragment, text = squash(st['subject']), squash(st['text'])
            fit = next(((n in fragment, len(n)) for n in names if n in text), None)
            if fit is not None and (best is None or fit > best[0]):
                best = (fit, st)
        if best is not None:
            st = best[1]
            draft.warn('template_unfilled')
            draft.add(f'{d.org}（{d.year}年）的这一项是未填写的模板，没有数字，无法比较：'
                      f'“{st["text"][:60]}”{draft.cite_lines(d.doc, st["line_start"], st["line_end"])}。')


def _item_name(e) -> str:
    return subject_phrase(e) if not _as_of(e) else e.subject


def _as_of(e) -> str:
    """'（截至2023年底）': the date a count or value is stated at, which differs between documents."""
    m = re.search(r'（截至[^）]*）', e.fact.column)
    return m.group(0) if m else ''


def _rows(plan: Plan, lead, ctx):
    """The rows of the lead's table (and column) in its document at the level asked, ordered: the finest rows
    unless the question names 类 or 款; the table about the item (基本支出 -> 表6) where there is one."""
    if lead.table_no is None:
        return None
    level = level_asked(plan.question)
    lead = _table_about(plan, lead)
    entries = _table_rows(plan, lead)
    rows = at_level(entries, level)
    if level in CODE_LENGTH and not lead.fact.row_code and not complete(rows, entries, level):
        other = _printing_table(plan, lead, level)
        if other is not None:
            lead, rows = other
        else:
            return _rolled(plan, lead, level, entries, ctx)
    if len(rows) < 2:
        return None
    lowest = LOWEST.search(plan.question) is not None
    rows.sort(key=lambda e: e.fact.value, reverse=not lowest)
    limit = limit_asked(plan.question) or 10
    draft = Draft(ctx)
    names = _blank_labels(plan, lead) if level else {}
    listed = '；'.join(f'{i}、{names.get(e.fact.row_code) or _label(e)}{amount(e.fact)}{draft.cite_fact(e.fact)}'
                      for i, e in enumerate(rows[:limit], 1))
    draft.add(f'{who(lead)}{subject_phrase(lead)}{amount(lead.fact)}{draft.cite_fact(lead.fact)}，'
              f'按表{lead.table_no}{lead.fact.table_title}{_included(plan, lead, draft)}，'
              f'{f"各{level}" if level else "所列各项"}{"从低到高" if lowest else "从高到低"}'
              f'{_first(limit, rows)}：{listed}。')
    first = rows[0]
    return draft.finish(plan.question, str(first.fact.value), first.unit, 'computation')


def _table_rows(plan: Plan, lead) -> list:
    """The rows of the lead's table and column, under the lead's row when it is a row."""
    entries = [e for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == lead.doc
               and e.table_no == lead.table_no and e.fact.source == lead.fact.source and e.unit == lead.unit
               and e.fact.column == lead.fact.column and e is not lead and not _is_total(e)]
    if lead.fact.row_code:
        entries = [e for e in entries if e.fact.row_code.startswith(lead.fact.row_code)]
    return entries


def _table_about(plan: Plan, lead):
    """'基本支出的明细科目': the total of the table that is about the item (一般公共预算基本支出情况表), not the
    item's column of the all-funds table."""
    if lead.part or canonical(lead.subject) not in {canonical(h) for h, _ in part_words()}:
        return lead
    totals = [e for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == lead.doc and e.table_no
              and e.fact.source == 'table' and canonical(e.part) == canonical(lead.subject) and _is_total(e)
              and e.aspect == '' and e.unit == lead.unit]
    coded = {e.table_no for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == lead.doc
             and e.fact.row_code}
    totals = [e for e in totals if e.table_no in coded]
    return min(totals, key=lambda e: (e.table_no, e.line_start)) if totals else lead


def _printing_table(plan: Plan, lead, level: str):
    """Another table of the document that prints the rows of the level, with figures adding up to the lead's
    total (表1 收支总表 where 表3 prints its 类 rows blank): (its total, the rows)."""
    length = CODE_LENGTH[level]
    by_table: dict[tuple, list] = {}
    for e in plan.reading.catalogue.entries:
        if e.kind == 'fact' and e.doc == lead.doc and e.table_no and e.table_no != lead.table_no \
                and e.fact.source == 'table' and e.unit == lead.unit and len(e.fact.row_code or '') == length:
            by_table.setdefault((e.table_no, e.fact.column), []).append(e)
    for (table, column), rows in sorted(by_table.items(), key=lambda kv: kv[0][0]):
        total = sum((e.fact.value for e in rows), Decimal(0))
        if abs(total - lead.fact.value) <= Decimal('0.01') * len(rows):
            heads = [e for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == lead.doc
                     and e.table_no == table and e.fact.column == column and _is_total(e)
                     and e.fact.value == lead.fact.value]
            heads.sort(key=lambda e: canonical(lead.subject) not in e.fact.row)   # 支出总计 before 收入总计
            return (heads[0] if heads else lead), rows
    return None


def _rolled(plan: Plan, lead, level: str, entries: list, ctx):
    """Rows of the level printed blank: each as the sum of its printed rows, labelled computed, parts cited."""
    groups = rolled_up(entries, level, _blank_labels(plan, lead))
    if len(groups) < 2:
        return None
    lowest = LOWEST.search(plan.question) is not None
    groups.sort(key=lambda g: g.value, reverse=not lowest)
    limit = limit_asked(plan.question) or 10
    draft = Draft(ctx)
    listed = []
    for i, g in enumerate(groups[:limit], 1):
        cites = ''.join(draft.cite_fact(e.fact) for e in g.parts)
        formula = ' + '.join(format_amount(e.fact.value) for e in g.parts) if len(g.parts) <= 6 else \
            f'其下{chinese_number(len(g.parts))}行相加'
        how = (f'其下只有{_label(g.parts[0])}一行' if len(g.parts) == 1
               else f'计算：{formula} = {format_amount(g.value)}')
        listed.append(f'{i}、{g.label}{format_amount(g.value)}{lead.unit}{cites}（{how}）')
    draft.add(f'{who(lead)}{subject_phrase(lead)}{amount(lead.fact)}{draft.cite_fact(lead.fact)}，'
              f'表{lead.table_no}{lead.fact.table_title}中{level}级的行未列数字，按其下各行相加（计算得出），'
              f'各{level}{"从低到高" if lowest else "从高到低"}{_first(limit, groups)}：{"；".join(listed)}。')
    return draft.finish(plan.question, str(groups[0].value), lead.unit, 'computation')


def _blank_labels(plan: Plan, lead) -> dict[str, str]:
    """code -> name of the rows the document prints without a figure, and of coded rows in its other tables."""
    labels = {}
    for e in plan.reading.catalogue.entries:
        if e.doc != lead.doc:
            continue
        if e.kind == 'absent' and e.statement['kind'] == 'blank_row':
            code = re.search(r'：(\d{3,7})\s', e.statement['text'])
            if code:
                _longer(labels, code.group(1), e.statement['subject'])
        elif e.kind == 'fact' and e.fact.row_code:
            _longer(labels, e.fact.row_code, e.fact.row)
    return labels


def _longer(labels: dict, code: str, label: str) -> None:
    """A table that cuts its labels short ('资源勘探工业信息') is named by another's whole label."""
    label = squash(label)
    if len(label) > len(labels.get(code, '')):
        labels[code] = label


def _included(plan: Plan, lead, draft: Draft) -> str:
    """'（含上年结转结余13,833万元、政府性基金预算拨款1,358万元）': what the table's total counts beside the
    year's own money, from the rows of a 收支总表 with the same total."""
    words = _included_words()
    same_total = {e.table_no for e in plan.reading.catalogue.entries if e.kind == 'fact' and e.doc == lead.doc
                  and e.table_no and _is_total(e) and e.fact.value == lead.fact.value and e.unit == lead.unit}
    rows, seen = [], set()
    for e in plan.reading.catalogue.entries:
        if e.kind == 'fact' and e.doc == lead.doc and e.table_no in same_total and e.fact.source == 'table' \
                and not e.fact.row_code and canonical(e.subject) in words and e.fact.value > 0 \
                and e.aspect == '' and not _is_total(e) \
                and canonical(e.subject) not in seen:
            seen.add(canonical(e.subject))
            rows.append(f'{unnumbered(e.fact.row)}{amount(e.fact)}{draft.cite_fact(e.fact)}')
    return f'（含{"、".join(rows)}）' if rows else ''


@lru_cache(maxsize=1)
def _included_words() -> frozenset:
    return frozenset(canonical(w) for w, _ in vocabulary_table('included_funds'))


def _first(limit: int, rows: list) -> str:
    return f'前{chinese_number(limit)}' if limit < len(rows) else ''


def _is_total(e) -> bool:
    return bool(re.fullmatch(r'(合计|总计|小计|收入总计|支出总计)', e.fact.row or ''))


def _label(e) -> str:
    return e.fact.project or e.fact.row
