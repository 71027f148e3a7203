"""决算 is a kind of disclosure: a 决算 question is answered only from a 决算, a question that does not say reads
the 预算 and is told of the 决算, and a 预算 and a 决算 of one organisation-year are stored side by side.

The 决算 is the sample 002 with 决算 in its titles (so ingest reads its kind) and 人员经费 changed, so the two
disclosures' answers can be told apart. Real SQLite stores through ingest_paths, answers in process."""
from pathlib import Path

import pytest

from conftest import SAMPLES
from index.facts_store import FactStore
from index.pipeline import IngestOptions, ingest_paths
from ingest.models import Declared
from qa.answer import Context, answer

BUDGET = SAMPLES / '002_220f206dadf5e393.txt'
ORG = '克孜勒苏柯尔克孜自治州人民政府办公室'
BUDGET_FIGURE, FINAL_FIGURE = '1,407.47', '1,501.23'
ASKED = '州政府办2024年人员经费是多少？'
ASKED_FINAL = '州政府办2024年人员经费的决算数是多少？'


def final_account(folder: Path) -> Path:
    """The sample as a 决算: its title lines say 决算, and its 人员经费 is another figure."""
    lines = BUDGET.read_text(encoding='utf-8').splitlines()
    titles = [i for i, line in enumerate(lines[:100]) if '预算公开' in line and len(line) < 40]
    for i in titles:
        lines[i] = lines[i].replace('预算', '决算')
    path = folder / '902_决算.txt'
    path.write_text('\n'.join(lines).replace(BUDGET_FIGURE, FINAL_FIGURE), encoding='utf-8')
    return path


def store_of(folder: Path, *files: Path, declared: Declared | None = None) -> FactStore:
    folder.mkdir()
    store = FactStore(folder / 'facts.db')
    report = ingest_paths(list(files), store, options=IngestOptions(declared=declared))
    assert not report.refused, report.refused
    return store


@pytest.fixture(scope='module')
def stores(tmp_path_factory):
    root = tmp_path_factory.mktemp('kinds')
    final = final_account(root)
    return {'budget': Context.from_store(store_of(root / 'budget', BUDGET)),
            'final': Context.from_store(store_of(root / 'final', final)),
            'both': Context.from_store(store_of(root / 'both', BUDGET, final))}


def test_the_copy_reads_as_a_final_account(stores):
    kinds = {d.doc: d.summary['kind'] for d in stores['both'].documents}
    assert kinds == {BUDGET.name: '预算', '902_决算.txt': '决算'}
    assert {(d.org_key, d.year) for d in stores['both'].documents} == {(ORG, 2024)}


@pytest.mark.parametrize('question', [ASKED_FINAL, '州政府办2024年实际花了多少人员经费？',
                                      '州政府办2024年人员经费执行数'])
def test_a_final_account_question_with_only_the_budget_loaded_is_refused(stores, question):
    result = answer(question, stores['budget'])
    assert result.status == 'not_found' and result.value is None
    assert result.answer.startswith('文件中没有') and '只载入了2024年的预算' in result.answer
    assert BUDGET_FIGURE not in result.answer
    assert result.plan['disclosure'] == '决算' and '口径：决算' in result.plan['describe']


def test_a_final_account_question_with_both_loaded_gets_the_final_figure(stores):
    result = answer(ASKED_FINAL, stores['both'])
    assert (result.status, result.value) == ('answered', FINAL_FIGURE.replace(',', ''))
    assert {c.doc for c in result.citations} == {'902_决算.txt'}
    # the copy's changed total no longer adds up: the note after '注意' computes its parts' sum, the budget's figure
    assert '决算' in result.answer and BUDGET_FIGURE not in result.answer.split('注意：')[0]
    assert '口径：决算' in result.plan['describe'] and result.verified


def test_a_question_that_does_not_say_gets_the_budget_and_a_note_of_the_final_account(stores):
    result = answer(ASKED, stores['both'])
    assert (result.status, result.value) == ('answered', BUDGET_FIGURE.replace(',', ''))
    assert {c.doc for c in result.citations} == {BUDGET.name}
    note = result.answer.splitlines()[-1]
    assert '预算' in note and f'{ORG}2024年的决算' in note
    assert result.plan['also_loaded'] == [f'{ORG}2024年的决算'] and '口径：预算' in result.plan['describe']


def test_with_only_a_final_account_loaded_it_answers_and_says_so(stores):
    result = answer(ASKED, stores['final'])
    assert (result.status, result.value) == ('answered', FINAL_FIGURE.replace(',', ''))
    assert '决算' in result.answer.splitlines()[-1] and '口径：决算' in result.plan['describe']


def test_a_budget_question_with_only_a_final_account_loaded_is_refused(stores):
    result = answer('州政府办2024年人员经费预算数是多少', stores['final'])
    assert result.status == 'not_found' and '只载入了2024年的决算' in result.answer
    assert FINAL_FIGURE not in result.answer


def test_with_only_the_budget_loaded_nothing_changes(stores):
    result = answer(ASKED, stores['budget'])
    assert result.value == BUDGET_FIGURE.replace(',', '') and '决算' not in result.answer
    assert '口径' not in result.plan['describe'] and result.plan['disclosure'] == ''


def test_a_budget_and_a_final_account_of_one_organisation_year_are_not_two_versions(tmp_path):
    """The collision rule keys on (organisation, year, kind): the two print the same tables with other figures."""
    final = final_account(tmp_path)
    store = store_of(tmp_path / 'one', BUDGET)
    report = ingest_paths([final], store)
    assert not report.refused
    assert sorted(d.summary['kind'] for d in store.documents()) == ['决算', '预算']


def test_a_second_final_account_of_one_organisation_year_is_still_a_second_version(tmp_path):
    final = final_account(tmp_path)
    forged = tmp_path / '903_决算.txt'
    forged.write_text(final.read_text(encoding='utf-8').replace('1,889.38', '1,989.38'), encoding='utf-8')
    store = store_of(tmp_path / 'one', final)
    report = ingest_paths([forged], store)
    assert [Path(e.path).name for e in report.refused] == [forged.name]
    assert 'already loaded from 902_决算.txt' in str(report.refused[0])


def test_a_declared_kind_is_the_kind_answers_read(tmp_path):
    """`qa ingest --kind 决算` for a file whose titles say nothing of it."""
    store = store_of(tmp_path / 'declared', BUDGET, declared=Declared(kind='决算'))
    assert [d.summary['kind'] for d in store.documents()] == ['决算']
    result = answer(ASKED_FINAL, Context.from_store(store))
    assert result.value == BUDGET_FIGURE.replace(',', '')
