"""What answering reads from the stores: the documents a question selects, nothing else.

    ctx = Context.from_store(store, search=engine.search)
    docs = ctx.documents_of(('克孜勒苏柯尔克孜自治州人民政府办公室',), (2024,))
    catalogue = ctx.catalogue(docs)            # the facts and statements of those documents only
    ctx.lines('002_220f206dadf5e393.txt', 495, 495)

The work of a question is proportional to the documents it is about: facts,
statements and lines are read per document, on demand, and the last few
documents' catalogues are kept.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from index.facts_store import DocumentInfo, FactStore
from ingest.models import BudgetFact
from ingest.text import squash_spaces, strip_markup

from .catalogue import Catalogue
from .disclosure import choose
from .normalize import normalise
from .orgs import OrgDirectory, short_names

CACHED_DOCUMENTS = 64


@dataclass
class Context:
    store: FactStore
    directory: OrgDirectory
    documents: list[DocumentInfo]
    search: object = None                       # callable(text, orgs, years, k=, boost=) -> [Hit]
    llm: object = None                          # an optional langchain chat model
    _facts: OrderedDict = field(default_factory=OrderedDict)
    _statements: OrderedDict = field(default_factory=OrderedDict)
    _catalogues: OrderedDict = field(default_factory=OrderedDict)
    _lines: OrderedDict = field(default_factory=OrderedDict)
    _blocks: OrderedDict = field(default_factory=OrderedDict)
    _checks: OrderedDict = field(default_factory=OrderedDict)
    _details: OrderedDict = field(default_factory=OrderedDict)
    generation: int = -1
    _tokenizer: object = None
    _short_names: dict | None = None

    @classmethod
    def from_store(cls, store: FactStore, search=None, llm=None) -> 'Context':
        ctx = cls(store, None, [], search, llm)
        ctx.refresh()
        return ctx

    def refresh(self) -> None:
        """Read the list of documents again if any process wrote to the store since; drop what was cached."""
        generation = self.store.generation()
        if generation == self.generation:
            return
        store = self.store
        documents = store.documents()
        self.directory = OrgDirectory.from_documents(documents, units_of=lambda keys: _units_of(store, documents, keys),
                                                     named_anywhere=lambda text: store.name_exists(text))
        self.documents = documents
        self._short_names = None
        for cache in (self._facts, self._statements, self._catalogues, self._lines, self._blocks, self._checks,
                      self._details):
            cache.clear()
        self.generation = generation

    # ---- documents -------------------------------------------------------------------

    def documents_of(self, keys: tuple[str, ...] = (), years: tuple[int, ...] = ()) -> list[DocumentInfo]:
        return [d for d in self.documents if (not keys or d.org_key in keys) and (not years or d.year in years)]

    def disclosures(self, keys: tuple[str, ...] = (), years: tuple[int, ...] = (),
                    kind: str = '') -> list[DocumentInfo]:
        """The documents a question reads: of `kind` ('决算', '预算'), or per organisation-year the 预算 when one is
        loaded, else the 决算 (qa/disclosure.py)."""
        return choose(self.documents_of(keys, years), kind).docs

    def short_names(self) -> dict[str, str]:
        """Organisation -> its short name among the loaded ones (qa/orgs.py), once per state of the store."""
        if self._short_names is None:
            self._short_names = short_names(self.documents)
        return self._short_names

    def document(self, doc: str) -> DocumentInfo | None:
        return next((d for d in self.documents if d.doc == doc), None)

    # ---- per document, on demand ---------------------------------------------------------

    def facts(self, docs: list[DocumentInfo] | None = None) -> list[BudgetFact]:
        docs = self.documents if docs is None else docs
        return [f for d in docs for f in _cached(self._facts, d.doc, lambda: self.store.facts(doc=d.doc))]

    def statements(self, doc: str, kind: str | None = None) -> list[dict]:
        rows = _cached(self._statements, doc, lambda: self.store.statements(doc))
        return [s for s in rows if kind is None or s['kind'] == kind]

    def catalogue(self, docs: list[DocumentInfo]) -> Catalogue:
        key = tuple(d.doc for d in docs)

        def build():
            statements = [s for d in docs for s in self.statements(d.doc)]
            return Catalogue.build(self.facts(docs), statements, {d.doc: (d.org, d.year) for d in docs})
        return _cached(self._catalogues, key, build)

    def thin_catalogue(self, names: list[str], docs: list[DocumentInfo] | None = None) -> tuple[Catalogue, list]:
        """A catalogue of only the facts named (row label, item or project), across many documents: what a
        question about every organisation ('哪个单位三公经费最多') needs, read through the store's indexes."""
        facts = self.store.facts_named(names, [d.doc for d in docs] if docs is not None else None)
        held = {f.doc for f in facts}
        documents = [d for d in self.documents if d.doc in held]
        return Catalogue.build(facts, [], {d.doc: (d.org, d.year) for d in documents}), documents

    def definitions(self, words: list[str]) -> tuple[Catalogue, list]:
        statements = self.store.statements_like('definition', words)
        held = {s['doc'] for s in statements}
        documents = [d for d in self.documents if d.doc in held]
        return Catalogue.build([], statements, {d.doc: (d.org, d.year) for d in documents}), documents

    def tokenizer(self):
        if self._tokenizer is None:
            from index.bm25 import BudgetTokenizer
            self._tokenizer = BudgetTokenizer()
        return self._tokenizer

    def failed_checks(self, doc: str) -> list[dict]:
        """The document's checks that did not hold (tables' and prose's arithmetic), as stored."""
        return _cached(self._checks, doc, lambda: self.store.checks(doc, failed_only=True))

    def blocks(self, doc: str) -> list[dict]:
        return _cached(self._blocks, doc, lambda: self.store.blocks(doc))

    def tables(self, doc: str) -> list[dict]:
        """The tables a document prints (number, title, lines, empty, note), in the order printed."""
        return sorted(self.store.tables(doc), key=lambda t: t['line_start'] or 0)
    def details(self, doc: str) -> list[dict]:
        """The document's project records, line by line (index/facts_store.py, table details)."""
        return _cached(self._details, doc, lambda: self.store.details(doc))

    def line(self, doc: str, number: int) -> str:
        lines = _cached(self._lines, doc, lambda: dict(self.store.line_text(doc, 1, 10 ** 7)))
        return lines.get(number, '')

    def lines(self, doc: str, start: int, end: int) -> str:
        text = ' '.join(self.line(doc, n).strip() for n in range(start, end + 1))
        return squash_spaces(strip_markup(text))

    def page(self, doc: str, number: int) -> int | None:
        return self.store.page_of(doc, number)


def _cached(cache: OrderedDict, key, load):
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    value = cache[key] = load()
    while len(cache) > CACHED_DOCUMENTS:
        cache.popitem(last=False)
    return value


def _units_of(store: FactStore, documents: list[DocumentInfo], keys: tuple[str, ...]) -> list[tuple[str, str]]:
    """The units and projects the documents of these organisations name: [(organisation key, name)]."""
    out = []
    for d in documents:
        if d.org_key in keys:
            out += [(d.org_key, normalise(name)) for name in store.names_in(d.doc)]
    return out


def remember_labels(store: FactStore, docs: list[str]) -> int:
    """Embed the item labels of newly stored documents now, at ingest, into the embedding cache: the first
    question matched by meaning ('基本薪酬' ≈ '基本工资') then does not wait for them. Labels shared by many
    documents are embedded once. Returns how many labels the documents have."""
    from .label_match import label_vectors
    ctx = Context.from_store(store)
    labels: set[str] = set()
    for d in ctx.documents:
        if d.doc in docs:
            labels.update(ctx.catalogue([d]).labels())
    label_vectors().vectors(sorted(labels))
    return len(labels)
