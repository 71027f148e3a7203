"""tables: the document's own tables — how many it prints, whether it has one, which holds an item, and
whether its 正文 explains that table (or left the section an unfilled template).

    run(plan, ctx)   # '克州工信局2024年一共有几张表' -> '共10张：表1收支总体情况表…'
                     # '有没有上年结转结余明细表' -> '没有。…（2025年文件有表11上年结转结余情况明细表，为空表）'
                     # '上年结转的钱看哪张表？正文有说明吗' -> '表11上年结转结余情况明细表…正文第十一节是未填写的模板'

Tables are the stored ones, by their printed titles; which words ask which of
these is data (data/vocabulary/kinds.tsv, tables:*), and so are the endings of
a title that say nothing of its content (data/vocabulary/sections.tsv).
"""
from __future__ import annotations

from functools import lru_cache

from ingest.text import bigram_overlap
from ingest.vocabulary import vocabulary_table

from ..compose import Draft, who
from ..normalize import name_key
from ..plan import Plan, cues
from ..select import candidates
from .duties import asked_thing, section_words
from .verify import TEMPLATE


def run(plan: Plan, ctx):
    asked = cues(plan.question)
    draft = Draft(ctx)
    value = None
    for d in plan.reading.docs:
        printed = [t for t in ctx.tables(d.doc) if t['title']]
        if not printed:
            continue
        if 'tables:count' in asked:
            value = value or str(_count(draft, d, printed))
        elif 'tables:which' in asked or 'tables:narrative' in asked:
            table = _holding(plan, d, printed)
            if table is None:
                continue
            if 'tables:which' in asked:
                _which(draft, d, table)
            if 'tables:narrative' in asked:
                _narrative(draft, d, table, ctx)
        else:
            _whether(draft, d, printed, plan, ctx)
    if not draft.parts:
        return None
    return draft.finish(plan.question, value, '张' if value else None, 'count' if value else 'facts')


PERFORMANCE = ('performance', 'overall_performance', '绩效目标表')     # table kinds (data/vocabulary/table_kinds.tsv)


def _count(draft: Draft, d, printed: list[dict]) -> int:
    numbered = [t for t in printed if t['kind'] not in PERFORMANCE]
    others = [t for t in printed if t['kind'] in PERFORMANCE]
    first, last = numbered[0] if numbered else printed[0], (numbered or printed)[-1]
    listing = '、'.join(_name(t) for t in numbered)
    empty = '、'.join(_name(t) for t in numbered if t['empty'])
    cites = draft.cite_lines(d.doc, first['line_start'], first['line_start']) + \
        draft.cite_lines(d.doc, last['line_start'], last['line_start'])
    text = f'{who(d)}文件共有{len(numbered)}张公开表（按读出的表格计）：{listing}{cites}。'
    if empty:
        text += f'其中{empty}为空表。'
    if others:
        text += '另附有绩效目标表。'
    draft.add(text)
    return len(numbered)


def _whether(draft: Draft, d, printed: list[dict], plan: Plan, ctx) -> None:
    asked = asked_thing(plan)
    found = [t for t in printed if _same_table(asked, t['title'])]
    if found:
        t = found[0]
        empty = f'，为空表：“{t["note"]}”' if t['empty'] and t['note'] else ('，为空表' if t['empty'] else '')
        draft.add(f'有。{who(d)}文件有{_name(t)}{draft.cite_lines(d.doc, t["line_start"], t["line_end"])}{empty}。')
        return
    numbered = [t for t in printed if t['kind'] not in PERFORMANCE] or printed
    listed = next((b for b in ctx.blocks(d.doc) if b['kind'] in ('heading', 'paragraph') and len(b['text']) < 40
                   and name_key(b['text']).endswith('表') and _same_table(asked, b['text'])), None)
    if listed is not None:      # named in the contents or a title, but no table of it was read: never a 没有
        draft.add(f'{who(d)}文件列有“{listed["text"].strip()}”'
                  f'{draft.cite_lines(d.doc, listed["line_start"], listed["line_end"])}，'
                  f'但没有读出这张表的内容（可能是空表或版式未能识别），请看原文。')
        return
    draft.add(f'没有。{who(d)}文件的{len(numbered)}张公开表（{_name(numbered[0])}至{_name(numbered[-1])}）中没有“{asked}”'
              f'{draft.cite_lines(d.doc, numbered[-1]["line_start"], numbered[-1]["line_start"])}。')
    for other in ctx.documents_of((d.org_key,)):
        if other.doc == d.doc:
            continue
        t = next((t for t in ctx.tables(other.doc) if t['title'] and _same_table(asked, t['title'])), None)
        if t is not None:
            empty = '，但为空表' if t['empty'] else ''
            cite = draft.cite_lines(other.doc, t["line_start"], t["line_end"])
            draft.add(f'{who(other)}文件有{_name(t)}{cite}{empty}。')


def _holding(plan: Plan, d, printed: list[dict]):
    """The table an item is looked up in: one whose title names it, else the one its best fact stands in."""
    items = [name_key(i) for i in plan.items if i]
    for item in items:
        titled = [t for t in printed if item and (item in _core(t['title']) or _core(t['title']) in item)]
        if titled:
            return titled[0]
    ranked = candidates(plan.reading, lambda e: e.kind == 'fact' and e.doc == d.doc and bool(e.table_no))
    numbers = [c.entry.table_no for c in ranked]
    return next((t for n in numbers for t in printed if t['table_no'] == n), None)


def _which(draft: Draft, d, table: dict) -> None:
    empty = '（空表）' if table['empty'] else ''
    cite = draft.cite_lines(d.doc, table["line_start"], table["line_start"])
    draft.add(f'看{who(d)}文件的{_name(table)}{empty}{cite}。')


def _narrative(draft: Draft, d, table: dict, ctx) -> None:
    """The 正文 section about a table: its heading, and whether it is an unfilled template."""
    heading, body = _section_about(ctx, d.doc, table)
    if heading is None:
        draft.add(f'正文没有专门说明{_name(table)}的一节。')
        return
    title = heading['text'].strip()
    templates = [s for s in ctx.statements(d.doc, 'template_unfilled')
                 if heading['line_start'] <= s['line_start'] <= (body[-1]['line_end'] if body else heading['line_end'])]
    filled = [b for b in body if b['kind'] == 'paragraph' and not TEMPLATE.search(b['text'])]
    cite = draft.cite_lines(d.doc, heading['line_start'], heading['line_end'])
    if templates or (body and not filled):
        slots = [s for s in templates if TEMPLATE.search(s['text']) and 'XX' in s['text'].upper()]
        example = (slots or templates or body)[0]
        draft.add(f'正文“{title}”{cite}一节是未填写的模板：“{example["text"][:60]}”'
                  f'{draft.cite_lines(d.doc, example["line_start"], example["line_end"])}，没有实际说明。')
        return
    first = filled[0]
    draft.add(f'正文“{title}”{cite}有说明：“{first["text"][:120]}”'
              f'{draft.cite_lines(d.doc, first["line_start"], first["line_end"])}。')


def _section_about(ctx, doc: str, table: dict):
    words = section_words()['说明']
    core = _core(table['title'])
    blocks = ctx.blocks(doc)
    best, best_share = None, 0.0
    for i, b in enumerate(blocks):
        if b['kind'] != 'heading' or b['line_start'] <= table['line_end'] or not any(w in b['text'] for w in words):
            continue
        share = bigram_overlap(core, name_key(b['text']), of_a=True)
        if share > best_share:
            best, best_share = i, share
    if best is None or best_share < 0.6:
        return None, []
    body = []
    for later in blocks[best + 1:]:
        if later['kind'] == 'heading':
            break
        body.append(later)
    return blocks[best], body


def _same_table(asked: str, title: str) -> bool:
    a, t = _core(asked), _core(title)
    return bool(a) and (a in t or (t in a and len(t) >= 3))


def _core(title: str) -> str:
    key = name_key(title)
    for ending in _title_endings():
        if key.endswith(ending) and len(key) > len(ending):
            return key[:-len(ending)]
    return key


@lru_cache(maxsize=1)
def _title_endings() -> tuple[str, ...]:
    words = dict(vocabulary_table('sections'))['表名结尾']
    return tuple(sorted(words, key=len, reverse=True))


def _name(t: dict) -> str:
    return f'表{t["table_no"]}{t["title"]}' if t['table_no'] else t['title']
