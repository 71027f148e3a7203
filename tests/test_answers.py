"""Answers to the dev questions and to harder questions of our own, each figure cited.

The gold files give, for each question, the expected figure (or '文件中没有')
and the lines that prove it; an answer passes when its figure matches and a
citation covers one of those lines.  tests/questions/own_questions.jsonl was
written by reading the documents: colloquial names, a contradiction between
text and table, unfilled templates, a year that was never published.
"""
import json
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import REPO
from qa.answer import answer

DEV = REPO.parent / 'shared' / 'eval' / 'dev_questions.jsonl'
OWN = REPO / 'tests' / 'questions' / 'own_questions.jsonl'


def load(path: Path) -> list[dict]:
    return [json.loads(l) for l in path.read_text(encoding='utf-8').splitlines() if l.strip()] if path.exists() else []


CASES = load(DEV) + load(OWN)


def cites_evidence(result, gold) -> bool:
    return any(c.doc == e['doc'] and c.line_start - 2 <= e['line'] <= c.line_end + 2
               for c in result.citations for e in gold['evidence'])


def contains(result, gold) -> bool:
    text = result.answer.replace(',', '')
    for item in gold.get('must_contain') or []:
        options = item if isinstance(item, list) else [item]
        if not any(o.replace(',', '') in text for o in options):
            return False
    return True


@pytest.mark.parametrize('gold', CASES, ids=[g['id'] for g in CASES])
def test_answer(ctx, gold):
    result = answer(gold['question'], ctx, gold['id'])
    if gold['category'] == 'unanswerable':
        assert result.status == 'not_found', result.answer
        assert result.answer.startswith('文件中没有')
        return
    assert result.status == 'answered', result.answer
    if gold['answer_value'] is not None:
        assert result.value is not None and \
            abs(abs(Decimal(result.value)) - abs(Decimal(gold['answer_value']))) < Decimal('0.006'), \
            result.answer
    assert contains(result, gold), result.answer
    assert cites_evidence(result, gold), [(c.doc, c.line_start) for c in result.citations]
    assert result.verified, result.unverified_numbers


def test_every_figure_is_checked_against_its_citations(ctx):
    result = answer('州政府办2024年人员经费多少？', ctx)
    assert result.verified and result.unverified_numbers == ()
    assert '1,407.47万元' in result.answer and '1,312.21万元' in result.answer   # with its two parts


def test_sangong_answer_gives_the_four_parts_and_the_empty_table(ctx):
    result = answer('州政府办2024年三公经费是多少', ctx)
    assert (result.value, result.unit) == ('0.00', '万元')
    assert all(part in result.answer for part in ('因公出国（境）费', '公务用车购置费', '公务用车运行费', '公务接待费'))
    assert '表10为空表' in result.answer
    assert {c.doc for c in result.citations} == {'002_220f206dadf5e393.txt'}


def test_contradiction_is_shown_with_both_figures_and_sources(ctx):
    result = answer('昌吉州工信局2023年行政运行预算是多少', ctx)
    assert '459.41' in result.answer and '459.01' in result.answer and '不一致' in result.answer
    assert {c.line_start for c in result.citations} >= {728, 2344}
    assert 'document_contradiction' in result.warnings


def test_ambiguous_name_asks_which_one(ctx):
    result = answer('工信局三公经费', ctx)
    assert result.status == 'ambiguous'
    assert set(result.candidates) == {'克孜勒苏柯尔克孜自治州工业和信息化局', '昌吉州工业和信息化局'}


def test_missing_year_names_the_years_there_are(ctx):
    result = answer('克州工信局2026年预算多少？', ctx)
    assert result.status == 'not_found' and '2024年、2025年' in result.answer


def test_comparison_across_years_shows_formula_and_both_operands(ctx):
    result = answer('克州工信局2025年比2024年三公经费多了多少', ctx)
    assert result.value == '3.80' and result.method == 'computation'
    assert '13.80 − 10.00 = 3.80' in result.answer
    assert {c.doc for c in result.citations} == {'000_f62fb37ef8e53f88.txt', '001_efa3db65107556e7.txt'}


def test_comparison_across_organisations_warns_about_different_years(ctx):
    result = answer('克州工信局（2024）和昌吉州工信局（2023）房屋面积谁大？', ctx)
    assert '1,522.00平方米' in result.answer and '59.14平方米' in result.answer
    assert 'different_years' in result.warnings


def test_unfilled_template_is_not_an_answer(ctx):
    result = answer('开发区2024年机关运行经费是多少', ctx)
    assert result.status == 'not_found' and '模板' in result.answer
    assert result.citations and result.citations[0].doc == '004_e54530e087c47278.txt'


def test_a_figure_of_another_scope_is_not_called_a_contradiction(ctx):
    # 情况说明 states 行政运行 in the 一般公共预算 scope (1,284.64, as 表5 does); 表3 gives all funds (1,304.41)
    result = answer('州政府办2024年行政运行支出', ctx)
    assert 'document_contradiction' not in result.warnings and '不一致' not in result.answer
    assert '一般公共预算口径）为1,284.64万元' in result.answer


def test_a_real_contradiction_is_still_reported(ctx):
    result = answer('昌吉州工信局2023年行政运行多少', ctx)
    assert 'document_contradiction' in result.warnings and '459.01' in result.answer and '459.41' in result.answer


def test_a_change_the_document_does_not_state_is_not_answered_with_the_level(ctx):
    result = answer('开发区2024年公务接待费比上年增加多少', ctx)
    assert result.status == 'not_found' and result.value is None
    assert '没有写明' in result.answer and result.verified   # the level is given as context, still checked


QUESTIONS_A = REPO.parent / 'shared' / 'eval' / 'questions_a.jsonl'


@pytest.mark.skipif(not QUESTIONS_A.exists(), reason='../shared/eval/questions_a.jsonl not present')
def test_independent_questions_score_as_the_readers_expect(ctx):
    """The 120 questions of independent readers, scored as ../shared/eval/score.py scores them."""
    import importlib.util
    spec = importlib.util.spec_from_file_location('score', QUESTIONS_A.parent / 'score.py')
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    gold = load(QUESTIONS_A)
    answers = [answer(g['question'], ctx, g['id']).to_json() for g in gold]
    summary = score.summarise(score.score(gold, answers))
    assert summary['overall'][0] >= 95 and summary['refusal_correct'][0] == 100, summary
    assert summary['citation_hit'][0] >= 95, summary


def test_a_label_under_several_codes_is_listed_not_guessed(facts_ctx):
    result = answer('库尔勒开发区2024年行政运行是多少', facts_ctx)
    assert result.value is None and 'several_rows' in result.warnings
    assert '2010601（财政事务）' in result.answer and '2040201（公安）' in result.answer


def test_the_category_named_chooses_among_them(facts_ctx):
    result = answer('库尔勒开发区2024年财政事务的行政运行是多少', facts_ctx)
    assert result.value == '202' and result.citations[0].row == '行政运行'


@pytest.mark.parametrize('question, verdict', [
    ('克州工信局2024年三公经费是10万元吗', '是。'),
    ('州政府办2024年三公经费是5万元吗', '不是。'),
    ('州政府办2024年支出合计是不是1889万元', '大致是'),
])
def test_a_figure_stated_in_the_question_is_checked_against_the_printed_one(facts_ctx, question, verdict):
    """'X是N万元吗': whether N is the figure the document prints, then that figure, cited."""
    result = answer(question, facts_ctx)
    assert result.status == 'answered' and result.answer.startswith(verdict) and result.citations and result.verified
