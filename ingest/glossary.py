"""The 名词解释 (glossary) of a disclosure: each entry, and the terms explained inside entries.

    statements = read_glossary(lines)
    statements[6]   # Statement('definition', '“三公”经费', '“三公”经费：指因公出国（境）费、…', 622, 622)

An entry's sub-terms ('…其中，人员经费包括工资福利支出…', '公务接待费反映…') are
definitions too, with the lines they stand on, so a question about a term
the glossary explains inside another entry is answered from its own words.
"""
from __future__ import annotations

import re

from .blocks import clean_line
from .models import Statement
from .vocabulary import name_ending

HEADING = re.compile(r'^第[一二三四五六七八九十]+部分\s*名词解释\s*$')
ENTRY = re.compile(r'(?:^|(?<=[。；]))\s*([一二三四五六七八九十]+)\s*[、.．]\s*(?P<term>[^:：。；]{2,24}?)\s*[:：]')
PART = re.compile(r'(?:^|(?<=[。；，,:：]))\s*(?:其中\s*[:：，,]?\s*)?(?P<term>[\u4e00-\u9fff“”（）()]{2,20}?)'
                  r'(?P<verb>反映|是指|指|包括)')
SIGNATURE = re.compile(r'^(\d{4}\s*年\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?|[\u4e00-\u9fff（）()]{4,40}'
                       + name_ending('落款') + r')(\s+\S.*)?$')


def read_glossary(lines: list[str]) -> list[Statement]:
    start = _glossary_start(lines)
    if start is None:
        return []
    text, char_lines = _joined(lines, start)
    out = []
    entries = list(ENTRY.finditer(text))
    for i, m in enumerate(entries):
        end = entries[i + 1].start() if i + 1 < len(entries) else len(text)
        body = text[m.start('term'):end].strip()
        term = _term(m.group('term'))
        first, last = char_lines[m.start('term')], char_lines[max(m.start('term'), end - 1)]
        out.append(Statement('definition', term, body, first, last))
        out += _parts(body, m.start('term'), term, char_lines)
    return out


def _glossary_start(lines: list[str]) -> int | None:
    """The index after the last 名词解释 heading (the first one is usually the table of contents)."""
    found = [i for i, line in enumerate(lines) if HEADING.match(clean_line(line).replace(' ', ' '))]
    return found[-1] + 1 if found else None


def _joined(lines: list[str], start: int) -> tuple[str, list[int]]:
    """The glossary as one text (PDF line breaks undone), with the 1-based line of every character."""
    text, char_lines = [], []
    for index in range(start, len(lines)):
        line = clean_line(lines[index])
        if not line:
            continue
        if SIGNATURE.match(line) and not ENTRY.search(line):
            break
        text.append(line)
        char_lines.extend([index + 1] * len(line))
    return ''.join(text), char_lines


def _parts(body: str, offset: int, whole: str, char_lines: list[int]) -> list[Statement]:
    """'其中：因公出国（境）费反映…；公务接待费反映…': each explained term, with its own sentence."""
    out = []
    head = body.find('：') if '：' in body else body.find(':')
    for m in PART.finditer(body, max(head, 0) + 1):
        term = _term(m.group('term'))
        if term == whole or len(term) < 2 or term.startswith(('各', '单位', '部门', '机关')):
            continue
        end = min([e for e in (body.find(p, m.end()) for p in '；。') if e >= 0] or [len(body)])
        sentence = body[m.start('term'):end + 1].strip()
        out.append(Statement('definition', term, sentence, char_lines[offset + m.start('term')],
                             char_lines[min(offset + end, len(char_lines) - 1)]))
    return out


def _term(text: str) -> str:
    return text.strip().strip('*').strip()
