"""Which disclosure a question reads: the 预算 (what a year was to spend) or the 决算 (what it spent).

    >>> kind_asked('克州工信局2024年实际花了多少钱')     # words: data/vocabulary/disclosure_kinds.tsv
    '决算'

    choice = choose(ctx.documents_of(keys, years), asked)
    choice.docs, choice.kind, choice.also, choice.lacking(keys)

Every stored document carries its kind (DocumentInfo.summary['kind'], read from its titles at ingest or
declared). A question that asks for one kind reads only documents of that kind, and is refused for an
organisation that has only the other: a 预算 figure never answers a 决算 question. A question that does not
say reads, per organisation and year, the 预算 when one is loaded, else the 决算; the answer then says which.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

from ingest.vocabulary import vocabulary_table

from .normalize import normalise

KINDS = ('预算', '决算')
DEFAULT = '预算'


@lru_cache(maxsize=1)
def kind_words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    table = vocabulary_table('disclosure_kinds')
    for kind, _ in table:
        if kind not in KINDS:
            raise ValueError(f"data/vocabulary/disclosure_kinds.tsv: unknown kind '{kind}'; "
                             f"expected {', '.join(KINDS)}")
    return tuple((kind, tuple(normalise(w) for w in words)) for kind, words in table)


def kind_asked(text: str) -> str:
    """'决算' or '预算' when the question's words ask for that disclosure, else ''."""
    return next((kind for kind, words in kind_words() if any(w and w in text for w in words)), '')


def without_kind_words(text: str) -> str:
    """The question with the words that ask for a disclosure blanked: '实际花了' is the 决算, not a qualifier."""
    for _, words in kind_words():
        for w in words:
            text = text.replace(w, '　' * len(w)) if w else text
    return text


def kind_of(document) -> str:
    return document.summary.get('kind') or DEFAULT


@dataclass(frozen=True)
class Choice:
    docs: list
    kind: str                                  # for the plan: '' when no 决算 is read nor loaded beside a 预算
    also: tuple[str, ...] = ()                 # '克州工信局2024年的决算': loaded too, not read
    held: dict = field(default_factory=dict)   # organisation key -> {(year, kind)} of the documents in scope
    asked: str = ''

    def lacking(self, keys: tuple[str, ...]) -> tuple[str, ...]:
        """The named organisations none of whose documents in scope is of the kind asked."""
        return tuple(k for k in keys if k in self.held and not any(d.org_key == k for d in self.docs))

    def refusal(self, key: str) -> str:
        """Why the question is refused: for a named organisation, which of its disclosures are loaded."""
        if key not in self.held:
            have = '、'.join(sorted({k for kinds in self.held.values() for _, k in kinds}))
            return f'已载入的文件中没有{self.asked}，只载入了{have}'
        held = sorted(self.held[key])
        have = '、'.join(f'{y}年的{k}' for y, k in held)
        return f'已载入的文件中没有{key}{"、".join(sorted({f"{y}年" for y, _ in held}))}的{self.asked}，只载入了{have}'


def choose(docs: list, asked: str = '') -> Choice:
    """The documents of the kind asked; when none is asked, per organisation-year the 预算 if loaded, else the 决算."""
    groups: dict[tuple, list] = {}
    for d in docs:
        groups.setdefault((d.org_key, d.year), []).append(d)
    chosen, also = [], []
    for (_, year), group in groups.items():
        kinds = {kind_of(d) for d in group}
        kind = asked or (DEFAULT if DEFAULT in kinds else next(iter(kinds)))
        chosen += [d for d in group if kind_of(d) == kind]
        if not asked and len(kinds) > 1:
            also += [f'{group[0].org_key}{year}年的{k}' for k in sorted(kinds - {kind})]
    held = {}
    for d in docs:
        held.setdefault(d.org_key, set()).add((d.year, kind_of(d)))
    both = any(len({kind_of(d) for d in group}) > 1 for group in groups.values())
    kinds = {kind_of(d) for d in chosen}
    shown = '决算' if asked == '决算' or kinds == {'决算'} else ('预算' if both else '')
    return Choice(chosen, shown, tuple(also), held, asked)


def labelled(result, plan):
    """The answer says which disclosure its figures are from, when that is not just the only 预算 loaded, and how a
    place written one character off was read."""
    if result.status == 'answered' and plan.org_near:
        read_as = '；'.join(f'问题中的“{w}”按“{m}”理解' for w, m in plan.org_near)
        result = replace(result, answer=f'{result.answer}\n（{read_as}。）')
    if result.status != 'answered' or not plan.disclosure:
        return result
    if plan.disclosure == '决算':
        line = '（以上是决算数，出自已载入的决算公开。）'
    else:
        line = f'（以上是预算数。另已载入{"、".join(plan.also_loaded)}，问决算数请写明“决算”。）' if plan.also_loaded \
            else '（以上是预算数。）'
    return replace(result, answer=f'{result.answer}\n{line}')
