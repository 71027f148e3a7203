"""Reading files: encodings detected; bad input refused with the file, the line and what to do."""
import pytest

from ingest.reader import IngestError, read_source

TEXT = '克孜勒苏柯尔克孜自治州人民政府办公室\n2024 年单位预算公开\n收支总预算 1,889.38 万元。\n'


@pytest.mark.parametrize('encoding, expected', [
    ('utf-8', 'utf-8'), ('utf-8-sig', 'utf-8-sig'), ('gb18030', 'gb18030'), ('gbk', 'gb18030'), ('utf-16', 'utf-16'),
])
def test_encodings_are_detected(tmp_path, encoding, expected):
    path = tmp_path / 'budget.txt'
    path.write_bytes(TEXT.encode(encoding))
    source = read_source(path)
    assert source.encoding == expected
    assert source.lines[0] == '克孜勒苏柯尔克孜自治州人民政府办公室'
    assert source.lines[2] == '收支总预算 1,889.38 万元。'


def test_crlf_line_numbers_match_the_file(tmp_path):
    path = tmp_path / 'budget.txt'
    path.write_bytes(TEXT.replace('\n', '\r\n').encode('utf-8'))
    assert read_source(path).lines[1] == '2024 年单位预算公开'


def test_same_bytes_same_hash_and_the_hash_changes_with_content(tmp_path):
    a, b = tmp_path / 'a.txt', tmp_path / 'b.txt'
    a.write_text(TEXT, encoding='utf-8')
    b.write_text(TEXT + '补充。\n', encoding='utf-8')
    assert read_source(a).content_hash == read_source(a).content_hash
    assert read_source(a).content_hash != read_source(b).content_hash


@pytest.mark.parametrize('name, data, message, line', [
    ('empty.txt', b'', 'file is empty', None),
    ('blank.txt', b'  \n\n', 'file is empty', None),
    ('binary.txt', b'abc\n\x00\x01\x02', 'binary data', 2),
    ('bad.txt', '第一行\n'.encode('utf-8') + b'\xff\xfe\xfa\xfb\x81', 'neither UTF-8 nor GBK', 2),
    ('photo.png', b'\x89PNG\r\n', "unsupported file type '.png'", None),
    ('table.xlsx', b'PK\x03\x04 broken', 'not a readable Excel', None),
    ('report.docx', b'not a zip at all', 'not a readable Word', None),
    ('report.pdf', b'%PDF-1.7 truncated', 'not a readable PDF', None),
])
def test_bad_input_names_file_line_and_fix(tmp_path, name, data, message, line):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestError) as caught:
        read_source(path)
    assert message in str(caught.value)
    assert name in str(caught.value)
    assert caught.value.line == line


def test_missing_file(tmp_path):
    with pytest.raises(IngestError, match='no such file'):
        read_source(tmp_path / 'nope.txt')
