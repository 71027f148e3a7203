"""Tables read by what they are — a title, a header, rows and cells — whatever template printed them.

    tables = read_grids(lines)                  # lines of a PDF/Word/Excel file: table rows tab-separated
    tables[0].title, tables[0].unit             # '2026年预算单位财务收支预算总表', '元'
    tables[0].rows[0].label, tables[0].rows[0].cells[0].column   # '一、财政拨款收入', '本年收入/预算数'

A table is a run of tab-separated rows. Its title is the title-like line just
above it (or a one-cell row at its top: '预算01表 收支总表'); its unit comes
from a '单位：元' line there. Header rows (those before the first row with an
amount) are joined into column paths as printed ('本年支出/预算数/基本支出/人员
经费'), a heading merged over several columns being spread to the columns
below it. Each row is cut into segments — label columns, then the value
columns after them — so a two-sided 收支总表 gives each amount the label
beside it. A run on the next page with no title of its own and the same
columns continues the table; a header printed again there is read once.

Why one module of ~450 lines: a grid's rows, its header's column paths and the segments a row is cut into are
decided together (a column is a label or a value column by what the rows below the header hold), so they are
read in one pass over one Grid.

Nothing here knows a particular template: which kind a table is comes from
its title (data/vocabulary/table_kinds.tsv).
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field

from .models import Cell, Table, TableRow
from .numbers import clean_cell, looks_numeric, read_number
from .text import squash, squash_spaces
from .vocabulary import vocabulary_table

UNIT = re.compile(r'单位[:：]\s*(万元|元|亿元|千元)')
META = re.compile(r'(编制|预算|填报)?(单位|部门)(名称)?[:：]')
TITLE_TAIL = re.compile(r'\s*(?:(?:编制|预算|填报)?(?:单位|部门)(?:名称)?[:：].*|金额单位.*)$')
CODE = re.compile(r'^\d{2,9}$')
CODE_LABEL = re.compile(r'^(\d{3,9})\s*[-－—:：\s]\s*(\S.*)$')
SENTENCE = re.compile(r'[。；;，,]\S')
NUMBER_ONLY = re.compile(r'^[\u4e00-\u9fff]{0,2}\s*\d{0,3}\s*表\s*[\d一二三四五六七八九十]{0,4}[:：]?$')
SPACED = re.compile(r'(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])')
NUMBERING_MARK = re.compile(r'^[*＊#甲乙丙丁]+$')
PAGE_MARK = re.compile(r'^[-—–\s\d第页/共]*$')
CODE_HEADERS = ('编码', '代码', '科目编码')
CODE_LEVELS = ('类', '款', '项')


@dataclass
class Grid:
    """A run of tab-separated rows and what stands above it."""
    title: str
    title_line: int                                  # 1-based, 0 when the table has no title line
    unit: str
    rows: list[tuple[int, list[str]]] = field(default_factory=list)   # (line, cells)
    context_title: bool = False                      # the title came from text above, not from inside


# ---- finding runs of rows ------------------------------------------------------------

def read_grids(lines: list[str], skip: tuple[tuple[int, int], ...] = ()) -> list[Table]:
    """Every table of the document, as Tables with number None and kind from the title."""
    grids = _merge_continuations(_grids(lines, skip))
    tables = []
    for grid in grids:
        table = build_grid_table(grid)
        if table is not None:
            tables.append(table)
    return tables


def _grids(lines: list[str], skip) -> list[Grid]:
    grids: list[Grid] = []
    context: list[tuple[int, str]] = []
    current: Grid | None = None
    for index, line in enumerate(lines):
        number = index + 1
        if any(a <= number <= b for a, b in skip):
            current, context = None, []
            continue
        if '\t' in line:
            cells = [clean_cell(c) for c in line.split('\t')]
            if not any(cells):
                continue
            if current is not None and current.rows and _starts_table(cells):
                current = None                         # a table whose title is its first row follows at once
            if current is None:
                current = _new_grid(context)
                grids.append(current)
                context = []
            current.rows.append((number, cells))
        elif line.strip():
            if current is not None and PAGE_MARK.match(line.strip()):
                continue                               # a page number between two pages of one table
            current = None
            context.append((number, line.strip()))
            context = context[-6:]
    return grids


def _starts_table(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return len(filled) <= 2 and bool(title_text(' '.join(filled))) and _meta_row(cells)


def _new_grid(context: list[tuple[int, str]]) -> Grid:
    title, title_line = '', 0
    unit = ''
    for number, text in reversed(context):
        unit = unit or _unit_of(text)
        candidate = title_text(text)
        if candidate and not title:
            title, title_line = candidate, number
            break
    if title_line:
        for number, text in context:
            if number > title_line:
                unit = unit or _unit_of(text)
    return Grid(title, title_line, unit, context_title=bool(title))


def title_text(text: str) -> str:
    """The title in a line that is one ('2026年部门收支总体情况表', '收支预算总表部门：X 单位：万元'), else ''."""
    text = squash_spaces(text)
    head = TITLE_TAIL.sub('', text).strip()
    squashed = head.replace(' ', '')
    if not squashed or len(squashed) > 60 or SENTENCE.search(squashed) or squashed.endswith(('。', '：', ':')):
        return ''
    if '表' not in squashed[-12:] and not re.search(r'表[（(][^）)]*[）)]$', squashed):
        return ''
    if re.search(r'\.{3,}|…{2,}', squashed):          # a line of the table of contents
        return ''
    return head


def _unit_of(text: str) -> str:
    m = UNIT.search(text.replace(' ', ''))
    return m.group(1) if m else ''


def _merge_continuations(grids: list[Grid]) -> list[Grid]:
    """A run without a title of its own, of the same width, continues the table before it (next page)."""
    out: list[Grid] = []
    for grid in grids:
        previous = out[-1] if out else None
        own_title = grid.context_title or _inner_title(grid)
        same_title = own_title and previous is not None and _title_key(grid.title or _inner_title(grid)) == \
            _title_key(previous.title or _inner_title(previous))
        if previous is not None and (not own_title or same_title) and _width(grid) == _width(previous):
            repeated = _header_signature(previous)
            for line, cells in grid.rows:
                if repeated and _signature(cells) in repeated:
                    continue                           # the header printed again on the new page
                previous.rows.append((line, cells))
            continue
        out.append(grid)
    return out


def _title_key(title: str) -> str:
    """A title without its number or spaces: '表01 2026年…总表' and '2026年…总表' (printed again) are one."""
    text = squash(title)
    return re.sub(r'^[\u4e00-\u9fff]{0,2}\d{0,3}表[\d一二三四五六七八九十]{0,4}[:：]?(?=.)', '', text)


def _width(grid: Grid) -> int:
    return max((len(cells) for _, cells in grid.rows), default=0)


def _inner_title(grid: Grid) -> str:
    for _, cells in grid.rows[:3]:
        filled = [c for c in cells if c]
        if len(filled) == 1 and title_text(filled[0]):
            return title_text(filled[0])
    return ''


def _signature(cells: list[str]) -> str:
    return '|'.join(c.replace(' ', '') for c in cells)


def _header_signature(grid: Grid) -> set[str]:
    rows = [cells for _, cells in grid.rows]
    first = _first_data_row(rows)
    return {_signature(cells) for cells in rows[:first] if any(cells)}


# ---- building one table ----------------------------------------------------------------

def build_grid_table(grid: Grid) -> Table | None:
    rows = [(line, cells + [''] * (_width(grid) - len(cells))) for line, cells in grid.rows]
    title, unit = grid.title, grid.unit
    while rows and _meta_row(rows[0][1]):             # title and unit rows inside the table
        text = ' '.join(c for c in rows[0][1] if c)
        inner = title_text(text)
        if inner and (not title or NUMBER_ONLY.match(title.replace(' ', ''))) and inner != title:
            title = f'{title} {inner}'.strip()           # '表一' above, '收支预算总表' inside
        unit = unit or _unit_of(text)
        rows = rows[1:]
    first = _first_data_row([cells for _, cells in rows])
    header, data = rows[:first], rows[first:]
    repeated = {_signature(cells) for _, cells in header}
    data = [(line, cells) for line, cells in data if _signature(cells) not in repeated]   # header printed again
    for _, cells in header:                             # '金额单位：万元' in a header cell
        unit = unit or next((_unit_of(c) for c in cells if _unit_of(c)), '')
    header = [(line, cells) for line, cells in header if not _meta_row(cells) and not _column_numbers(cells)]
    if not data:
        return None
    paths = column_paths([cells for _, cells in header])
    kinds = _column_kinds(paths, [cells for _, cells in data])
    segments = _segments(kinds)
    table_rows = []
    groups: dict[int, str] = {}
    for line, cells in data:
        table_rows.extend(_rows_of(line, cells, paths, kinds, segments, groups))
    title = title or '（无标题的表）'
    columns = tuple(dict.fromkeys(c.column for r in table_rows for c in r.cells))
    first_line = grid.title_line or (rows[0][0] if rows else grid.rows[0][0])
    return Table(None, table_kind(title), title, unit or '万元', columns, tuple(table_rows), first_line,
                 grid.rows[-1][0], empty=not any(r.cells for r in table_rows), layout='grid')


def _meta_row(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    if not filled or len(filled) > 3:
        return False
    text = ' '.join(filled)
    if any(_amount(c) for c in filled) and not META.search(text):
        return False
    return bool(title_text(text) or _unit_of(text) or META.search(text)) and len(filled) <= 2 or \
        (len(filled) == 1 and len(filled[0]) > 40 and META.search(filled[0]) is not None)


def _amount(text: str) -> bool:
    return read_number(text) is not None or looks_numeric(text)


def _first_data_row(rows: list[list[str]]) -> int:
    for index, cells in enumerate(rows):
        if _meta_row(cells):
            continue
        amounts = [c for c in cells if c and _amount(c) and not _code_like(c)]
        if amounts and not _column_numbers(cells):
            return index
    return len(rows)


def _code_like(text: str) -> bool:
    """A classification code as printed: 类 201, 款 20108 or 08, 项 2010801 or 01."""
    return bool(CODE.match(text)) and len(text) in (2, 3, 5, 7, 9)


def _column_numbers(cells: list[str]) -> bool:
    """'栏次 1 2 3 …', '** 1 2 3' or '1 2 3 4': a row numbering the columns."""
    numbers = [c for c in cells if c]
    if any(c in ('栏次', '行次') for c in numbers):
        return True
    digits = [c for c in numbers if c.isdigit()]
    others = [c for c in numbers if not c.isdigit()]
    marked = bool(others) and all(NUMBERING_MARK.match(c) for c in others)
    return len(digits) >= (2 if marked else 3) and len(others) <= 2 and all(len(c) <= 2 for c in others) and \
        [int(d) for d in digits] == list(range(int(digits[0]), int(digits[0]) + len(digits)))


def column_paths(header: list[list[str]]) -> list[str]:
    """Each column's header path, top to bottom: a heading spread over the empty cells to its right that have
    headings below them (a merged cell), and joined with '/'."""
    if not header:
        return []
    width = max(len(r) for r in header)
    rows = [r + [''] * (width - len(r)) for r in header]
    spread = [list(r) for r in rows]
    for r, row in enumerate(rows):
        below = rows[r + 1:]
        for c in range(width):
            if row[c] or c == 0:
                continue
            left = next((k for k in range(c - 1, -1, -1) if row[k]), None)
            if left is None or not below:
                continue
            has_sub = any(b[c] for b in below) and any(b[left] for b in below)
            upper_same = r == 0 or spread[r - 1][c] == spread[r - 1][left]
            if has_sub and upper_same:
                spread[r][c] = spread[r][left]
    paths = []
    for c in range(width):
        parts: list[str] = []
        for row in spread:
            text = squash(row[c])
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        paths.append('/'.join(parts))
    return paths


def _column_kinds(paths: list[str], data: list[list[str]]) -> list[str]:
    """'code' | 'label' | 'value' per column, from its header words and what its cells hold."""
    width = max((len(r) for r in data), default=0)
    kinds = []
    for c in range(width):
        path = paths[c] if c < len(paths) else ''
        cells = [r[c] for r in data if c < len(r) and r[c]]
        codes = sum(1 for x in cells if _code_like(x))
        amounts = sum(1 for x in cells if _amount(x) and not _code_like(x))
        texts = len(cells) - codes - amounts
        last = path.rsplit('/', 1)[-1]
        if (any(w in last for w in CODE_HEADERS) or last in CODE_LEVELS) and texts <= codes:
            kinds.append('code')
        elif cells and codes >= max(1, len(cells) * 0.8) and amounts == 0:
            kinds.append('code')
        elif texts > amounts:
            kinds.append('label')
        elif amounts or not cells:
            kinds.append('value' if amounts or _value_header(path) else 'empty')
        else:
            kinds.append('label')
    return kinds


def _value_header(path: str) -> bool:
    return bool(path) and not any(w in path for w in ('项目', '名称', '科目'))


def _segments(kinds: list[str]) -> list[tuple[int, int, int]]:
    """(start, first value column, end) of each run of code/label columns followed by value columns."""
    segments = []
    c = 0
    width = len(kinds)
    while c < width:
        start = c
        while c < width and kinds[c] in ('code', 'label', 'empty') and not _values_follow_empty(kinds, c):
            c += 1
        values = c
        while c < width and kinds[c] in ('value', 'empty') and not (kinds[c] == 'empty' and _label_after(kinds, c)):
            c += 1
        if c == start:
            c += 1
        segments.append((start, values, c))
    return segments


def _values_follow_empty(kinds, c) -> bool:
    return kinds[c] == 'empty' and c > 0 and kinds[c - 1] == 'value'


def _label_after(kinds, c) -> bool:
    nxt = next((k for k in kinds[c:] if k != 'empty'), 'value')
    return nxt in ('label', 'code')


def _rows_of(line: int, cells: list[str], paths, kinds, segments, groups: dict[int, str]) -> list[TableRow]:
    out = []
    for start, values, end in segments:
        codes, labels = [], []
        for c in range(start, values):
            text = cells[c] if c < len(cells) else ''
            if not text:
                continue
            m = CODE_LABEL.match(text)
            if _code_like(text) and not labels:
                codes.append(text)
            elif m and not labels:
                codes.append(m.group(1))
                labels.append((c, m.group(2).strip()))
            else:
                labels.append((c, text))
        label_columns = [c for c in range(start, values) if kinds[c] == 'label']
        label = _label_path([(c, SPACED.sub('', t)) for c, t in labels], label_columns, groups)
        row_cells = []
        flags = []
        for c in range(values, end):
            text = cells[c] if c < len(cells) else ''
            if not text:
                continue
            reading = read_number(text)
            column = (paths[c] if c < len(paths) else '') or f'第{c + 1}栏'
            if reading is None:
                if looks_numeric(text):
                    flags.append(f'unreadable_number:{text}@{line}')
                continue
            row_cells.append(Cell(column, text, reading.value, line, reading.flags))
        if not row_cells and not label:
            continue
        if row_cells and not label and not codes and out and not out[-1].cells and out[-1].label:
            lonely = out.pop()                       # '支出合计 | (empty) | | 9,146.79': the label's cell spans
            label, codes = lonely.label, [lonely.code] if lonely.code else []
        out.append(TableRow(''.join(codes), label, tuple(row_cells), line, line,
                            side=_side(paths, start, values), flags=tuple(flags)))
    return out


def _label_path(labels: list[tuple[int, str]], label_columns: list[int], groups: dict[int, str]) -> str:
    """A row's label; where the segment has several label columns and the row leaves the first empty, the group
    label printed above it (a cell merged down) comes first: '一般公共预算资金/小计'."""
    if not labels:
        return ''
    first_column = labels[0][0]
    for column in [c for c in groups if c >= first_column]:
        del groups[column]
    for column, text in labels:
        groups[column] = text
    prefix = [groups[c] for c in label_columns if c < first_column and c in groups]
    return '/'.join(prefix + [t for _, t in labels])


def _side(paths, start, values) -> str:
    heads = {p.split('/', 1)[0] for p in paths[start:values + 1] if p}
    for head in heads:
        for side in ('收入', '支出'):
            if side in head:
                return side
    return ''


# ---- the 三公 figures of a 三公 table, whichever way it is drawn -------------------------

SANGONG_EXTRA = ('会议费', '培训费')


def sangong_item(title: str, row: str, column: str) -> str:
    """'三公经费' for the table's 三公 total, a part's name ('公务接待费' …) for a part, '' for 会议费/培训费 and
    for a 合计 that also holds them. The row or the column names the figure, whichever is not a plain total."""
    from .tables import sangong_label
    names = [p for p in re.split(r'/', column) if p] + [p for p in re.split(r'/', row) if p]
    words = [re.sub(r'[\s“”"‘’]', '', n) for n in names]
    if any(any(extra in w for extra in SANGONG_EXTRA) for w in words):
        return ''
    parts = [sangong_label(w) for w in words if '三公' not in w and w not in generic_words()]
    parts = [p for p in parts if p and p != '合计']
    if parts:
        return parts[-1]
    holds_extra = any(extra in squash(title) for extra in SANGONG_EXTRA)
    names_sangong = any('三公' in w for w in words)
    if names_sangong or not holds_extra:
        return '三公经费'
    return ''


@lru_cache(maxsize=1)
def generic_words() -> frozenset:
    """Header words that name no item of their own (data/vocabulary/generic_columns.tsv)."""
    return frozenset(n for head, others in vocabulary_table('generic_columns') for n in (head,) + others)


# ---- which kind of table --------------------------------------------------------------

def table_kind(title: str) -> str:
    """The kind a title names (data/vocabulary/table_kinds.tsv: the longest matching name wins), else 'other'."""
    text = re.sub(r'[\s“”"‘’、，,（）()]', '', title)
    best, length = 'other', 0
    for kind, names in vocabulary_table('table_kinds'):
        for name in names:
            if name in text and len(name) > length:
                best, length = kind, len(name)
    return best
