"""Retrieval chunks: table rows with their context, and prose split on the document's own headings.

    chunks = chunks_for(parsed_document, tokenizer)
    chunks[0].embed_text      # '财政拨款“三公”经费支出情况表 公务接待费': what is embedded
    chunks[0].tokens          # the same, cut into words for the keyword index

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

from ingest.models import Block, ParsedDocument, Table

# what a stored document was derived with: the parser, the chunker and the word lists the parser reads;
# a change to any of them re-derives every document at the next ingest
_DERIVED_BY = sorted((Path(__file__).resolve().parents[1] / 'ingest').glob('*.py')) + \
    [Path(__file__), Path(__file__).with_name('bm25.py')] + \
    [Path(__file__).resolve().parents[1] / 'data' / 'vocabulary' / f'{name}.tsv'
     for name in ('places', 'bodies', 'synonyms', 'scopes', 'index_terms')]
CHUNKER_VERSION = hashlib.sha256(b''.join(p.read_bytes() for p in _DERIVED_BY)).hexdigest()[:12]
TOKEN_SEPARATOR = '\u3000'    # an ideographic space: a separator to FTS5, never inside a word
ROWS_PER_CHUNK = 1            # one row per chunk: the cited lines are exactly the row's
PROSE_CHARS = 150        # about a sentence or two: evidence is usually one sentence


@dataclass(frozen=True)
class Chunk:
    key: str                     # a content hash: the same file gives the same keys (and vector ids)
    doc: str
    year: int
    kind: str                    # 'table' | 'prose'
    table_no: int                # 0 when not a standard table
    section: str                 # table title, or the heading of prose
    line_start: int
    line_end: int
    tokens: str                  # the words that carry meaning (no figures), separated by TOKEN_SEPARATOR:
                                 # searched by keywords; joined, they are what is embedded

    @property
    def embed_text(self) -> str:
        return self.tokens.replace(TOKEN_SEPARATOR, '')


def chunks_for(doc: ParsedDocument, tokenizer) -> list[Chunk]:
    """`tokenizer`: .words(text) -> the text cut into words (index/bm25.py), the same for the index and queries."""
    out = []
    for table in doc.tables:
        out.extend(_table_chunks(doc, table, tokenizer))
    flagged = {s.line_start for s in doc.statements if s.kind == 'suspicious_text'}
    for block in doc.blocks:
        if block.kind == 'paragraph':
            out.extend(c for c in _prose_chunks(doc, block, tokenizer)
                       if not any(n in flagged for n in range(c.line_start, c.line_end + 1)))
    return out       # text addressed to a reader or a model is never a passage to answer from


def _make(doc, kind, table_no, section, start, end, text, tokenizer) -> Chunk:
    digest = hashlib.sha256(f'{doc.name}\0{start}\0{end}\0{text}'.encode()).hexdigest()[:16]
    tokens = TOKEN_SEPARATOR.join(w for w in tokenizer.words(text) if w)
    return Chunk(digest, doc.name, doc.year or 0, kind, table_no or 0, section, start, end, tokens)


def _table_chunks(doc, table: Table, tokenizer) -> list[Chunk]:
    if table.empty:
        return [_make(doc, 'table', table.number, table.title, table.line_start, table.line_end,
                      f'{table.title} 空表 {table.note}', tokenizer)]
    out = []
    rows = [r for r in table.rows if r.cells]
    for i in range(0, len(rows), ROWS_PER_CHUNK):
        group = rows[i:i + ROWS_PER_CHUNK]
        start = min(min(c.line for c in r.cells) for r in group)
        end = max(max(c.line for c in r.cells) for r in group)
        start = min(start, min(r.line_start for r in group))
        meaning = ' '.join(f'{r.label} {r.project}'.strip() for r in group)
        out.append(_make(doc, 'table', table.number, table.title, start, end, f'{table.title} {meaning}', tokenizer))
    return out


def _prose_chunks(doc, block: Block, tokenizer) -> list[Chunk]:
    heading = block.heading_path[-1][:30] if block.heading_path else ''
    out = []
    for start, end in _sentence_windows(block.text):
        piece = block.text[start:end].strip()
        if piece:
            out.append(_make(doc, 'prose', 0, heading, block.line_of(start), block.line_of(end - 1),
                             f'{heading}：{piece}', tokenizer))
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
