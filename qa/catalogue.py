"""The catalogue of what the documents in a question's scope hold, and how well each entry explains a question.

    catalogue = Catalogue.build(facts, statements, docs)     # of the documents the question is about
    spans = catalogue.spans('克州工信局2024年一般公共预算基本支出中的办公费是多少')
    score, used, core = catalogue.explain(0, spans)          # how much of the question entries[0] explains

Every stored fact and statement is an `Entry`: what it is about (its subject,
named by its row label, text item or 名词解释 term, plus the other names
data/vocabulary/synonyms.tsv gives that subject), which part of it (the
column), which money it counts (scope: 一般公共预算, 财政拨款 … from its
table or section), its project and its table. A question is matched by the
names it contains: the longest names win, and an entry scores by how much of
the question it explains. Nothing here knows any particular item: a row label
no list mentions is matched by its own words.

How a phrase finds a label (exactly, nearly, one character off, by meaning) is qa/label_match.py. This
module stays one (about 450 lines): an entry's names, scope and context words are made here for the
scoring here, and splitting entries from the catalogue would only pass their private helpers across.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ingest.models import BudgetFact
from ingest.text import bigrams
from ingest.vocabulary import vocabulary_table

from .label_match import (Span, after_filler, canonical, exact_spans, generic_words, item_phrase, meaning_match,
                          names_for, near_matches, one_off, only_weak, synonym_classes, unwrapped_names, weak_words)
from .normalize import name_key

WHOLE_COLUMNS = {'合计', '总计', '预算数', '数额', '指标值', '项目资金', '项目支出合计', '财政拨款/合计'}
TOTAL_ROW = re.compile(r'^(合计|总计|小计|收入总计|支出总计|本年收入合计|本年支出合计|收入合计|支出合计)$')
FUNCTION_ITEM = re.compile(r'（项）$')
ALL_FUNDS = '全部资金'
PROJECT_TOTALS = {'预算安排规模', '年度预算总额', '项目预算'}


@dataclass(frozen=True)
class Entry:
    kind: str                         # 'fact' | 'absent' | 'definition'
    doc: str
    org: str
    year: int | None
    subject: str                      # canonical name of what it is about
    names: frozenset                  # names a question may use for the subject
    base_names: frozenset = frozenset()   # the subject's own names, without a scope word before them
    aspect: str = ''                  # '' for the whole figure; a column; 'change' | 'rate' | 'share' in prose
    aspect_names: frozenset = frozenset()
    scope: str = ALL_FUNDS
    part: str = ''                    # '基本支出' | '项目支出' | ''
    context_names: frozenset = frozenset()   # scope, part and table words that agree with this entry
    project: str = ''
    project_total: bool = False       # the project's own budget (表7 total, 预算安排规模, 年度预算总额)
    parent: str = ''                  # the 款 a 项 belongs to ('财政事务' for 2010601 行政运行), when known
    table_no: int | None = None
    unit: str = ''
    fact: BudgetFact | None = None
    statement: dict | None = None

    @property
    def line_start(self) -> int:
        return self.fact.line_start if self.fact else self.statement['line_start']

    @property
    def line_end(self) -> int:
        return self.fact.line_end if self.fact else self.statement['line_end']


# ---- vocabulary -----------------------------------------------------------------------


@lru_cache(maxsize=1)
def scope_words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((head, tuple(name_key(o) for o in others)) for head, others in vocabulary_table('scopes'))


@lru_cache(maxsize=1)
def _scope_prefixes() -> tuple[str, ...]:
    return tuple({w[:2] for head, others in scope_words() for w in (head,) + others if len(w) >= 2})


@lru_cache(maxsize=1)
def part_words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((head, tuple(others)) for head, others in vocabulary_table('spending_parts'))


@lru_cache(maxsize=1)
def table_names() -> dict[str, tuple[str, ...]]:
    return {head: tuple(name_key(o) for o in others) for head, others in vocabulary_table('table_names')}


@lru_cache(maxsize=20_000)
def scope_of(text: str) -> str:
    """The money a title, column or heading counts: the first scope word in it."""
    key = name_key(text)
    found = [(key.find(w), head) for head, others in scope_words() for w in (head,) + others if w and w in key]
    return min(found)[1] if found else ALL_FUNDS


@lru_cache(maxsize=20_000)
def part_of(text: str) -> str:
    key = name_key(text)
    return next((head for head, _ in part_words() if head in key), '')


def scope_names(scope: str) -> tuple[str, ...]:
    return next(((head,) + others for head, others in scope_words() if head == scope), (scope,))


# ---- entries ------------------------------------------------------------------------------


def _leaf(path: str, generic: frozenset | None = None) -> str:
    """The last part of a printed header path that names something: '支出预算/基本支出/合计' -> '基本支出'."""
    generic = generic_words() if generic is None else generic
    for part in reversed([p for p in path.split('/') if p]):
        key = re.sub(r'^\d{4}年(度)?', '', name_key(part))
        if key and key not in generic:
            return part
    return ''


def _grid_fact(f: BudgetFact) -> BudgetFact:
    """A fact of a table read by its structure, with its row and column reduced to what they name (the printed
    path stays in the citation): a row without a label, or a 小计 row, is its table's or group's total."""
    settled = generic_words() - _budget_words() if '决算' in f.table_title else generic_words()
    row = _leaf(f.row, settled) if '/' in f.row else f.row
    column = _leaf(f.column, settled)
    if not row or name_key(row) in settled:
        row = '合计'
    if column and f.item and canonical(column) == canonical(f.item):
        column = ''                               # '“三公”经费/小计' of the 三公经费 is the figure itself
    return replace(f, row=row, column=column or '合计')


@lru_cache(maxsize=1)
def _budget_words() -> frozenset:
    """In a 决算 table, 预算数 and 年初预算数 name a column of their own: the figure asked is the 决算数."""
    return frozenset(w for w in generic_words() if '预算' in w)


def is_grid_fact(f: BudgetFact) -> bool:
    return f.source == 'table' and f.table_no is None and f.item not in ('绩效指标', '项目预算')


def fact_entry(f: BudgetFact, subjects_known: frozenset = frozenset(), parents: dict | None = None) -> Entry:
    printed = f
    if is_grid_fact(f):
        f = _grid_fact(f)
    aspect = _aspect(f)
    parent = _parent(f, parents or {})
    subject = _without_org(_subject(f, aspect), f.org)
    if f.source == 'table' and TOTAL_ROW.match(name_key(f.row)) and aspect and f.table_no != 10 and not f.item:
        subject, aspect = aspect, ''           # 表6 合计 × 人员经费 is the table's 人员经费
    where = f.table_title if f.source == 'table' else (f.section.split(' > ')[-1] if f.section else '')
    scope = scope_of(where) if f.source == 'table' or f.section else ALL_FUNDS
    if aspect and scope_of(aspect) != ALL_FUNDS:
        scope = scope_of(aspect)                # 表2's 一般公共预算 column counts 一般公共预算
    subject, scope = _unscoped(subject, scope, subjects_known)
    part = part_of(where)
    table = f.table_no
    project_total = bool(f.project) and (name_key(f.row) in PROJECT_TOTALS or f.item in PROJECT_TOTALS or
                                         (table == 7 and f.column == '项目支出合计'))
    names = base = names_for(subject)
    if scope != ALL_FUNDS:                       # '一般公共预算拨款基本支出' names 基本支出 counted in 一般公共预算
        names = names | {w + n for w in scope_names(scope) for n in names if len(n) >= 2}
    table_total = f.source == 'table' and TOTAL_ROW.match(name_key(f.row)) and not aspect
    if table_total:
        names = names | {name_key(subject) + word for word in ('合计', '总计', '总额')}
    return Entry('fact', f.doc, f.org, f.year, canonical(subject), names, base, aspect,
                 names_for(aspect) if aspect else frozenset(),
                 scope, part, _context_names(scope, part, table, f.table_title) | ({parent} if parent else set()),
                 f.project, project_total, parent, table, f.unit, fact=printed)


def statement_entry(s: dict, org: str, year: int | None) -> Entry | None:
    kind = {'not_arranged': 'absent', 'blank_row': 'absent', 'empty_table': 'absent',
            'definition': 'definition'}.get(s['kind'])
    if kind is None:
        return None
    subject = s['subject']
    table = s.get('table_no')
    title = subject if s['kind'] == 'empty_table' else ''
    if title:
        subject = table_stem(title)
    scope = scope_of(title or subject) if kind == 'absent' else ALL_FUNDS
    if kind == 'absent':
        subject, scope = _unscoped(subject, scope, frozenset())
    part = part_of(title)
    names = names_for(subject)
    if title:                                      # '政府性基金预算支出情况表为空表' says 政府性基金预算 has nothing
        names = names | names_for(re.sub(r'(支出|收入)$', '', subject))
    return Entry(kind, s['doc'], org, year, canonical(subject), names, names, '', frozenset(), scope, part,
                 _context_names(scope, part, table, title), '', False, '', table, statement=s)


def _parent(f: BudgetFact, parents: dict) -> str:
    """The 款 of a 项: from the prose's own path, or the row two code digits up in the same table."""
    if f.source == 'text':
        m = re.search(r'（类）(.+?)（款）', f.item or f.row or '')
        return name_key(m.group(1)) if m else ''
    if f.row_code and len(f.row_code) == 7:
        return parents.get((f.doc, f.row_code[:5]), '')
    return ''


def _aspect(f: BudgetFact) -> str:
    column = f.column
    if f.source == 'text':
        if column.startswith('比上年'):
            return 'change'
        if column in ('增长率', '下降率'):
            return 'rate'
        if column == '占比':
            return 'share'
        return ''
    return '' if column in WHOLE_COLUMNS else column


def _subject(f: BudgetFact, aspect: str) -> str:
    if f.item and f.item not in ('绩效指标', '项目预算'):
        label = f.item
    else:
        label = f.row or f.item
    if FUNCTION_ITEM.search(label):                          # '…（类）…（款）行政运行（项）' is 行政运行
        label = re.findall(r'([^（）]+)（项）$', label)[0].split('（款）')[-1]
    if f.source == 'table' and TOTAL_ROW.match(name_key(label)) and not aspect:
        return table_stem(f.table_title) if name_key(label) in ('合计', '总计', '小计') else label
    return label


def _without_org(label: str, org: str) -> str:
    """'库尔勒…管理委员会下属预算单位' is 下属预算单位: the prose often starts a figure's words with its own name."""
    for name in (org, org.replace('中共', '', 1)):
        if name and label.startswith(name) and len(label) > len(name) + 1:
            return label[len(name):]
    return label


def _unscoped(subject: str, scope: str, known: frozenset) -> tuple[str, str]:
    """'一般公共预算拨款基本支出' is 基本支出 counted in 一般公共预算."""
    if not any(subject.startswith(w) for w in _scope_prefixes()):
        return subject, scope
    key = name_key(subject)
    if key in synonym_classes():
        return subject, scope                     # '非财政拨款结转结余' is an item of its own
    for head, others in scope_words():
        for word in sorted((head,) + others + (head + '拨款',), key=len, reverse=True):
            rest = key[len(word):]
            if word and key.startswith(word) and len(rest) >= 2 and (rest in known or canonical(rest) != rest):
                return rest, head
    return subject, scope


@lru_cache(maxsize=20_000)
def table_stem(title: str) -> str:
    """'部门（单位）一般公共预算支出情况表' -> '一般公共预算支出'."""
    key = name_key(title)
    key = re.sub(r'^(部门（单位）|部门|单位)', '', key)
    return re.sub(r'(预算)?(总体)?(情况|明细)?表$', '', key) or key


@lru_cache(maxsize=20_000)
def _context_names(scope: str, part: str, table: int | None, title: str) -> frozenset:
    names = set()
    scopes = scope_names(scope) if scope != ALL_FUNDS else ()
    parts = next(((h,) + o for h, o in part_words() if h == part), ()) if part else ()
    names.update(scopes)
    names.update(parts)
    names.update(s + p for s in scopes for p in parts)
    if table:
        names.add(f'表{table}')
        names.update(table_names().get(f'表{table}', ()))
    if title:
        names.add(name_key(title))
        names.add(table_stem(title))
        unscoped, _ = _unscoped(table_stem(title), scope, frozenset())
        names.update(names_for(unscoped))             # 表10 is the table of 三公经费
        if table is None and '绩效目标表' in title:
            names.update(table_names().get('绩效目标表', ()))
    return frozenset(n for n in names if n)


# ---- the catalogue of a scope -------------------------------------------------------------

@dataclass
class Catalogue:
    entries: list[Entry]
    _names: dict[str, set] = field(default_factory=dict)
    _labels: dict = field(default_factory=dict)

    @classmethod
    def build(cls, facts: list[BudgetFact], statements: list[dict], docs: dict[str, tuple[str, int]]) -> 'Catalogue':
        """`docs`: doc -> (organisation, year), for statements."""
        known = frozenset(canonical(f.item or f.row) for f in facts)
        parents = {}
        for f in facts:
            if f.source == 'table' and len(f.row_code) == 5 and len(name_key(f.row)) >= 2:
                parents.setdefault((f.doc, f.row_code[:5]), name_key(f.row))
        for s in statements:                     # a 款 printed without a figure still names its 项
            code = re.search(r'：(\d{5})\s', s['text']) if s['kind'] == 'blank_row' else None
            if code:
                parents.setdefault((s['doc'], code.group(1)), name_key(s['subject']))
        entries = [fact_entry(f, known, parents) for f in facts]
        for s in statements:
            org, year = docs.get(s['doc'], ('', None))
            entry = statement_entry(s, org, year)
            if entry is not None:
                entries.append(entry)
        return cls(entries)

    def names(self) -> dict[str, set]:
        """name -> the roles it plays ('subject', 'aspect', 'context', 'project')."""
        if not self._names:
            for e in self.entries:
                weak = e.fact is not None and 'general_pattern' in e.fact.flags
                for n in e.names:
                    if weak and n in weak_words():
                        continue                  # '项目' made up by the prose pattern names nothing
                    self._names.setdefault(n, set()).add('weak_subject' if weak else 'subject')
                for n in e.aspect_names:
                    self._names.setdefault(n, set()).add('aspect')
                for n in e.context_names:
                    self._names.setdefault(n, set()).add('context')
                if e.project:
                    self._names.setdefault(name_key(e.project), set()).add('project')
            for head, others in scope_words():
                for n in (head,) + others:
                    self._names.setdefault(n, set()).add('context')
        return self._names

    def spans(self, text: str, taken: tuple[tuple[int, int], ...] = (), clause: tuple[int, int] | None = None,
              fuzzy_taken: tuple[tuple[int, int], ...] = ()) -> list[Span]:
        """The names a question contains, longest first and not overlapping; then near matches of long names
        (projects and labels the question shortens or rewords), which may overlap the exact ones."""
        names = self.names()
        spans = [s if names.get(s.name) != {'weak_subject'} else Span(s.start, s.end, s.name, s.weight / 2)
                 for s in exact_spans(text, names, taken)]   # a label the prose pattern made up counts half
        start, end = clause or (0, len(text))
        masked = ''.join('\0' if any(s <= i < e for s, e in taken + fuzzy_taken) else c for i, c in enumerate(text))
        fuzzy = [f for f in self._fuzzy_spans(masked, start, end)
                 if not any(x.start <= f.start and f.end <= x.end for x in spans)]   # an exact name reads those words
        named = [s for s in spans if names.get(s.name, set()) & {'subject', 'project'} and start <= s.start < end]
        if fuzzy or (named and not all(s.name in weak_words() for s in named)):
            wrapped = [s for s in named if s.name in weak_words() and after_filler(text, s.start)]
            return [s for s in spans if s not in wrapped] + fuzzy   # '工资福利方面的支出预算' is one item
        near = self._near_span(masked, start, end, spans)
        overlaps = lambda s: s.start < near.end and near.start < s.end      # noqa: E731
        if near is None or (named and (near.typo or not any(overlaps(s) for s in named))):
            return spans               # '支出' alone is the total; '在教育方面的支出' is read by meaning below
        return [s for s in spans if not overlaps(s)] + [near]     # '…方面的支出预算': not the total 支出预算

    # ---- near names: one character off, or the same meaning ------------------------------------

    def labels(self) -> dict[str, frozenset]:
        """The distinct names of the items (2 to 16 characters) -> the entries they name."""
        if not self._labels:
            for i, e in enumerate(self.entries):
                if e.fact is not None and 'general_pattern' in e.fact.flags:
                    continue
                for n in e.base_names:
                    if 2 <= len(n) <= 16 and n not in weak_words():
                        self._labels.setdefault(n, set()).add(i)
            self._labels = {n: frozenset(ids) for n, ids in self._labels.items()}
        return self._labels

    def _near_span(self, masked: str, start: int, end: int, spans: list[Span]) -> Span | None:
        """Where no name of an item stands in the clause: the words left (organisation, year and asking words
        taken out) read as a label one character off ('三工经费'), else as the label nearest in meaning."""
        phrase, at = item_phrase(masked, start, end)
        if len(phrase) < 2:
            return None
        labels = self.labels()
        typo = one_off(phrase, labels)
        if typo:
            (a, b), label = typo
            return Span(at + a, at + b, phrase[a:b], float(b - a), labels[label], meant=label, typo=True)
        if len(phrase) < 3 or only_weak(phrase) or phrase in labels:
            return None                            # '有哪些项目' asks for a list; '项目' names no item
        unwrapped = next((u for u in unwrapped_names(phrase) if u in labels), None)
        best = unwrapped or meaning_match(phrase, sorted(labels))
        if best is None:
            return None
        return Span(at, at + len(phrase), phrase, len(best) * 0.9, labels[best], meant=best)

    def _fuzzy_spans(self, text: str, start: int, end: int) -> list[Span]:
        """'专项检查费用' for '开展专项检查相关费用', '克州一建退休人员医保项目' for '克州一建退休人员2人医保项目'."""
        window = text[start:end]
        grams = bigrams(window)
        by_run: dict[tuple[int, int], tuple[set, set, float]] = {}
        for i, e in enumerate(self.entries):
            names = [(n, 0) for n in e.base_names if len(n) >= 4] + ([(name_key(e.project), 1)] if e.project else [])
            for name, is_project in names:
                if len(bigrams(name) & grams) < 2:
                    continue
                for (a, b), weight in near_matches(name, window):
                    key = (start + a, start + b, round(weight, 2))
                    subjects, projects, _ = by_run.get(key, (set(), set(), weight))
                    (projects if is_project else subjects).add(i)
                    by_run[key] = (subjects, projects, weight)
        return [Span(a, b, text[a:b], weight, frozenset(subjects), frozenset(projects))
                for (a, b, _), (subjects, projects, weight) in by_run.items()]

    def explain(self, index: int, spans: list[Span]) -> tuple[float, list[Span], bool]:
        """(score, spans explained, subject or project explained) of one entry."""
        e = self.entries[index]
        project = name_key(e.project) if e.project else ''
        score, used, core = 0.0, [], False
        roles: dict[str, list[Span]] = {}
        for s in sorted(spans, key=lambda s: (not s.exact, -s.weight)):
            role = _role(s, index, e, project)
            if role is None:
                continue
            clashing = [u for r, us in roles.items() for u in us
                        if not ({r, role} == {'subject', 'project'} and (u if r == 'subject' else s).exact)]
            length = s.end - s.start
            free = length - sum(_overlap(s, u) for u in clashing)
            if free < length and free < 3:
                continue                      # words another name of this entry already explains
            if role == 'subject' or (role == 'project' and e.project_total):
                core = True
            roles.setdefault(role, []).append(s)
            score += s.weight * max(free, 0) / length
            used.append(s)
        return score, used, core


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _role(s: Span, index: int, e: Entry, project: str) -> str | None:
    """What a matched name is of this entry: its subject, its project, or context (column, scope, table)."""
    if not s.exact:
        return 'subject' if index in s.entry_ids else ('project' if index in s.project_ids else None)
    if s.name in e.names:
        return 'subject'
    if project and s.name == project:
        return 'project'
    if s.name in e.aspect_names or s.name in e.context_names:
        return 'context'
    return None
