"""Every error a user can meet: a stable code, an HTTP status, the file and line it concerns, and its message in
Chinese and English, looked up by code in one table (data/messages.tsv).

    error = FileTooLarge('uploads/budget.txt', size_mib=25, limit_mib=20)
    error.code, error.status, error.file    # ('E_FILE_TOO_LARGE', 413, 'budget.txt')
    render(error, 'zh')
    # '文件“budget.txt”：文件太大（25 MiB），超过了 20 MiB 的上传上限；请拆分文件或只保存预算部分'
    render(error, 'en')      # 'budget.txt: file is 25 MiB, over the 20 MiB limit; split it or extract the budget part'
    str(error)               # the English message after the path as given: 'uploads/budget.txt: file is 25 MiB, …'

The CLI, the API and the page all render an error with `render`; no message is ever matched as text. An
exception outside this hierarchy is an internal error (`coded` turns it into `Internal`). Each class below names
its code; the table gives the code its status and its two messages, whose {placeholders} are the keyword
arguments the error is raised with. This module imports nothing from the project: every stage may raise these.
"""
from __future__ import annotations

import errno
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MESSAGES = Path(__file__).resolve().parent / 'data' / 'messages.tsv'
LANGUAGES = ('zh', 'en')
# where an error is, before its message: (a file, a line of a file), per language
LOCATION = {'zh': ('文件“{file}”：', '文件“{file}”第{line}行：'), 'en': ('{file}: ', '{file}:{line}: ')}


@dataclass(frozen=True)
class Message:
    code: str
    status: int
    zh: str
    en: str


@lru_cache(maxsize=None)
def messages(path: Path = MESSAGES) -> dict[str, Message]:
    """The table, code -> Message: tab-separated code, status, zh, en; '#' starts a comment line."""
    table = {}
    for number, line in enumerate(Path(path).read_text(encoding='utf-8').splitlines(), 1):
        if not line.strip() or line.startswith('#'):
            continue
        cells = line.split('\t')
        if len(cells) != 4 or not cells[1].isdigit() or cells[0] in table:
            raise ValueError(f'{path}:{number}: expected a new code<TAB>status<TAB>zh<TAB>en, got {line!r}')
        table[cells[0]] = Message(cells[0], int(cells[1]), cells[2], cells[3])
    return table


class BudgetQAError(Exception):
    """The root: `code` names the row of the table; `path` and `line` say where, when a file is concerned."""
    code = 'E_INTERNAL'

    def __init__(self, path: Path | str | None = None, line: int | None = None, **params):
        self.path = None if path is None else str(path)
        self.line = line
        self.params = params
        super().__init__(self.code)

    @property
    def status(self) -> int:
        return messages()[self.code].status

    @property
    def file(self) -> str | None:
        """The file's name alone: what a reader of the page or the API is shown, never a server path."""
        return Path(self.path).name if self.path else None

    @property
    def message(self) -> str:
        """The English message, without the file and line."""
        return message_text(self, 'en')

    def __str__(self) -> str:
        if not self.path:
            return self.message
        where = f'{self.path}:{self.line}' if self.line else self.path
        return f'{where}: {self.message}'

    def __reduce__(self):          # crosses process boundaries (parsing runs in a process pool)
        return (_rebuild, (type(self), self.path, self.line, self.params))


def _rebuild(cls, path, line, params):
    return cls(path, line, **params)


def message_text(error: BudgetQAError, language: str = 'zh') -> str:
    """The error's message in one language, its parameters filled in; no file or line."""
    return getattr(messages()[error.code], language).format(**error.params)


def render(error: BaseException, language: str = 'zh') -> str:
    """'文件“a.txt”第3行：…' (zh) or 'a.txt:3: …' (en): the one way an error is shown to a user."""
    error = coded(error)
    text = message_text(error, language)
    if not error.file:
        return text
    return LOCATION[language][bool(error.line)].format(file=error.file, line=error.line) + text


def coded(error: BaseException) -> BudgetQAError:
    """An error of the hierarchy as it is; a full disk as DiskFull; anything else as Internal."""
    if isinstance(error, BudgetQAError):
        return error
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return DiskFull(folder=error.filename or '-')
    return Internal()


def error_classes() -> list[type[BudgetQAError]]:
    """Every class that names a code of its own (the categories below share the root's)."""
    found, stack = [], [BudgetQAError]
    while stack:
        cls = stack.pop()
        found += [cls] if cls is Internal or cls.code != BudgetQAError.code else []
        stack += cls.__subclasses__()
    return sorted(set(found), key=lambda c: c.code)


# ---- categories: what a caller catches -------------------------------------------------------------

class IngestError(BudgetQAError):
    """A file refused: nothing of it is stored."""


class FormatError(IngestError):
    """A PDF, Word or Excel file its library cannot read; the reader adds the file's path."""


class StoreError(BudgetQAError):
    """The stores cannot do what was asked (read-only, full, another version); nothing was changed."""


class RequestError(BudgetQAError):
    """A user's mistake in a command, a form or an API request."""


class Internal(BudgetQAError):
    """Not an error a user can fix: logged with its traceback where it happened."""
    code = 'E_INTERNAL'


# ---- files --------------------------------------------------------------------------------------------

class NoSuchFile(IngestError):
    code = 'E_NO_SUCH_FILE'

class UnsupportedType(IngestError):
    code = 'E_UNSUPPORTED_TYPE'

class EmptyFile(IngestError):
    code = 'E_EMPTY_FILE'

class NotAFile(IngestError):
    code = 'E_NOT_A_FILE'

class FileTooLarge(IngestError):
    code = 'E_FILE_TOO_LARGE'

class NotAZip(IngestError):
    code = 'E_NOT_A_ZIP'

class UnpacksTooLarge(IngestError):
    code = 'E_UNPACKS_TOO_LARGE'

class ZipBomb(IngestError):
    code = 'E_ZIP_BOMB'

class LineTooLong(IngestError):
    code = 'E_LINE_TOO_LONG'

class TooMuchMemory(IngestError):
    code = 'E_TOO_MUCH_MEMORY'

class UnreadableDocument(IngestError):
    code = 'E_UNREADABLE_DOCUMENT'

class BinaryData(IngestError):
    code = 'E_BINARY_DATA'

class UnknownEncoding(IngestError):
    code = 'E_UNKNOWN_ENCODING'

class InvalidBytes(IngestError):
    code = 'E_INVALID_BYTES'

class UnreadableOffice(FormatError):
    code = 'E_UNREADABLE_OFFICE'

class UnreadablePdf(FormatError):
    code = 'E_UNREADABLE_PDF'

class UnreadablePdfPage(FormatError):
    code = 'E_UNREADABLE_PDF_PAGE'

class PdfPassword(FormatError):
    code = 'E_PDF_PASSWORD'

class PdfNoText(FormatError):
    code = 'E_PDF_NO_TEXT'

class NoOrganisation(IngestError):
    code = 'E_NO_ORGANISATION'

class NoBudgetTables(IngestError):
    code = 'E_NO_BUDGET_TABLES'

class NoReadableAmount(IngestError):
    code = 'E_NO_READABLE_AMOUNT'

class EmptyFolder(IngestError):
    code = 'E_EMPTY_FOLDER'

class SameContent(IngestError):
    code = 'E_SAME_CONTENT'

class SameName(IngestError):
    code = 'E_SAME_NAME'

class NameTwiceInBatch(IngestError):
    code = 'E_NAME_TWICE_IN_BATCH'

class VersionsInBatch(IngestError):
    code = 'E_VERSIONS_IN_BATCH'

class SecondVersion(IngestError):
    code = 'E_SECOND_VERSION'

class ParseTimeout(IngestError):
    code = 'E_PARSE_TIMEOUT'

class ReaderStopped(IngestError):
    code = 'E_READER_STOPPED'

class BadAliasLine(IngestError):
    code = 'E_BAD_ALIAS_LINE'


# ---- the stores ---------------------------------------------------------------------------------------

class StoreMissing(StoreError):
    code = 'E_STORE_MISSING'

class StoreUnreadable(StoreError):
    code = 'E_STORE_UNREADABLE'

class StoreTooNew(StoreError):
    code = 'E_STORE_TOO_NEW'

class StoreOldReadOnly(StoreError):
    code = 'E_STORE_OLD_READ_ONLY'

class ReadOnly(StoreError):
    code = 'E_READ_ONLY'

class DiskFull(StoreError):
    code = 'E_DISK_FULL'

class NothingIngested(StoreError):
    code = 'E_NOTHING_INGESTED'

class StoreCleared(StoreError):
    code = 'E_STORE_CLEARED'


# ---- commands, forms and requests ---------------------------------------------------------------------

class UnknownOrg(RequestError):
    code = 'E_UNKNOWN_ORG'

class AmbiguousOrg(RequestError):
    code = 'E_AMBIGUOUS_ORG'

class UnknownItem(RequestError):
    code = 'E_UNKNOWN_ITEM'

class UnknownDocument(RequestError):
    code = 'E_UNKNOWN_DOCUMENT'

class UnknownFormat(RequestError):
    code = 'E_UNKNOWN_FORMAT'

class BadRating(RequestError):
    code = 'E_BAD_RATING'

class BadSessionFile(RequestError):
    code = 'E_BAD_SESSION_FILE'

class BadBatchLine(RequestError):
    code = 'E_BAD_BATCH_LINE'

class QuestionOrBatch(RequestError):
    code = 'E_QUESTION_OR_BATCH'

class BadYear(RequestError):
    code = 'E_BAD_YEAR'

class PasswordsDiffer(RequestError):
    code = 'E_PASSWORDS_DIFFER'

class PasswordTooShort(RequestError):
    code = 'E_PASSWORD_TOO_SHORT'

class BadChromaPort(RequestError):
    code = 'E_BAD_CHROMA_PORT'

class BadApiRate(RequestError):
    code = 'E_BAD_API_RATE'

class EmptyQuestion(RequestError):
    code = 'E_EMPTY_QUESTION'

class InvalidRequest(RequestError):
    code = 'E_INVALID_REQUEST'

class RequestTooLarge(RequestError):
    code = 'E_REQUEST_TOO_LARGE'

class RateLimited(RequestError):
    code = 'E_RATE_LIMITED'

class NoRoute(RequestError):
    code = 'E_NO_ROUTE'

class MethodNotAllowed(RequestError):
    code = 'E_METHOD_NOT_ALLOWED'

class BadHttpRequest(RequestError):
    code = 'E_HTTP'

class UnknownAnswer(RequestError):
    code = 'E_UNKNOWN_ANSWER'

class FeedbackNotStored(RequestError):
    code = 'E_FEEDBACK_NOT_STORED'

class AllRefused(RequestError):
    code = 'E_ALL_REFUSED'

class AdminOnly(RequestError):
    code = 'E_ADMIN_ONLY'
