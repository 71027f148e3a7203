"""Retrieval chunks: table rows with their context, and prose split on the document's own headings.

    chunks = chunks_for(parsed_document)
    chunks[0].text
    # '克州政府办 2024 表10 财政拨款“三公”经费支出情况表（万元）| 公务接待费 | 合计 3.00 | 一般公共预算 3.00'

A table chunk is a few whole rows of one table, never cut mid-row and never
mixed with prose; a prose chunk never crosses a section boundary and carries
its heading path.  Ids are content hashes, so re-ingesting the same file
yields the same ids.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from dataclasses import dataclass

from ingest.models import Block, ParsedDocument, Table, TableRow
from ingest.numbers import format_amount

# what a stored document was derived with: the parser, the chunker and the word lists the parser reads;
# a change to any of them re-derives every document at the next ingest
_DERIVED_BY = sorted((Path(__file__).resolve().parents[1] / 'ingest').glob('*.py')) + [Path(__file__)] + \
    [Path(__file__).resolve().parents[1] / 'data' / 'vocabulary' / f'{name}.tsv' for name in ('places', 'bodies')]
CHUNKER_VERSION = hashlib.sha256(b''.join(p.read_bytes() for p in _DERIVED_BY)).hexdigest()[:12]
ROWS_PER_CHUNK = 1            # one row per chunk: the cited lines are exactly the row's
PROSE_CHARS = 150        # about a sentence or two: evidence is usually one sentence


@dataclass(frozen=True)
class Chunk:
    id: str
    doc: str
    org: str
    org_key: str
    aliases: str                 # space-separated, for metadata filters and BM25
    year: int
    kind: str                    # 'table' | 'prose'
    table_no: int                # 0 when not a standard table
    section: str                 # table title, or the heading path of prose
    line_start: int
    line_end: int
    text: str                    # what is shown, and searched by keywords
    embed_text: str = ''         # what is embedded: the words that carry meaning, without figures

    def metadata(self) -> dict:
        return {'doc': self.doc, 'org': self.org, 'org_key': self.org_key, 'aliases': self.aliases,
                'year': self.year, 'kind': self.kind, 'table_no': self.table_no, 'section': self.section,
                'line_start': self.line_start, 'line_end': self.line_end}


def chunks_for(doc: ParsedDocument, org_key: str) -> list[Chunk]:
    short = _short_name(doc)
    out = []
    for table in doc.tables:
        out.extend(_table_chunks(doc, org_key, short, table))
    for block in doc.blocks:
        if block.kind == 'paragraph':
            out.extend(_prose_chunks(doc, org_key, short, block))
    return out


def _short_name(doc: ParsedDocument) -> str:
    """The name a reader knows the body by: '克州工信局', '克州政府办', '库尔勒开发区'."""
    named = [a for a in doc.aliases if 4 <= len(a) <= 7 and re.search(r'(局|办|区|委|会|中心|院)$', a)
             and not a.startswith('州')]
    return min(named, key=lambda a: (len(a), a)) if named else doc.org


def _make(doc, org_key, kind, table_no, section, start, end, text, embed_text) -> Chunk:
    digest = hashlib.sha256(f'{doc.name}\0{start}\0{end}\0{text}'.encode()).hexdigest()[:24]
    return Chunk(digest, doc.name, doc.org, org_key, ' '.join(doc.aliases), doc.year or 0, kind, table_no or 0,
                 section, start, end, text, embed_text)


def _table_chunks(doc, org_key, short, table: Table) -> list[Chunk]:
    label = f'表{table.number} ' if table.number else ''
    unit = f'（{table.unit}）' if table.unit else ''
    head = f'{short} {doc.year or ""} {label}{table.title}{unit}'
    if table.empty:
        text = f'{head} | 空表' + (f' | {table.note}' if table.note else '')
        return [_make(doc, org_key, 'table', table.number, table.title, table.line_start, table.line_end, text,
                      f'{table.title} 空表 {table.note}')]
    out = []
    rows = [r for r in table.rows if r.cells]
    for i in range(0, len(rows), ROWS_PER_CHUNK):
        group = rows[i:i + ROWS_PER_CHUNK]
        text = head + ''.join(' | ' + _row_text(r) for r in group)
        start = min(min(c.line for c in r.cells) for r in group)
        end = max(max(c.line for c in r.cells) for r in group)
        start = min(start, min(r.line_start for r in group))
        meaning = ' '.join(f'{r.label} {r.project}'.strip() for r in group)
        out.append(_make(doc, org_key, 'table', table.number, table.title, start, end, text,
                         f'{table.title} {meaning}'))
    return out


def _row_text(row: TableRow) -> str:
    name = ' '.join(x for x in (row.code, row.label) if x)
    if row.project:
        name += f'（项目：{row.project}）'
    if row.side:
        name = f'{row.side} {name}'
    values = ' '.join(f'{c.column} {format_amount(c.value)}' for c in row.cells)
    return f'{name} | {values}'


def _prose_chunks(doc, org_key, short, block: Block) -> list[Chunk]:
    path = ' > '.join(block.heading_path[-2:])
    head = f'{short} {doc.year or ""} {path}'.strip()
    out = []
    for start, end in _sentence_windows(block.text):
        piece = block.text[start:end].strip()
        if not piece:
            continue
        heading = block.heading_path[-1][:30] if block.heading_path else ''
        out.append(_make(doc, org_key, 'prose', 0, path, block.line_of(start),
                         block.line_of(end - 1), f'{head}：{piece}', f'{heading}：{piece}'))
    return out


def _sentence_windows(text: str) -> list[tuple[int, int]]:
    """Split long paragraphs at sentence ends into pieces of about PROSE_CHARS."""
    if len(text) <= PROSE_CHARS:
        return [(0, len(text))]
    ends = [m.end() for m in re.finditer(r'[。；;]', text)] + [len(text)]
    windows, start = [], 0
    for end in ends:
        if end - start >= PROSE_CHARS or end == len(text):
            windows.append((start, end))
            start = end
    return [w for w in windows if w[1] > w[0]]
