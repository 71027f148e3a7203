"""PDF, Word and Excel disclosures: the same facts as the text original; bad files refused cleanly.

The fixtures were generated from data/samples/002 by tests/fixtures/make_fixtures.py
(real tables in each format; A5 pages so a table breaks over a page in the PDF).
"""
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import SAMPLES, run_cli
from ingest.document import parse_document
from ingest.reader import read_source
from service.views import save_upload

FIXTURES = Path(__file__).parent / 'fixtures'
TEXT = SAMPLES / '002_220f206dadf5e393.txt'


def table_facts(document):
    return {(f.table_no, f.row_code, f.row, f.project, f.column, f.value)
            for f in document.facts if f.source == 'table' and f.table_no}


def named_facts(document):
    return {(f.item, f.column, f.value) for f in document.facts if f.source == 'text' and f.item}


@pytest.fixture(scope='module')
def original():
    return parse_document(TEXT)


@pytest.mark.parametrize('suffix', ['pdf', 'docx', 'xlsx'])
def test_format_yields_the_same_facts_as_its_text(original, suffix):
    document = parse_document(FIXTURES / f'002.{suffix}')
    assert (document.org, document.year) == (original.org, original.year)
    assert table_facts(document) == table_facts(original)
    assert named_facts(original) <= named_facts(document)


def test_pdf_keeps_pages_and_a_table_runs_over_a_page_break():
    document = parse_document(FIXTURES / '002.pdf')
    pages = document.source.pages
    assert len(pages) == len(document.source.lines) and max(pages) > 5
    spans = {}
    for f in document.facts:
        if f.table_no:
            spans.setdefault(f.table_no, set()).add(pages[f.line_start - 1])
    assert any(len(p) > 1 for p in spans.values()), spans
    assert document.source.encoding == 'pdf'


def test_pdf_answer_cites_the_page(tmp_path):
    data_dir = tmp_path / 'data'
    assert run_cli('ingest', '--no-vectors', str(FIXTURES / '002.pdf'), data_dir=data_dir).returncode == 0
    import json
    result = run_cli('ask', '州政府办2024年人员经费多少？', '--json', data_dir=data_dir)
    payload = json.loads(result.stdout)
    assert payload['value'] == '1407.47'
    assert payload['citations'][0]['page'] and payload['citations'][0]['doc'] == '002.pdf'


def test_xlsx_spreads_merged_cells_and_reads_values_not_formulas(tmp_path):
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(['表10'])
    sheet.append(['财政拨款“三公”经费支出情况表'])
    sheet.append(['单位：万元'])
    sheet.append(['三公支出内容', '合计', '资金来源', None, None])
    sheet.merge_cells('C4:E4')
    sheet.append(['', '', '一般公共预算', '政府性基金', '国有资本经营预算'])
    sheet.append(['合计', '=B7+B8', 10.0])
    sheet.append(['公务接待费', 3.0, 3.0])
    sheet.append(['公务用车购置及运行费（小计）', 7.0, 7.0])
    path = tmp_path / 'sangong.xlsx'
    book.save(path)
    lines = read_source(path).lines
    assert lines[3] == '三公支出内容\t合计\t资金来源\t资金来源\t资金来源'
    assert lines[5].startswith('合计\t')   # a formula with no cached value reads as empty, never as its text
    assert '=B7' not in '\n'.join(lines)


def make_scanned_pdf(path: Path) -> None:
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(path))
    c.rect(50, 50, 300, 300, fill=1)   # an image-like page with no text layer
    c.showPage()
    c.save()


def make_locked_pdf(path: Path) -> None:
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(path), encrypt='secret')
    c.drawString(50, 750, 'budget')
    c.showPage()
    c.save()


@pytest.mark.parametrize('name, make, message', [
    ('scan.pdf', make_scanned_pdf, 'no text layer'),
    ('locked.pdf', make_locked_pdf, 'password-protected'),
    ('broken.pdf', lambda p: p.write_bytes((FIXTURES / '002.pdf').read_bytes()[:2000]), 'PDF'),
    ('broken.docx', lambda p: p.write_bytes((FIXTURES / '002.docx').read_bytes()[:3000]), 'not a readable Word'),
    ('broken.xlsx', lambda p: p.write_bytes((FIXTURES / '002.xlsx').read_bytes()[:3000]), 'not a readable Excel'),
    ('utf16.txt', lambda p: p.write_bytes(TEXT.read_text(encoding='utf-8').encode('utf-16')), None),
    ('big.txt', lambda p: p.write_bytes(b'a' * (21 * 1024 * 1024)), 'over the 20 MiB limit'),
], ids=['scanned', 'password', 'truncated-pdf', 'corrupt-docx', 'corrupt-xlsx', 'utf16', 'too-large'])
def test_bad_documents_are_refused_and_nothing_changes(tmp_path, name, make, message):
    data_dir = tmp_path / 'data'
    assert run_cli('ingest', '--no-vectors', str(TEXT), data_dir=data_dir).returncode == 0
    path = tmp_path / name
    make(path)
    if message is None:   # a good file in an unusual encoding is read (the same disclosure: it replaces the first)
        result = run_cli('ingest', '--no-vectors', '--replace', str(path), data_dir=data_dir)
        assert result.returncode == 0, result.stderr
        return
    result = run_cli('ingest', '--no-vectors', str(path), data_dir=data_dir)
    assert result.returncode == 2 and name in result.stderr and message in result.stderr, result.stderr
    after = run_cli('facts', '--format', 'json', data_dir=data_dir).stdout.count('\n')
    assert after > 0 and run_cli('ingest', '--no-vectors', str(TEXT), data_dir=data_dir).stdout.count('unchanged')


def test_upload_names_are_sanitised_and_never_overwrite(tmp_path):
    first = save_upload('../../etc/passwd.txt', b'one', tmp_path)
    assert first.parent == tmp_path and '..' not in first.name
    second = save_upload('passwd.txt', b'two', tmp_path)
    assert second != first and first.read_bytes() == b'one'
    same = save_upload('passwd.txt', b'one', tmp_path)
    assert same == first   # the same document uploaded twice is the same file


def test_same_document_uploaded_twice_is_recognised(tmp_path):
    data_dir = tmp_path / 'data'
    run_cli('ingest', '--no-vectors', str(FIXTURES / '002.docx'), data_dir=data_dir)
    again = run_cli('ingest', '--no-vectors', str(FIXTURES / '002.docx'), data_dir=data_dir)
    assert '(0 ingested, 1 unchanged)' in again.stdout


def test_fullwidth_figures_in_a_document(tmp_path):
    text = TEXT.read_text(encoding='utf-8').replace('公用经费 191.06 万元', '公用经费 １９１．０６ 万元')
    path = tmp_path / 'fullwidth.txt'
    path.write_text(text, encoding='utf-8')
    facts = [f for f in parse_document(path).facts if f.item == '公用经费' and f.source == 'text']
    assert facts and facts[0].value == Decimal('191.06')
