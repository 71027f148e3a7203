"""Reading a disclosure file into lines, whatever its encoding.

    source = read_source(Path('budget.txt'))
    source.lines[0]     # line 1 of the file
    source.encoding     # 'utf-8', 'utf-8-sig', 'gb18030' or 'utf-16'

Bad input raises IngestError naming the file, the line where relevant, and
what to do about it.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from .formats import FormatError, docx_lines, pdf_lines, xlsx_lines
from .models import SourceText

TEXT_SUFFIXES = ('.txt', '.md')
DOCUMENT_SUFFIXES = ('.pdf', '.docx', '.xlsx')
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + DOCUMENT_SUFFIXES
MAX_BYTES = 20 * 1024 * 1024
def _parser_version() -> str:
    """A digest of the ingest code itself: any change to parsing re-derives stored facts."""
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob('*.py')):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


PARSER_VERSION = _parser_version()


class IngestError(Exception):
    def __init__(self, path: Path | str, message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.message = message
        where = f'{self.path}:{line}' if line else self.path
        super().__init__(f'{where}: {message}')

    def __reduce__(self):          # crosses process boundaries (parsing runs in a process pool)
        return (IngestError, (self.path, self.message, self.line))


def read_source(path: Path) -> SourceText:
    path = Path(path)
    if not path.exists():
        raise IngestError(path, 'no such file; check the path')
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(path, f"unsupported file type '{path.suffix or '(none)'}'; "
                                f"expected one of {', '.join(SUPPORTED_SUFFIXES)}")
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise IngestError(path, f'file is {len(data) // 1024 // 1024} MiB, over the '
                                f'{MAX_BYTES // 1024 // 1024} MiB limit; split it or extract the budget part')
    if not data.strip():
        raise IngestError(path, 'file is empty; export the disclosure text again')
    digest = hashlib.sha256(PARSER_VERSION.encode() + b'\0' + data).hexdigest()
    if suffix in DOCUMENT_SUFFIXES:
        lines, pages = _document_lines(path, suffix)
        return SourceText(path.name, tuple(lines), suffix[1:], digest, tuple(pages))
    text, encoding = decode(path, data)
    lines = tuple(text.replace('\r\n', '\n').replace('\r', '\n').split('\n'))
    return SourceText(name=path.name, lines=lines, encoding=encoding, content_hash=digest)


def _document_lines(path: Path, suffix: str) -> tuple[list[str], list[int]]:
    reader = {'.pdf': pdf_lines, '.docx': docx_lines, '.xlsx': xlsx_lines}[suffix]
    try:
        return reader(path)
    except FormatError as error:
        raise IngestError(path, str(error)) from None


def decode(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(b'\xef\xbb\xbf'):
        return _strict(path, data, 'utf-8-sig'), 'utf-8-sig'
    if data.startswith((b'\xff\xfe', b'\xfe\xff')):
        return _strict(path, data, 'utf-16'), 'utf-16'
    if b'\x00' in data:
        line = data[:data.index(b'\x00')].count(b'\n') + 1
        raise IngestError(path, 'binary data (NUL byte); this is not a text export. '
                                'Give the .txt/.md text of the disclosure', line)
    try:
        return data.decode('utf-8'), 'utf-8'
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode('gb18030'), 'gb18030'
        except UnicodeDecodeError:
            line = data[:utf8_error.start].count(b'\n') + 1
            raise IngestError(path, f'bytes at offset {utf8_error.start} are neither UTF-8 nor GBK/GB18030; '
                                    're-save the file as UTF-8', line) from None


def _strict(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b'\n') + 1
        raise IngestError(path, f'file starts as {encoding} but has invalid bytes at offset {exc.start}; '
                                're-save it as UTF-8', line) from None
