"""What an answer is: text, headline figure, status, and a citation for every part.

    answer.status     # 'answered' | 'not_found' | 'ambiguous'
    answer.to_json()  # the `python -m qa ask --json` contract
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Citation:
    doc: str
    line_start: int
    line_end: int
    text: str
    table: int | None = None
    row: str = ''
    column: str = ''
    page: int | None = None      # PDF sources: the page the lines are on

    def to_json(self) -> dict:
        return {'doc': self.doc, 'line_start': self.line_start, 'line_end': self.line_end, 'table': self.table,
                'row': self.row, 'column': self.column, 'text': self.text, 'page': self.page}


@dataclass(frozen=True)
class Figure:
    """One stored figure an answer uses, as printed in the document, with the citation it stands on."""
    org: str
    year: int | None
    table: int | None
    row: str
    column: str
    value: str                   # as printed ('13.80', '75,592' stays as the document wrote it)
    unit: str
    project: str = ''
    citation: int = 0            # 1-based index into Answer.citations

    def to_json(self) -> dict:
        return {'org': self.org, 'year': self.year, 'table': self.table, 'row': self.row, 'column': self.column,
                'value': self.value, 'unit': self.unit, 'project': self.project, 'citation': self.citation}


@dataclass(frozen=True)
class Answer:
    question: str
    status: str
    answer: str
    value: str | None = None
    unit: str | None = None
    citations: tuple[Citation, ...] = ()
    verified: bool = False
    warnings: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()          # for 'ambiguous': the organisations to choose from
    unverified_numbers: tuple[str, ...] = ()
    method: str = ''                          # 'facts' | 'computation' | 'retrieval' | 'llm'
    quoted: tuple[str, ...] = field(default=(), compare=False, repr=False)  # names and labels taken from facts
    id: str | None = field(default=None, compare=False)
    plan: dict | None = field(default=None, compare=False, repr=False)   # how the question was understood
    figures: tuple[Figure, ...] = field(default=(), compare=False, repr=False)   # the stored figures used
    model_reply: str = ''                     # a language model's reply that did not only restate the checked
                                              # answer: shown beside it as 未核对, never instead of it

    def to_json(self) -> dict:
        return {'id': self.id, 'question': self.question, 'status': self.status, 'answer': self.answer,
                'value': self.value, 'unit': self.unit, 'verified': self.verified,
                'citations': [c.to_json() for c in self.citations], 'warnings': list(self.warnings),
                'candidates': list(self.candidates), 'unverified_numbers': list(self.unverified_numbers),
                'method': self.method, 'plan': self.plan, 'figures': [f.to_json() for f in self.figures],
                'model_reply': self.model_reply}
