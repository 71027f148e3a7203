"""A question as a typed plan, and what the words of one clause say: which kind of answer, which units.

    plan = Plan('diff', '比上年多了多少', years=(2025, 2024), items=('一般公共预算拨款',))
    print(plan.describe())                          # '增减 | 年份：2025、2024 | 事项：一般公共预算拨款'
    cues('三公经费比上年多了多少')                     # {'diff': ['比上年', '多了']}: the kinds.tsv words found
    clauses('机关运行经费是多少？比去年多了多少？')       # [(0, 9), (10, 17)]: the questions in one

The kinds are declared once, in qa/plans/__init__.py (KINDS); which words ask for which kind is data
(data/vocabulary/kinds.tsv), and `kind_of` weighs them for one clause. Reading a whole question against the
loaded documents (organisations, years, items) is qa/understand.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ingest.vocabulary import vocabulary_table

from .label_match import canonical
from .normalize import normalise
from .select import Reading

QUESTION_WORDS = re.compile(r'(多少|多大|多久|(?<![这那])几|什么|哪|吗|是否|怎么|如何|谁|有没有|有无|呢|为何|为什么'
                            r'|是啥)')


@dataclass(frozen=True)
class Plan:
    kind: str
    question: str
    orgs: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    items: tuple[str, ...] = ()
    scope: str = ''
    units: tuple[str, ...] = ()
    unit_asked: str = ''
    qualifiers: tuple[str, ...] = ()
    subunit: str = ''
    disclosure: str = ''                              # '决算' / '预算' when it matters which (qa/disclosure.py)
    also_loaded: tuple[str, ...] = ()                 # the other disclosure of an organisation-year, not read
    mention: str = ''                                 # an organisation named that is not loaded
    reason: str = ''
    candidates: tuple[str, ...] = ()
    parts: tuple['Plan', ...] = ()
    carried: tuple[str, ...] = ()                     # what a part took from the one before it
    near: tuple[tuple[str, str], ...] = ()            # (the question's words, the label they mean): 基本薪酬 ≈ 基本工资
    org_near: tuple[tuple[str, str], ...] = ()        # a place written one character off: 克洲 ≈ 克州
    unloaded: tuple[int, ...] = ()                    # years asked with no document loaded (refused unless stated)
    reading: Reading | None = field(default=None, compare=False, repr=False)

    def describe(self) -> str:
        if self.parts:
            return '；'.join(p.describe() for p in self.parts)
        from .plans import KIND_BY_NAME      # the kinds' registry imports their executors, which import Plan
        declared = KIND_BY_NAME.get(self.kind)
        bits = [declared.chinese if declared else self.kind]
        if self.orgs:
            bits.append('单位：' + '、'.join(self.orgs) + ''.join(f'（{w} ≈ {m}）' for w, m in self.org_near))
        if self.subunit:
            bits.append(f'下属单位：{self.subunit}')
        if self.years:
            bits.append('年份：' + '、'.join(str(y) for y in self.years))
        if self.items:
            meant = {canonical(label): words for words, label in self.near}
            bits.append('事项：' + '、'.join(f'{meant[canonical(i)]} ≈ {i}' if canonical(i) in meant else i
                                            for i in self.items))
        if self.scope or self.disclosure:
            bits.append('口径：' + '、'.join(x for x in (self.disclosure, self.scope) if x))
        if self.units:
            bits.append('单位要求：' + '/'.join(self.units))
        if self.qualifiers:
            bits.append('限定：' + '、'.join(self.qualifiers))
        if self.reason:
            bits.append(self.reason)
        return ' | '.join(bits)

    def to_json(self) -> dict:
        out = {'kind': self.kind, 'orgs': list(self.orgs), 'years': list(self.years), 'items': list(self.items),
               'scope': self.scope, 'units': list(self.units), 'unit_asked': self.unit_asked,
               'qualifiers': list(self.qualifiers), 'subunit': self.subunit, 'reason': self.reason,
               'disclosure': self.disclosure, 'also_loaded': list(self.also_loaded),
               'describe': self.describe()}
        if self.org_near:
            out['org_near'] = [list(pair) for pair in self.org_near]
        if self.parts:
            out['parts'] = [p.to_json() for p in self.parts]
        return out


# ---- vocabulary --------------------------------------------------------------------------

@lru_cache(maxsize=1)
def kind_words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((kind, tuple(normalise(w) for w in words)) for kind, words in vocabulary_table('kinds'))


@lru_cache(maxsize=1)
def quantity_words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    pairs = [(word, tuple(units.split('|'))) for units, words in vocabulary_table('quantities') for word in words]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@lru_cache(maxsize=1)
def qualifier_words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return vocabulary_table('qualifiers')


@lru_cache(maxsize=1)
def parts_of() -> dict[str, tuple[str, ...]]:
    return {canonical(whole): tuple(canonical(p) for p in parts) for whole, parts in vocabulary_table('parts')}


def cues(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for kind, words in kind_words():
        hits = [w for w in words if w and w in text]
        if hits:
            found[kind] = hits
    return found


def units_asked(text: str) -> tuple[tuple[str, ...], str]:
    """The units a question asks its figure in (几辆 -> 辆), and the money unit it wants shown (元, 亿元)."""
    units = ()
    for word, candidates in quantity_words():
        if word in text and not _among(text, word):
            units = candidates
            break
    if re.search(r'(亿元|几个亿|多少亿)', text):
        shown = '亿元'
    else:
        shown = '元' if re.search(r'(多少元|几元|(?<![万亿])元(?!/))', text) else ''
    return units, shown


def _among(text: str, word: str) -> bool:
    """'几家单位里谁的车最多': the count word names the set asked among, not what is counted."""
    at = text.find(word)
    return re.match(r'[\u4e00-\u9fff]{0,4}?(里|中|之中|当中|之间)', text[at + len(word):]) is not None and \
        re.search(r'(谁|哪)', text[at + len(word):]) is not None


def qualifiers_in(text: str) -> tuple[str, ...]:
    return tuple(word for word, _ in qualifier_words() if word in text)


def evidence_words(qualifier: str) -> tuple[str, ...]:
    return next((words for word, words in qualifier_words() if word == qualifier), (qualifier,))


# ---- clauses --------------------------------------------------------------------------------

def clauses(text: str) -> list[tuple[int, int]]:
    """Spans of the separate questions in one: '机关运行经费是多少？比去年多了多少？'."""
    pieces, start = [], 0
    for m in re.finditer(r'[？?；;。!！]|[，,](?=.{2,})', text):
        pieces.append((start, m.start()))
        start = m.end()
    pieces.append((start, len(text)))
    pieces = [(s, e) for s, e in pieces if e - s >= 1]
    merged: list[list[int]] = []
    for s, e in pieces:
        asks = QUESTION_WORDS.search(text[s:e]) is not None
        if merged and (not asks or not QUESTION_WORDS.search(text[merged[-1][0]:merged[-1][1]])):
            merged[-1][1] = e
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged] or [(0, len(text))]


def kind_of(text: str, reading: Reading, n_orgs: int, n_years: int, org_named: bool) -> str:
    """The kind of answer one clause asks for, from the kinds.tsv words it uses (`cues`) and what it names."""
    found = cues(text)
    glossary = any(reading.catalogue.entries[i].kind == 'definition'
                   for s in reading.spans for i in _entries_named(reading, s.name))
    if 'define' in found and (glossary or not org_named or 'strict:define' in found):
        return 'define'
    if 'weak:define' in found and glossary and not org_named:
        return 'define'
    about_itself = _about_the_document_or_organisation(text, found, reading)
    if about_itself:
        return about_itself
    if 'explain' in found:
        return 'explain'
    if 'per_person' in found:
        return 'per_person'
    if 'lookup' in found:
        return 'lookup'
    if 'sum' in found:
        return 'sum'
    if 'rank' in found:
        return 'rank'
    if 'compare' in found or (n_orgs >= 2 and re.search(r'(谁|哪个|哪家|哪一个)', text)):
        return 'compare' if n_orgs >= 2 or n_years < 2 else 'diff'
    if 'diff' in found:
        return 'diff'
    if 'share' in found:
        return 'share'
    if 'exists' in found or ('有' in text and re.search(r'(吗|么)[？?]?$', text)):
        return 'exists'
    if 'detail' in found:
        return 'detail'
    if 'list' in found or ('weak:define' in found and not glossary):
        return 'list'
    if 'verify' in found:
        return 'verify'
    return 'lookup'


ASKS_WHETHER = re.compile(r'(吗|么|没有|与否)[？?。]?$')


def _about_the_document_or_organisation(text: str, found: dict, reading: Reading) -> str:
    """'一共有几张表' / '有没有上年结转结余明细表' (tables), '下属单位里有学校吗' / '有没有信息科' (structure),
    '管不管盐业' / '负责政务公开吗' (duty): questions about the document or the organisation, not a figure."""
    bare = _bare_clause(reading) if reading.clause else text
    whether = 'exists' in found or bool(ASKS_WHETHER.search(bare.strip()))
    figure = re.search(r'(多少|几(?!张|个表))', bare) is not None
    ending = re.sub(r'[吗么呢？?。\s]+$', '', bare.replace('有没有', '').strip())
    if any(k.startswith('tables:') for k in found) or (whether and not figure and ending.endswith('表')):
        return 'tables'
    unit_kind = any(w in bare for _, words in unit_kinds() for w in words) and 'structure' in found
    if 'structure' in found and not figure and (whether or unit_kind):
        return 'structure'
    if whether and not figure and ending.endswith(unit_endings()) and 'duty' not in found:
        return 'structure'
    weak = 'weak:duty' in found and 'exists' not in found and bool(ASKS_WHETHER.search(bare.strip()))
    if not figure and ('duty' in found or weak):
        return 'duty'
    return ''


def _bare_clause(reading: Reading) -> str:
    """The clause without the organisation and year it names."""
    start, end = reading.clause
    return blanked(reading.text, reading.taken)[start:end].replace('　', '')


@lru_cache(maxsize=1)
def unit_kinds() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((head, (head,) + words) for head, words in vocabulary_table('unit_kinds') if head != '名称结尾')


@lru_cache(maxsize=1)
def unit_endings() -> tuple[str, ...]:
    return next(words for head, words in vocabulary_table('unit_kinds') if head == '名称结尾')


def _entries_named(reading: Reading, name: str) -> list[int]:
    return [i for i, e in enumerate(reading.catalogue.entries) if name in e.names and e.kind == 'definition']


def blanked(norm: str, spans) -> str:
    """The text with these spans blanked out (a full-width space per character): positions stay the same."""
    return ''.join('　' if any(s <= i < e for s, e in spans) else c for i, c in enumerate(norm))
