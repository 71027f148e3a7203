"""Rows of a table region, for the three layouts the disclosures come in.

    layout = detect_layout(lines)                  # 'tsv' | 'cell_per_line' | 'text'
    rows = extract_rows(lines, first_line, schema, layout)  # [RawRow, ...]

A RawRow holds its code cells, its text cells and its printed values in order.
Where the layout keeps column positions (tab-separated rows, one cell per
line) each value also carries its position; pdftotext-style rows lose them
and `columns.assign_columns` places values by the table's arithmetic instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .numbers import Reading, clean_cell, looks_numeric, read_number
from .schemas import Schema, squash

CODE_CELL = re.compile(r'^\d[\d ]{0,5}$')
CODE_WITH_LABEL = re.compile(r'^(\d{1,3})\s*\]?\s*([^\d\s\].,].*)$')
CLASS_WITH_LABEL = re.compile(r'^(2\d{2})\s*([\u4e00-\u9fff].*)$')
TOTAL_LABELS = ('合计', '总计', '收入总计', '支出总计')
HAN = re.compile(r'[\u4e00-\u9fff]')
# pdftotext '432. 18': a decimal point followed by a space inside one number.
SPLIT_DECIMAL_IN_LINE = re.compile(r'(?<![\d.])(\d+)\.\s+(\d{1,2})(?![\d.])')


@dataclass
class RawValue:
    raw: str
    reading: Reading | None      # None: digits that do not read as one number
    pos: int | None              # position among the value columns, if the layout keeps it
    line: int
    flags: tuple[str, ...] = ()


@dataclass
class RawRow:
    codes: list[str]
    texts: list[str]
    values: list[RawValue]
    line_start: int
    line_end: int
    positional: bool = False
    side: str = ''
    flags: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return squash(self.texts[0]) if self.texts else ''

    @property
    def is_total(self) -> bool:
        return not self.codes and self.label.rstrip(':：') in TOTAL_LABELS


def detect_layout(lines: list[str]) -> str:
    tsv = sum(1 for l in lines if len([c for c in l.split('\t') if c.strip()]) >= 2)
    cell_lines = sum(1 for l in lines if l.startswith('\t') and l.count('\t') == 1)
    if tsv >= 3 and tsv >= cell_lines:
        return 'tsv'
    if cell_lines >= 6:
        return 'cell_per_line'
    return 'text'


def extract_rows(lines: list[str], first_line: int, schema: Schema, layout: str) -> list[RawRow]:
    """Rows of one table region; `first_line` is the file line number of lines[0]."""
    if layout == 'text':
        return _text_rows(lines, first_line, schema)
    groups = tsv_groups(lines, first_line) if layout == 'tsv' else cell_groups(lines, first_line)
    rows: list[RawRow] = []
    for cells, cell_lines in groups:
        _add_positional_row(rows, cells, cell_lines, schema)
    return rows


# ---- grouping lines into cells -------------------------------------------------

def tsv_groups(lines, first_line):
    for offset, line in enumerate(lines):
        cells = [clean_cell(c) for c in line.split('\t')]
        if any(cells):
            yield cells, [first_line + offset] * len(cells)


def cell_groups(lines, first_line):
    """One cell per line ('\\tcell'), rows separated by blank lines."""
    cells, cell_lines = [], []
    for offset, line in enumerate(lines):
        if line.startswith('\t'):
            cells.append(clean_cell(line))
            cell_lines.append(first_line + offset)
            continue
        if cells:
            yield cells, cell_lines
            cells, cell_lines = [], []
        if line.strip():  # a stray line between groups: a fragment of its own
            yield [clean_cell(line)], [first_line + offset]
    if cells:
        yield cells, cell_lines


# ---- positional layouts ----------------------------------------------------------

def _add_positional_row(rows: list[RawRow], cells: list[str], cell_lines: list[int], schema: Schema) -> None:
    while cells and not cells[-1]:
        cells, cell_lines = cells[:-1], cell_lines[:-1]
    if not cells:
        return
    if schema.two_sided:
        rows.extend(_two_sided_row(cells, cell_lines))
        return
    filled = [c for c in cells if c]
    previous = rows[-1] if rows else None
    if previous and _is_continuation(filled, previous, schema):
        _continue_row(previous, cells, cell_lines, schema)
        return
    row = _coded_row(cells, cell_lines, schema)
    if row.codes or row.texts or row.values:
        rows.append(row)


def _is_continuation(filled: list[str], previous: RawRow, schema: Schema) -> bool:
    if len(filled) == 1 and not previous.values and HAN.search(filled[0]):
        return True   # a label cut over two lines, values still to come
    if all(looks_numeric(c) for c in filled) and not previous.values and (previous.texts or previous.codes):
        return True   # the values of a row whose label stood alone
    if len(filled) == 1 and re.fullmatch(r'\d{1,2}', filled[0]) and previous.values and \
            previous.values[-1].raw.endswith('.'):
        return True   # '432.' then '18' on the next line
    if len(filled) == 1 and re.fullmatch(r'\d', filled[0]) and previous.codes and len(previous.codes[0]) == 2:
        return True   # class code '20' with its last digit '8' on the next line
    if len(filled) == 1 and HAN.search(filled[0]) and previous.texts and not previous.codes \
            and not schema.fixed_rows and not re.match(r'^(合计|总计|其中)', filled[0]):
        return True   # a long row label (表11 project names) continued
    return False


def _continue_row(row: RawRow, cells: list[str], cell_lines: list[int], schema: Schema) -> None:
    filled = [(c, l) for c, l in zip(cells, cell_lines) if c]
    row.line_end = max(row.line_end, cell_lines[-1])
    if len(filled) == 1 and re.fullmatch(r'\d{1,2}', filled[0][0]) and row.values and row.values[-1].raw.endswith('.'):
        last = row.values[-1]
        raw = last.raw + filled[0][0]
        row.values[-1] = RawValue(raw, read_number(raw), last.pos, last.line, ('ocr_split_joined', 'split_over_lines'))
        return
    if len(filled) == 1 and re.fullmatch(r'\d', filled[0][0]) and row.codes and len(row.codes[0]) == 2:
        row.codes[0] += filled[0][0]
        row.flags.append('code_split_over_lines')
        return
    if all(looks_numeric(c) for c, _ in filled):
        # the values of a row whose label stood alone: positions count from this group's first cell
        for index, (text, line) in enumerate(zip(cells, cell_lines)):
            if text:
                row.values.append(_raw_value(text, index, line))
        row.positional = not schema.two_sided
        return
    text = filled[0][0]
    if row.texts:
        row.texts[-1] += text
    else:
        row.texts.append(text)
    row.flags.append('label_continued')


def _coded_row(cells: list[str], cell_lines: list[int], schema: Schema) -> RawRow:
    n_slots = len(schema.code_depths) if not schema.fixed_rows and schema.number not in (11, None) else 0
    codes, texts, values = [], [], []
    label_index = merged_at = None
    for index, cell in enumerate(cells):
        if not cell:
            continue
        if label_index is None and index < max(n_slots, 1) + 1 and CODE_CELL.match(cell) and n_slots:
            codes.append(cell.replace(' ', ''))
            continue
        merged = CODE_WITH_LABEL.match(cell) if label_index is None and n_slots and index < n_slots else None
        if merged:  # '99]其他公共安全支出': code and label in one cell
            codes.append(merged.group(1))
            texts.append(merged.group(2))
            label_index = index
            merged_at = index
            continue
        if looks_numeric(cell) and (label_index is not None or codes or not n_slots):
            values.append((index, cell, cell_lines[index]))
            continue
        if label_index is None:
            label_index = max(index, n_slots)
        texts.append(cell)
    project = 1 if schema.has_project_column else 0
    if label_index is None:
        label_index = n_slots - 1 if n_slots else -1
    if merged_at is not None:   # the merged cell took the label's slot too
        value_start = merged_at + 1 + project
    else:
        value_start = max(label_index + 1, n_slots + 1 + project) if n_slots else label_index + 1
    flags = []
    if project and values and values[0][0] == value_start - 1 and label_index < value_start - 1:
        # a figure printed in the 项目名称 column (a duplicated total): kept out of the columns, flagged
        index, text, line = values.pop(0)
        flags.append(f'number_in_project_column:{text}')
    raw_values = [_raw_value(text, index - value_start, line) for index, text, line in values]
    positional = all(v.pos is not None and v.pos >= 0 for v in raw_values)
    return RawRow(codes, texts, raw_values, min(cell_lines), max(cell_lines), positional, flags=flags)


def _two_sided_row(cells: list[str], cell_lines: list[int]) -> list[RawRow]:
    split = next((i for i, c in enumerate(cells) if i > 0 and (CLASS_WITH_LABEL.match(c) or
                                                             squash(c).startswith('支出总计'))), None)
    if split is None:
        split = next((i for i, c in enumerate(cells) if CLASS_WITH_LABEL.match(c) or squash(c).startswith('支出总计')),
                     len(cells))
    out = []
    left = _side_row(cells[:split], cell_lines[:split], '收入', coded=False)
    right = _side_row(cells[split:], cell_lines[split:], '支出', coded=True)
    for row in (left, right):
        if row and (row.texts or row.values):
            out.append(row)
    return out


def _side_row(cells, cell_lines, side, coded):
    if not cells or not any(cells):
        return None
    codes, texts, values = [], [], []
    label_index = None
    for index, cell in enumerate(cells):
        if not cell:
            continue
        match = CLASS_WITH_LABEL.match(cell) if coded and label_index is None else None
        if match:
            codes.append(match.group(1))
            texts.append(match.group(2))
            label_index = index
        elif looks_numeric(cell) and label_index is not None:
            values.append(_raw_value(cell, index - label_index - 1, cell_lines[index]))
        elif label_index is None:
            texts.append(cell)
            label_index = index
    if label_index is None:
        return None
    lines = [l for c, l in zip(cells, cell_lines) if c]
    return RawRow(codes, texts, values, min(lines), max(lines), positional=True, side=side)


def _raw_value(text: str, pos: int | None, line: int) -> RawValue:
    reading = read_number(text)
    flags = reading.flags if reading else ('unreadable_number',)
    return RawValue(text, reading, pos, line, flags)


# ---- pdftotext-style layout (positions lost) ---------------------------------------

TOKEN_CODE = re.compile(r'^\d{2,3}$')


def _text_rows(lines: list[str], first_line: int, schema: Schema) -> list[RawRow]:
    rows: list[RawRow] = []
    pending: RawRow | None = None   # a text-only line that may start a row without a code
    started = False
    for offset, line in enumerate(lines):
        number = first_line + offset
        text = clean_cell(line)
        if not text or text.startswith('※'):
            continue
        text = SPLIT_DECIMAL_IN_LINE.sub(lambda m: f'{m.group(1)}.{m.group(2)}\u0000', text)
        tokens = text.split()
        if schema.two_sided:
            rows.extend(_text_two_sided(tokens, number))
            continue
        row = _text_row(tokens, number, schema)
        current = rows[-1] if rows else None
        if row.codes or row.is_total or (schema.fixed_rows and row.texts) or (started and row.texts and row.values):
            started = True
            if pending and not row.codes and row.values and not pending.values:
                row.texts = pending.texts + row.texts
                row.line_start = pending.line_start
            pending = None
            rows.append(row)
        elif not started:
            continue
        elif row.values and not row.texts and not row.codes:
            target = pending if pending is not None else current
            if target is not None and not target.values:
                target.values = row.values
                target.line_end = number
                if target is pending:
                    rows.append(pending)
                    pending = None
            # else: a stray number (page number) between rows
        elif row.texts and not row.values:
            if current is not None and not current.values:
                if schema.has_project_column and current.codes and len(current.texts) == 1:
                    current.texts.append(''.join(row.texts))   # the project name under the subject
                elif current.texts:
                    current.texts[-1] += ''.join(row.texts)
                else:
                    current.texts.append(''.join(row.texts))
                current.line_end = number
                current.flags.append('label_continued')
            elif pending is not None:
                pending.texts[-1] += ''.join(row.texts)
                pending.line_end = number
            else:
                pending = RawRow([], [''.join(row.texts)], [], number, number)
    return rows


def _text_row(tokens: list[str], number: int, schema: Schema) -> RawRow:
    codes, texts, values = [], [], []
    n_slots = len(schema.code_depths) if not schema.fixed_rows and schema.number not in (11, None) else 0
    bare = [t.rstrip('\u0000') for t in tokens]
    if bare and all(looks_numeric(t) for t in bare) and not all(TOKEN_CODE.match(t) for t in bare):
        # a line of values only: the values of a row whose label stood above
        return RawRow([], [], [_text_value(t, number) for t in tokens], number, number)
    for token in tokens:
        joined = token.endswith('\u0000')
        token = token.rstrip('\u0000')
        if not texts and not values and len(codes) < n_slots and TOKEN_CODE.match(token):
            codes.append(token)
        elif looks_numeric(token) and (texts or codes or schema.fixed_rows):
            values.append(_text_value(token + ('\u0000' if joined else ''), number))
        elif values:
            texts.append(token)   # text after values: keep it, the row is odd
        else:
            if texts and schema.has_project_column and codes:
                texts.append(token)
            elif texts:
                texts[-1] += token
            else:
                texts.append(token)
    return RawRow(codes, texts, values, number, number, positional=False)


def _text_value(token: str, number: int) -> RawValue:
    value = _raw_value(token.rstrip('\u0000'), None, number)
    if token.endswith('\u0000'):
        value.flags = value.flags + ('ocr_split_joined',)
    return value


def _text_two_sided(tokens: list[str], number: int) -> list[RawRow]:
    split = len(tokens)
    for i, token in enumerate(tokens):
        if (i and TOKEN_CODE.match(token) and token.startswith('2')
                and i + 1 < len(tokens) and HAN.search(tokens[i + 1])):
            split = i
            break
        if i and ''.join(tokens[i:i + 4]).startswith('支出总计'):
            split = i
            break
    if split == 0 or (tokens and TOKEN_CODE.match(tokens[0]) and tokens[0].startswith('2')):
        split = 0
    out = []
    for part, side in ((tokens[:split], '收入'), (tokens[split:], '支出')):
        if not part:
            continue
        codes = [part[0]] if side == '支出' and TOKEN_CODE.match(part[0]) else []
        rest = part[len(codes):]
        label = ''.join(t for t in rest if not looks_numeric(t))
        values = [_raw_value(t.rstrip('\u0000'), i, number)
                  for i, t in enumerate(t for t in rest if looks_numeric(t))]
        if label or values:
            out.append(RawRow(codes, [label] if label else [], values, number, number, positional=True, side=side))
    return out
