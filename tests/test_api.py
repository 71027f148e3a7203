"""The helpdesk API: a real `python -m qa serve` (uvicorn) on 127.0.0.1, called with httpx."""
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from conftest import REPO, SAMPLES, free_port, index_settings, run_cli, wait_for_port


@pytest.fixture(scope='module')
def api(sample_index, tmp_path_factory):
    """A server over a copy of the sample index (uploads and removals change it), and an admin token."""
    data_dir = tmp_path_factory.mktemp('api') / 'data'
    shutil.copytree(sample_index.data_dir, data_dir)
    token = run_cli('token', 'create', '--admin', data_dir=data_dir).stdout.strip()
    port = free_port()
    env = dict(os.environ, BUDGETQA_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO),
               BUDGETQA_EMBEDDING_CACHE=str(sample_index.embedding_cache_path))
    process = subprocess.Popen([sys.executable, '-m', 'qa', 'serve', '--port', str(port)], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, process, 'qa serve')
    with httpx.Client(base_url=f'http://127.0.0.1:{port}', timeout=60) as client:
        yield client, token, index_settings(data_dir)
    process.terminate()
    process.wait(timeout=30)


def test_ask_returns_the_cli_contract_with_plan_and_citations(api):
    client, _, _ = api
    reply = client.post('/ask', json={'question': '州政府办2024年三公经费是多少'})
    assert reply.status_code == 200
    body = reply.json()
    assert (body['status'], body['value'], body['unit'], body['verified']) == ('answered', '0.00', '万元', True)
    assert body['citations'][0]['doc'] == '002_220f206dadf5e393.txt' and body['plan']['items'] == ['三公经费']
    assert body['id']


def test_a_session_carries_follow_ups(api):
    client, _, _ = api
    client.post('/ask', json={'question': '克州工信局2024年三公经费是多少', 'session': 'ticket-1'})
    body = client.post('/ask', json={'question': '那2025年呢？', 'session': 'ticket-1'}).json()
    assert body['value'] == '13.80' and body['plan']['carried'] == ['单位', '事项']


def test_reading_endpoints(api):
    client, _, _ = api
    hits = client.post('/search', json={'query': '州政府办负责政务公开吗', 'k': 3}).json()['hits']
    assert len(hits) == 3 and all('doc' in h for h in hits)
    documents = client.get('/documents').json()['documents']
    assert {d['doc'] for d in documents} >= {'002_220f206dadf5e393.txt'} and all(d['hash'] for d in documents)
    facts = client.get('/facts', params={'org': '州政府办', 'table': 6}).json()
    assert facts['total'] > 0 and {f['table'] for f in facts['facts']} == {6}
    findings = client.get('/audit', params={'doc': '003_1c7e695c684c211f.txt'}).json()['findings']
    assert any('459.01' in json_text(f) for f in findings)
    rows = client.get('/compare', params={'item': '三公经费'}).json()['rows']
    assert {r['value'] for r in rows} >= {'13.80', '96'}
    assert client.get('/docs').status_code == 200 and '/ask' in client.get('/openapi.json').json()['paths']


def json_text(value) -> str:
    import json
    return json.dumps(value, ensure_ascii=False)


def test_feedback_on_an_answer(api):
    client, _, settings = api
    answer_id = client.post('/ask', json={'question': '州政府办2024年编制多少人'}).json()['id']
    assert client.post('/feedback', json={'answer_id': answer_id, 'rating': 'down', 'comment': '测试'}).json() == \
        {'stored': True}
    assert '测试' in settings.feedback_file.read_text(encoding='utf-8')
    unknown = client.post('/feedback', json={'answer_id': 'nope', 'rating': 'up'})
    assert unknown.status_code == 404 and unknown.json()['error']['code'] == 'E_UNKNOWN_ANSWER'


@pytest.mark.parametrize('payload', [{'question': ''}, {'question': '   '}, {'question': '问' * 100_000},
                                     {'question': 123}, {'question': '三公经费', 'years': ['去年']}, {}])
def test_bad_requests_get_a_chinese_json_error(api, payload):
    client, _, _ = api
    reply = client.post('/ask', json=payload)
    assert 400 <= reply.status_code < 500
    error = reply.json()['error']
    assert error['code'] and any('\u4e00' <= c <= '\u9fff' for c in error['message'])
    assert 'Traceback' not in reply.text


def test_unknown_document_and_path(api):
    client, token, _ = api
    assert client.get('/audit', params={'doc': 'nope.txt'}).status_code == 404
    assert client.delete('/documents/nope.txt', headers={'Authorization': f'Bearer {token}'}).status_code == 404
    assert client.get('/nothing-here').json()['error']['message'] == '没有这个地址'


def test_upload_and_removal_need_an_admin_token(api, tmp_path):
    client, token, _ = api
    renamed = GOOD_TEXT().replace('克孜勒苏柯尔克孜自治州人民政府办公室', '阿图什市人民政府办公室').encode()
    files = {'file': ('atushi.txt', renamed, 'text/plain')}
    assert client.post('/documents', files=files).status_code == 401
    assert client.post('/documents', files=files, headers={'Authorization': 'Bearer wrong'}).status_code == 401
    uploaded = client.post('/documents', files=files, headers={'Authorization': f'Bearer {token}'})
    assert uploaded.status_code == 200 and uploaded.json()['documents'][0]['status'] == 'ingested'
    asked = client.post('/ask', json={'question': '阿图什市政府办2024年编制多少人'}).json()
    assert asked['value'] == '61'
    assert client.delete('/documents/atushi.txt').status_code == 401
    assert client.delete('/documents/atushi.txt', headers={'Authorization': f'Bearer {token}'}).status_code == 200
    assert 'atushi.txt' not in {d['doc'] for d in client.get('/documents').json()['documents']}


def test_a_bad_upload_is_refused_and_nothing_is_stored(api):
    client, token, settings = api
    before = client.get('/documents').json()
    refused = client.post('/documents', files={'file': ('budget.exe', b'MZ\x90', 'application/octet-stream')},
                          headers={'Authorization': f'Bearer {token}'})
    assert refused.status_code == 400 and '不支持' in refused.json()['error']['message']
    assert client.get('/documents').json() == before
    assert not list(settings.uploads_dir.glob('budget*')) if settings.uploads_dir.exists() else True


def test_an_upload_of_several_files_stores_the_good_ones_and_lists_the_refused(api):
    client, token, settings = api
    anonymous = '\n'.join(line for line
                          in GOOD_TEXT().replace('克孜勒苏柯尔克孜自治州人民政府办公室', '本单位').splitlines()
                          if not line.startswith('编制单位'))
    files = [('file', ('noorg.txt', anonymous.encode(), 'text/plain')),
             ('file', ('budget.exe', b'MZ\x90', 'application/octet-stream'))]
    reply = client.post('/documents', files=files, data={'org': '乌恰县人民政府办公室', 'year': '2024'},
                        headers={'Authorization': f'Bearer {token}'})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert [(d['doc'], d['org'], d['year']) for d in body['documents']] == [('noorg.txt', '乌恰县人民政府办公室', 2024)]
    assert [r['file'] for r in body['refused']] == ['budget.exe'] and '不支持' in body['refused'][0]['message']
    assert not list(settings.uploads_dir.glob('budget*'))
    assert client.delete('/documents/noorg.txt', headers={'Authorization': f'Bearer {token}'}).status_code == 200


def test_parallel_requests_are_answered_without_errors(api):
    client, _, _ = api
    questions = ['州政府办2024年三公经费是多少', '克州工信局2025年三公经费是多少',
                 '昌吉州工信局2023年三公经费是多少'] * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda q: client.post('/ask', json={'question': q}), questions))
    assert all(r.status_code == 200 for r in replies)
    assert [r.json()['value'] for r in replies[:3]] == ['0.00', '13.80', '10.5']


def test_too_many_requests_from_one_address_are_refused_for_a_second(api):
    client, _, _ = api
    codes = [client.get('/documents').status_code for _ in range(60)]
    assert 429 in codes and codes[0] == 200
    refused = client.get('/documents')
    if refused.status_code == 429:
        assert '太频繁' in refused.json()['error']['message']
    import time
    time.sleep(1.1)
    assert client.get('/documents').status_code == 200


def GOOD_TEXT() -> str:
    return (SAMPLES / '002_220f206dadf5e393.txt').read_text(encoding='utf-8')
