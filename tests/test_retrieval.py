"""Retrieval: the evidence lines of the dev questions come back in the top hits.

The same tests run against the embedded Chroma store and against a real
`chroma run` server on 127.0.0.1 (contract tests).
"""
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SAMPLES, free_port, index_settings, wait_for_port
from index.bm25 import BudgetTokenizer
from index.facts_store import FactStore
from index.pipeline import ingest_paths
from index.retriever import HybridRetriever, HybridSearch
from index.runtime import open_vectors
from index.vector_sync import sync_vectors
from index.vectors import stored_ids
from qa.answer import Context, retrieve
from service.evaluation import evidence_hit_rates, load_gold

DEV = REPO.parent / 'shared' / 'eval' / 'dev_questions.jsonl'



@pytest.fixture(scope='module')
def chroma_server(tmp_path_factory):
    port = free_port()
    path = tmp_path_factory.mktemp('chroma-server')
    chroma = Path(sys.executable).with_name('chroma')
    process = subprocess.Popen([str(chroma), 'run', '--path', str(path), '--host', '127.0.0.1', '--port', str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, process, 'chroma run')
    yield port
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope='module', params=['embedded', 'server'])
def backend(request, sample_index, tmp_path_factory):
    """(settings, context) for the embedded store, or for a Chroma server fed from the same facts."""
    if request.param == 'embedded':
        settings = sample_index
    else:
        port = request.getfixturevalue('chroma_server')
        settings = index_settings(sample_index.data_dir, BUDGETQA_CHROMA_HOST='127.0.0.1',
                                  BUDGETQA_CHROMA_PORT=str(port))
        sync_vectors(FactStore(settings.facts_db), open_vectors(settings))
    store = FactStore(settings.facts_db)
    vectors = open_vectors(settings)
    return settings, Context.from_store(store, search=HybridSearch.open(store, vectors).search)


@pytest.mark.skipif(not DEV.exists(), reason='dev questions not present')
def test_evidence_in_top_hits(backend):
    _, ctx = backend
    rates = evidence_hit_rates(load_gold(DEV), lambda text: retrieve(text, ctx, k=5))
    assert rates['top5'] >= 0.95, rates
    assert rates['top1'] >= 0.80, rates


def test_filters_keep_to_the_asked_organisation_and_year(backend):
    _, ctx = backend
    hits = ctx.search('三公经费', ('克孜勒苏柯尔克孜自治州工业和信息化局',), (2025,), k=10)
    assert hits and {h.doc for h in hits} == {'001_efa3db65107556e7.txt'}


def test_vectors_find_a_paraphrase_keywords_miss(backend):
    settings, _ = backend
    store = FactStore(settings.facts_db)
    vectors = open_vectors(settings)
    found = vectors.similarity_search('政务信息公开由谁负责', k=5,
                                      filter={'doc': '002_220f206dadf5e393.txt'})
    assert any(doc.metadata['line_start'] <= 76 <= doc.metadata['line_end'] for doc in found)
    assert store.chunks()


def test_vector_store_holds_exactly_the_stored_chunks(backend):
    settings, _ = backend
    store = FactStore(settings.facts_db)
    assert stored_ids(open_vectors(settings)) == {c.key for c in store.chunks()}


def test_langchain_retriever_interface(backend):
    _, ctx = backend
    engine = ctx.search.__self__
    retriever = HybridRetriever(search_engine=engine, orgs=('克孜勒苏柯尔克孜自治州人民政府办公室',), k=3)
    docs = retriever.invoke('机场设施租赁费')
    assert docs and all(d.metadata['doc'] == '002_220f206dadf5e393.txt' for d in docs)


def test_tokenizer_keeps_budget_terms_and_bodies_whole():
    tokens = BudgetTokenizer().tokens('州政府办2024年“三公”经费和公务接待费')
    assert {'政府办', '三公经费', '公务接待费'} <= set(tokens)


def test_keyword_search_reads_only_the_asked_documents(facts_store):
    tokens = BudgetTokenizer().tokens('机场设施租赁费')
    everywhere = facts_store.keyword_search(tokens, limit=10000)
    one = facts_store.keyword_search(tokens, docs=['002_220f206dadf5e393.txt'], limit=10000)
    assert one and all(c.doc == '002_220f206dadf5e393.txt' for c, _ in one)
    assert {c.key for c, _ in one} == {c.key for c, _ in everywhere if c.doc == '002_220f206dadf5e393.txt'}
    assert one[0][0].line_start <= 443 <= one[0][0].line_end or \
        any('机场设施租赁费' in c.embed_text for c, _ in one[:3])


def test_removing_a_document_removes_its_chunks_from_both_stores(tmp_path):
    settings = index_settings(tmp_path / 'data')
    store = FactStore(settings.facts_db)
    vectors = open_vectors(settings)
    ingest_paths([SAMPLES / '002_220f206dadf5e393.txt', SAMPLES / '000_f62fb37ef8e53f88.txt'], store, vectors=vectors)
    store.remove('002_220f206dadf5e393.txt')
    sync_vectors(store, vectors, removed=['002_220f206dadf5e393.txt'])
    remaining = {c.doc for c in store.chunks()}
    assert remaining == {'000_f62fb37ef8e53f88.txt'}
    assert stored_ids(vectors) == {c.key for c in store.chunks()}


def test_reingesting_unchanged_documents_embeds_nothing(tmp_path):
    settings = index_settings(tmp_path / 'data')
    store = FactStore(settings.facts_db)
    vectors = open_vectors(settings)
    ingest_paths([SAMPLES / '002_220f206dadf5e393.txt'], store, vectors=vectors)
    before = vectors.embeddings.embedded
    outcome = ingest_paths([SAMPLES / '002_220f206dadf5e393.txt'], store, vectors=vectors).outcomes
    assert outcome[0].status == 'unchanged' and vectors.embeddings.embedded == before
