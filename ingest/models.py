"""Plain frozen dataclasses passed from ingest to the later stages.

    doc = parse_document(Path("data/samples/000_f62fb37ef8e53f88.txt"))
    doc.org, doc.year          # '中共克孜勒苏柯尔克孜自治州工业和信息化局', 2024
    doc.facts[0]               # BudgetFact(table=1, row='一、本年收入', column='预算数', ...)

Every extracted thing carries its provenance: file name and 1-based first and
last line of the original file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class SourceText:
    """A decoded file: `lines[0]` is line 1 of the original."""
    name: str
    lines: tuple[str, ...]
    encoding: str                # 'utf-8' … for text; 'pdf', 'docx', 'xlsx' for documents read as text
    content_hash: str
    pages: tuple[int, ...] = ()  # PDF: the page of each line


@dataclass(frozen=True)
class Block:
    """A heading, a paragraph (wrapped lines joined) or a table region."""
    kind: str                    # 'heading' | 'paragraph' | 'table'
    text: str
    line_start: int
    line_end: int
    heading_path: tuple[str, ...] = ()
    table_no: int | None = None  # for kind == 'table'
    # For paragraphs: the line each character of `text` came from.
    char_lines: tuple[int, ...] = ()

    def line_of(self, char_index: int) -> int:
        if not self.char_lines:
            return self.line_start
        return self.char_lines[min(max(char_index, 0), len(self.char_lines) - 1)]


@dataclass(frozen=True)
class Cell:
    """One printed value of a table row, assigned to a canonical column."""
    column: str
    raw: str
    value: Decimal
    line: int
    flags: tuple[str, ...] = ()  # e.g. 'ocr_split_joined'


@dataclass(frozen=True)
class TableRow:
    code: str                    # '2011301', '30102', '' for rows without a code
    label: str
    cells: tuple[Cell, ...]
    line_start: int
    line_end: int
    project: str = ''            # 表7: 项目名称
    side: str = ''               # 表1/表4: '收入' | '支出'
    flags: tuple[str, ...] = ()

    def value(self, column: str) -> Decimal | None:
        for cell in self.cells:
            if cell.column == column:
                return cell.value
        return None


@dataclass(frozen=True)
class Check:
    """One arithmetic identity evaluated on the document's own figures."""
    table_no: int | None
    name: str                    # e.g. '合计 = 基本支出 + 项目支出'
    subject: str                 # row or column it concerns
    expected: Decimal            # the printed total
    actual: Decimal              # the sum of the printed parts
    ok: bool
    line_start: int
    line_end: int
    kind: str = 'row'            # 'row' | 'column' | 'incomplete' | 'cross' | 'text' | 'unsure' (read, not printed?)
    rows: tuple[int, ...] = ()   # first lines of the rows it reads
    columns: tuple[str, ...] = ()
    rounding: Decimal = Decimal('0.05')   # a difference up to this is rounding (0.05 万元; a few 元 in a 元 table)

    @property
    def diff(self) -> Decimal:
        return self.actual - self.expected

    @property
    def severity(self) -> str:
        if self.ok:
            return 'ok'
        if self.kind in ('incomplete', 'unsure'):
            return 'completeness'
        return 'rounding' if abs(self.diff) <= self.rounding else 'contradiction'


@dataclass(frozen=True)
class Table:
    number: int | None           # 1..11 for the standard tables, None for others
    kind: str                    # schema key, e.g. 't3' or 'performance'
    title: str
    unit: str
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]
    line_start: int
    line_end: int
    empty: bool = False
    note: str = ''               # 备注 of an empty table
    layout: str = ''             # 'tsv' | 'cell_per_line' | 'text'
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class BudgetFact:
    doc: str
    org: str
    year: int | None
    source: str                  # 'table' | 'text'
    table_no: int | None
    table_title: str
    row_code: str
    row: str                     # row label (table) or the item a sentence is about (text)
    column: str                  # column header path (table) or what the number is (text)
    value: Decimal
    unit: str
    raw: str
    line_start: int
    line_end: int
    item: str = ''               # canonical item key for lookup, e.g. '三公经费', '编制数'
    project: str = ''
    section: str = ''
    checks_passed: tuple[str, ...] = ()
    checks_failed: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Statement:
    """A non-numeric finding: something not arranged, a template left unfilled."""
    kind: str                    # 'not_arranged' | 'template_unfilled' | 'empty_table'
    subject: str
    text: str
    line_start: int
    line_end: int
    table_no: int | None = None


@dataclass(frozen=True)
class ProjectDetail:
    """One printed line of a project's record: a field of its 绩效目标表 form or of its description in the
    情况说明 (项目负责人：苏帆), or one performance indicator with its target and 上年完成值."""
    source: str                  # '项目支出绩效目标表' | '部门整体绩效目标表' | '情况说明'
    project: str                 # as printed ('' for a 部门整体绩效目标表)
    field: str                   # the printed label ('项目负责人') or the indicator's name
    value: str                   # as printed ('苏帆', '>=990 条', '完全不予公开')
    line_start: int
    line_end: int
    op: str = ''                 # indicators: '≥' '≤' '=' '>' '<'
    target: str = ''             # indicators: the number of the 指标值 ('990')
    unit: str = ''               # indicators: its unit ('条', '%')
    previous: str = ''           # indicators: the 上年完成值 as printed ('1000 篇', '新增'), '' when none
    indicator: bool = False      # a performance indicator (name, 指标值, 上年完成值), not a form field


@dataclass(frozen=True)
class Declared:
    """What the user says of a file the document does not name itself (qa ingest --org/--year, the upload form).
    A printed organisation or year wins over a declared one only where none is declared: the user's word is
    the tie-breaker for documents that print none, never silently the file name."""
    org: str = ''
    year: int | None = None
    kind: str = ''               # '预算' | '决算' | '' (read from the document)


@dataclass(frozen=True)
class ParsedDocument:
    source: SourceText
    org: str
    year: int | None
    aliases: tuple[str, ...]
    blocks: tuple[Block, ...]
    tables: tuple[Table, ...]
    facts: tuple[BudgetFact, ...]
    checks: tuple[Check, ...]
    statements: tuple[Statement, ...]
    warnings: tuple[str, ...] = field(default=())
    kind: str = '预算'           # '预算' | '决算': which disclosure this is, from its title
    details: tuple[ProjectDetail, ...] = ()   # projects' records, line by line (ingest/project_details.py)

    @property
    def name(self) -> str:
        return self.source.name
