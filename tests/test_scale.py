"""A store of many documents: indexed reads give what full reads gave, questions read only their documents,
adding documents to a large store costs what they cost.

The corpus is copies of the samples, each with its own place name (scripts/bench_scale.py makes the same
corpora at 200 and 1,000 documents and prints the figures).
"""
import sys
import time

import pytest

from conftest import REPO, SAMPLES
from index.facts_store import FactStore
from index.pipeline import ingest_paths
from qa.answer import Context, answer

sys.path.insert(0, str(REPO / 'scripts'))
from bench_scale import make_corpus, place_name  # noqa: E402

COPIES = 30


@pytest.fixture(scope='module')
def large(tmp_path_factory):
    root = tmp_path_factory.mktemp('large')
    made = make_corpus(COPIES, root / 'corpus')
    store = FactStore(root / 'facts.db')
    ingest_paths([root / 'corpus'], store)
    return root, made, store


def test_indexed_reads_give_the_facts_a_full_parse_gives(parsed, facts_store):
    for name, document in parsed.items():
        stored = facts_store.facts(doc=name)
        assert [(f.table_no, f.row_code, f.row, f.column, f.value, f.line_start, f.item, f.project, f.flags)
                for f in stored] == \
               [(f.table_no, f.row_code, f.row, f.column, f.value, f.line_start, f.item, f.project, f.flags)
                for f in document.facts]
        assert {(s.kind, s.subject, s.line_start) for s in document.statements} == \
               {(s['kind'], s['subject'], s['line_start']) for s in facts_store.statements(name)}


def test_a_question_about_one_organisation_reads_only_its_documents(large):
    root, made, store = large
    ctx = Context.from_store(store)
    name, place = made[12]                                  # a copy of the 克州政府办 sample
    result = answer(f'{place}政府办2024年人员经费是多少', ctx)
    assert result.value == '1407.47' and all(c.doc == name for c in result.citations)
    assert set(ctx._catalogues) == {(name,)}


def test_a_question_naming_no_organisation_is_narrowed_by_the_indexes(large):
    root, made, store = large
    ctx = Context.from_store(store)
    result = answer('创客中国大赛要求多少家企业报名？', ctx)
    assert result.status == 'answered' and result.value == '27'
    read = {doc for key in ctx._catalogues for doc in key}
    assert 0 < len(read) <= 6 < COPIES


def test_a_ranking_over_every_organisation_reads_only_the_item(large):
    root, made, store = large
    ctx = Context.from_store(store)
    result = answer('2024年哪个单位三公经费最多', ctx)
    assert result.status == 'answered' and result.value == '96'
    assert not ctx._catalogues                              # no document's whole catalogue was built


def test_adding_documents_to_a_large_store_costs_what_they_cost(large, tmp_path):
    root, made, store = large
    generation = store.generation()
    more = tmp_path / 'more'
    more.mkdir()
    for i, sample in enumerate(sorted(SAMPLES.glob('*.txt'))[:2]):
        text = sample.read_text(encoding='utf-8').replace('克孜勒苏柯尔克孜自治州', place_name(COPIES + 500 + i))
        (more / f'new_{i}_{sample.name}').write_text(text, encoding='utf-8')
    ctx = Context.from_store(store)
    started = time.perf_counter()
    outcomes = ingest_paths([more, root / 'corpus'], store).outcomes
    assert sum(o.status == 'ingested' for o in outcomes) == 2
    assert sum(o.status == 'unchanged' for o in outcomes) == COPIES
    assert time.perf_counter() - started < 30
    assert store.generation() > generation and store.document_count() == COPIES + 2
    result = answer(f'{place_name(COPIES + 500)}工信局2024年三公经费是多少', ctx)   # the open context sees them
    assert result.value == '10.00'


def test_several_readers_at_once_share_one_context_without_errors(large):
    """The page serves every session from one context: answers in parallel threads agree and never fail."""
    from concurrent.futures import ThreadPoolExecutor
    root, made, store = large
    ctx = Context.from_store(store)
    questions = [f'{place}{body}2024年三公经费是多少' for (name, place), body in
                 zip(made[:16], ('工信局', '工信局', '政府办', '工信局', '开发区') * 4)]
    alone = [answer(q, ctx).answer for q in questions]
    ctx = Context.from_store(store)
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda q: answer(q, ctx).answer, questions * 2))
    assert together == alone * 2
