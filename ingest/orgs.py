"""Which organisation, year and kind (预算/决算) a disclosure is about, and the names people use for it.

    >>> lines = ['2026 年度', '泉州市市场监管综合监测', '与技术保障中心', '单位预算', '目 录']
    >>> detect_org(lines), detect_year(lines), detect_kind(lines)
    ('泉州市市场监管综合监测与技术保障中心', 2026, '预算')
    >>> detect_org(['收支预算总表部门：中共江苏省委办公厅 单位：万元'])
    '中共江苏省委办公厅'
    >>> org_key('中国共产党江苏省委员会办公厅')
    '江苏省委办公厅'
    >>> aliases = derive_aliases('克孜勒苏柯尔克孜自治州人民政府办公室')   # … '克州政府办公室', … '州政府办', '政府办'
    >>> '克州政府办公室' in aliases and '州政府办' in aliases and '政府办' in aliases
    True

Everything is read from what the document prints, in this order: a label before
the name (部门：, 预算单位：, 部门名称<TAB>…), the cover title (also split over
lines or drawn with spaces), a line that is only the name, a 概况 heading, then
the lines that begin with the name and a year (关于X2026年…, 附件：X 2019 年度…).
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from errors import BadAliasLine

from .text import squash
from .vocabulary import name_ending, vocabulary_table

ORG_SUFFIX = name_ending('机构')
# '(本级)' and the like after the name
NAME = r'[\u4e00-\u9fff（）()]{2,40}?' + ORG_SUFFIX + r'(?:[（(][\u4e00-\u9fff、]{1,20}[）)])?'
SCOPE = re.compile(r'[（(]本级[）)]$')
LEVEL = re.compile(name_ending('行政区划') + '$')
PAGE_NUMBER = re.compile(r'[-—－]*第?\d{1,3}页?(?:共\d{1,3}页)?[-—－]*')
COVER_LINES = 15
TITLE_WINDOW = 4


def places() -> dict[str, tuple[str, ...]]:
    """Full place name -> its short names (data/vocabulary/places.tsv)."""
    return dict(vocabulary_table('places'))


def bodies() -> dict[str, tuple[str, ...]]:
    """Full body name -> its short names (data/vocabulary/bodies.tsv)."""
    return dict(vocabulary_table('bodies'))


def place_abbreviations() -> dict[str, tuple[str, ...]]:
    """Provincial-level place -> its one-character 简称 (data/vocabulary/place_abbreviations.tsv)."""
    return dict(vocabulary_table('place_abbreviations'))


def compact(line: str) -> str:
    """A line without the spaces drawn between characters ('2 0 2 6 年 度' -> '2026年度'); tabs stay."""
    return re.sub(r'[ \u3000\xa0]+', '', line)


# ---------------------------------------------------------------- titles

@lru_cache(maxsize=None)
def _title_pattern() -> re.Pattern:
    """'2026年度X局单位预算', 'X局2026年度部门预算公开', 'X委员会年部门预算情况说明2026' (the year drawn apart)."""
    return re.compile(r'(?:关于)?(?:(?P<y1>\d{4})年度?)?(?P<org>' + NAME + r')(?:(?P<y2>\d{4})?年度?)?'
                      r'(?:(?:部门|单位)(?:[（(](?:部门|单位)[）)])?)?(?P<kind>预算|决算)[\u4e00-\u9fff“”"]{0,16}?(?P<y3>\d{4})?')


YEAR_TITLE = re.compile(r'[^\d]{0,12}?(?P<y1>\d{4})年度?[\u4e00-\u9fff]{0,12}?(?P<kind>预算|决算)[\u4e00-\u9fff]{0,8}')


def cover(lines: list[str]) -> list[str]:
    """The first lines that carry text, compacted, up to the table of contents (目录)."""
    out = []
    for line in lines:
        text = compact(line).replace('\t', '')
        if text in ('目录', '##目录'):
            break
        if text and not PAGE_NUMBER.fullmatch(text):
            out.append(text.lstrip('#* '))
        if len(out) >= COVER_LINES:
            break
    return out


def title_match(lines: list[str], pattern: re.Pattern) -> re.Match | None:
    """The first run of up to four cover lines that reads, joined, as a whole title."""
    texts = cover(lines)
    for start in range(len(texts)):
        for width in range(min(TITLE_WINDOW, len(texts) - start), 0, -1):
            m = pattern.fullmatch(''.join(texts[start:start + width]))
            if m:
                return m
    return None


# ---------------------------------------------------------------- organisation

def detect_org(lines: list[str]) -> str:
    for finder in (labelled_org, titled_org, named_line_org, overview_org, tabled_org, subject_org):
        org = finder(lines)
        if org:
            return org
    return ''


@lru_cache(maxsize=None)
def _label_pattern() -> re.Pattern:
    labels = sorted((label for label, _ in vocabulary_table('org_labels')), key=len, reverse=True)
    return re.compile(r'(?:^|(?<=[\t表）)]))(?:' + '|'.join(labels) + r')(?P<sep>[:：]\t*|\t+)(?P<org>' + NAME + r')'
                      r'(?=$|\t|单位|\d{4}年)')


@lru_cache(maxsize=None)
def _label_endings() -> frozenset[str]:
    """The last character of every label ('门', '位', '称'): a cheap test a line must pass before the pattern."""
    return frozenset(label[-1] for label, _ in vocabulary_table('org_labels'))


def labelled_names(lines: tuple[str, ...] | list[str]) -> tuple[Counter, Counter]:
    """Names after a label and a colon, and names in the cell after a label cell, with how often each is printed."""
    pattern, endings = _label_pattern(), _label_endings()
    after_colon, in_cell = Counter(), Counter()
    for line in lines:
        if any(c in line for c in endings) and ('：' in line or ':' in line or '\t' in line):
            for m in pattern.finditer(compact(line)):
                (in_cell if m.group('sep').startswith('\t') else after_colon)[m.group('org')] += 1
    return after_colon, in_cell


def labelled_org(lines: list[str]) -> str:
    """'部门：X' / '预算单位：X', also glued to a table title ('收支预算总表部门：X 单位：万元'): the name
    printed most often. '单位：万元' is a unit: a name must end like an organisation."""
    names = labelled_names(lines)[0]
    return names.most_common(1)[0][0] if names else ''


def tabled_org(lines: list[str]) -> str:
    """'部门名称<TAB>X' in a table, when every such cell names the same body (a table listing several
    units under '预算单位' names none of them as the document's organisation)."""
    names = labelled_names(lines)[1]
    return next(iter(names)) if len(names) == 1 else ''


def titled_org(lines: list[str]) -> str:
    m = title_match(lines, _title_pattern())
    return m.group('org') if m else ''


def named_line_org(lines: list[str]) -> str:
    """A cover line that is nothing but an organisation's name (not a table row: '部门名称<TAB>X')."""
    for line in lines[:12]:
        if '\t' in line.strip():
            continue
        text = squash(line, drop='#*')
        if text and re.fullmatch(r'[\u4e00-\u9fff（）()]{4,40}' + ORG_SUFFIX, text):
            return text
    return ''


def overview_org(lines: list[str]) -> str:
    """'第一部分 X局概况'."""
    for line in lines[:40]:
        m = re.search(r'第一部分\s*(?:20\d\d\s*年)?\s*([\u4e00-\u9fff（）()]{4,40}?'
                      + ORG_SUFFIX + r')\s*(?:单位|部门)?概况', line)
        if m:
            return m.group(1)
    return ''


def subject_org(lines: list[str]) -> str:
    """The name most lines begin with before a year: '关于X2026年…', '附件：X 2019 年度…', 'X 2019 年度收入…'."""
    pattern = re.compile(r'(?:附件\d*[:：])?(?:关于)?(' + NAME + r')\d{4}年')
    names = Counter()
    for line in (line for line in lines if '年' in line):
        text = compact(line).lstrip('（(一二三四五六七八九十）)、.')
        m = pattern.match(text)
        if m:
            names[m.group(1)] += 1
        names.update(m.group(1) for m in re.finditer(r'关于(' + NAME + r')\d{4}年', text) if m.start() > 0)
    return names.most_common(1)[0][0] if names else ''


# ---------------------------------------------------------------- year and kind

def detect_year(lines: list[str]) -> int | None:
    """The budget year its title gives; else the year its headings give most often."""
    for pattern in (_title_pattern(), YEAR_TITLE):
        m = title_match(lines, pattern)
        year = m and next((m.group(g) for g in ('y1', 'y2', 'y3') if m.groupdict().get(g)), None)
        if year:
            return int(year)
    return heading_year(lines) or bare_year(lines)


HEADING_YEAR = re.compile(r'(20\d\d)年度?(?:(?:单位|部门|部门（单位）)?(?:(?:预算|决算)(?:公开|情况说明|公开表|表)'
                          r'|部门概况|单位概况)|[\u4e00-\u9fff“”"]{0,16}?(?:预算|决算)[\u4e00-\u9fff]{0,2}表)')


def heading_year(lines: list[str]) -> int | None:
    years = Counter(int(m.group(1)) for line in lines if '年' in line for m in HEADING_YEAR.finditer(compact(line)))
    return years.most_common(1)[0][0] if years else None


def bare_year(lines: list[str]) -> int | None:
    """A line that is only a year: '（2026年度）' under a table title."""
    for line in (line for line in lines if '年' in line and len(line) < 40):
        m = re.fullmatch(r'[（(]?(20\d\d)年度?[）)]?', compact(line).replace('\t', ''))
        if m:
            return int(m.group(1))
    return None


def detect_kind(lines: list[str]) -> str:
    """'决算' when the document's title calls it a 决算, else '预算'."""
    for pattern in (_title_pattern(), YEAR_TITLE):
        m = title_match(lines, pattern)
        if m:
            return m.group('kind')
    titles = Counter()
    for line in lines[:400]:
        for m in re.finditer(r'(预算|决算)(?:公开|情况说明|报表|表|总表)', compact(line)):
            titles[m.group(1)] += 1
    return '决算' if titles['决算'] > titles['预算'] else '预算'


# ---------------------------------------------------------------- names people use

def is_place(name: str) -> bool:
    return any(name == full or name in short for full, short in places().items()) or bool(
        re.fullmatch(r'[\u4e00-\u9fff]{1,10}', name) and LEVEL.search(name))


@lru_cache(maxsize=None)
def _form_patterns() -> tuple[tuple[tuple[str, ...], tuple[re.Pattern, ...]], ...]:
    out = []
    for long, shorts in vocabulary_table('org_forms'):
        forms = (long,) + shorts
        out.append((forms, tuple(re.compile(re.escape(f).replace(re.escape('{}'), '(?P<place>.+?)')) for f in forms)))
    return tuple(out)


def name_forms(name: str) -> tuple[str, ...]:
    """Every form of a party or CPPCC body's name, longest first (data/vocabulary/org_forms.tsv):
    '中共江苏省委办公厅' -> ('中国共产党江苏省委员会办公厅', '中共江苏省委办公厅', '江苏省委办公厅')."""
    for forms, patterns in _form_patterns():
        for pattern in patterns:
            m = pattern.match(name)
            if m and is_place(m.group('place')):
                return tuple(f.replace('{}', m.group('place')) + name[m.end():] for f in forms)
    return (name,)


def org_key(name: str) -> str:
    """One key per organisation across years: '中共X局' and 'X局' are the same body, and so are
    '中国共产党X委员会办公厅', '中共X委办公厅' and 'X委办公厅'."""
    return re.sub(r'^中共', '', name_forms(name.strip())[-1])


def derive_aliases(full_name: str, extra: dict[str, list[str]] | None = None) -> tuple[str, ...]:
    key = org_key(full_name)
    base = SCOPE.sub('', key)
    aliases = {full_name, key, base, *name_forms(full_name), *name_forms(SCOPE.sub('', full_name))}
    place, body = split_org(base)
    aliases.update(place_body_names(place, body) if body else (base,))
    aliases.update((extra or {}).get(full_name, ()))
    return tuple(sorted((a for a in aliases if len(a) >= 2), key=lambda a: (-len(a), a)))


def place_body_names(place: str, body: str) -> set[str]:
    """Each name of the place joined to each name of the body. A body said with its level ('委办公厅' in
    '省委办公厅') takes only place names that end in a level, and is not said alone."""
    bound = body.startswith('委')
    place_names = place_aliases(place) + level_word(place) if place else ()
    names = set()
    for b in bodies().get(body, ()) + (body,):
        names.update(p + b for p in place_names if not bound or LEVEL.search(p))
        if not bound:
            names.add(b)
    return names


def level_word(place: str) -> tuple[str, ...]:
    """'省' for 江苏省, '市' for 苏州市: how a place names itself in its own documents (省委办公厅, 市审计局)."""
    m = re.search(name_ending('自称') + '$', place)
    return (m.group(1),) if m and not re.search(name_ending('不自称') + '$', place) else ()


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
            raise BadAliasLine(path, number, got=repr(line))
        name, aliases = line.split('\t', 1)
        out.setdefault(name.strip(), []).extend(a.strip() for a in re.split(r'[,，]', aliases) if a.strip())
    return out
