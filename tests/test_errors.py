"""One error hierarchy with stable codes: every code has its messages and status in data/messages.tsv, and the CLI,
the API and the page show each error the same way (errors.render), never by matching its text."""
import pickle
import string

import pytest
from fastapi.testclient import TestClient

import errors
from conftest import index_settings, run_cli
from errors import BudgetQAError, IngestError, render

TABLE = errors.messages()
CLASSES = {cls.code: cls for cls in errors.error_classes()}


def fields(code: str) -> set[str]:
    """The {placeholders} of a code's messages, in either language."""
    return {name for text in (TABLE[code].zh, TABLE[code].en)
            for _, name, _, _ in string.Formatter().parse(text) if name}


def example(code: str) -> BudgetQAError:
    """The error of a code, raised as a stage raises it: a file's error with a path under a server folder and a
    line, every parameter its messages name given (numbers, so '{length:,}' formats too)."""
    cls = CLASSES[code]
    params = {name: 12345 for name in fields(code)}
    if issubclass(cls, IngestError):
        return cls('/srv/uploads/secret/预算.txt', 7, **params)
    return cls(**params)


def test_every_code_has_a_status_a_chinese_and_an_english_message():
    assert TABLE and len(TABLE) == len(set(TABLE))
    for code, row in TABLE.items():
        assert code.startswith('E_') and code == code.upper(), code
        assert 400 <= row.status <= 599, code
        assert any('\u4e00' <= c <= '\u9fff' for c in row.zh), f'{code}: the Chinese message is not Chinese'
        assert sum(c.isascii() and c.isalpha() for c in row.en) > len(row.en) / 3, f'{code}: the English message'
        assert 'Traceback' not in row.zh + row.en


def test_every_code_has_one_class_and_every_class_one_row():
    assert set(CLASSES) == set(TABLE)
    assert all(issubclass(cls, BudgetQAError) for cls in CLASSES.values())
    assert len({cls.__name__ for cls in CLASSES.values()}) == len(CLASSES)


def test_the_old_exception_names_are_the_hierarchy():
    from index.facts_store import StoreError
    from ingest.reader import IngestError as ReaderIngestError
    assert ReaderIngestError is IngestError and StoreError is errors.StoreError
    assert issubclass(errors.FormatError, IngestError) and not issubclass(BudgetQAError, ValueError)


def test_a_message_missing_a_parameter_fails_loudly():
    with pytest.raises(KeyError):
        render(errors.FileTooLarge('a.txt', size_mib=25))


@pytest.fixture(scope='module')
def client(tmp_path_factory):
    """The real API (create_app over an empty data directory) with one more route, raising the error of a code."""
    from service.api import create_token, create_app
    settings = index_settings(tmp_path_factory.mktemp('errors') / 'data', BUDGETQA_API_RATE='100000')
    app = create_app(settings)

    @app.get('/raise/{code}')
    def raise_code(code: str):
        raise example(code)

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client, create_token(settings)


@pytest.mark.parametrize('code', sorted(TABLE))
def test_every_code_is_shown_the_same_by_the_cli_the_api_and_the_page(code, client, capsys):
    from service.cli import report_error
    from service.views import chinese_error
    error = example(code)
    shown = render(error, 'zh')
    assert '{' not in shown and '{' not in render(error, 'en')
    assert '/srv/uploads' not in shown and (error.file is None or shown.startswith(f'文件“{error.file}”第7行：'))
    # the CLI: the code, the path and line with the English message, the same Chinese line; exit from the status
    status = report_error(error)
    printed = capsys.readouterr().err
    assert f'[{code}]' in printed and shown in printed and error.message in printed
    assert status == (2 if TABLE[code].status < 500 else 3)
    # the API, through the app's own exception handler
    reply = client[0].get(f'/raise/{code}')
    assert reply.status_code == TABLE[code].status
    assert reply.json() == {'error': {'code': code, 'message': shown, 'file': error.file, 'line': error.line}}
    # the page
    assert chinese_error(error) == shown
    # an error crosses from a parsing worker to the writer intact
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error) and render(again, 'en') == render(error, 'en') and str(again) == str(error)


def test_an_error_outside_the_hierarchy_is_an_internal_error_everywhere(client, caplog):
    from service.views import chinese_error
    internal = TABLE['E_INTERNAL'].zh
    assert chinese_error(KeyError('x')) == internal and 'KeyError' in caplog.text     # logged with its traceback
    full = chinese_error(OSError(28, 'No space left on device', '/srv/data/facts.db'))
    assert full == TABLE['E_DISK_FULL'].zh


# ---- real raises reaching the user ------------------------------------------------------------------

def test_an_oversized_and_an_unsupported_file_through_qa_ingest(tmp_path):
    from ingest.reader import MAX_BYTES
    data_dir = tmp_path / 'data'
    big = tmp_path / 'big.txt'
    with big.open('wb') as f:
        f.truncate(MAX_BYTES + 1)          # sparse: 20 MiB and one byte, never written
    image = tmp_path / 'photo.png'
    image.write_bytes(b'\x89PNG\r\n')
    result = run_cli('ingest', '--no-vectors', str(big), str(image), data_dir=data_dir)
    assert result.returncode == 2 and 'Traceback' not in result.stderr
    assert f'{big}: file is 20 MiB, over the 20 MiB limit' in result.stderr and '[E_FILE_TOO_LARGE]' in result.stderr
    assert '文件“big.txt”：文件太大（20 MiB），超过了 20 MiB 的上传上限' in result.stderr
    assert "unsupported file type '.png'" in result.stderr and '[E_UNSUPPORTED_TYPE]' in result.stderr
    assert '文件“photo.png”：不支持的文件类型“.png”' in result.stderr
    assert run_cli('documents', data_dir=data_dir).stdout == ''       # nothing stored


def test_commands_on_an_empty_store(tmp_path):
    data_dir = tmp_path / 'data'
    empty = run_cli('ask', '三公经费是多少', data_dir=data_dir)
    assert empty.returncode == 2 and '[E_NOTHING_INGESTED]' in empty.stderr and '还没有载入任何文件' in empty.stderr
    missing = run_cli('remove', 'nope.txt', data_dir=data_dir)
    assert missing.returncode == 2 and '[E_UNKNOWN_DOCUMENT]' in missing.stderr
    assert 'no stored document named nope.txt; stored: (nothing stored)' in missing.stderr
    assert '没有名为“nope.txt”的文件' in missing.stderr and 'Traceback' not in missing.stderr


def test_bad_api_requests_get_their_codes(client):
    test_client, token = client
    assert test_client.post('/ask', json={'question': '   '}).json()['error']['code'] == 'E_EMPTY_QUESTION'
    invalid = test_client.post('/ask', json={'question': ''})
    assert invalid.status_code == 422 and invalid.json()['error']['code'] == 'E_INVALID_REQUEST'
    unknown = test_client.get('/audit', params={'doc': 'nope.txt'})
    assert unknown.status_code == 404 and unknown.json()['error'] == {
        'code': 'E_UNKNOWN_DOCUMENT', 'message': '没有名为“nope.txt”的文件', 'file': None, 'line': None}
    assert test_client.get('/nothing-here').json()['error']['code'] == 'E_NO_ROUTE'
    files = {'file': ('budget.exe', b'MZ\x90', 'application/octet-stream')}
    assert test_client.post('/documents', files=files).json()['error']['code'] == 'E_ADMIN_ONLY'
    refused = test_client.post('/documents', files=files, headers={'Authorization': f'Bearer {token}'})
    assert refused.status_code == 400 and refused.json()['error']['code'] == 'E_ALL_REFUSED'
    assert '文件“budget.exe”：不支持的文件类型“.exe”' in refused.json()['error']['message']


def test_a_refused_upload_is_shown_on_the_page_by_its_code(tmp_path):
    from index.facts_store import FactStore
    from ingest.reader import MAX_BYTES
    from service.views import chinese_error, ingest_uploads
    store = FactStore(tmp_path / 'data' / 'facts.db')
    report = ingest_uploads([('big.txt', b'x' * (MAX_BYTES + 1)), ('empty.md', b'  \n')], tmp_path / 'up', store)
    assert [e.code for e in report.refused] == ['E_FILE_TOO_LARGE', 'E_EMPTY_FILE'] and not report.outcomes
    assert chinese_error(report.refused[1]) == '文件“empty.md”：文件是空的，请重新导出预算公开的文本'
    assert not list((tmp_path / 'up').glob('*')) if (tmp_path / 'up').exists() else True
