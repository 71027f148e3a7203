"""Reading a disclosure file into lines, whatever its encoding.

    source = read_source(Path('budget.txt'))
    source.lines[0]     # line 1 of the file
    source.encoding     # 'utf-8', 'utf-8-sig', 'gb18030' or 'utf-16'

Bad input raises an IngestError (errors.py) with its code, naming the file, the line where relevant,
and what to do about it.
"""
from __future__ import annotations

import hashlib
import stat
import zipfile
from pathlib import Path

from errors import IngestError  # noqa: F401  (callers catch it from here, as before errors.py)
from errors import (BinaryData, EmptyFile, FileTooLarge, FormatError, InvalidBytes, LineTooLong, NoSuchFile, NotAFile,
                    NotAZip, TooMuchMemory, UnknownEncoding, UnpacksTooLarge, UnreadableDocument, UnsupportedType,
                    ZipBomb)

from .formats import docx_lines, pdf_lines, xlsx_lines
from .models import SourceText

TEXT_SUFFIXES = ('.txt', '.md')
DOCUMENT_SUFFIXES = ('.pdf', '.docx', '.xlsx')
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + DOCUMENT_SUFFIXES
MAX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED = 200 * 1024 * 1024       # a .docx/.xlsx is a zip: what it unpacks to, before any parser sees it
MAX_RATIO = 100                        # unpacked / packed, per member over 1 MiB: more is a zip bomb
MAX_LINE_CHARS = 10_000                # the samples' longest line is 1,643; parsing stays linear below this
MIB = 1024 * 1024


def _parser_version() -> str:
    """A digest of the ingest code itself: any change to parsing re-derives stored facts."""
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob('*.py')):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


PARSER_VERSION = _parser_version()


def read_source(path: Path) -> SourceText:
    """Untrusted files are read under limits: a regular file only, its size checked before reading, a zip
    container's unpacked size and ratio checked before parsing, lines of bounded length."""
    path = Path(path)
    if not path.exists():
        raise NoSuchFile(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedType(path, suffix=path.suffix or '(none)', expected=', '.join(SUPPORTED_SUFFIXES))
    data = _read_regular(path)
    if not data.strip():
        raise EmptyFile(path)
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
        raise NotAFile(path, kind=kind)
    if info.st_size > MAX_BYTES:
        raise too_big(path, info.st_size)
    with path.open('rb') as f:
        data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:                 # grew while being read
        raise too_big(path, len(data))
    return data


def too_big(path: Path | str, size: int) -> FileTooLarge:
    return FileTooLarge(path, size_mib=size // MIB, limit_mib=MAX_BYTES // MIB)


def check_zip(path: Path) -> None:
    """A .docx/.xlsx is a zip: refuse one that would unpack to more than MAX_UNPACKED or compresses
    implausibly well (a zip bomb), before a parser opens it."""
    kind = 'Word (.docx)' if path.suffix.lower() == '.docx' else 'Excel (.xlsx)'
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise NotAZip(path, kind=kind) from None
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED:
        raise UnpacksTooLarge(path, kind=kind, unpacked_mib=unpacked // MIB, limit_mib=MAX_UNPACKED // MIB)
    for m in members:
        if m.file_size > MIB and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise ZipBomb(path, kind=kind, member=m.filename, ratio=m.file_size // max(m.compress_size, 1))


def _bounded(path: Path, lines) -> tuple[str, ...]:
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_LINE_CHARS:
            raise LineTooLong(path, number, length=len(line), limit=MAX_LINE_CHARS)
    return tuple(lines)


def _document_lines(path: Path, suffix: str) -> tuple[list[str], list[int]]:
    reader = {'.pdf': pdf_lines, '.docx': docx_lines, '.xlsx': xlsx_lines}[suffix]
    try:
        return reader(path)
    except FormatError as error:
        error.path = str(path)         # the format's reader knows the problem, this one the file
        raise error from None
    except MemoryError:
        raise TooMuchMemory(path) from None
    except Exception as error:     # a damaged container the format's library did not expect
        raise UnreadableDocument(path, suffix=suffix, cause=type(error).__name__) from None


def decode(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(b'\xef\xbb\xbf'):
        return _strict(path, data, 'utf-8-sig'), 'utf-8-sig'
    if data.startswith((b'\xff\xfe', b'\xfe\xff')):
        return _strict(path, data, 'utf-16'), 'utf-16'
    if b'\x00' in data:
        line = data[:data.index(b'\x00')].count(b'\n') + 1
        raise BinaryData(path, line)
    try:
        return data.decode('utf-8'), 'utf-8'
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode('gb18030'), 'gb18030'
        except UnicodeDecodeError:
            line = data[:utf8_error.start].count(b'\n') + 1
            raise UnknownEncoding(path, line, offset=utf8_error.start) from None


def _strict(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b'\n') + 1
        raise InvalidBytes(path, line, encoding=encoding, offset=exc.start) from None
