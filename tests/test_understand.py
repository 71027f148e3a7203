"""Understanding a question: organisations (place + body, or not loaded), years, kinds, items."""
import pytest

from qa.normalize import name_key, normalise
from qa.understand import understand
from qa.years import find_years, resolve

KEZHOU_GOV = '克孜勒苏柯尔克孜自治州人民政府办公室'
KEZHOU_IT = '克孜勒苏柯尔克孜自治州工业和信息化局'
CHANGJI_IT = '昌吉州工业和信息化局'
KORLA = '库尔勒经济技术开发区管理委员会'


def resolve_org(facts_ctx, text):
    return facts_ctx.directory.resolve(normalise(text))


@pytest.mark.parametrize('text, org', [
    ('州政府办2024年三公经费是多少', KEZHOU_GOV),
    ('克州政府办的人员经费', KEZHOU_GOV),
    ('克州人民政府办公室2024年收支总预算', KEZHOU_GOV),
    ('克州工信局2025年基本支出', KEZHOU_IT),
    ('2024年克孜勒苏州工业和信息化局实有人数', KEZHOU_IT),
    ('中共克孜勒苏柯尔克孜自治州工业和信息化局编制数', KEZHOU_IT),
    ('昌吉州工信局委托业务费', CHANGJI_IT),
    ('昌吉回族自治州工业和信息化局有哪些科室', CHANGJI_IT),
    ('库尔勒经开区的劳务费', KORLA),
    ('库尔勒开发区管委会编制多少人', KORLA),
])
def test_organisation_by_place_and_body(facts_ctx, text, org):
    assert resolve_org(facts_ctx, text).keys == (org,)


@pytest.mark.parametrize('text', [
    '和静县政府办2024年三公经费是多少', '克州发改委2024年预算', '喀什地区人社局实有人数', '奎屯市开发区管委会编制',
    '阿克苏地区行署办公室2024年三公经费多少', '阿克苏地区2024年三公经费多少', '巴州公安局2024年预算',
    '开发区第二中学的预算', '伊犁州工信局2024年三公经费'])
def test_a_place_or_body_that_is_not_loaded_is_unknown(facts_ctx, text):
    r = resolve_org(facts_ctx, text)
    assert r.unknown and not r.keys


def test_a_body_that_fits_several_organisations_is_ambiguous(facts_ctx):
    r = resolve_org(facts_ctx, '工信局三公经费多少')
    mention, keys = r.ambiguous[0]
    assert mention == '工信局' and set(keys) == {KEZHOU_IT, CHANGJI_IT}


@pytest.mark.parametrize('text, named_as', [
    ('开发区第一中学承担了哪些项目', '开发区第一中学'),
    ('开发区消防大队国家队人员绩效项目多少钱', '消防救援大队'),
    ('库尔勒开发区规划建设局的建设行业业务经费是多少', '规划建设局'),
])
def test_a_unit_named_inside_a_document_is_its_subunit(facts_ctx, text, named_as):
    r = resolve_org(facts_ctx, text)
    if r.keys:                                       # '库尔勒开发区' resolves, '规划建设局' is named in its document
        assert r.keys == (KORLA,)
    else:
        assert r.subunits[0].parent == KORLA and r.subunits[0].named_as.endswith(named_as)


@pytest.mark.parametrize('text', ['自治区中小企业发展专项资金16万元具体怎么分', '克州一建退休人员医保每月缴多少',
                                  '全州规模以上工业增加值要增长多少'])
def test_a_place_inside_a_stored_name_is_not_an_organisation(facts_ctx, text):
    assert not resolve_org(facts_ctx, text).unknown


@pytest.mark.parametrize('text, explicit, relative', [
    ('克州工信局2024和2025年三公经费', (2024, 2025), ()),
    ('2024-2025年', (2024, 2025), ()),
    ('24年州政府办人员经费', (2024,), ()),
    ('去年的三公经费', (), ('-1',)),
    ('近两年三公经费', (), ('last2',)),
    ('比去年多了多少', (), ()),
    ('开发区1995年前退休人员生活补助怎么发', (), ()),
    ('2000年7月21日批准成立', (), ()),
    ('机场贵宾厅接待2000人', (), ()),
    ('二〇二四年州政府办三公经费', (2024,), ()),
    ('2025版预算公开里', (2025,), ()),
])
def test_years(text, explicit, relative):
    found = find_years(normalise(text))
    assert (found.explicit, found.relative) == (explicit, relative)


def test_relative_years_count_from_the_organisations_documents():
    assert resolve(find_years('去年'), (2023, 2024, 2025)) == (2024,)
    assert resolve(find_years('近两年'), (2023, 2024, 2025)) == (2024, 2025)


def test_a_year_word_inside_an_item_name_is_not_a_year(facts_ctx):
    plan = understand('州政府办2024年预算里上年结转结余有多少', facts_ctx)
    assert plan.kind == 'lookup' and plan.years == (2024,)


def test_a_year_with_no_document_is_refused_with_the_years_there_are(facts_ctx):
    plan = understand('克州工信局2026年预算多少', facts_ctx)
    assert plan.kind == 'refuse' and '2024' in plan.reason and '2025' in plan.reason


@pytest.mark.parametrize('text, kind', [
    ('州政府办2024年三公经费是多少', 'lookup'),
    ('克州工信局2025年基本支出比上年增加多少', 'diff'),
    ('克州工信局2025年比2024年基本支出增加多少', 'diff'),
    ('克州工信局一般公共服务支出占一般公共预算的比重', 'share'),
    ('项目支出是什么意思', 'define'),
    ('预算公开里说的三公经费具体指哪几项', 'define'),
    ('三公经费哪个单位最高', 'rank'),
    ('州政府办有没有政府性基金预算支出', 'exists'),
    ('克州工信局2024年有政府性基金预算支出吗', 'exists'),
    ('州政府办负责政务公开吗', 'duty'),
    ('昌吉州工信局管不管盐业', 'duty'),
    ('库尔勒开发区下属单位里有学校吗', 'structure'),
    ('州政府办有没有信息科', 'structure'),
    ('克州工信局2024年一共有几张表', 'tables'),
    ('克州工信局2024年有没有上年结转结余明细表', 'tables'),
    ('预算表里的财政拨款指的是哪几块钱', 'define'),
    ('州政府办下设几个处室', 'count'),
    ('州政府办2024年一般公共预算都安排了哪些项目', 'list'),
    ('克州工信局和昌吉州工信局的三公经费比较', 'compare'),
    ('州政府办一般公共预算增加的主要原因', 'explain'),
    ('开发区党建工作项目由谁承担', 'detail'),
    ('工资福利支出加上对个人和家庭的补助一共多少', 'sum'),
    ('业务咨询费最多能花多少', 'lookup'),
])
def test_kind(facts_ctx, text, kind):
    assert understand(text, facts_ctx).kind == kind


@pytest.mark.parametrize('text, parts', [
    ('州政府办2024年机关运行经费是多少？比去年多了多少？', ('lookup', 'diff')),
    ('州政府办机场贵宾厅一年接待多少人，人均成本多少？', ('lookup', 'lookup')),
])
def test_several_questions_in_one_are_planned_part_by_part(facts_ctx, text, parts):
    plan = understand(text, facts_ctx)
    assert tuple(p.kind for p in plan.parts) == parts


def test_a_part_without_an_item_carries_the_item_before_it(facts_ctx):
    plan = understand('州政府办2024年机关运行经费是多少？比去年多了多少？', facts_ctx)
    assert plan.parts[1].carried and '机关运行经费' in plan.parts[1].items


@pytest.mark.parametrize('text, units', [('州政府办有几辆车', ('辆',)), ('实有多少人', ('人', '名', '人次')),
                                         ('三公经费多少钱', ('万元', '元', '亿元'))])
def test_the_unit_asked_for(facts_ctx, text, units):
    assert understand(text, facts_ctx).units == units


def test_traditional_characters_and_full_width_digits_read_the_same(facts_ctx):
    plain = understand('州政府办2024年三公经费是多少', facts_ctx)
    variant = understand('州政府辦２０２４年“三公”經費是多少？', facts_ctx)
    assert (variant.kind, variant.orgs, variant.years) == (plain.kind, plain.orgs, plain.years)


def test_english_is_read_through_the_glossary(facts_ctx):
    plan = understand('What are the three public expenses of the Korla development zone in 2024?', facts_ctx)
    assert plan.orgs == (KORLA,) and plan.years == (2024,) and plan.kind == 'lookup'


def test_stored_labels_are_compared_without_numbering_and_units():
    assert name_key('1. 一般公共预算拨款') == '一般公共预算拨款'
    assert name_key('开展专项会议相关费用(万元)') == '开展专项会议相关费用'
