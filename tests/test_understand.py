"""Question understanding: organisations by alias, years, vocabulary, ambiguity."""
import pytest

from qa.understand import Catalogue, understand


class Doc:
    def __init__(self, org, key, year, aliases):
        self.org, self.org_key, self.year, self.aliases, self.doc = org, key, year, aliases, f'{key}{year}'


@pytest.fixture(scope='module')
def catalogue(parsed):
    from ingest.orgs import org_key
    return Catalogue.from_documents([Doc(d.org, org_key(d.org), d.year, d.aliases) for d in parsed.values()])


@pytest.mark.parametrize('text, org', [
    ('州政府办2024年三公经费是多少', '克孜勒苏柯尔克孜自治州人民政府办公室'),
    ('克州政府办的人员经费', '克孜勒苏柯尔克孜自治州人民政府办公室'),
    ('克州工信局2025年基本支出', '克孜勒苏柯尔克孜自治州工业和信息化局'),
    ('中共克孜勒苏柯尔克孜自治州工业和信息化局编制数', '克孜勒苏柯尔克孜自治州工业和信息化局'),
    ('昌吉州工信局委托业务费', '昌吉州工业和信息化局'),
    ('库尔勒经开区的劳务费', '库尔勒经济技术开发区管理委员会'),
    ('开发区第一中学承担了哪些项目', '库尔勒经济技术开发区管理委员会'),
])
def test_organisation_by_alias(catalogue, text, org):
    assert understand(text, catalogue).orgs == (org,)


def test_a_name_that_fits_several_organisations_is_ambiguous(catalogue):
    q = understand('工信局三公经费多少', catalogue)
    assert q.orgs == ()
    name, keys = q.ambiguous[0]
    assert name == '工信局' and set(keys) == {'克孜勒苏柯尔克孜自治州工业和信息化局', '昌吉州工业和信息化局'}


@pytest.mark.parametrize('text, years', [
    ('州政府办2024年三公经费', (2024,)), ('24年州政府办人员经费', (2024,)), ('州政府办三公经费', ()),
    ('克州工信局2025年比2024年一般公共预算多了多少', (2025, 2024)),
    ('开发区1995年前退休人员生活补助怎么发', ()),
])
def test_years(catalogue, text, years):
    assert understand(text, catalogue).years == years


def test_years_tied_to_organisations_when_comparing(catalogue):
    q = understand('克州工信局（2024）和昌吉州工信局（2023）房屋面积谁大？', catalogue)
    assert q.intent == 'compare' and dict(q.org_years) == {'克州工信局': 2024, '昌吉州工信局': 2023}


@pytest.mark.parametrize('text, intent, items', [
    ('州政府办2024年三公经费是多少', 'figure', ('三公经费',)),
    ('州政府办公车运行费多少', 'figure', ('公务用车运行费',)),
    ('克州工信局2025年基本支出比上年增加多少', 'change', ('基本支出',)),
    ('克州工信局一般公共服务支出占一般公共预算的比重', 'share', ('一般公共预算',)),
    ('项目支出是什么意思', 'definition', ('项目支出',)),
    ('三公经费哪个单位最高', 'rank', ('三公经费',)),
    ('州政府办负责政务公开吗', 'yesno', ()),
    ('州政府办2024年会议费预算多少', 'figure', ()),
])
def test_intent_and_vocabulary(catalogue, text, intent, items):
    q = understand(text, catalogue)
    assert (q.intent, q.items) == (intent, items)


def test_content_leaves_out_names_and_years(catalogue):
    assert understand('库尔勒开发区2024年劳务费多少？', catalogue).content == '劳务费多少？'


@pytest.mark.parametrize('text, items', [
    ('州政府办2024年财政拨款三公经费', ('三公经费',)),                       # a scope word does not split the question
    ('州政府办2024年一般公共预算基本支出多少', ('一般公共预算基本支出',)),      # it names 表5's column
    ('昌吉州2023年三公经费中公务接待费', ('公务接待费',)),                     # the part, not its whole
    ('昌吉州工信局2023年实有人数和编制数', ('编制数', '实有人数')),             # two items, each answered
    ('州政府办2024年一般公共预算多少', ('一般公共预算',)),
])
def test_items_a_question_asks_for(catalogue, text, items):
    assert sorted(understand(text, catalogue).items) == sorted(items)


@pytest.mark.parametrize('text', ['克州工信局2025年比2024年基本支出增加多少', '克州工信局2025年三公经费比2024年多多少'])
def test_year_against_year_is_a_change(catalogue, text):
    assert understand(text, catalogue).intent == 'change'
