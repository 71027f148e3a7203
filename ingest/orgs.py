"""Which organisation and year a disclosure is about, and the names people use for it.

    detect_org(lines)    # '中共克孜勒苏柯尔克孜自治州工业和信息化局'
    detect_year(lines)   # 2024
    derive_aliases('克孜勒苏柯尔克孜自治州人民政府办公室')
    # ('克州政府办', '州政府办', '政府办', '克州人民政府办公室', …)
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from .vocabulary import vocabulary_table

ORG_SUFFIX = r'(局|办公室|委员会|管理委员会|中心|院|所|厅|部|处|站|队|学校|中学|小学|馆|会|室|委)'


def places() -> dict[str, tuple[str, ...]]:
    """Full place name -> its short names (data/vocabulary/places.tsv)."""
    return dict(vocabulary_table('places'))


def bodies() -> dict[str, tuple[str, ...]]:
    """Full body name -> its short names (data/vocabulary/bodies.tsv)."""
    return dict(vocabulary_table('bodies'))


def detect_org(lines: list[str]) -> str:
    declared = Counter()
    for line in lines:
        m = re.search(r'编制(?:单位|部门)(?:（单位）)?[:：]\s*([^\s\t]+?' + ORG_SUFFIX + r')(?:\s|$|单位)', line)
        if m:
            declared[m.group(1)] += 1
    if declared:
        return declared.most_common(1)[0][0]
    for line in lines[:12]:
        text = re.sub(r'[#*\s]', '', line)
        if text and re.fullmatch(r'[\u4e00-\u9fff（）()]{4,40}' + ORG_SUFFIX, text):
            return text
    for line in lines[:40]:
        m = re.search(r'第一部分\s*(?:20\d\d\s*年)?\s*([\u4e00-\u9fff（）()]{4,40}?' + ORG_SUFFIX + r')\s*(?:单位|部门)?概况',
                      line)
        if m:
            return m.group(1)
    about = Counter(m.group(1) for line in lines
                    for m in re.finditer(r'关于([\u4e00-\u9fff（）()]{4,40}?' + ORG_SUFFIX + r')\s*20\d\d', line))
    return about.most_common(1)[0][0] if about else ''


def org_key(name: str) -> str:
    """One key per organisation across years: '中共X局' and 'X局' are the same body."""
    return re.sub(r'^中共', '', name.strip())


def detect_year(lines: list[str]) -> int | None:
    years = Counter()
    for line in lines:
        for m in re.finditer(r'(20\d\d)\s*年\s*(?:单位|部门|部门（单位）)?\s*(?:预算公开|预算情况说明|预算公开表|部门概况|单位概况)',
                             line):
            years[int(m.group(1))] += 1
    return years.most_common(1)[0][0] if years else None


def detect_kind(lines: list[str]) -> str:
    """'决算' when the document's titles call it a 决算, else '预算'."""
    titles = Counter()
    for line in lines[:400]:
        for m in re.finditer(r'(预算|决算)(?:公开|情况说明|报表|表|总表)', line.replace(' ', '')):
            titles[m.group(1)] += 1
    return '决算' if titles['决算'] > titles['预算'] else '预算'


def derive_aliases(full_name: str, extra: dict[str, list[str]] | None = None) -> tuple[str, ...]:
    base = re.sub(r'^中共', '', full_name)
    place, body = split_org(base)
    place_names = place_aliases(place) if place else ()
    body_names = bodies().get(body, ()) + (body,) if body else (base,)
    aliases = {full_name, base}
    for b in body_names:
        aliases.add(b)
        for p in place_names:
            aliases.add(p + b)
    aliases.update((extra or {}).get(full_name, ()))
    return tuple(sorted((a for a in aliases if len(a) >= 2), key=lambda a: (-len(a), a)))


def split_org(name: str) -> tuple[str, str]:
    """'昌吉州工业和信息化局' -> ('昌吉回族自治州', '工业和信息化局'): the place by its full name, and the body."""
    name = re.sub(r'^中共', '', name.strip())
    known = sorted(((alias, full) for full, short in places().items() for alias in (full,) + short),
                   key=lambda pair: -len(pair[0]))
    for alias, full in known:
        if name.startswith(alias) and len(name) > len(alias) + 1:
            return full, name[len(alias):]
    m = re.match(r'^(.{2,8}?(?:自治州|地区|州|市|县|区|盟|旗))(.+)$', name)
    return (m.group(1), m.group(2)) if m else ('', name)


def place_aliases(place: str) -> tuple[str, ...]:
    """A place's full name, its short names, and '州' for a 自治州 (州政府办 is said inside the prefecture)."""
    names = (place,) + places().get(place, ())
    if place.endswith('自治州') and place not in places():
        names += (place[:2] + '州',)
    if place.endswith(('自治州', '州')):
        names += ('州', '自治州')
    return tuple(dict.fromkeys(names))


def load_alias_file(path: Path) -> dict[str, list[str]]:
    """Lines 'full name<TAB>alias1,alias2'; '#' starts a comment."""
    out: dict[str, list[str]] = {}
    if not path.exists():
        return out
    for number, line in enumerate(path.read_text(encoding='utf-8').splitlines(), 1):
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        if '\t' not in line:
            raise ValueError(f'{path}:{number}: expected "full name<TAB>alias1,alias2", got {line!r}')
        name, aliases = line.split('\t', 1)
        out.setdefault(name.strip(), []).extend(a.strip() for a in re.split(r'[,，]', aliases) if a.strip())
    return out
