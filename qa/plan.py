"""A question as a typed plan: what kind of answer, about which organisations, years and items.

    plan = understand('克州工信局2025年比2024年一般公共预算多了多少', ctx)
    plan.kind, plan.orgs, plan.years, plan.items    # 'diff', ('克孜勒苏…工业和信息化局',), (2025, 2024), ('一般公共预算拨款',)
    print(plan.describe())                          # the line the page shows above an answer

Kinds: lookup, exists, verify, sum, diff, share, compare, rank, list, count,
define, explain, detail — and refuse / clarify when the question names an
organisation or year that is not loaded, or a name that fits several. Which
words ask for which kind is data (data/vocabulary/kinds.tsv); the items are
whatever the stored catalogue holds (qa/catalogue.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ingest.vocabulary import vocabulary_table

from .label_match import canonical, class_members, exact_spans, synonym_classes
from .disclosure import choose, kind_asked, without_kind_words
from .normalize import normalise
from .select import Reading
from .years import find_years, resolve

QUESTION_WORDS = re.compile(r'(多少|多大|多久|(?<![这那])几|什么|哪|吗|是否|怎么|如何|谁|有没有|有无|呢|为何|为什么|是啥)')


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
    unloaded: tuple[int, ...] = ()                    # years asked that no document is loaded for (refused unless stated)
    reading: Reading | None = field(default=None, compare=False, repr=False)

    def describe(self) -> str:
        if self.parts:
            return '；'.join(p.describe() for p in self.parts)
        bits = [KIND_NAMES.get(self.kind, self.kind)]
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


KIND_NAMES = {'lookup': '查数', 'exists': '有没有', 'verify': '是否', 'sum': '求和', 'diff': '增减', 'share': '占比',
              'compare': '比较', 'rank': '排序', 'list': '列举', 'count': '计数', 'define': '名词解释',
              'explain': '原因', 'detail': '明细', 'duty': '职能', 'structure': '机构设置', 'tables': '公开表',
              'per_person': '人均（计算）', 'refuse': '无法回答', 'clarify': '需要确认'}


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
    shown = '亿元' if re.search(r'(亿元|几个亿|多少亿)', text) else ('元' if re.search(r'(多少元|几元|(?<![万亿])元(?!/))', text)
                                                                     else '')
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


def kind_of(text: str, reading: Reading, n_orgs: int, n_years: int, n_items: int, org_named: bool) -> str:
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
    return _blanked(reading.text, reading.taken)[start:end].replace('　', '')


@lru_cache(maxsize=1)
def unit_kinds() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((head, (head,) + words) for head, words in vocabulary_table('unit_kinds') if head != '名称结尾')


@lru_cache(maxsize=1)
def unit_endings() -> tuple[str, ...]:
    return next(words for head, words in vocabulary_table('unit_kinds') if head == '名称结尾')


def _entries_named(reading: Reading, name: str) -> list[int]:
    return [i for i, e in enumerate(reading.catalogue.entries) if name in e.names and e.kind == 'definition']


# ---- understanding ------------------------------------------------------------------------

def understand(text: str, ctx, orgs: tuple[str, ...] = (), years: tuple[int, ...] = ()) -> Plan:
    """`orgs`/`years`: filters chosen outside the question (a page's sidebar); what the question names wins."""
    norm = normalise(text)
    quoted = _quoted(text, norm)
    resolution = ctx.directory.resolve(_blanked(norm, quoted))
    if resolution.unknown:
        named = '、'.join(resolution.unknown)
        return Plan('refuse', text, reason=f'已载入的文件中没有{named}的预算公开', mention=resolution.unknown[0])
    if resolution.ambiguous and not resolution.keys:
        mention, keys = resolution.ambiguous[0]
        chosen = tuple(k for k in orgs if k in keys)
        if not chosen:
            return Plan('clarify', text, reason=f'“{mention}”对应多个单位', candidates=keys)
        resolution.keys = chosen                  # the user picked one of the candidates
    if not resolution.mentioned:
        misspelt = _misspelt_org(norm, ctx)
        if misspelt:                              # '州政俯办': ask back rather than answer for every organisation
            return Plan('clarify', text, reason=f'是不是问：{misspelt}？', candidates=(misspelt,))
    subunit = resolution.subunits[0] if resolution.subunits else None
    keys = resolution.keys or tuple(dict.fromkeys(s.parent for s in resolution.subunits)) or \
        (tuple(orgs) if orgs and not resolution.mentioned else ())
    protected = tuple((sp.start, sp.end) for sp in exact_spans(norm, synonym_classes().keys()) if len(sp.name) >= 3)
    mentioned_years = find_years(norm, protected + quoted)
    available = tuple(sorted({y for k in (keys or [r.key for r in ctx.directory.records])
                              for y in ctx.directory.years_of(k)}))
    asked_years = resolve(mentioned_years, available) or (tuple(years) if years else ())
    masked = resolution.spans + mentioned_years.spans
    places = resolution.place_spans
    base = Plan('lookup', text, orgs=keys, years=asked_years, subunit=subunit.name if subunit else '',
                org_near=resolution.near)
    tied = _years_tied(norm, resolution, ctx) if len(keys) >= 2 else {}
    missing = _missing_years(base, ctx, keys, tied)
    by_clause = _years_by_clause(norm, protected + quoted, available) if missing is not None and not tied else []
    if missing is not None and not any(_missing_years(replace(base, years=y), ctx, keys, tied) is None
                                       for _, y in by_clause):
        stated = _stated_instead(norm, base, missing, keys, resolution, tied, masked, places, quoted, ctx)
        return stated or missing
    if missing is not None:       # '2024年是多少？2025年呢？' with one of the years loaded: each part on its own
        loaded = next(y for _, y in by_clause if _missing_years(replace(base, years=y), ctx, keys, tied) is None)
        parts = []
        for clause, clause_years in by_clause:
            absent = _missing_years(replace(base, years=clause_years), ctx, keys, tied)
            read_as = replace(base, years=clause_years if absent is None else loaded)
            part = _plan_clauses(norm, read_as, keys, resolution, tied, masked, places, quoted, ctx, [clause])[0]
            parts.append(part if absent is None else replace(part, reason=absent.reason, mention=absent.mention,
                                                             unloaded=tuple(y for y in clause_years if y not in loaded)))
        return _combined(base, [_stated_or_refused(p) for p in _carry(parts, ctx)])
    return _combined(base, _plan_clauses(norm, base, keys, resolution, tied, masked, places, quoted, ctx, clauses(norm)))


def _stated_or_refused(part: Plan) -> Plan:
    """A part asking about a year that is not loaded: a change its loaded document states that year's figure
    for ('2023年…收入预算100000万元编列') is answered from that figure; otherwise refused."""
    if not part.unloaded:
        return part
    if part.kind == 'diff' and part.reading is not None and _states_year(part, part.unloaded):
        return replace(part, years=tuple(sorted(set(part.years) | set(part.unloaded))), unloaded=(), reason='',
                       mention='')
    return replace(part, kind='refuse', years=part.unloaded, unloaded=())


def _states_year(part: Plan, years: tuple[int, ...]) -> bool:
    from .select import candidates, stated_year
    return bool(candidates(part.reading, lambda e: e.kind == 'fact' and stated_year(e) in years))


def _stated_instead(norm, base: Plan, missing: Plan, keys, resolution, tied, masked, places, quoted, ctx) -> Plan | None:
    """'2024年…比2023年少多少' with only 2024 loaded, in one clause: a change answered from the figure the 2024
    document states for 2023, or None."""
    loaded = tuple(y for y in base.years if keys and all(y in ctx.directory.years_of(k) for k in keys))
    unloaded = tuple(y for y in base.years if y not in loaded)
    if not loaded or not unloaded or tied or len(keys) != 1:
        return None
    read_as = replace(base, years=loaded)
    parts = _plan_clauses(norm, read_as, keys, resolution, tied, masked, places, quoted, ctx, clauses(norm))
    parts = [_stated_or_refused(replace(p, unloaded=unloaded, reason=missing.reason, mention=missing.mention))
             for p in parts]
    if any(p.kind == 'refuse' for p in parts):
        return None
    return _combined(read_as, parts)


def _combined(base: Plan, parts: list[Plan]) -> Plan:
    misspelt = next((p for p in parts if p.kind == 'clarify'), None)
    if misspelt is not None:                  # '是不是问：三公经费？' before anything else
        return misspelt
    if len(parts) == 1:
        return parts[0]
    kind = next((p.kind for p in parts if p.kind not in ('refuse', 'clarify')), parts[0].kind)
    return replace(base, kind=kind, parts=tuple(parts), items=tuple(i for p in parts for i in p.items))


def _years_by_clause(norm: str, protected, available) -> list[tuple[tuple[int, int], tuple[int, ...]]]:
    """Each clause with the years it names (or the years of the clause before it)."""
    out, years = [], ()
    for start, end in clauses(norm):
        inside = tuple((max(s, start) - start, min(e, end) - start) for s, e in protected if s < end and e > start)
        years = resolve(find_years(norm[start:end], inside), available) or years
        out.append(((start, end), years))
    return out if len(out) >= 2 and len({y for _, y in out}) >= 2 else []


def _plan_clauses(norm: str, base: Plan, keys, resolution, tied, masked, places, quoted, ctx, spans) -> list[Plan]:
    asked_years = base.years
    scope_keys = keys or resolution.preferred
    docs = ctx.documents_of(scope_keys, asked_years) if not tied else \
        [d for d in ctx.documents_of(scope_keys) if d.year in tied.get(d.org_key, asked_years or (d.year,))]
    if resolution.preferred and not keys:
        docs = docs or ctx.documents_of((), asked_years)
    choice = choose(docs, kind_asked(_blanked(norm, quoted)))
    lacking = choice.lacking(keys)
    if lacking or (docs and not choice.docs):
        key = (lacking or keys or ('',))[0]
        return [replace(base, kind='refuse', reason=choice.refusal(key), mention=key, disclosure=choice.asked)]
    docs = choice.docs
    base = replace(base, disclosure=choice.kind, also_loaded=choice.also)
    parts = []
    for start, end in spans:
        clause_masked = tuple((max(s, start), min(e, end)) for s, e in masked if s < end and e > start)
        parts.append(_read_clause(norm, (start, end), clause_masked, base, docs, ctx, bool(resolution.mentioned),
                                  resolution.preferred if not keys else (), places, quoted))
    return _carry(parts, ctx)


def _misspelt_org(norm: str, ctx) -> str:
    """An organisation named with one wrong character in its body ('州政俯办' for 州政府办): the name as it
    would resolve to a loaded organisation, or ''."""
    from .label_match import all_one_off
    bodies = {name for names in ctx.directory.body_names.values() for name, _ in names if len(name) >= 3}
    named = set()
    for (a, b), body in all_one_off(norm, bodies):
        corrected = norm[:a] + body + norm[b:]
        resolution = ctx.directory.resolve(corrected)
        if len(resolution.keys) == 1:
            named.update(corrected[s:e] for s, e in resolution.spans if s <= a < e)
    return named.pop() if len(named) == 1 else ''


QUOTED = re.compile(r'[“"「『]([^”"」』]{2,80})[”"」』]')


def _quoted(text: str, norm: str) -> tuple[tuple[int, int], ...]:
    """Where the names a question puts in quotes stand in the normalised text: no year or organisation inside."""
    spans = []
    for m in QUOTED.finditer(text):
        name = normalise(m.group(1))
        at = norm.find(name)
        if name and at >= 0:
            spans.append((at, at + len(name)))
    return tuple(spans)


def _blanked(norm: str, spans) -> str:
    return ''.join('　' if any(s <= i < e for s, e in spans) else c for i, c in enumerate(norm))


def _read_clause(norm: str, clause: tuple[int, int], masked, base: Plan, docs, ctx, org_named: bool,
                 preferred: tuple[str, ...], places=(), quoted=()) -> Plan:
    start, end = clause
    text = _blanked(norm, quoted)[start:end]          # cue words count outside quoted names only
    outside = ((0, start),) + tuple(masked) + ((end, len(norm)),)
    units, shown = units_asked(text)
    scope = _scope_asked(_blanked(norm, tuple(quoted) + tuple(masked))[start:end])   # not 财政 of 财政局
    if not base.orgs and not preferred and len(docs) > GLOBAL_LIMIT:
        reading = _read_everywhere(norm, text, docs, ctx, outside, clause, places, scope=scope, units=units,
                                   quoted=tuple(quoted))
    else:
        reading = read(norm, docs, ctx, outside, clause, places, scope=scope, units=units, quoted=tuple(quoted))
    if scope and _scope_inside_subject(reading, scope):
        reading.scope = scope = ''              # '一般公共预算拨款' names the item; it does not narrow another
    if preferred and not reading.subject_spans and len(docs) != len(ctx.disclosures((), base.years, base.disclosure)):
        reading = _read_everywhere(norm, text, ctx.disclosures((), base.years, base.disclosure), ctx, outside, clause, places,
                                   scope=scope, units=units, quoted=tuple(quoted))
    typo = next((s for s in reading.spans if s.typo), None)
    if typo is not None:                        # '三工经费': ask back rather than answer about another item
        return replace(base, kind='clarify', question=norm[start:end], reason=f'是不是问：{typo.meant}？',
                       candidates=(typo.meant,), reading=reading)
    items = _items(reading)
    kind = kind_of(text, reading, len(base.orgs), len(base.years), len(items), org_named)
    if kind == 'define':
        items = _items(reading, ('definition',)) or items
    if kind in ('diff', 'share', 'explain', 'rank', 'compare') and units and '%' in units and kind != 'share':
        units = () if kind != 'diff' else units
        reading.units = units
    if kind == 'per_person':
        units = reading.units = ()              # '按实有人数算' names an operand; the answer is money per person
    if kind == 'lookup' and units and set(units) <= {'个', '项'}:
        kind = 'count'
    if kind == 'lookup' and len(base.orgs) >= 2:
        kind = 'compare'                        # 'A和B的三公经费是多少': each organisation's figure, side by side
    orgs = base.orgs or tuple({d.org_key for d in reading.docs}) if len({d.org_key for d in reading.docs}) == 1 else base.orgs
    return replace(base, kind=kind, question=norm[start:end], orgs=orgs, items=tuple(items), scope=scope, units=units, unit_asked=shown,
                   qualifiers=qualifiers_in(without_kind_words(text)), reading=reading,
                   near=tuple((s.name, s.meant) for s in reading.spans if s.meant))


GLOBAL_LIMIT = 12          # more documents than this, and a question naming none is narrowed by the indexes first
NARROWED_TO = 6


def _read_everywhere(norm: str, text: str, docs, ctx, taken, clause, places=(), **options) -> Reading:
    """A question that names no organisation, over a large store: read only what its words point at —
    glossary entries for a definition, the named item's facts in every document for a ranking or a
    comparison, else the few documents the keyword index finds for its words."""
    found = cues(text)
    words = [w for w in ctx.tokenizer().tokens(text) if len(w) >= 2]
    if 'define' in found or 'weak:define' in found:
        catalogue, held = ctx.definitions(words)
        return read(norm, held, ctx, taken, clause, places, catalogue=catalogue, **options)
    if 'rank' in found or 'compare' in found:
        names = sorted({n for w in words for n in synonyms_of(w)} | set(words))
        catalogue, held = ctx.thin_catalogue(names, docs)
        return read(norm, held, ctx, taken, clause, places, catalogue=catalogue, **options)
    allowed = {d.doc for d in docs}
    hits = ctx.store.keyword_search(words, [d.doc for d in docs] if len(docs) < len(ctx.documents) else None, limit=60)
    chosen = list(dict.fromkeys(chunk.doc for chunk, _ in hits if chunk.doc in allowed))[:NARROWED_TO]
    return read(norm, [d for d in docs if d.doc in chosen], ctx, taken, clause, places, **options)


def read(norm: str, docs, ctx, taken, clause, places=(), catalogue=None, **options) -> Reading:
    """The question matched against the catalogue of these documents. A place named alone (昌吉州) may be
    part of a project's name when the whole name is written, but never the part a near match rests on;
    nor are the words that ask ('比上年减少了多少', '是多少') matched as a name's."""
    catalogue = catalogue if catalogue is not None else ctx.catalogue(docs)
    spans = catalogue.spans(norm, taken, clause, fuzzy_taken=tuple(places) + _asking_words(norm, clause))
    return Reading(norm, docs, catalogue, spans, taken=taken, clause=clause, places=tuple(places), **options)


def _asking_words(norm: str, clause) -> tuple[tuple[int, int], ...]:
    words = [w for _, ws in kind_words() for w in ws if len(w) >= 2] + [w for w, _ in quantity_words()]
    words += ['是多少', '有多少', '多少', '是什么', '什么', '为多少', '一共', '请问']
    start, end = clause or (0, len(norm))
    spans = []
    for w in words:
        at = norm.find(w, start, end)
        while at >= 0:
            spans.append((at, at + len(w)))
            at = norm.find(w, at + 1, end)
    return tuple(spans)


def reread(plan: Plan, ctx, docs) -> Plan:
    """The same clause read against other documents (last year's, for a change the document does not state)."""
    r = plan.reading
    reading = read(r.text, docs, ctx, r.taken, r.clause, r.places, scope=r.scope, units=r.units, quoted=r.quoted)
    return replace(plan, reading=reading)


def _scope_inside_subject(reading: Reading, scope: str) -> bool:
    from .catalogue import scope_names
    words = scope_names(scope)
    subjects = [s for s in reading.subject_spans if s.exact]
    hits = [(m.start(), m.start() + len(w)) for w in words for m in re.finditer(re.escape(w), reading.text)
            if reading.clause is None or reading.clause[0] <= m.start() < reading.clause[1]]
    return bool(hits) and all(any(s.start <= a and b <= s.end and s.start == a for s in subjects) for a, b in hits)


def _scope_asked(text: str) -> str:
    from .catalogue import scope_words
    found = [(text.find(w), head) for head, others in scope_words() for w in (head,) + others if w and w in text]
    return min(found)[1] if found else ''


def _items(reading: Reading, kinds=('fact', 'absent', 'definition')) -> list[str]:
    """The items a clause asks about, as the catalogue names them: the best reading of its words, then any
    named item that reading leaves out. A part named with its whole is the part."""
    from .select import candidates
    ranked = candidates(reading, lambda e: e.kind in kinds)
    if not ranked:
        return list(dict.fromkeys(canonical(s.name) for s in reading.subject_spans))
    items, used = [], []
    wholes = parts_of()
    for span in [None] + reading.subject_spans:
        if span is not None and (any(span.start < u.end and u.start < span.end for u in used)
                                 or any(p in items for p in wholes.get(canonical(span.name), ()))):
            continue
        best = ranked[0] if span is None else next((c for c in ranked if span in c.used), None)
        if best is None:
            continue
        label = best.entry.project if best.entry.project_total else best.entry.subject
        if label not in items:
            items.append(label)
        used += best.used
    return items


def _carry(parts: list[Plan], ctx) -> list[Plan]:
    """A part that names no item ('比去年多了多少？') asks about the item of the part before it."""
    out = []
    for plan in parts:
        if out and not plan.items and out[-1].items and plan.kind != 'define' and plan.reading is not None:
            previous = out[-1]
            reading = plan.reading
            reading.spans = sorted(reading.spans + previous.reading.subject_spans, key=lambda s: s.start)
            plan = replace(plan, items=previous.items, carried=('事项',), scope=plan.scope or previous.scope)
        if out and out[-1].kind == 'compare' and plan.kind == 'diff' and plan.items == out[-1].items \
                and len(plan.orgs) >= 2:
            out.pop()                           # '谁高？高多少？': the difference names both figures and which is higher
        out.append(plan)
    if len(out) > 1 and all(p.kind == out[0].kind for p in out) and not any(p.carried for p in out) and \
            len({tuple(p.items) for p in out}) == 1 and out[0].kind != 'diff':
        return [replace(out[0], question='，'.join(p.question for p in out))]   # one question, asked in all its words
    return out


def _years_tied(norm: str, resolution, ctx) -> dict[str, tuple[int, ...]]:
    """'克州工信局（2024）和昌吉州工信局（2023）': each year right after a name belongs to that organisation."""
    tied = {}
    for (start, end) in resolution.spans:
        mention = norm[start:end]
        key = next((k for k in resolution.keys if ctx.directory.resolve(mention).keys == (k,)), None)
        after = find_years(norm[end:end + 8])
        if key and after.explicit and after.spans and after.spans[0][0] <= 2:
            tied[key] = after.explicit[:1]
    return tied if len(tied) >= 2 else {}


def _missing_years(plan: Plan, ctx, keys: tuple[str, ...], tied: dict) -> Plan | None:
    """A year asked for an organisation that has no document for it: say which years there are."""
    if not keys or not plan.years:
        return None
    for key in keys:
        available = ctx.directory.years_of(key)
        missing = [y for y in tied.get(key, plan.years) if y not in available]
        if missing:
            have = '、'.join(f'{y}年' for y in available)
            return replace(plan, kind='refuse', reason=f'已载入的文件中没有{key}{"、".join(f"{y}年" for y in missing)}'
                                                       f'的预算公开，只有{have}的')
    return None


def synonyms_of(name: str) -> frozenset:
    return class_members().get(canonical(name), frozenset({name}))
