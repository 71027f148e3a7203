"""Real disclosures through `qa ingest`: the organisation and year declared by the user, and one disclosure in
two files (情况说明 + 报表) stored side by side while a second version is refused. Run as a user runs them."""
import json
import re
from pathlib import Path

import pytest

from conftest import SAMPLES, run_cli

GOOD = SAMPLES / '002_220f206dadf5e393.txt'
ORG = '克孜勒苏柯尔克孜自治州人民政府办公室'
REAL = Path('/work/shared/realdocs/files')


def documents(data_dir: Path) -> list[dict]:
    listed = run_cli('documents', '--format', 'json', data_dir=data_dir).stdout
    return [json.loads(line) for line in listed.splitlines()]


def parts(tmp_path: Path) -> tuple[Path, Path]:
    """The sample split where the tables end: 概况 + 表1…表10, then 情况说明 (prose and 绩效目标表)."""
    lines = GOOD.read_text(encoding='utf-8').splitlines()
    prose = next(i for i, line in enumerate(lines) if line.startswith('第三部分') and i > 300)
    tables, text = tmp_path / '附件2报表.txt', tmp_path / '附件1情况说明.txt'
    tables.write_text('\n'.join(lines[:prose]), encoding='utf-8')
    text.write_text('\n'.join(lines[prose:]), encoding='utf-8')
    return text, tables


def test_declared_organisation_and_year_for_a_document_that_prints_none(tmp_path):
    data_dir = tmp_path / 'data'
    text = GOOD.read_text(encoding='utf-8').replace(ORG, '本单位')
    text = re.sub(r'20\d\d\s*年\s*(?=(单位|部门)?\s*(预算公开|预算情况说明|部门概况|单位概况))', '', text)
    anonymous = tmp_path / 'anonymous.txt'
    anonymous.write_text('\n'.join(l for l in text.splitlines() if not l.startswith('编制单位')), encoding='utf-8')
    refused = run_cli('ingest', '--no-vectors', str(anonymous), data_dir=data_dir)
    assert refused.returncode == 2 and 'anonymous.txt' in refused.stderr and '--org NAME' in refused.stderr
    done = run_cli('ingest', '--no-vectors', str(anonymous), '--org', '阿图什市人民政府办公室', '--year', '2024',
                   data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    [document] = documents(data_dir)
    assert (document['org'], document['year']) == ('阿图什市人民政府办公室', 2024)
    answer = json.loads(run_cli('ask', '阿图什市政府办2024年编制多少人', '--json', data_dir=data_dir).stdout)
    assert answer['value'] == '61'


def test_a_year_that_is_not_one_is_refused_by_the_command(tmp_path):
    result = run_cli('ingest', str(GOOD), '--year', '24', data_dir=tmp_path / 'data')
    assert result.returncode == 2 and "'24' is not a year" in result.stderr
    help_text = ' '.join(run_cli('ingest', '--help', data_dir=tmp_path / 'data').stdout.split())
    assert help_text.count('applies to every file of this command') == 3 and '--all-or-nothing' in help_text


def test_a_disclosure_in_two_files_is_stored_as_two_documents_and_cited_by_each(tmp_path):
    data_dir = tmp_path / 'data'
    text, tables = parts(tmp_path)
    result = run_cli('ingest', '--no-vectors', '--year', '2024', str(text), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    result = run_cli('ingest', '--no-vectors', str(tables), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    stored = {d['doc']: (d['org'], d['year']) for d in documents(data_dir)}
    assert stored == {text.name: (ORG, 2024), tables.name: (ORG, 2024)}
    staff = json.loads(run_cli('ask', '州政府办2024年编制多少人', '--json', data_dir=data_dir).stdout)
    assert staff['value'] == '61' and staff['citations'][0]['doc'] == tables.name
    total = json.loads(run_cli('ask', '州政府办2024年收支总预算是多少', '--json', data_dir=data_dir).stdout)
    assert total['value'] == '1889.38' and {c['doc'] for c in total['citations']} <= {text.name, tables.name}


def test_a_second_version_of_one_part_is_refused_naming_the_figure_and_replace_replaces_only_it(tmp_path):
    data_dir = tmp_path / 'data'
    text, tables = parts(tmp_path)
    loaded = run_cli('ingest', '--no-vectors', '--year', '2024', str(text), str(tables), data_dir=data_dir)
    assert loaded.returncode == 0
    forged = tmp_path / 'forged说明.txt'
    forged.write_text(text.read_text(encoding='utf-8').replace('收支总预算 1,889.38 万元', '收支总预算 1,989.38 万元')
                      .replace('项目支出绩效目标表', '项目支出绩效目标'), encoding='utf-8')
    result = run_cli('ingest', '--no-vectors', '--year', '2024', str(forged), data_dir=data_dir)
    assert result.returncode == 2, result.stderr
    assert f'already loaded from {text.name}' in result.stderr
    assert '1989.38 万元 here but 1889.38 万元 there' in result.stderr
    assert re.search(r'forged说明.txt: .*line \d+: ', result.stderr) and '--replace' in result.stderr
    replaced = run_cli('ingest', '--no-vectors', '--year', '2024', '--replace', str(forged), data_dir=data_dir)
    assert replaced.returncode == 0, replaced.stderr
    after = {d['doc']: d for d in documents(data_dir)}
    assert set(after) == {forged.name, tables.name} and after[forged.name]['replaces'] == [text.name]


def test_two_parts_and_a_conflicting_file_in_one_batch(tmp_path):
    data_dir = tmp_path / 'data'
    text, tables = parts(tmp_path)
    other = tmp_path / '报表另一版.txt'
    other.write_text(tables.read_text(encoding='utf-8').replace('1,807.53', '1,817.53'), encoding='utf-8')
    result = run_cli('ingest', '--no-vectors', '--year', '2024', str(text), str(tables), str(other), data_dir=data_dir)
    assert result.returncode == 2
    assert f'{other.name}: {ORG} 2024年 is also in {tables.name} in this batch' in result.stderr
    assert {d['doc'] for d in documents(data_dir)} == {text.name, tables.name}


@pytest.mark.skipif(not REAL.exists(), reason='the real disclosures (/work/shared/realdocs) are not on this machine')
def test_the_beijing_audit_office_published_in_two_pdfs(tmp_path):
    data_dir = tmp_path / 'data'
    files = [REAL / f'北京_北京市审计局-附件{n}_2026_预算.pdf' for n in ('1情况说明', '2报表')]
    result = run_cli('ingest', '--no-vectors', '--org', '北京市审计局', '--year', '2026', *map(str, files),
                     data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert {(d['doc'], d['org'], d['year']) for d in documents(data_dir)} == {
        (f.name, '北京市审计局', 2026) for f in files}
    again = run_cli('ingest', '--no-vectors', '--org', '北京市审计局', '--year', '2026', *map(str, files),
                    data_dir=data_dir)
    assert again.returncode == 0 and '(0 ingested, 2 unchanged)' in again.stdout
