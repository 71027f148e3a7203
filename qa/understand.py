"""Understanding a question: its organisations, years, disclosure and items read against the loaded documents,
clause by clause, into a Plan (qa/plan.py).

    plan = understand('克州工信局2025年比2024年一般公共预算多了多少', ctx)
    plan.kind, plan.orgs, plan.years   # 'diff', ('克孜勒苏…工业和信息化局',), (2025, 2024)
    plan.items                         # ('一般公共预算拨款',)
    print(plan.describe())                          # the line the page shows above an answer

A question naming an organisation or year that is not loaded is planned as refuse; a name that fits several,
or one written one character off, as clarify. The items are whatever the stored catalogue holds
(qa/catalogue.py); several questions in one are planned part by part (`Plan.parts`).
"""
from __future__ import annotations

import re
from dataclasses import replace

from ingest.vocabulary import vocabulary_table

from .label_match import canonical, class_members, exact_spans, synonym_classes
from .disclosure import choose, kind_asked, without_kind_words
from .normalize import normalise
from .plan import (Plan, blanked, clauses, cues, kind_of, kind_words, parts_of, qualifiers_in, quantity_words,
                   units_asked)
from .select import Reading
from .years import find_years, resolve


def understand(text: str, ctx, orgs: tuple[str, ...] = (), years: tuple[int, ...] = ()) -> Plan:
    """`orgs`/`years`: filters chosen outside the question (a page's sidebar); what the question names wins."""
    norm = normalise(text)
    quoted = _quoted(text, norm)
    resolution = ctx.directory.resolve(blanked(norm, quoted))
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
            unloaded = tuple(y for y in clause_years if y not in loaded)
            parts.append(part if absent is None else replace(part, reason=absent.reason, mention=absent.mention,
                                                             unloaded=unloaded))
        return _combined(base, [_stated_or_refused(p) for p in _carry(parts, ctx)])
    return _combined(base, _plan_clauses(norm, base, keys, resolution, tied, masked, places, quoted, ctx,
                                         clauses(norm)))


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


def _stated_instead(norm, base: Plan, missing: Plan, keys, resolution, tied, masked, places, quoted,
                    ctx) -> Plan | None:
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
    choice = choose(docs, kind_asked(blanked(norm, quoted)))
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


def _read_clause(norm: str, clause: tuple[int, int], masked, base: Plan, docs, ctx, org_named: bool,
                 preferred: tuple[str, ...], places=(), quoted=()) -> Plan:
    start, end = clause
    text = blanked(norm, quoted)[start:end]          # cue words count outside quoted names only
    outside = ((0, start),) + tuple(masked) + ((end, len(norm)),)
    units, shown = units_asked(text)
    scope = _scope_asked(blanked(norm, tuple(quoted) + tuple(masked))[start:end])   # not 财政 of 财政局
    if not base.orgs and not preferred and len(docs) > GLOBAL_LIMIT:
        reading = _read_everywhere(norm, text, docs, ctx, outside, clause, places, scope=scope, units=units,
                                   quoted=tuple(quoted))
    else:
        reading = read(norm, docs, ctx, outside, clause, places, scope=scope, units=units, quoted=tuple(quoted))
    if scope and _scope_inside_subject(reading, scope):
        reading.scope = scope = ''              # '一般公共预算拨款' names the item; it does not narrow another
    disclosures = ctx.disclosures((), base.years, base.disclosure)
    if preferred and not reading.subject_spans and len(docs) != len(disclosures):
        reading = _read_everywhere(norm, text, disclosures, ctx, outside, clause, places,
                                   scope=scope, units=units, quoted=tuple(quoted))
    typo = next((s for s in reading.spans if s.typo), None)
    if typo is not None:                        # '三工经费': ask back rather than answer about another item
        return replace(base, kind='clarify', question=norm[start:end], reason=f'是不是问：{typo.meant}？',
                       candidates=(typo.meant,), reading=reading)
    items = _items(reading)
    kind = kind_of(text, reading, len(base.orgs), len(base.years), org_named)
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
    read_orgs = {d.org_key for d in reading.docs}
    orgs = base.orgs or tuple(read_orgs) if len(read_orgs) == 1 else base.orgs
    return replace(base, kind=kind, question=norm[start:end], orgs=orgs, items=tuple(items), scope=scope, units=units,
                   unit_asked=shown,
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
    words += [w for w, _ in vocabulary_table('asking_words')]
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
            out.pop()             # '谁高？高多少？': the difference names both figures and which is higher
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
