"""Another process changes the store while answering is open: the vector store and keyword index follow the fact
store's generation, a vector id that no longer exists is skipped, and the page answers every question.

Real embedded Chroma and a real second process (`python -m qa remove` / `python -m qa ingest`)."""
import shutil

import pytest

from conftest import SAMPLES, index_settings, run_process

# answered by retrieval (the duty question '…负责政务公开吗' is read from 主要职能)
TEXT_QUESTION = '州政府办政务公开工作由谁负责'
REMOVED = '002_220f206dadf5e393.txt'


@pytest.fixture
def own_index(sample_index, tmp_path):
    target = tmp_path / 'data'
    shutil.copytree(sample_index.data_dir, target)
    return index_settings(target)


def ingest_from_another_process(settings) -> None:
    done = run_process('ingest', str(SAMPLES), data_dir=settings.data_dir)
    assert done.returncode == 0, done.stderr


def test_text_question_answers_after_a_removal_and_an_ingest_by_another_process(own_index, caplog):
    """The page's sequence: an admin removes a document through the page's handles, a shell ingests again."""
    from index.pipeline import remove_document
    from index.runtime import open_index
    from qa.answer import Context, answer
    store, vectors, engine = open_index(own_index)
    ctx = Context.from_store(store, search=engine.search)
    before = answer(TEXT_QUESTION, ctx)
    assert remove_document(store, REMOVED, vectors)
    ingest_from_another_process(own_index)
    after = answer(TEXT_QUESTION, ctx)
    assert after.status == before.status and after.citations
    assert {c.doc for c in after.citations} == {c.doc for c in before.citations}
    assert 'vector search failed' not in caplog.text          # reopened on the new generation, not rescued


def test_a_vector_id_removed_behind_the_handle_is_skipped_not_fatal(own_index, caplog):
    """Without reopening (a handle that cannot follow), the failing vector query leaves keywords to answer."""
    from index.pipeline import remove_document
    from index.runtime import open_index
    store, vectors, engine = open_index(own_index)
    org = next(d.org_key for d in store.documents() if d.doc == REMOVED)
    engine.search(TEXT_QUESTION, orgs=(org,))
    assert remove_document(store, REMOVED, vectors)
    ingest_from_another_process(own_index)
    engine.reopen = None
    engine.generation = store.generation()     # as if nothing had changed: the stale handle is queried
    hits = engine.search(TEXT_QUESTION, orgs=(org,))
    assert hits and 'vector search failed' in caplog.text
