"""Writing an answer: sentences, and a numbered citation for every figure and quote.

    draft = Draft(ctx)
    draft.add(f'{org}2024年三公经费为{amount(fact)}{draft.cite_fact(fact)}。')
    answer = draft.finish(question, value='0.00', unit='万元', method='facts')

Every figure written comes from a stored fact or a cited line; the gate checks
that before the answer leaves.
"""
from __future__ import annotations

import re

from ingest.models import BudgetFact
from ingest.numbers import format_amount
from ingest.text import squash

from .catalogue import Entry
from .models import Answer, Citation, Figure

NOT_FOUND = '文件中没有'


class Draft:
    def __init__(self, ctx):
        self.ctx = ctx
        self.parts: list[str] = []
        self.citations: list[Citation] = []
        self.warnings: list[str] = []
        self.quoted: list[str] = []
        self.figures: list[Figure] = []

    def cite_fact(self, fact: BudgetFact) -> str:
        self.quoted.extend(x for x in (fact.project, fact.row, fact.org, fact.column, fact.row_code) if x)
        text = self.ctx.lines(fact.doc, fact.line_start, fact.line_end)
        mark = self._cite(Citation(fact.doc, fact.line_start, fact.line_end, text, fact.table_no, fact.row,
                                   fact.column, self.ctx.page(fact.doc, fact.line_start)))
        figure = Figure(fact.org, fact.year, fact.table_no, fact.row, fact.column, printed(fact), fact.unit,
                        fact.project or '', int(mark.strip('[]')))
        if figure not in self.figures:
            self.figures.append(figure)
        return mark

    def cite_entry(self, entry: Entry) -> str:
        if entry.fact is not None:
            return self.cite_fact(entry.fact)
        s = entry.statement
        return self.cite_lines(entry.doc, s['line_start'], s['line_end'], s.get('table_no'))

    def cite_lines(self, doc: str, start: int, end: int, table: int | None = None) -> str:
        return self._cite(Citation(doc, start, end, self.ctx.lines(doc, start, end), table,
                                   page=self.ctx.page(doc, start)))

    def _cite(self, citation: Citation) -> str:
        key = (citation.doc, citation.line_start, citation.line_end)
        for i, c in enumerate(self.citations):
            if (c.doc, c.line_start, c.line_end) == key:
                return f'[{i + 1}]'
        self.citations.append(citation)
        return f'[{len(self.citations)}]'

    def add(self, text: str) -> None:
        self.parts.append(text)

    def warn(self, warning: str) -> None:
        if warning not in self.warnings:
            self.warnings.append(warning)

    def finish(self, question: str, value: str | None, unit: str | None, method: str,
               status: str = 'answered') -> Answer:
        return Answer(question, status, ''.join(self.parts), value, unit, tuple(self.citations), False,
                      tuple(self.warnings), method=method, quoted=tuple(self.quoted), figures=tuple(self.figures))


def refusal(question: str, reason: str, draft: Draft | None = None, warnings: tuple[str, ...] = ()) -> Answer:
    """'文件中没有' with what the documents do hold; cites what it names."""
    text = f'{NOT_FOUND}。{reason}'
    if draft is not None and draft.parts:
        text += ''.join(draft.parts)
    citations = tuple(draft.citations) if draft is not None else ()
    quoted = tuple(draft.quoted) if draft is not None else ()
    return Answer(question, 'not_found', text, citations=citations, verified=True,
                  warnings=warnings + (tuple(draft.warnings) if draft else ()), method='not_found', quoted=quoted,
                  figures=tuple(draft.figures) if draft is not None else ())


def clarify(question: str, candidates: tuple[str, ...], reason: str) -> Answer:
    listing = '；'.join(candidates)
    text = reason if reason.endswith('？') else f'{reason}，请指明是哪一个：{listing}。'   # '是不是问：三公经费？'
    return Answer(question, 'ambiguous', text, candidates=candidates,
                  verified=True, method='clarify')


# ---- phrasing ---------------------------------------------------------------------------

def printed(f: BudgetFact) -> str:
    """The figure with the precision the document printed it with: 13.80, 75,592."""
    return format_amount(f.value)


def amount(f: BudgetFact, value=None) -> str:
    op = next((flag[3:] for flag in f.flags if flag.startswith('op:')), '')
    op = '' if op == '=' else op
    return f'{op}{format_amount(f.value if value is None else value)}{f.unit}'


def where(f: BudgetFact) -> str:
    if f.table_no:
        return f'表{f.table_no}{f.table_title}'
    if f.table_title:
        return f.table_title
    return '情况说明'


def who(e: Entry | BudgetFact) -> str:
    return f'{e.org}{e.year or ""}年'


def subject_phrase(e: Entry) -> str:
    f = e.fact
    if f is None:
        return e.subject
    parts = []
    if f.project and not e.project_total and f.project not in (f.row or ''):
        parts.append(f'“{f.project}”')
    if e.project_total:
        parts.append(f'“{f.project}”')
        if f.table_no == 7 and f.row_code:
            parts.append(f'（列{f.row_code}{f.row}）')
        parts.append({'预算安排规模': '预算安排规模', '项目预算': '年度预算总额'}.get(f.item, '') or
                     ('年度预算总额' if f.row == '年度预算总额' else '项目支出合计' if f.table_no == 7 else ''))
        return ''.join(parts)
    if f.table_no == 10:
        parts.append('财政拨款“三公”经费' if f.row == '合计' else f.row)
        if f.column not in ('合计',):
            parts.append(f'（{f.column}）')
        return ''.join(parts)
    label = unnumbered(f.row or '')
    if f.source == 'table' and re.fullmatch(r'(合计|总计|小计)', label):
        label = e.subject
    if f.row_code and f.source == 'table':
        label = f'{label}（{f.row_code}）'
    parts.append(label or e.subject)
    if f.source == 'table' and f.column not in ('合计', '预算数', '总计', '指标值', '项目资金') and e.aspect:
        parts.append(f'的{f.column}')
    if f.column.startswith('数额（'):
        parts.append(f.column[2:])
    return ''.join(parts)


def unnumbered(label: str) -> str:
    return re.sub(r'^([一二三四五六七八九十]+、|\d+[.、．]|其中[:：])', '', label)


def figure_sentence(e: Entry, draft: Draft) -> str:
    f = e.fact
    return f'{who(f)}{subject_phrase(e)}为{amount(f)}（{where(f)}）{draft.cite_fact(f)}。'


def paragraph_of(ctx, fact: BudgetFact) -> tuple[int, int]:
    """The lines of the paragraph a text fact stands in (a sentence may run over several lines)."""
    for block in ctx.blocks(fact.doc):
        if block['kind'] == 'paragraph' and block['line_start'] <= fact.line_start <= block['line_end']:
            return block['line_start'], block['line_end']
    return fact.line_start, fact.line_end


def sentence_at(ctx, fact: BudgetFact) -> str:
    start, end = paragraph_of(ctx, fact)
    text = ctx.lines(fact.doc, start, end)
    raw = fact.raw.replace(',', '').replace(' ', '')
    pieces = [p for p in re.split(r'(?<=[。；])', text) if raw and raw in p.replace(',', '').replace(' ', '')]
    label = squash(fact.item or fact.row or '')
    named = [p for p in pieces if label and label[-6:] in squash(p)]
    return (named or pieces or [text])[0].strip()


def cite_sentence(draft: Draft, fact: BudgetFact) -> str:
    start, end = paragraph_of(draft.ctx, fact)
    return draft.cite_lines(fact.doc, start, end)


def chinese_count(n: int) -> str:
    return '一两三四五六七八九'[n - 1] if 1 <= n <= 9 else str(n)
