"""What the documents do not hold is 文件中没有: organisations that are not loaded, a document left out.

A journalist asking about a prefecture that is not loaded must never be given
another prefecture's figure; a question about a document that was removed
is refused, or told which years there are.
"""
import re

import pytest

from conftest import SAMPLES
from qa.answer import Context, answer
from question_generator import generate

# real places and bodies of Xinjiang that no sample document is about
NOT_LOADED = ('喀什地区人社局', '和静县政府办', '克州发改委', '阿克苏地区行署办公室', '伊犁州财政局', '哈密市教育局',
              '吐鲁番市工信局', '昌吉州发改委', '巴州政府办', '博州工信局', '塔城地区人社局', '阿勒泰地区财政局',
              '乌鲁木齐市政府办', '克拉玛依市工信局', '和田地区教育局', '奎屯市开发区管委会', '库车市政府办',
              '阿图什市工信局', '石河子市财政局', '克州卫健委', '昌吉州住建局', '库尔勒市教育局',
              '霍尔果斯经开区管委会',
              '开发区第二中学', '阿克苏地区', '喀什地区')
SHAPES = ('{}2024年三公经费是多少', '{}的编制数是多少？', '{}2024年一般公共预算比上年增加了多少')


@pytest.mark.parametrize('org', NOT_LOADED)
@pytest.mark.parametrize('shape', SHAPES)
def test_an_organisation_that_is_not_loaded_is_not_found(facts_ctx, org, shape):
    result = answer(shape.format(org), facts_ctx)
    assert result.status == 'not_found', result.answer
    assert result.value is None and result.answer.startswith('文件中没有')
    assert not any(re.search(r'\d+(\.\d+)?万元', c.text) for c in result.citations), 'no figure of another organisation'


@pytest.fixture(scope='module')
def generated(facts_store):
    across = ('rank', 'rank_docs', 'compare', 'define')      # about several documents: still answered without one
    return [c for c in generate(facts_store.path, seed=11) if c.doc and c.kind not in across]


@pytest.mark.parametrize('left_out', sorted(p.name for p in SAMPLES.glob('*.txt')))
def test_questions_about_a_document_left_out_are_refused_or_name_the_years_there_are(tmp_path, generated, left_out):
    from index.facts_store import FactStore
    from index.pipeline import ingest_paths
    store = FactStore(tmp_path / 'facts.db')
    ingest_paths([p for p in sorted(SAMPLES.glob('*.txt')) if p.name != left_out], store)
    ctx = Context.from_store(store)
    asked = [c for c in generated if c.doc == left_out]
    assert asked
    for case in asked:
        result = answer(case.question, ctx)
        refused = result.status in ('not_found', 'ambiguous') and result.value is None
        assert refused, f'{case.question} -> {result.answer[:160]}'


def test_a_part_asking_for_a_year_that_is_not_loaded_is_refused_and_the_other_part_answered(facts_ctx):
    """'X 2024年三公经费是多少？2025年呢？' where only one of the years is loaded: answer that one, refuse the other
    (in either order), naming the years there are."""
    docs = [d for d in facts_ctx.documents if len(facts_ctx.directory.years_of(d.org_key)) == 1]
    assert docs
    for d in docs:
        other = d.year + 1
        for first, second in ((d.year, other), (other, d.year)):
            result = answer(f'{d.org}{first}年三公经费是多少？{second}年呢？', facts_ctx)
            assert result.status == 'answered', result.answer
            assert 'part_not_found' in result.warnings
            assert f'{other}年的预算公开' in result.answer and result.verified
            assert all(c.doc == d.doc for c in result.citations)
