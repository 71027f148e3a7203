"""Choosing the stored entries a question is about, with the reasons kept for `--explain`.

    ranked = candidates(reading, accept=lambda e: e.aspect == '')
    ranked[0].entry.fact.value, ranked[0].score, ranked[0].why

An entry scores by the question words it explains (its subject, column, scope,
table, project); small preferences break ties: a table before the prose that
repeats it, all funds before a narrower scope unless the question names one,
the whole figure before a breakdown column.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ingest.text import bigrams

from .catalogue import ALL_FUNDS, Entry, scope_names
from .label_match import Span, canonical
from .normalize import name_key

TABLE_ORDER = {3: 0, 1: 1, 2: 2, 5: 3, 6: 4, 7: 5, 4: 6, 10: 7, 8: 8, 9: 9, 11: 10}


@dataclass
class Candidate:
    score: float
    entry: Entry
    used: list[Span] = field(default_factory=list)
    why: list[str] = field(default_factory=list)

    @property
    def words(self) -> str:
        return '、'.join(s.name for s in self.used)


@dataclass
class Reading:
    """What a question (or one part of it) was read as: its text, documents, catalogue and matched names."""
    text: str
    docs: list
    catalogue: object
    spans: list[Span]
    scope: str = ''                              # a scope word the question names ('' when none)
    units: tuple[str, ...] = ()
    taken: tuple[tuple[int, int], ...] = ()     # spans of organisation names and years, and other clauses
    near: dict = field(default_factory=dict)     # doc -> lines the answer to the previous part stands on
    clause: tuple[int, int] | None = None
    places: tuple[tuple[int, int], ...] = ()
    quoted: tuple[tuple[int, int], ...] = ()      # names the question put in quotes
    excluded: list[tuple[Candidate, str]] = field(default_factory=list)   # dropped, with the reason

    @property
    def subject_spans(self) -> list[Span]:
        roles = self.catalogue.names()
        return [s for s in self.spans
                if not s.exact or roles.get(s.name, set()) & {'subject', 'weak_subject', 'project'}]


def candidates(reading: Reading, accept: Callable[[Entry], bool] = lambda e: True,
               spans: list[Span] | None = None) -> list[Candidate]:
    spans = reading.spans if spans is None else spans
    out = []
    catalogue = reading.catalogue
    for index, entry in enumerate(catalogue.entries):
        if not accept(entry):
            continue
        score, used, core = catalogue.explain(index, spans)
        if not core:
            continue
        candidate = Candidate(score, entry, used)
        if reading.units and entry.kind == 'fact' and entry.unit not in reading.units:
            reading.excluded.append((candidate, f'单位{entry.unit}不是所问的{"/".join(reading.units)}'))
            continue
        if not reading.units and entry.kind == 'fact' and entry.unit == '%' and entry.aspect not in ('share', 'rate') \
                and not _names_rate(candidate):
            reading.excluded.append((candidate, '比率，问题没有问比率'))
            continue
        _prefer(candidate, reading)
        out.append(candidate)
    out.sort(key=lambda c: (-c.score, c.entry.doc, c.entry.line_start))
    if not out and reading.units and reading.excluded:
        out = sorted(_stated_beside(reading, accept), key=lambda c: (-c.score, c.entry.doc, c.entry.line_start))
    if reading.near:
        out = _near(reading, accept, out)
    return out


def _near(reading: Reading, accept, ranked: list[Candidate]) -> list[Candidate]:
    """'有几个，涉及多少钱': the figures of the asked unit in the sentence the previous part was answered from."""
    listed = {id(c.entry) for c in ranked}
    top = ranked[0].score if ranked else 1.0
    extra = []
    for entry in reading.catalogue.entries:
        lines = reading.near.get(entry.doc, ())
        if entry.kind != 'fact' or entry.line_start not in lines or id(entry) in listed or not accept(entry):
            continue
        if reading.units and entry.unit not in reading.units or entry.aspect:
            continue
        extra.append(Candidate(top + 1.0, entry, [], ['与前一问的答案在同一句']))
    return sorted(extra + ranked, key=lambda c: (-c.score, c.entry.doc, c.entry.line_start))

def _names_rate(c: Candidate) -> bool:
    """A rate the question names ('及时率'), or a growth rate asked as growth ('增加值要增长多少')."""
    return (any('率' in s.name or '比' in s.name for s in c.used)
            or ('率' in c.entry.subject and '增长' in c.entry.subject))


def _stated_beside(reading: Reading, accept) -> list[Candidate]:
    """'共计 8 个项目' next to the item's 290.85 万元: the asked unit, stated on the item's own line."""
    best = max(reading.excluded, key=lambda pair: pair[0].score)[0]
    lines = range(best.entry.line_start, best.entry.line_end + 1)
    out = []
    for entry in reading.catalogue.entries:
        if entry.kind == 'fact' and entry.doc == best.entry.doc and entry.line_start in lines and \
                entry.unit in reading.units and entry.aspect == '' and accept(entry):
            named = 0.2 if name_key(best.entry.subject) in name_key(entry.subject) else 0.0   # '非财政拨款项目涉及…'
            out.append(Candidate(best.score - 0.5 + named, entry, best.used,
                                 [f'与“{best.entry.subject}”同一句所述的{entry.unit}数']))
    return out


def _prefer(c: Candidate, reading: Reading) -> None:
    e = c.entry
    explained = {s.name for s in c.used}
    if e.aspect and not (e.aspect_names & explained) and e.aspect not in ('change', 'rate', 'share'):
        c.score -= 0.6
        c.why.append(f'分栏“{e.aspect}”问题没有提到')
    if reading.scope:
        if e.scope == reading.scope:
            c.score += 0.3
        elif e.scope != ALL_FUNDS and not (set(scope_names(e.scope)) & explained):
            c.score -= 0.3
            c.why.append(f'口径{e.scope}不是所问的{reading.scope}')
    elif e.scope == ALL_FUNDS:
        c.score += 0.2
    loose = e.fact is not None and 'general_pattern' in e.fact.flags
    if (e.fact is not None and e.fact.source == 'table'
            and any(s.exact and s.name == name_key(e.fact.row) for s in c.used)):
        c.score += 0.3                           # the document's own word for it, not a synonym
    if e.kind == 'fact':
        c.score += 0.3
        if not reading.units and e.unit == '万元':
            c.score += 0.2                       # a budget question asks for money unless it says otherwise
    if reading.near and e.doc in reading.near and e.line_start in reading.near[e.doc]:
        c.score += 1.5
        c.why.append('与前一问的答案在同一句')
    if e.fact is not None and e.fact.source == 'table':
        c.score += 0.1 + 0.01 * (10 - TABLE_ORDER.get(e.table_no, 10))
    if e.fact is not None and e.fact.source == 'table' and e.table_no and \
            any(s.exact and name_key(s.name) == _stem_of(e) for s in c.used):
        c.score += 0.3                           # the total of the table about the item (表9 for 国有资本经营预算支出)
    if e.project_total and _names_project(c):
        c.score += 0.2 + (0.3 if e.table_no else 0)   # a project's own budget line; as the budget table prints it first
    if loose:
        c.score -= 0.2                           # a label the prose pattern made up, not a stated item
    stated = stated_year(e)
    if stated and stated not in (_asked_years(reading) or {e.year}):
        c.score -= 0.5
        c.why.append(f'文件写明这是{stated}年的数，不是所问的年份')


def stated_year(e: Entry) -> int | None:
    """The year a sentence writes before a figure ('2023 年…收入预算 100000 万元编列'): column '数额（2023年）'."""
    m = re.fullmatch(r'数额（(20\d\d)年）', e.fact.column) if e.fact is not None else None
    return int(m.group(1)) if m else None


def year_of(e: Entry) -> int | None:
    """The year a figure is for: the one its sentence states, else its document's."""
    return stated_year(e) or e.year


def _asked_years(reading: Reading) -> set[int]:
    start, end = reading.clause or (0, len(reading.text))
    return {int(y) for y in re.findall(r'(20\d\d)\s*年', reading.text[start:end])}


def _names_project(c: Candidate) -> bool:
    """A word of the question matched the project's name, not only the 功能科目 row it is listed under (表7)."""
    project, row = name_key(c.entry.project), name_key(c.entry.fact.row if c.entry.fact is not None else '')
    if not any(name_key(s.name) == row for s in c.used):
        return True
    return any(len(bigrams(name_key(s.name)) & bigrams(project)) >= 2 for s in c.used if name_key(s.name) != row)


def _stem_of(e: Entry) -> str:
    from .catalogue import TOTAL_ROW, table_stem
    return table_stem(e.fact.table_title) if TOTAL_ROW.match(name_key(e.fact.row)) else ''


def top(ranked: list[Candidate], margin: float = 0.35) -> list[Candidate]:
    """The best candidate and those within `margin` of it."""
    if not ranked:
        return []
    best = ranked[0].score
    return [c for c in ranked if c.score >= best - margin]


def per_document(ranked: list[Candidate], tolerance: float = 1.0) -> list[Candidate]:
    """The best candidate of each disclosure (an organisation-year, whose 情况说明 and 报表 may be two files) that
    explains about as much as the best overall."""
    from ingest.orgs import org_key
    if not ranked:
        return []
    best, seen, out = ranked[0].score, set(), []
    for c in ranked:
        disclosure = (org_key(c.entry.org), c.entry.year)
        if disclosure in seen or c.score < best - tolerance:
            continue
        seen.add(disclosure)
        out.append(c)
    return sorted(out, key=lambda c: (c.entry.year or 0, c.entry.org))


def same_subject(a: Entry, b: Entry) -> bool:
    """Two entries about one figure of one document (a table and the sentence that repeats it, or two tables)."""
    if a.doc != b.doc or a.part != b.part or (a.aspect != b.aspect):
        return False
    if name_key(a.project) != name_key(b.project) and not (
            a.project_total and b.project_total and names_close(a.project, b.project)):
        return False
    if a.project and a.project_total and b.project_total:
        return True
    if a.fact is not None and b.fact is not None and a.fact.row_code and b.fact.row_code and \
            a.fact.row_code != b.fact.row_code:
        return False                             # two rows of the classification, whatever their labels
    if a.parent and b.parent and a.parent != b.parent and not names_close(a.parent, b.parent):
        return False                             # 行政运行 of 财政事务 is not 行政运行 of 纪检监察事务
    return a.subject == b.subject or canonical(a.subject) == canonical(b.subject) or names_close(a.subject, b.subject)


def names_close(a: str, b: str) -> bool:
    """Two names for one thing: equal keys, or a long common run ('车辆数量' and '其他车辆数量' are two things)."""
    a, b = name_key(a), name_key(b)
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) < 6:
        return False                             # '车辆数量' and '其他车辆数量' are two things
    from .label_match import longest_common_run
    run, _ = longest_common_run(shorter, longer)
    return len(run) >= 0.8 * len(longer)
