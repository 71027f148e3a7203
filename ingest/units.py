"""The units a disclosure names inside its organisation: 下属预算单位, 处室, 项目承担单位.

    statements = read_units(lines)
    statements[0]   # Statement('subunit', '公文处理科', '…下设 12 个处室，分别是：公文处理科、…', 86, 86)

A question about one of them ('开发区第一中学2024年预算总额') is answered from
what the parent document says about it; it is never given the parent's totals.
"""
from __future__ import annotations

import re

from .blocks import clean_line
from .models import Statement
from .vocabulary import name_ending

SECTION = re.compile(r'机构设置')
SECTION_END = re.compile(r'(编制数|^第[一二三四五六七八九十]+部分|^[三四五六七八九十]+、)')
LISTED = re.compile(r'(?:分别是|分别为|包括)\s*[:：]?\s*(?P<names>[^。]+)')
NUMBERED = re.compile(r'^\d{1,2}\s*[.、．]\s*(?P<name>[\u4e00-\u9fff（）()]{3,40})$')
OWNER = re.compile(r'^项目承担单位\s*[:：]\s*(?P<name>[\u4e00-\u9fff（）()、，,]{2,60})')
UNIT_END = re.compile(name_ending('下属单位') + r'([（(][^）)]*[）)])?$')


def read_units(lines: list[str]) -> list[Statement]:
    cleaned = [clean_line(line) for line in lines]
    out = _organisation_section(cleaned)
    for index, line in enumerate(cleaned):
        m = OWNER.match(line)
        if m:
            for name in re.split(r'[、，,]', m.group('name')):
                if _is_unit(name):
                    out.append(Statement('subunit', name.strip(), line, index + 1, index + 1))
    return _unique(out)


def _organisation_section(lines: list[str]) -> list[Statement]:
    """Units listed under 机构设置 (the last such heading: the first is often the table of contents)."""
    starts = [i for i, line in enumerate(lines) if SECTION.search(line) and len(line) < 30]
    if not starts:
        return []
    out, text, first = [], '', None
    for index in range(starts[-1] + 1, len(lines)):
        line = lines[index]
        if index > starts[-1] + 1 and SECTION_END.search(line) and not line.startswith(('1', '2')):
            if '编制数' not in line or out or text:
                break
        m = NUMBERED.match(line)
        if m and _is_unit(m.group('name')):
            out.append(Statement('subunit', m.group('name'), line, index + 1, index + 1))
        elif line:
            first = first or index + 1
            text += line
            listed = LISTED.search(text)
            if listed and text.endswith('。'):
                for name in re.split(r'[、，,]', listed.group('names').rstrip('。')):
                    if _is_unit(name):
                        out.append(Statement('subunit', name.strip(), text, first, index + 1))
                text, first = '', None
            elif text.endswith('。'):
                text, first = '', None
    return out


def _is_unit(name: str) -> bool:
    name = name.strip()
    return 2 <= len(name) <= 40 and UNIT_END.search(name) is not None


def _unique(statements: list[Statement]) -> list[Statement]:
    seen, out = set(), []
    for s in statements:
        key = (s.subject, s.line_start) if s.text.startswith('项目承担单位') else s.subject
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out
