"""How a phrase of a question finds the stored label it means, and the names an item goes by.

    names_for('三公')                                 # frozenset({'三公经费', '三公', '三公费用', …})
    exact_spans('2024年三公经费是多少', {'三公经费'})   # [Span(start=5, end=9, name='三公经费', weight=4.0)]
    one_off('三工经费', {'三公经费'})                   # ((0, 4), '三公经费')
    longest_common_run('开展专项检查相关费用', '专项检查费用')   # ('专项检查', 2)
    meaning_match('基本薪酬', ['基本工资', '办公费'])     # '基本工资' when the bundled model finds it near enough

A name stands in the question as printed (exact_spans), shortened or reworded (near_matches), misspelt by
one character (one_off) or in other words of the same meaning (meaning_match, the bundled embedding model).
The word lists it leans on are data: synonyms.tsv (the names of one item), weak.tsv (words too common to
match on alone), generic_columns.tsv (words that name no item), phrase_fillers.tsv (words that wrap a name).
qa/catalogue.py holds what the documents contain and scores its entries by the spans found here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from ingest.vocabulary import vocabulary_table

from .normalize import name_key


# ---- names of items ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def synonym_classes() -> dict[str, str]:
    """name -> the canonical name of its class."""
    out = {}
    for head, others in vocabulary_table('synonyms'):
        for name in (head,) + others:
            out.setdefault(name_key(name), name_key(head))
    return out


@lru_cache(maxsize=1)
def class_members() -> dict[str, frozenset]:
    members: dict[str, set] = {}
    for name, head in synonym_classes().items():
        members.setdefault(head, {head}).add(name)
    return {k: frozenset(v) for k, v in members.items()}


@lru_cache(maxsize=100_000)
def canonical(name: str) -> str:
    key = name_key(name)
    return synonym_classes().get(key, key)


@lru_cache(maxsize=100_000)
def names_for(name: str) -> frozenset:
    key = name_key(name)
    head = synonym_classes().get(key)
    return class_members()[head] | {key} if head else frozenset({key})


@lru_cache(maxsize=1)
def weak_words() -> frozenset:
    return frozenset(name for head, others in vocabulary_table('weak') for name in (head,) + others)


@lru_cache(maxsize=1)
def generic_words() -> frozenset:
    return frozenset(name_key(n) for head, others in vocabulary_table('generic_columns') for n in (head,) + others)


# ---- names standing in a question ----------------------------------------------------------------

@dataclass(frozen=True)
class Span:
    start: int
    end: int
    name: str
    weight: float
    entry_ids: frozenset = frozenset()   # fuzzy spans belong to the entries whose subject they match …
    project_ids: frozenset = frozenset() # … or whose project they match
    meant: str = ''                      # a near name: the label a phrase means ('基本薪酬' ≈ '基本工资') …
    typo: bool = False                   # … or one a phrase misspells by one character ('三工经费')

    @property
    def exact(self) -> bool:
        return not (self.entry_ids or self.project_ids)


def exact_spans(text: str, names, taken=()) -> list[Span]:
    found = []
    for name in names:
        if len(name) < 2 and name not in ('车',):
            continue
        start = text.find(name)
        while start >= 0:
            found.append((start, start + len(name), name))
            start = text.find(name, start + 1)
    found.sort(key=lambda t: (-(t[1] - t[0]), t[0]))
    spans, occupied = [], [list(t) for t in taken]
    for start, end, name in found:
        if any(start < e and s < end for s, e in occupied):
            continue
        occupied.append([start, end])
        spans.append(Span(start, end, name, float(end - start)))
    return sorted(spans, key=lambda s: s.start)


def near_matches(name: str, text: str) -> list[tuple[tuple[int, int], float]]:
    """Where in `text` a long name stands, shortened or reworded: [((start, end), weight)].
    Either a run of three or more of its characters that is not a common word, or a stretch of
    the text most of whose characters are the name's, in order, covering half the name or more."""
    out = []
    run, where = longest_common_run(text, name)
    if len(run) >= 3 and run not in weak_words() and len(_strong_part(run)) >= (2 if len(run) == 3 else 1):
        out.append(((where, where + len(run)), len(run) * 0.9))
    if len(name) > len(text):
        return out
    alignment = fuzz.partial_ratio_alignment(name, text)
    if alignment is None or alignment.score < 60:
        return out
    a, b = alignment.dest_start, alignment.dest_end
    while a < b and text[a] not in name:
        a += 1
    while b > a and text[b - 1] not in name:
        b -= 1
    piece = text[a:b]
    shared = LCSseq.similarity(name, piece)
    inner, _ = longest_common_run(piece, name)
    if shared >= max(4, 0.6 * len(name)) and shared >= 0.75 * len(piece) and shared > len(run) and \
            len(inner) >= 3 and not only_weak(inner):
        out.append(((a, b), shared * 0.9))
    return out


def longest_common_run(a: str, b: str) -> tuple[str, int]:
    """The longest run of characters both texts share, and where it starts in `a`."""
    best, where = '', -1
    for i in range(len(a)):
        if a[i] == '\0':
            continue
        for j in range(i + len(best) + 1, len(a) + 1):
            piece = a[i:j]
            if '\0' in piece or piece not in b:
                break
            best, where = piece, i
    return best, where


def _strong_part(run: str) -> str:
    """What is left of a run without its common words: '工作餐标准' -> '餐'."""
    rest = run
    for w in sorted(weak_words(), key=len, reverse=True):
        rest = rest.replace(w, '')
    return rest


def only_weak(run: str) -> bool:
    return len(_strong_part(run)) <= 1


# ---- near names -------------------------------------------------------------------------------

MEANING_THRESHOLD = 0.90     # cosine (e5 query side) a phrase must reach to mean a label: measured on the question sets
MEANING_MARGIN = 0.03       # over the nearest label of another item: measured likewise
FILLER = '的之在了是和与及其中里方面关于有关上'


def item_phrase(masked: str, start: int, end: int) -> tuple[str, int]:
    """The longest run of words of the clause left unmasked, without filler at either end."""
    best, at = '', start
    for m in re.finditer(r'[^\0\s？?，,。；;！!、：:（）()“”"]+', masked[start:end]):
        run, where = m.group(), start + m.start()
        stripped = run.lstrip(FILLER)
        where += len(run) - len(stripped)
        stripped = stripped.rstrip(FILLER + '吗呢啊')
        if len(stripped) > len(best):
            best, at = stripped, where
    return best, at


@lru_cache(maxsize=1)
def _phrase_fillers() -> tuple[str, ...]:
    words = {w for head, others in vocabulary_table('phrase_fillers') for w in (head,) + others}
    return tuple(sorted(words, key=len, reverse=True))


def after_filler(text: str, at: int) -> bool:
    """A word that wraps an item's name ('方面的') stands right before `at`: what follows is that item's noun."""
    return any(text[:at].endswith(w) for w in _phrase_fillers())


def unwrapped_names(phrase: str) -> list[str]:
    """'教育方面的支出' -> ['教育支出']: the words that wrap an item's name taken out (phrase_fillers.tsv), then
    also without a generic word after it ('工资福利方面的支出预算' -> '工资福利支出')."""
    for word in _phrase_fillers():
        phrase = phrase.replace(word, '')
    phrase = phrase.strip(FILLER)
    return [phrase] + [phrase[:-len(w)] for w in sorted(generic_words(), key=len, reverse=True)
                       if phrase.endswith(w) and len(phrase) > len(w) + 1]


def one_off(phrase: str, labels) -> tuple[tuple[int, int], str] | None:
    """A stretch of the phrase that a label of three or more characters misspells by one character, and that
    label: '三工经费' -> ((0, 4), '三公经费'). The first and last characters must agree; longest first."""
    found = all_one_off(phrase, labels)
    return found[0] if found else None


def all_one_off(phrase: str, labels) -> list[tuple[tuple[int, int], str]]:
    found = []
    for label in labels:
        n = len(label)
        if n < 3 or n > len(phrase):
            continue
        for a in range(len(phrase) - n + 1):
            piece = phrase[a:a + n]
            if piece[0] != label[0] or piece[-1] != label[-1] or piece in labels:
                continue
            if sum(x != y for x, y in zip(piece, label)) == 1:
                found.append((-n, a, label))
    return [((a, a - n), label) for n, a, label in sorted(found)]


_LABEL_VECTORS = None


def label_vectors():
    """The bundled model's vectors of labels, cached in the data directory's embedding cache."""
    global _LABEL_VECTORS
    if _LABEL_VECTORS is None:
        from index.embeddings import LabelVectors
        from settings import Settings
        _LABEL_VECTORS = LabelVectors.default(Settings.from_env().embedding_cache_path)
    return _LABEL_VECTORS


def meaning_match(phrase: str, labels: list[str], threshold: float | None = None) -> str | None:
    """The label nearest in meaning to a phrase, if near enough."""
    ranked = label_vectors().nearest(phrase, labels, k=12)
    if not ranked:
        return None
    threshold = MEANING_THRESHOLD if threshold is None else threshold
    best = ranked[0]
    second = next((sim for sim, label in ranked[1:]            # '其他教育支出' is a narrower row of '教育支出'
                   if canonical(label) != canonical(best[1]) and best[1] not in label), 0.0)
    return best[1] if best[0] >= threshold and best[0] - second >= MEANING_MARGIN else None
