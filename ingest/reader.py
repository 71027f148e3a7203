"""Reading a disclosure file into lines, whatever its encoding.

    source = read_source(Path('budget.txt'))
    source.lines[0]     # line 1 of the file
    source.encoding     # 'utf-8', 'utf-8-sig', 'gb18030' or 'utf-16'

Bad input raises IngestError naming the file, the line where relevant, and
what to do about it.
"""
from __future__ import annotations

import hashlib
import stat
import zipfile
from pathlib import Path

from .formats import FormatError, docx_lines, pdf_lines, xlsx_lines
from .models import SourceText

TEXT_SUFFIXES = ('.txt', '.md')
DOCUMENT_SUFFIXES = ('.pdf', '.docx', '.xlsx')
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + DOCUMENT_SUFFIXES
MAX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED = 200 * 1024 * 1024       # a .docx/.xlsx is a zip: what it unpacks to, before any parser sees it
MAX_RATIO = 100                        # unpacked / packed, per member over 1 MiB: more is a zip bomb
MAX_LINE_CHARS = 10_000                # the samples' longest line is 1,643; parsing stays linear below this
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
    """Untrusted files are read under limits: a regular file only, its size checked before reading, a zip
    container's unpacked size and ratio checked before parsing, lines of bounded length."""
    path = Path(path)
    if not path.exists():
        raise IngestError(path, 'no such file; check the path')
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(path, f"unsupported file type '{path.suffix or '(none)'}'; "
                                f"expected one of {', '.join(SUPPORTED_SUFFIXES)}")
    data = _read_regular(path)
    if not data.strip():
        raise IngestError(path, 'file is empty; export the disclosure text again')
    # the reading (parser version + bytes), then the bytes alone: a new parser re-reads a file, it does not make
    # the file another version of the disclosure (index/pipeline.py refuses those without --replace)
    digest = (hashlib.sha256(PARSER_VERSION.encode() + b'\0' + data).hexdigest() + '.'
              + hashlib.sha256(data).hexdigest()[:32])
    if suffix in DOCUMENT_SUFFIXES:
        if suffix != '.pdf':
            check_zip(path)
        lines, pages = _document_lines(path, suffix)
        return SourceText(path.name, _bounded(path, lines), suffix[1:], digest, tuple(pages))
    text, encoding = decode(path, data)
    lines = tuple(text.replace('\r\n', '\n').replace('\r', '\n').split('\n'))
    return SourceText(name=path.name, lines=_bounded(path, lines), encoding=encoding, content_hash=digest)


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file (a symlink is followed to what it names), never more than the limit."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        kind = 'a folder' if stat.S_ISDIR(info.st_mode) else 'a FIFO' if stat.S_ISFIFO(info.st_mode) else \
            'a device' if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else 'not a regular file'
        raise IngestError(path, f'this is {kind}, not a file; give the exported disclosure file itself')
    if info.st_size > MAX_BYTES:
        raise IngestError(path, _too_big(info.st_size))
    with path.open('rb') as f:
        data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:                 # grew while being read
        raise IngestError(path, _too_big(len(data)))
    return data


def _too_big(size: int) -> str:
    return (f'file is {size // 1024 // 1024} MiB, over the {MAX_BYTES // 1024 // 1024} MiB limit; '
            'split it or extract the budget part')


def check_zip(path: Path) -> None:
    """A .docx/.xlsx is a zip: refuse one that would unpack to more than MAX_UNPACKED or compresses
    implausibly well (a zip bomb), before a parser opens it."""
    kind = 'Word (.docx)' if path.suffix.lower() == '.docx' else 'Excel (.xlsx)'
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise IngestError(path, f'not a readable {kind} file (not a zip container); open it in Word/Excel and '
                                'save it again') from None
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED:
        raise IngestError(path, f'the {kind} file unpacks to {unpacked // 1024 // 1024} MiB, over the '
                                f'{MAX_UNPACKED // 1024 // 1024} MiB limit; save the budget sheets alone and try again')
    for m in members:
        if m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise IngestError(path, f'the {kind} file holds {m.filename!r}, which unpacks {m.file_size // max(m.compress_size, 1)} '
                                    f'times its packed size (a zip bomb?); save the document again from Word/Excel')


def _bounded(path: Path, lines) -> tuple[str, ...]:
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_LINE_CHARS:
            raise IngestError(path, f'line is {len(line):,} characters long, over the {MAX_LINE_CHARS:,} limit; '
                                    'this is not an exported disclosure, or the export joined its lines: export '
                                    'it again with one paragraph or table row per line', number)
    return tuple(lines)


def _document_lines(path: Path, suffix: str) -> tuple[list[str], list[int]]:
    reader = {'.pdf': pdf_lines, '.docx': docx_lines, '.xlsx': xlsx_lines}[suffix]
    try:
        return reader(path)
    except FormatError as error:
        raise IngestError(path, str(error)) from None
    except MemoryError:
        raise IngestError(path, 'the file needs more memory to read than a document may use; save it again '
                                'with the budget part only') from None
    except Exception as error:     # a damaged container the format's library did not expect
        raise IngestError(path, f'not a readable {suffix} file ({type(error).__name__}); open it and save it '
                                'again') from None


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
