"""The shell's wiring: one function opens the stores and the answering context for the CLI, the API and the page
(service/stores.py), one function makes a document's public row (service/documents.py), and `resolve_org` is the
core's (qa/orgs.py). Real SQLite, embedded Chroma, the bundled model and a second process."""
import json
import shutil

import pytest

from conftest import SAMPLES, index_settings, run_cli
from errors import AmbiguousOrg, UnknownOrg

REMOVED = '002_220f206dadf5e393.txt'
TEXT_QUESTION = '州政府办政务公开工作由谁负责'


def test_the_cli_the_api_and_the_page_show_one_document_row(sample_index):
    from fastapi.testclient import TestClient
    from index.facts_store import FactStore
    from service.api import create_app
    from service.views import document_table
    printed = run_cli('documents', '--format', 'json', data_dir=sample_index.data_dir)
    assert printed.returncode == 0, printed.stderr
    cli_rows = [json.loads(line) for line in printed.stdout.splitlines()]
    api_rows = TestClient(create_app(sample_index)).get('/documents').json()['documents']
    assert [{k: v for k, v in row.items() if k != 'path'} for row in cli_rows] == api_rows
    assert all(row['path'] for row in cli_rows) and not any('path' in row for row in api_rows)
    ours = next(row for row in api_rows if row['doc'] == REMOVED)
    assert (ours['org'], ours['year'], ours['kind']) == ('克孜勒苏柯尔克孜自治州人民政府办公室', 2024, '预算')
    assert ours['facts'] > 0 and ours['tables'] == 10 and ours['contradictions'] == 0 and len(ours['hash']) == 16
    stored = FactStore(sample_index.facts_db).documents()
    page = document_table(stored, {}).set_index('文件名').loc[REMOVED]
    assert (page['单位全称'], page['年度'], page['类型'], page['表格'], page['数字'], page['哈希']) == \
        (ours['org'], '2024', ours['kind'], ours['tables'], ours['facts'], ours['hash'][:12])


@pytest.fixture
def own_index(sample_index, tmp_path):
    target = tmp_path / 'data'
    shutil.copytree(sample_index.data_dir, target)
    return index_settings(target)


def test_the_opened_context_follows_a_removal_and_an_ingest_by_another_process(own_index, caplog):
    """What the page and the API hold: the handles of one open_context, used across another process's writes."""
    from index.pipeline import remove_document
    from qa.answer import answer
    from service.stores import open_context
    opened = open_context(own_index)
    assert opened.ctx.store is opened.store and opened.engine.store is opened.store
    before = answer(TEXT_QUESTION, opened.ctx)
    assert remove_document(opened.store, REMOVED, opened.vectors)
    done = run_cli('ingest', str(SAMPLES), data_dir=own_index.data_dir)
    assert done.returncode == 0, done.stderr
    after = answer(TEXT_QUESTION, opened.ctx)
    assert after.status == before.status and {c.doc for c in after.citations} == {c.doc for c in before.citations}
    assert REMOVED in {d.doc for d in opened.ctx.documents}
    assert 'vector search failed' not in caplog.text          # reopened on the new generation, not rescued


def test_resolve_org_names_the_stored_organisations_when_none_or_several_fit(facts_store):
    from qa.orgs import resolve_org
    assert resolve_org(facts_store, None) is None
    assert resolve_org(facts_store, '克孜勒苏柯尔克孜自治州人民政府办公室') == '克孜勒苏柯尔克孜自治州人民政府办公室'
    with pytest.raises(UnknownOrg, match="no organisation matches '和静县'; stored: .*昌吉州工业和信息化局"):
        resolve_org(facts_store, '和静县')
    with pytest.raises(AmbiguousOrg, match='fits [2-9] organisations'):
        resolve_org(facts_store, '工业和信息化局')
