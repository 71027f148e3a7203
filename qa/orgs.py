"""Which loaded organisation a question names, or that it names one that is not loaded.

    directory = OrgDirectory.from_documents(store.documents(), units_of, named_anywhere)
    r = directory.resolve('和静县政府办2024年三公经费是多少')
    r.unknown          # ('和静县政府办',): a place and body no loaded document is about
    directory.resolve('州政府办2024年三公经费').keys   # ('克孜勒苏柯尔克孜自治州人民政府办公室',)

An organisation is named by place + body (克州 + 工信局); both must agree
with a loaded document. A name that fits several is `ambiguous`; a unit named
inside a document (a 处室, a 下属预算单位, a project's 承担单位) is a `subunit`
of that document's organisation; a mention that resolves to nothing is
`unknown`, never widened to the whole corpus. Places and bodies come from
data/vocabulary/places.tsv and bodies.tsv, and from the loaded documents.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from errors import AmbiguousOrg, UnknownOrg
from ingest.orgs import LEVEL, bodies, place_aliases, places, split_org
from ingest.vocabulary import vocabulary_table

from .normalize import normalise

GENERIC_PREFECTURE = '州'
# a unit named after a place or body: '第一中学', '规划建设局', '消防大队' (no question words inside)
SUB_BODY = re.compile(r'(?P<name>[^\W\d哪些什么多少几是有的和与及或吗呢了在下设共该其各个项年度月日]{0,12}?'
                      r'(?:局|委|办公室|办|中心|中学|小学|学校|大队|支队|队|院|所|站|馆|科|室|处|一中|二中))')
GENERIC_PLACE = re.compile(r'(?P<name>[^\W\d和与及的在比较跟同或是为对从到把被向给、年月日][\u4e00-\u9fff]{1,5}?'
                           r'(?:自治州|自治县|地区|州|市|县|区|盟|旗))')
NOT_AFTER_UNIT = set('占属得需有在以谓长目')    # '所占', '所属', '处长', '科目': the suffix is a word of its own
ORDINALS = set('一二三四五六七八九十0123456789')


@dataclass(frozen=True)
class OrgRecord:
    key: str
    names: tuple[str, ...]       # full names as the documents print them
    place: str                   # full place name ('' when none)
    body: str
    years: tuple[int, ...]


@dataclass(frozen=True)
class Subunit:
    parent: str                  # the organisation key whose document names it
    name: str                    # as the question says it
    named_as: str                # as the document prints it


@dataclass(frozen=True)
class Mention:
    text: str
    start: int
    end: int
    place: str = ''              # full place name, or '州' for 'a prefecture'
    body: str = ''               # canonical body
    sub: str = ''                # a unit named after the body ('第一中学')
    org: str = ''                # an organisation key, when the full name was written


@dataclass
class OrgResolution:
    keys: tuple[str, ...] = ()
    preferred: tuple[str, ...] = ()          # a place named alone (昌吉州…): its organisations, if the item is there
    subunits: tuple[Subunit, ...] = ()
    unknown: tuple[str, ...] = ()
    ambiguous: tuple[tuple[str, tuple[str, ...]], ...] = ()
    near: tuple[tuple[str, str], ...] = ()   # (as written, the place it is read as): '克洲' ≈ '克州'
    spans: tuple[tuple[int, int], ...] = field(default=())
    place_spans: tuple[tuple[int, int], ...] = field(default=())   # places named alone

    @property
    def mentioned(self) -> bool:
        return bool(self.keys or self.subunits or self.unknown or self.ambiguous)


class OrgDirectory:
    """The loaded organisations, with the place and body of each, and the vocabulary of places and bodies."""

    def __init__(self, records: list[OrgRecord], units_of: Callable[[tuple[str, ...]], list[tuple[str, str]]],
                 named_anywhere: Callable[[str], bool]):
        self.records = records
        self.by_key = {r.key: r for r in records}
        self.units_of = units_of                  # keys -> [(key, unit or project name)] their documents name
        self.named_anywhere = named_anywhere      # text -> whether some stored name (a project …) contains it
        self.place_names = _by_first_char(_place_names(records))
        self.body_names = _by_first_char(_body_names(records))
        self.full_names = _by_first_char(sorted(((normalise(n), r.key) for r in records for n in r.names + (r.key,)),
                                                key=lambda p: -len(p[0])))

    @classmethod
    def from_documents(cls, documents, units_of=lambda keys: [], named_anywhere=lambda text: False) -> 'OrgDirectory':
        grouped: dict[str, tuple[set, set]] = {}
        for d in documents:
            names, years = grouped.setdefault(d.org_key, (set(), set()))
            names.add(d.org)
            if d.year:
                years.add(d.year)
        records = []
        for key, (names, years) in sorted(grouped.items()):
            place, body = split_org(key)
            records.append(OrgRecord(key, tuple(sorted(names)), place, _canonical_body(body), tuple(sorted(years))))
        return cls(records, units_of, named_anywhere)

    def years_of(self, key: str) -> tuple[int, ...]:
        record = self.by_key.get(key)
        return record.years if record else ()

    def loaded(self, mention: str = '', limit: int = 8) -> str:
        """'克州工信局（2024、2025年）；…' for refusals: what there is to ask about — all of it when little is
        loaded, else the organisations that share the mention's place or body, and how many there are."""
        records = self.records
        if len(records) > limit:
            near = self._like(mention)
            shown = '；'.join(self._listed(r) for r in near[:limit])
            return (f'{len(records)}个单位的预算公开'
                    + (f'，其中与“{mention}”同地方或同类的有：{shown}' if shown else '')
                    + '（用 `python -m qa documents` 或页面的文件列表查看全部）')
        return '；'.join(self._listed(r) for r in records)

    @staticmethod
    def _listed(r: OrgRecord) -> str:
        return f'{r.names[-1]}（{"、".join(str(y) for y in r.years)}年）'

    def _like(self, mention: str) -> list[OrgRecord]:
        if not mention:
            return []
        m = next(iter(self.mentions(normalise(mention))), None)
        if m is None:
            return []
        same_place = [r for r in self.records if m.place and _same_place(m.place, r.place)]
        same_body = [r for r in self.records if m.body and _same_body(m.body, r.body) and r not in same_place]
        return same_place + same_body

    # ---- resolving ---------------------------------------------------------------

    def resolve(self, text: str) -> OrgResolution:
        result = OrgResolution()
        for mention in self.mentions(text):
            self._resolve_one(mention, text, result)
            if mention.body or mention.org or mention.text in result.unknown:
                result.spans += ((mention.start, mention.end),)
            else:
                result.place_spans += ((mention.start, mention.end),)
        return result

    def mentions(self, text: str) -> list[Mention]:
        found, i = [], 0
        while i < len(text):
            mention = self._mention_at(text, i)
            if mention is None:
                i += 1
            else:
                found.append(mention)
                i = mention.end
        return found

    def _mention_at(self, text: str, i: int) -> Mention | None:
        full = next(((n, key) for n, key in self.full_names.get(text[i], ()) if text.startswith(n, i)), None)
        if full:
            end = i + len(full[0])
            sub = _sub_body(text, end)
            return Mention(text[i:end + len(sub)], i, end + len(sub), org=full[1], sub=sub)
        place, place_end = self._longest(self.place_names, text, i)
        generic = None
        if not place and not self._longest(self.body_names, text, i)[0]:
            generic = GENERIC_PLACE.match(text, i)
            if generic and any(self._longest(names, text, j)[0] for j in range(i + 1, generic.end())
                               for names in (self.place_names, self.body_names)):
                generic = None                   # a known place or body starts inside: read that instead
        start_body = place_end if place else (generic.end() if generic else i)
        body, body_end = self._longest(self.body_names, text, start_body)
        if generic and not body:
            generic_body = _sub_body(text, generic.end())
            if not generic_body:
                return None
            place, body, body_end = generic.group('name'), generic_body, generic.end() + len(generic_body)
        elif generic:
            place = generic.group('name')
        if place == GENERIC_PREFECTURE and not body:
            return None
        if not place and not body:
            return None
        end = body_end if body else place_end
        sub = _sub_body(text, end) if body else ''
        return Mention(text[i:end + len(sub)], i, end + len(sub), place=place, body=body, sub=sub)

    @staticmethod
    def _longest(names: dict[str, list[tuple[str, str]]], text: str, i: int) -> tuple[str, int]:
        for name, canonical in names.get(text[i:i + 1], ()):
            if text.startswith(name, i):
                return canonical, i + len(name)
        return '', i

    def _resolve_one(self, m: Mention, text: str, result: OrgResolution) -> None:
        if m.org:
            keys = (m.org,)
        else:
            keys = self._matching(m)
        if m.org or (m.place and m.body) or (m.body and not m.place):
            if not keys:
                self._not_an_org(m, result)
                return
            if len(keys) > 1 and not m.place:
                keys = self._by_near_place(m, text, keys, result)
            if len(keys) > 1:
                result.ambiguous += ((m.text, keys),)
                return
            if m.sub:
                self._subunit(m, keys[0], result)
            elif keys[0] not in result.keys:
                result.keys += keys
            return
        # a place named alone
        if keys:
            result.preferred += tuple(k for k in keys if k not in result.preferred)
        elif not self.named_anywhere(text[m.start:m.start + len(m.text) + 3]):
            result.unknown += (m.text,)

    def _by_near_place(self, m: Mention, text: str, keys: tuple[str, ...], result: OrgResolution) -> tuple[str, ...]:
        """'克洲工信局': the body fits several organisations, and the characters before it are one character off the
        place of exactly one of them (克州, not 昌吉州). That one is read, and the reading is said."""
        places_of = {r.key: r.place for r in self.records if r.key in keys}
        fits = []
        for key in keys:
            for alias in place_aliases(places_of.get(key, '')):
                written = text[max(0, m.start - len(alias)):m.start]
                if len(alias) >= 2 and len(written) == len(alias) and _one_off(written, alias):
                    fits.append((key, written, alias))
                    break
        if len({key for key, _, _ in fits}) != 1:
            return keys
        key, written, alias = fits[0]
        result.near += ((written, alias),)
        result.spans += ((m.start - len(written), m.start),)
        return (key,)

    def _matching(self, m: Mention) -> tuple[str, ...]:
        out = []
        for r in self.records:
            if m.place and not _same_place(m.place, r.place):
                continue
            if m.body and not _same_body(m.body, r.body):
                continue
            out.append(r.key)
        return tuple(out)

    def _not_an_org(self, m: Mention, result: OrgResolution) -> None:
        """place + body (or a body) that no document is about: a unit named inside one, or nothing loaded."""
        parents = tuple(r.key for r in self.records if not m.place or _same_place(m.place, r.place))
        asked = _without_place(m)
        named = [(key, name) for key, name in (self.units_of(parents) if parents else []) if same_unit(asked, name)]
        owners = {key for key, _ in named}
        if len(owners) == 1:
            result.subunits += (Subunit(owners.pop(), m.text, named[0][1]),)
        else:
            result.unknown += (m.text,)

    def _subunit(self, m: Mention, parent: str, result: OrgResolution) -> None:
        match = next((name for key, name in self.units_of((parent,)) if same_unit(m.sub, name)), None)
        if match is None:
            result.unknown += (m.text,)
        else:
            result.subunits += (Subunit(parent, m.text, match),)


def _one_off(written: str, name: str) -> bool:
    """Same length, one character different, and not the first: '克洲' for '克州', not '伊州' for '克州'."""
    differ = [i for i, (a, b) in enumerate(zip(written, name)) if a != b]
    return len(differ) == 1 and differ[0] > 0


def _without_place(m: Mention) -> str:
    """The unit a mention names, without its place: '克州合作交流中心' -> '合作交流中心'."""
    for name in (m.text,):
        for alias in sorted(place_aliases(m.place) if m.place and m.place != GENERIC_PREFECTURE else (), key=len,
                            reverse=True):
            if name.startswith(alias):
                return name[len(alias):]
    return m.text


def _by_first_char(names: list[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """Names grouped by their first character, longest first: a mention is looked for where it can start."""
    out: dict[str, list[tuple[str, str]]] = {}
    for name, value in names:
        if name:
            out.setdefault(name[0], []).append((name, value))
    return out


def _sub_body(text: str, i: int) -> str:
    m = SUB_BODY.match(text, i)
    if (not m or len(m.group('name')) < 2 or text[m.end():m.end() + 1] in NOT_AFTER_UNIT
            or _budget_words(m.group('name'))):
        return ''
    return m.group('name') + ('学' if text[m.end():m.end() + 1] == '学' else '')   # '第一中' + '学'


def _budget_words(name: str) -> bool:
    """'政府性基金预算所(占)': budget words are not a unit's name."""
    from .label_match import synonym_classes
    return any(len(w) >= 3 and w in name for w in synonym_classes())


def same_unit(asked: str, named: str) -> bool:
    """'消防大队' ~ '库尔勒经济技术开发区消防救援大队'; '第二中学' is not '第一中学'."""
    named = normalise(named)
    if asked in named:
        return True
    common = set(asked) & set(named)
    differing = (set(asked) ^ set(named)) & ORDINALS
    if differing and any(c in ORDINALS for c in asked):
        return False
    tail = asked[-2:] if len(asked) >= 2 else asked
    return named.endswith(tail) and len(common) >= max(2, int(0.6 * len(set(asked))))


def _full_names(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Each name in a vocabulary table (a row's full name and its short ones) -> the full name; the first row wins."""
    names = {}
    for full, short in table.items():
        for name in (full,) + short:
            names.setdefault(name, full)
    return names


def _place_names(records: list[OrgRecord]) -> list[tuple[str, str]]:
    names = _full_names(places())
    for r in records:
        if r.place:
            for name in place_aliases(r.place):
                names.setdefault(name, GENERIC_PREFECTURE if name in ('州', '自治州') else r.place)
    names['州'] = names['自治州'] = GENERIC_PREFECTURE
    return sorted(names.items(), key=lambda p: -len(p[0]))


def _body_names(records: list[OrgRecord]) -> list[tuple[str, str]]:
    names = _full_names(bodies())
    for r in records:
        names.setdefault(r.body, r.body)
    return sorted(names.items(), key=lambda p: -len(p[0]))


def _canonical_body(body: str) -> str:
    for full, short in bodies().items():
        if body == full or body in short:
            return full
    return body


def _same_place(asked: str, place: str) -> bool:
    if asked == GENERIC_PREFECTURE:
        return place.endswith('州')
    return asked == place


def _same_body(asked: str, body: str) -> bool:
    return _canonical_body(asked) == body or (len(asked) >= 3 and asked in body)


PLACE_LEVEL = re.compile(LEVEL.pattern.rstrip('$'))     # 州, 市, 县 … anywhere in a name


def short_names(documents) -> dict[str, str]:
    """Organisation (full name or key) -> the shortest of its aliases that starts like it, no other loaded
    organisation shares, keeps the full name's last character (昌吉州工信局, not 昌吉州工信) and says the place's
    level where one does ('克州工信局'); the full name when there is none."""
    owners: dict[str, set[str]] = {}
    for d in documents:
        for alias in d.aliases:
            owners.setdefault(alias, set()).add(d.org_key)
    out = {}
    for d in documents:
        names = set(d.aliases)
        mine = [a for a in d.aliases if len(owners[a]) == 1 and a[:1] == d.org_key[:1] and len(a) >= 4
                and a + d.org_key[-1] not in names]
        short = min(mine, key=lambda a: (len(a) < 5, not PLACE_LEVEL.search(a[1:]), len(a), a)) if mine else d.org_key
        out[d.org_key] = out[d.org] = short
    return out


def unit_without_parent(unit: str) -> str:
    """A unit's name without the body it belongs to ('…开发区园林环卫市政局' -> '园林环卫市政局'); the words that end
    such a body are data (data/vocabulary/unit_parents.tsv)."""
    return _parent_end().sub('', unit, count=1) or unit


@lru_cache(maxsize=1)
def _parent_end() -> re.Pattern:
    words = sorted({w for head, others in vocabulary_table('unit_parents') for w in (head,) + others}, key=len,
                   reverse=True)
    return re.compile('^.*?(?:' + '|'.join(map(re.escape, words)) + ')')


def resolve_org(store, name: str | None) -> str | None:
    """The key of the one stored organisation a filter names ('--org 工信局', GET /facts?org=…): its full name, an
    alias or a part of them; None for no filter; UnknownOrg or AmbiguousOrg (errors.py) naming the stored ones."""
    if name is None:
        return None
    matches = store.orgs_matching(name)
    if not matches:
        known = ', '.join(sorted({d.org for d in store.documents()})) or '(nothing ingested yet)'
        raise UnknownOrg(name=name, known=known)
    if len(matches) > 1:
        raise AmbiguousOrg(name=name, count=len(matches), matches='; '.join(matches))
    return matches[0]
