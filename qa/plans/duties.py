"""duty and structure: what an organisation does (主要职能) and what it is made of (机构设置), quoted.

    duty(plan, ctx)        # '昌吉州工信局管不管盐业' -> '管。主要职能（四）：“负责盐业行业管理”[1]'
    structure(plan, ctx)   # '库尔勒开发区下属单位里有学校吗' -> '有：开发区一中[1]；开发区第一中学[2]'

A duty is answered from the lines of the 主要职能 / 主要职责 section that name
the thing asked; when none does, the answer says the duties do not mention it
(文件中没有), citing the section. Which names are schools, hospitals … is data
(data/vocabulary/unit_kinds.tsv); the section headings and the verbs that say
"is responsible" are data too (data/vocabulary/sections.tsv).
"""
from __future__ import annotations

import re
from functools import lru_cache

from ingest.vocabulary import vocabulary_table

from ..compose import Draft, refusal, who
from ..normalize import name_key, normalise
from ..plan import Plan, kind_words, unit_endings, unit_kinds

@lru_cache(maxsize=1)
def section_words() -> dict[str, tuple[str, ...]]:
    return {head: words for head, words in vocabulary_table('sections')}


TOP_HEADING = re.compile(r'^\s*(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+\s*、)')
NUMBERED = re.compile(r'^\s*([（(][一二三四五六七八九十\d]+[）)]|\d+\s*[、.．]|[一二三四五六七八九十]+\s*、)')


def section(ctx, doc: str, name: str) -> list[dict]:
    """The items of a section ('职能', '机构'): the blocks after the heading (or the paragraph that begins with
    its name, as a PDF may print it) up to the next section, a numbered item's wrapped lines joined. The
    contents page, where the heading has nothing under it, is passed over."""
    words = section_words()[name]
    others = [w for head, ws in section_words().items() if head in ('职能', '机构') and head != name for w in ws]
    blocks = [b for b in ctx.blocks(doc) if b['kind'] in ('heading', 'paragraph')]
    for i, b in enumerate(blocks):
        if not any(w in b['text'][:30].replace(' ', '') for w in words):
            continue
        body = [] if b['kind'] == 'heading' or len(b['text']) < 30 else [dict(b)]
        for later in blocks[i + 1:]:
            text = later['text'].replace(' ', '')
            if TOP_HEADING.match(text) or any(w in text[:30] for w in others):
                break
            if body and not NUMBERED.match(text) and NUMBERED.match(body[-1]['text']):
                body[-1] = dict(body[-1], text=body[-1]['text'] + later['text'], line_end=later['line_end'])
            else:
                body.append(dict(later))
        if any(len(x['text']) > 15 for x in body):
            return body
    return []


def asked_thing(plan: Plan) -> str:
    """The words of the clause left once the organisation, year and asking words are taken out: '盐业'."""
    r = plan.reading
    start, end = r.clause or (0, len(r.text))
    text = ''.join('　' if any(s <= i < e for s, e in r.taken) else c for i, c in enumerate(r.text))[start:end]
    asking = sorted({w for kind, ws in kind_words() if kind in ('duty', 'weak:duty', 'exists', 'verify', 'structure')
                     for w in ws} | set(section_words()['问句虚词']), key=len, reverse=True)
    for w in section_words()['职能'] + tuple(asking):      # '主要职能是什么': the section's name first
        text = text.replace(w, '　')
    text = re.sub(r'[吗么呢？?。，,！!\s]', '　', text)
    pieces = [p.strip('　的了') for p in text.split('　')]
    return max(pieces, key=len, default='')


def duty(plan: Plan, ctx):
    thing = asked_thing(plan)
    draft = Draft(ctx)
    if len(thing) < 2:
        return _all_duties(plan, ctx, draft)
    answered, sections = False, []
    for d in sorted(plan.reading.docs, key=lambda d: -(d.year or 0))[:1] if not plan.years else plan.reading.docs:
        body = section(ctx, d.doc, '职能')
        if not body:
            continue
        sections.append((d, body))
        found = _clauses_naming(thing, body, ctx)
        if not found:
            continue
        answered = True
        for block, clause in found[:3]:
            number = re.match(r'^\s*([（(]?[一二三四五六七八九十\d]+[）)、.．]?)', block['text'])
            label = f'主要职能{number.group(1).strip().rstrip("、.．")}' if number else '主要职能'
            verbs = section_words()['负责']
            yes = '管。' if '管' in plan.question else '是，负责。'
            lead = yes if any(v in clause for v in verbs) else f'职能中提到“{thing}”：'
            cite = draft.cite_lines(d.doc, block['line_start'], block['line_end'])
            draft.add(f'{lead if not draft.parts else "另："}{who(d)}文件{label}：“{clause}”{cite}')
    if answered:
        return draft.finish(plan.question, None, None, 'facts')
    if not sections:
        return None
    d, body = sections[0]
    cite = draft.cite_lines(d.doc, body[0]['line_start'], body[-1]['line_end'])
    return refusal(plan.question, f'{who(d)}文件的职能表述中没有提到“{thing}”（主要职能共{len(body)}段）{cite}。',
                   draft)


def _all_duties(plan: Plan, ctx, draft: Draft):
    """'州政府办的主要职能是什么': the section, quoted paragraph by paragraph."""
    for d in sorted(plan.reading.docs, key=lambda d: -(d.year or 0)):
        body = section(ctx, d.doc, '职能')
        if body:
            quoted = ''.join(f'{b["text"]}{draft.cite_lines(d.doc, b["line_start"], b["line_end"])}' for b in body[:15])
            more = '……' if len(body) > 15 else ''
            draft.add(f'{who(d)}文件的主要职能：{quoted}{more}')
            return draft.finish(plan.question, None, None, 'facts')
    return None


def _clauses_naming(thing: str, body: list[dict], ctx) -> list[tuple[dict, str]]:
    """(paragraph, clause) pairs whose clause names the thing, or all of its words."""
    key = name_key(thing)
    words = [w for w in ctx.tokenizer().tokens(thing) if len(w) >= 2 and w not in _weak_words()] or [key]
    out = []
    for block in body:
        for clause in re.split(r'(?<=[；;。])', block['text']):
            flat = name_key(normalise(clause))
            if key in flat or all(w in flat for w in words):
                out.append((block, clause.strip()))
    return out


@lru_cache(maxsize=1)
def _weak_words() -> frozenset:
    return frozenset(w for _, words in vocabulary_table('weak') for w in words)


# ---- structure: 下属单位, 内设机构 ------------------------------------------------------------

def structure(plan: Plan, ctx):
    draft = Draft(ctx)
    thing = asked_thing(plan)
    kinds = [(head, words) for head, words in unit_kinds() if any(w in plan.question for w in words)]
    for d in plan.reading.docs:
        units = [s for s in ctx.statements(d.doc, 'subunit') if not s['text'].startswith('项目承担单位')]
        if not units:
            continue
        if kinds:
            _of_kind(draft, d, units, kinds[0])
        elif thing.endswith(unit_endings()) and not any(w in thing for w in _structure_words()):
            _named(draft, d, units, thing)
        else:
            _listing(draft, d, units, plan)
    if not draft.parts:
        return None
    return draft.finish(plan.question, None, None, 'facts')


def _of_kind(draft: Draft, d, units: list[dict], kind) -> None:
    head, words = kind
    members = _distinct([s for s in units if any(w in s['subject'] for w in words)])
    if members:
        named = '；'.join(f'{s["subject"]}{draft.cite_lines(d.doc, s["line_start"], s["line_end"])}' for s in members)
        draft.add(f'有。{who(d)}文件列出的下属单位（内设机构）中，名称表明是{head}的有：{named}。')
        return
    first = units[0]
    draft.add(f'没有。{who(d)}文件列出的下属单位（内设机构）中没有名称表明是{head}的单位'
              f'{draft.cite_lines(d.doc, first["line_start"], first["line_end"])}。')


def _named(draft: Draft, d, units: list[dict], thing: str) -> None:
    key = name_key(thing)
    members = _distinct([s for s in units if key in name_key(s['subject']) or name_key(s['subject']) in key])
    if members:
        named = '；'.join(f'{s["subject"]}{draft.cite_lines(d.doc, s["line_start"], s["line_end"])}' for s in members)
        draft.add(f'有。{who(d)}文件的机构设置中列有：{named}。')
        return
    first = units[0]
    listing = '、'.join(s['subject'] for s in _distinct(units)[:20])
    draft.add(f'没有。{who(d)}文件的机构设置中没有“{thing}”，列出的是：{listing}'
              f'{draft.cite_lines(d.doc, first["line_start"], first["line_end"])}。')


def _listing(draft: Draft, d, units: list[dict], plan: Plan) -> None:
    lines = sorted({(s['line_start'], s['line_end']) for s in units})
    start, end = lines[0]
    text = draft.ctx.lines(d.doc, start, end)
    none = any(f'无{w[:2]}' in text.replace(' ', '') for w in _structure_words() if w in plan.question)
    asks_which = re.search(r'哪些|什么', plan.question)
    lead = '没有。' if none else ('有。' if plan.kind == 'structure' and not asks_which else '')
    draft.add(f'{lead}{who(d)}文件原文：“{text}”{draft.cite_lines(d.doc, start, end)}')
    if len(lines) > 1:
        draft.add(f'文件另逐一列出了各单位的全称{draft.cite_lines(d.doc, lines[1][0], lines[-1][1])}。')


def _distinct(units: list[dict]) -> list[dict]:
    seen, out = set(), []
    for s in units:
        if s['subject'] not in seen:
            seen.add(s['subject'])
            out.append(s)
    return out


@lru_cache(maxsize=1)
def _structure_words() -> tuple[str, ...]:
    return dict(kind_words()).get('structure', ())
