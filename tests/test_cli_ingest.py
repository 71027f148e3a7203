"""`python -m qa ingest` and `python -m qa facts`, run as a user runs them."""
import json
import shutil
import sqlite3

import pytest

from conftest import SAMPLES, run_cli


def stored(data_dir):
    db = data_dir / 'facts.db'
    if not db.exists():
        return None
    with sqlite3.connect(db) as conn:
        return (conn.execute('SELECT doc, content_hash FROM documents ORDER BY doc').fetchall(),
                conn.execute('SELECT count(*), sum(CAST(value AS REAL)) FROM facts').fetchone())


@pytest.fixture(scope='module')
def ingested(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp('data')
    result = run_cli('ingest', str(SAMPLES), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    return data_dir, result


def test_ingest_prints_a_summary_per_document(ingested):
    _, result = ingested
    out = result.stdout
    assert '5 documents (5 ingested, 0 unchanged)' in out
    assert '克孜勒苏柯尔克孜自治州人民政府办公室  2024' in out
    assert 'tables found 表1,表2,表3,表4,表5,表6,表7,表8,表9,表10; empty 表8,表9,表10' in out
    assert 'warning: line 937: 表4' in out          # the garbled number in 003
    assert 'parsing' in out and '[5/5]' in result.stderr


def test_reingesting_unchanged_files_changes_nothing(ingested):
    data_dir, _ = ingested
    before = stored(data_dir)
    result = run_cli('ingest', str(SAMPLES), data_dir=data_dir)
    assert result.returncode == 0
    assert '(0 ingested, 5 unchanged)' in result.stdout
    assert stored(data_dir) == before


def test_facts_json_contract(ingested):
    data_dir, _ = ingested
    result = run_cli('facts', '--org', '州政府办', '--year', '2024', '--table', '6', '--format', 'json',
                     data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    staff = next(r for r in rows if r['row'] == '合计' and r['column'] == '人员经费')
    assert {k: staff[k] for k in ('doc', 'org', 'year', 'table', 'row_code', 'value', 'unit', 'line_start',
                                  'line_end')} == {
        'doc': '002_220f206dadf5e393.txt', 'org': '克孜勒苏柯尔克孜自治州人民政府办公室', 'year': 2024,
        'table': 6, 'row_code': '', 'value': '1407.47', 'unit': '万元', 'line_start': 277, 'line_end': 277}
    assert all(r['table'] == 6 and r['year'] == 2024 for r in rows)


def test_facts_csv_and_table_formats(ingested):
    data_dir, _ = ingested
    csv_out = run_cli('facts', '--org', '昌吉州工信局', '--table', '10', '--format', 'csv', data_dir=data_dir)
    assert csv_out.stdout.splitlines()[0].startswith('doc,org,year,source,table')
    assert '公务接待费' in csv_out.stdout
    table_out = run_cli('facts', '--org', '克州工信局', '--year', '2024', '--table', '10', data_dir=data_dir)
    assert '000_f62fb37ef8e53f88.txt:337\t表10\t合计\t合计\t10.00 万元' in table_out.stdout


def test_the_same_body_across_years_is_one_organisation(ingested):
    data_dir, _ = ingested
    result = run_cli('facts', '--org', '克州工信局', '--table', '10', '--format', 'json', data_dir=data_dir)
    years = {json.loads(line)['year'] for line in result.stdout.splitlines()}
    assert years == {2024, 2025}


def test_ambiguous_organisation_is_refused_with_candidates(ingested):
    data_dir, _ = ingested
    result = run_cli('facts', '--org', '工信局', data_dir=data_dir)
    assert result.returncode == 2
    assert '昌吉州工业和信息化局' in result.stderr and '克孜勒苏柯尔克孜自治州工业和信息化局' in result.stderr


def _file(name, data):
    def make(folder):
        path = folder / name
        path.write_bytes(data)
        return path
    return make


def _empty_folder(folder):
    (folder / 'emptydir').mkdir()
    return folder / 'emptydir'


BAD_INPUTS = [
    (lambda folder: folder / 'missing.txt', 'no such file or folder'),
    (_empty_folder, 'folder has no documents'),
    (_file('empty.txt', b''), 'file is empty'),
    (_file('binary.txt', b'\x89PNG\r\n\x00\x00'), 'binary data'),
    (_file('mixed.txt', '预算\n'.encode() + b'\xff\xfe\xfa\x81\xff'), 'neither UTF-8 nor GBK'),
    (_file('notes.txt', '会议纪要\n今天开会。\n'.encode()), 'no organisation found'),
]
BAD_IDS = ['missing', 'empty-folder', 'empty-file', 'binary', 'undecodable', 'not-a-budget']


@pytest.mark.parametrize('make_bad, message', BAD_INPUTS, ids=BAD_IDS)
def test_a_bad_file_in_a_batch_is_refused_with_why_and_the_others_are_stored(tmp_path, make_bad, message):
    data_dir = tmp_path / 'data'
    bad = make_bad(tmp_path)
    good = SAMPLES / '000_f62fb37ef8e53f88.txt'
    result = run_cli('ingest', '--no-vectors', str(good), str(bad), data_dir=data_dir)
    assert result.returncode == 2, result.stderr
    assert '1 documents (1 ingested, 0 unchanged, 1 refused)' in result.stdout
    refused = result.stderr[result.stderr.index('refused 1 file(s):'):]
    assert bad.name in refused and message in refused and 'Traceback' not in result.stderr
    assert 'stored: 000_f62fb37ef8e53f88.txt' in result.stderr and 'the other files were stored' in refused
    assert [doc for doc, _ in stored(data_dir)[0]] == [good.name]


@pytest.mark.parametrize('make_bad, message', [BAD_INPUTS[0], BAD_INPUTS[-1]], ids=[BAD_IDS[0], BAD_IDS[-1]])
def test_all_or_nothing_stores_nothing_if_one_file_is_bad(ingested, tmp_path, make_bad, message):
    data_dir, _ = ingested
    before = stored(data_dir)
    bad = make_bad(tmp_path)
    changed = tmp_path / '002_220f206dadf5e393.txt'      # a good file that would otherwise replace its facts
    original = (SAMPLES / changed.name).read_text(encoding='utf-8')
    changed.write_text(original.replace('公用经费 191.06 万元', '公用经费 191.07 万元'), encoding='utf-8')
    result = run_cli('ingest', '--no-vectors', '--all-or-nothing', str(changed), str(bad), data_dir=data_dir)
    assert result.returncode == 2
    assert bad.name in result.stderr and message in result.stderr
    assert 'nothing was stored (--all-or-nothing)' in result.stderr
    assert stored(data_dir) == before


def test_a_changed_file_replaces_its_facts_only_with_replace(tmp_path):
    data_dir = tmp_path / 'data'
    doc = tmp_path / 'docs' / '002_220f206dadf5e393.txt'
    doc.parent.mkdir()
    shutil.copy(SAMPLES / doc.name, doc)
    assert run_cli('ingest', str(doc), data_dir=data_dir).returncode == 0
    text = doc.read_text(encoding='utf-8').replace('公用经费 191.06 万元', '公用经费 191.07 万元')
    doc.write_text(text, encoding='utf-8')
    refused = run_cli('ingest', str(doc), data_dir=data_dir)          # an edited file is a new version: --replace
    assert refused.returncode == 2 and 'is already loaded' in refused.stderr and '--replace' in refused.stderr
    result = run_cli('ingest', '--replace', str(doc), data_dir=data_dir)
    assert '(1 ingested, 0 unchanged)' in result.stdout
    assert 'replaces 002_220f206dadf5e393.txt: 1 figures differ' in result.stdout, result.stdout
    assert '191.06 -> 191.07 万元' in result.stdout
    rows = [json.loads(l) for l in run_cli('facts', '--source', 'text', '--format', 'json',
                                           data_dir=data_dir).stdout.splitlines()]
    public = [r['value'] for r in rows if r['item'] == '公用经费']
    assert public == ['191.07']


def test_remove_a_document(tmp_path):
    data_dir = tmp_path / 'data'
    run_cli('ingest', str(SAMPLES / '002_220f206dadf5e393.txt'), data_dir=data_dir)
    assert run_cli('remove', '002_220f206dadf5e393.txt', data_dir=data_dir).returncode == 0
    assert stored(data_dir)[0] == []
    missing = run_cli('remove', '002_220f206dadf5e393.txt', data_dir=data_dir)
    assert missing.returncode == 2 and 'no stored document' in missing.stderr
