"""`python -m qa ask` and `python -m qa search`: the JSON contracts (the single question and the batch in a new
process, as the scorer runs them; the rest in this process)."""
import json

import pytest

from conftest import run_cli, run_process


@pytest.fixture(scope='module')
def data_dir(sample_index):
    return sample_index.data_dir


def test_ask_json_contract(data_dir, sample_index):
    result = run_process('ask', '州政府办2024年三公经费是多少', '--json', data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) >= {'id', 'question', 'status', 'answer', 'value', 'unit', 'verified', 'citations'}
    assert (payload['status'], payload['value'], payload['unit'], payload['verified']) == \
        ('answered', '0.00', '万元', True)
    citation = payload['citations'][0]
    assert set(citation) >= {'doc', 'line_start', 'line_end', 'table', 'row', 'column', 'text'}


def test_ask_batch_keeps_ids_and_order(data_dir, tmp_path):
    batch = tmp_path / 'q.jsonl'
    questions = [('b', '克州工信局2026年预算多少？'), ('a', '工信局三公经费'), ('c', '州政府办有几辆车')]
    batch.write_text('\n'.join(json.dumps({'id': i, 'question': q}, ensure_ascii=False) for i, q in questions),
                     encoding='utf-8')
    result = run_process('ask', '--batch', str(batch), '--json', data_dir=data_dir)
    rows = [json.loads(l) for l in result.stdout.splitlines()]
    assert [r['id'] for r in rows] == ['b', 'a', 'c']
    assert [r['status'] for r in rows] == ['not_found', 'ambiguous', 'answered']


def test_ask_readable_output_lists_citations(data_dir):
    result = run_cli('ask', '州政府办2024年人员经费多少？', data_dir=data_dir)
    assert '1,407.47万元' in result.stdout
    assert '[1] 002_220f206dadf5e393.txt 第277行 表6' in result.stdout


def test_ask_bad_batch_file_names_the_line(data_dir, tmp_path):
    batch = tmp_path / 'bad.jsonl'
    batch.write_text('{"id": "x", "question": "三公"}\nnot json\n', encoding='utf-8')
    result = run_cli('ask', '--batch', str(batch), '--json', data_dir=data_dir)
    assert result.returncode == 2 and 'bad.jsonl:2' in result.stderr


def test_ask_before_ingest_says_what_to_do(tmp_path):
    result = run_cli('ask', '三公经费', data_dir=tmp_path / 'empty')
    assert result.returncode == 2 and 'python -m qa ingest data/samples' in result.stderr


def test_search_json_and_batch(data_dir, tmp_path):
    result = run_cli('search', '州政府办机场设施租赁费', '--k', '3', '--json', data_dir=data_dir)
    hits = [json.loads(l) for l in result.stdout.splitlines()]
    assert len(hits) == 3
    assert set(hits[0]) >= {'doc', 'line_start', 'line_end', 'table', 'section', 'score', 'text'}
    assert all(h['doc'] == '002_220f206dadf5e393.txt' for h in hits)
    batch = tmp_path / 'q.jsonl'
    batch.write_text('{"id": "q1", "question": "州政府办负责政务公开吗？"}\n', encoding='utf-8')
    rows = [json.loads(l) for l in run_cli('search', '--batch', str(batch), '--k', '5', '--json',
                                           data_dir=data_dir).stdout.splitlines()]
    assert rows[0]['id'] == 'q1' and any(h['line_start'] <= 76 <= h['line_end'] for h in rows[0]['hits'])


def test_ask_session_carries_organisation_year_and_item_between_calls(data_dir, tmp_path):
    session = tmp_path / 'conversation.json'
    turns = [('克州工信局2024年三公经费是多少', '10.00', None), ('那2025年呢？', '13.80', ['单位', '事项']),
             ('它的公务接待费呢？', '3.00', ['单位', '年份']), ('去年呢', '3.00', ['单位', '年份', '事项'])]
    for question, value, carried in turns:
        result = run_cli('ask', question, '--json', '--session', str(session), data_dir=data_dir)
        payload = json.loads(result.stdout)
        assert payload['value'] == value, (question, payload['answer'])
        assert payload['plan'].get('carried') == carried
    assert payload['plan']['years'] == [2024] and payload['plan']['items'] == ['公务接待费']
    without = json.loads(run_cli('ask', '那2025年呢？', '--json', data_dir=data_dir).stdout)
    assert without['status'] != 'answered' or without['value'] != '13.80'   # no session: nothing to lean on


def test_a_question_of_its_own_carries_nothing(data_dir, tmp_path):
    session = tmp_path / 'conversation.json'
    run_cli('ask', '克州工信局2024年三公经费是多少', '--session', str(session), data_dir=data_dir)
    payload = json.loads(run_cli('ask', '州政府办2024年编制多少人', '--json', '--session', str(session),
                                 data_dir=data_dir).stdout)
    assert payload['value'] == '61' and 'carried' not in payload['plan']
    across = json.loads(run_cli('ask', '哪个单位三公经费最多', '--json', '--session', str(session),
                                data_dir=data_dir).stdout)
    assert across['plan']['kind'] == 'rank' and len({f['org'] for f in across['figures']}) >= 3
