"""Headings and paragraphs of the prose around the tables.

    blocks = split_blocks(lines, table_spans=[(77, 118), ...])
    blocks[3].kind, blocks[3].heading_path   # 'paragraph', ('第三部分 …', '十、关于…三公经费…')

Lines wrapped by the PDF extraction (a sentence broken over lines, blank
lines between the pieces) are joined into one paragraph; every character
remembers its line, so a sentence can be cited by the lines it spans.
"""
from __future__ import annotations

import re

from .models import Block
from .text import halfwidth, strip_markup

LEVELS = (
    (1, re.compile(r'^第[一二三四五六七八九十]+部分')),
    (2, re.compile(r'^[一二三四五六七八九十]+、')),
    (3, re.compile(r'^[（(][一二三四五六七八九十]+[）)]')),
)
SENTENCE_END = ('。', '；', ';', '！', '？', '：', ':')
LIST_ITEM = re.compile(r'^(\d+[、]|\d+[.．](?!\d)|[（(]\d+[）)]|-\s|\d+\s*[、.]?\s*项目名称|设立的政策依据|'
                       r'预算安排规模|项目承担单位|资金分配情况|资金执行时间|资金来源|补贴人数|补贴标准|补贴范围|'
                       r'补贴方式|发放程序|受益人群)')


def clean_line(line: str) -> str:
    """Markup out, full-width figures ('１９１．０６', '５％') as ASCII so every pattern reads them."""
    return halfwidth(strip_markup(line, line_marks=True)).strip()


def heading_level(text: str) -> int | None:
    if len(text) > 70 or text.endswith('。') or re.search(r'\d+\.\d+\s*万元', text):
        return None
    for level, pattern in LEVELS:
        if pattern.match(text):
            return level
    if text in ('目录', '目 录'):
        return 1
    return None


def split_blocks(lines: list[str], table_spans: list[tuple[int, int]]) -> list[Block]:
    """`table_spans`: 1-based inclusive line ranges already read as tables."""
    in_table = _mask(len(lines), table_spans)
    blocks: list[Block] = []
    path: list[tuple[int, str]] = []
    buffer: list[tuple[str, int]] = []

    def flush():
        if buffer:
            blocks.append(_paragraph(buffer, tuple(t for _, t in path)))
            buffer.clear()

    for index, raw in enumerate(lines):
        number = index + 1
        if in_table[index]:
            flush()
            continue
        text = clean_line(raw)
        if not text:
            continue
        level = heading_level(text)
        if level is None and blocks and blocks[-1].kind == 'heading' and not buffer \
                and _heading_cut(blocks[-1].text, text):
            # a heading wrapped over two lines: '七、关于…一般公共预' + '算项目支出情况说明'
            merged = blocks[-1].text + text
            path[-1] = (path[-1][0], merged)
            blocks[-1] = Block('heading', merged, blocks[-1].line_start, number, tuple(t for _, t in path))
            continue
        if level is not None:
            flush()
            path = [(lv, t) for lv, t in path if lv < level] + [(level, text)]
            blocks.append(Block('heading', text, number, number, tuple(t for _, t in path)))
            continue
        if buffer and (_ends_paragraph(buffer[-1][0]) or LIST_ITEM.match(text)):
            flush()
        buffer.append((text, number))
    flush()
    return blocks


def _ends_paragraph(line: str) -> bool:
    """A line ending a sentence ends the paragraph, except '…（项）：' whose figure follows."""
    return line.endswith(SENTENCE_END) and not re.search(r'[（(]项[）)]\s*[:：]$', line)


def _heading_cut(heading: str, following: str) -> bool:
    """A '关于…' heading of the 情况说明 whose last words wrapped onto the next line."""
    return ('关于' in heading and not re.search(r'(说明|情况|解释)$', heading) and len(following) <= 25
            and not re.search(r'\d', following) and bool(re.search(r'(说明|情况|解释)$', following)))


def _mask(n: int, spans) -> list[bool]:
    mask = [False] * n
    for start, end in spans:
        for i in range(max(start - 1, 0), min(end, n)):
            mask[i] = True
    return mask


def _paragraph(buffer: list[tuple[str, int]], path: tuple[str, ...]) -> Block:
    text, char_lines = '', []
    for piece, number in buffer:
        if text and _needs_space(text[-1], piece[0]):
            text += ' '
            char_lines.append(number)
        text += piece
        char_lines.extend([number] * len(piece))
    return Block('paragraph', text, buffer[0][1], buffer[-1][1], path, None, tuple(char_lines))


def _needs_space(left: str, right: str) -> bool:
    return left.isascii() and right.isascii() and left.isalnum() and right.isalnum()
