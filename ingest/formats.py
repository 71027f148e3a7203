"""PDF, Word and Excel disclosures as lines of text, so every later step works unchanged.

    lines, pages = docx_lines(Path('budget.docx'))   # tables as tab-separated rows, in document order
    lines, pages = xlsx_lines(Path('budget.xlsx'))   # values, not formulas; merged cells spread
    lines, pages = pdf_lines(Path('budget.pdf'))     # text outside tables, tables as rows; page per line

A table becomes tab-separated rows, the layout the parser reads best; a
table that continues on the next PDF page simply continues, its repeated
header rows being read as header again.  Problems raise a FormatError
(errors.py) whose code says what to do: a scanned PDF needs OCR, a
password-protected one its password removed, a damaged file to be exported again.
"""
from __future__ import annotations

from pathlib import Path

from errors import PdfNoText, PdfPassword, UnreadableOffice, UnreadablePdf, UnreadablePdfPage


def docx_lines(path: Path) -> tuple[list[str], list[int]]:
    import docx
    try:
        document = docx.Document(str(path))
    except Exception as error:     # PackageNotFoundError, BadZipFile, KeyError, broken XML (lxml)…
        raise UnreadableOffice(kind='Word (.docx)', app='Word', suffix='.docx', cause=type(error).__name__) \
            from None
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit('}', 1)[-1]
        if tag == 'p':
            lines.append(''.join(node.text or '' for node in child.iter() if node.tag.endswith('}t')))
        elif tag == 'tbl':
            table = docx.table.Table(child, document)
            for row in table.rows:
                lines.append('\t'.join(_docx_cells(row)))
            lines.append('')
    return lines, []


def _docx_cells(row) -> list[str]:
    """A cell merged across columns gives its text once; the columns it covers stay empty, keeping positions."""
    out, previous = [], None
    for cell in row.cells:
        out.append('' if cell._tc is previous else cell.text.replace('\n', ' ').strip())
        previous = cell._tc
    return out


def xlsx_lines(path: Path) -> tuple[list[str], list[int]]:
    import openpyxl
    try:
        workbook = openpyxl.load_workbook(str(path), data_only=True, read_only=False)
    except Exception as error:     # BadZipFile, KeyError, broken XML…
        raise UnreadableOffice(kind='Excel (.xlsx)', app='Excel', suffix='.xlsx', cause=type(error).__name__) \
            from None
    lines: list[str] = []
    for sheet in workbook.worksheets:
        values = [[cell.value for cell in row] for row in sheet.iter_rows()]
        for merged in sheet.merged_cells.ranges:   # spread a merged cell's value to every cell it covers
            value = sheet.cell(merged.min_row, merged.min_col).value
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if r - 1 < len(values) and c - 1 < len(values[r - 1]):
                        values[r - 1][c - 1] = value
        for row in values:
            cells = [_xlsx_text(v) for v in row]
            while cells and not cells[-1]:
                cells.pop()
            lines.append('\t'.join(cells))
        lines.append('')
    return lines, []


def _xlsx_text(value) -> str:
    if value is None:
        return ''
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)   # str() of a float is its shortest form
    return str(value).replace('\n', ' ').strip()


def pdf_lines(path: Path) -> tuple[list[str], list[int]]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    try:
        pdf = pdfplumber.open(str(path))
    except PDFPasswordIncorrect:
        raise PdfPassword() from None
    except (PDFSyntaxError, Exception) as error:  # pdfminer raises many kinds for damaged files
        if 'password' in str(error).lower() or type(error).__name__ == 'PdfminerException' and \
                'Password' in repr(error):
            raise PdfPassword() from None
        raise UnreadablePdf(cause=type(error).__name__) from None
    lines: list[str] = []
    pages: list[int] = []
    characters = 0
    try:
        with pdf:
            for number, page in enumerate(pdf.pages, 1):
                page_lines = _page_lines(page) or ['']     # a page without text keeps one empty line: a scanned
                for text in page_lines:                    # page is reported by its number, not lost
                    lines.append(text)
                    pages.append(number)
                    characters += len(text.strip())
    except Exception as error:  # a page that cannot be read is a damaged file
        if 'password' in repr(error).lower():
            raise PdfPassword() from None
        raise UnreadablePdfPage(cause=type(error).__name__) from None
    if characters < 20:
        raise PdfNoText()
    return lines, pages


def _page_lines(page) -> list[str]:
    """Text lines and table rows of one page, top to bottom."""
    tables = page.find_tables()
    items: list[tuple[float, str]] = []
    x0, top, x1, bottom = page.bbox
    boxes = [(max(b[0], x0), max(b[1], top), min(b[2], x1), min(b[3], bottom)) for b in (t.bbox for t in tables)]
    outside = page
    for box in boxes:   # clipped to the page: a table may be drawn wider than the paper
        outside = outside.outside_bbox(box)
    for line in outside.extract_text_lines(layout=False):
        items.append((line['top'], line['text']))
    for table in tables:
        top = table.bbox[1]
        for i, row in enumerate(table.extract()):
            cells = [(c or '').replace('\n', '') for c in row]
            items.append((top + i * 0.01, '\t'.join(cells)))
    items.sort(key=lambda item: item[0])
    return [text for _, text in items]
