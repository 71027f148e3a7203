"""Finding the stored facts a question is about.

    facts = scope_facts(store, question)                 # the asked organisations and years
    best = match_facts(question, facts)                   # [(score, fact), ...] best first

Facts are matched by the budget vocabulary (三公经费 → 表10 合计 …) and by
how much of a fact's own words — its row label, item and project — the
question repeats; the unit a question asks for (多少家, 面积, 比重) must agree.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.models import BudgetFact

from .understand import Question

# vocabulary item -> (table, row label, column) selectors for table facts, and text items
TABLE_SELECTORS: dict[str, tuple[tuple[int, str, str], ...]] = {
    '三公经费': ((10, '合计', '合计'),),
    '因公出国（境）费': ((10, '因公出国（境）费', '合计'),),
    '公务接待费': ((10, '公务接待费', '合计'),),
    '公务用车购置及运行费（小计）': ((10, '公务用车购置及运行费（小计）', '合计'),),
    '公务用车购置费': ((10, '公务用车购置费', '合计'),),
    '公务用车运行费': ((10, '公务用车运行费', '合计'),),
    '人员经费': ((6, '合计', '人员经费'),),
    '公用经费': ((6, '合计', '公用经费'),),
    '基本支出': ((3, '合计', '基本支出'), (3, '总计', '基本支出')),
    '一般公共预算基本支出': ((5, '合计', '基本支出'), (5, '总计', '基本支出')),
    '一般公共预算项目支出': ((5, '合计', '项目支出'), (5, '总计', '项目支出')),
    '项目支出': ((3, '合计', '项目支出'), (3, '总计', '项目支出')),
    '收支总预算': ((1, '收入总计', '预算数'),),
    '一般公共预算': ((1, '1.一般公共预算拨款', '预算数'),),
    '单位资金': ((1, '5.单位资金', '预算数'),),
    '财政拨款': ((4, '收入总计', '合计'),),
    '财政拨款结转': ((1, '1.财政拨款结转', '预算数'),),
    '非财政拨款结转结余': ((1, '2.非财政拨款结转结余', '预算数'),),
    '政府性基金预算': ((8, '合计', '合计'),),
    '国有资本经营预算': ((9, '合计', '合计'),),
}
TEXT_ITEMS = {
    '收支总预算': ('收支总预算',), '财政拨款': ('财政拨款收支总预算',), '政府采购预算': ('政府采购预算',),
    '车辆数量': ('车辆数量',), '房屋面积': ('房屋面积',),
}
# the words a template sentence uses for a vocabulary item, to tell "left unfilled" from "not there"
TEMPLATE_WORDS = {'机关运行经费': '运行经费', '政府采购预算': '政府采购', '政府采购货物预算': '政府采购',
                  '政府采购工程预算': '政府采购', '政府采购服务预算': '政府采购', '房屋面积': '房屋',
                  '车辆数量': '车辆', '三公经费': '三公'}
SANGONG_PARTS = ('因公出国（境）费', '公务用车购置费', '公务用车运行费', '公务接待费')
UNIT_WORDS = (('每月', ('元/月', '元/人/月', '万元/月')), ('人均', ('万元/人', '元/人')), ('多少家', ('家',)), ('几家', ('家',)), ('多少人', ('人',)), ('几人', ('人',)), ('多少辆', ('辆',)), ('几辆', ('辆',)), ('几个', ('个',)),
              ('面积', ('平方米', '平方公里')), ('比重', ('%',)), ('占比', ('%',)), ('百分之', ('%',)),
              ('多少钱', ('万元', '元', '亿元')), ('多少次', ('次',)), ('多少个', ('个',)))
TABLE_PREFERENCE = {3: 0, 1: 1, 5: 2, 6: 3, 7: 4, 4: 5, 10: 6, 2: 7}
VALUE_COLUMNS = ('合计', '预算数', '数额', '指标值', '项目资金', '总计')
GENERIC = set('的了是多少有什么年和与及在对为中吗呢')
# runs too common to say which row is meant: '预算', '支出', '专项资金' …
WEAK_RUNS = {'预算', '支出', '资金', '项目', '经费', '费用', '专项', '发展', '其他', '合计', '总计', '多少', '专项资金',
             '项目资金', '经费预算', '预算数',
             '上年', '比上年', '较上年', '上年增加', '上年减少', '比上年增加', '比上年减少', '较上年增加', '较上年减少'}


@dataclass(frozen=True)
class Scope:
    orgs: tuple[str, ...]
    years: tuple[int, ...]


def expected_units(question: Question) -> tuple[str, ...]:
    for word, units in UNIT_WORDS:
        if word in question.text:
            return units
    return ()


def vocabulary_facts(question: Question, facts: list[BudgetFact]) -> list[BudgetFact]:
    """Facts the budget vocabulary of the question points at, table facts first, in the unit the question asks."""
    units = expected_units(question)
    if units:
        facts = [f for f in facts if f.unit in units]
    out = []
    for item in question.items:
        for table_no, row, column in TABLE_SELECTORS.get(item, ()):
            out += [f for f in facts if f.table_no == table_no and f.row == row and f.column == column]
        names = TEXT_ITEMS.get(item, (item,))
        out += [f for f in facts if f.source == 'text' and f.item in names and f.column.startswith('数额')]
    return _unique(out)


def bigrams(text: str) -> set[str]:
    text = re.sub(r'[\s\W\d_]+', '', text)
    return {text[i:i + 2] for i in range(len(text) - 1) if not set(text[i:i + 2]) <= GENERIC}


def common_run(a: str, b: str) -> str:
    """The longest run of characters two texts share."""
    best = ''
    for i in range(len(a)):
        for j in range(i + len(best) + 1, len(a) + 1):
            if a[i:j] in b:
                best = a[i:j]
            else:
                break
    return best


def label_score(question: Question, fact: BudgetFact) -> float:
    """How much of the fact's own words the question repeats.

    The part of the question that names the fact's project is taken out
    first, so a row is matched on what the question asks about the project,
    not on the project's name again.
    """
    asked = _squash(question.content or question.text)
    score = 0.0
    if fact.project:
        run = common_run(asked, _squash(fact.project))
        if len(run) >= 4:
            asked = asked.replace(run, ' ')
            score += 2
    label = _squash(_strip_unit(fact.row or ''))
    if not label or not (bigrams(asked) & bigrams(label)) and label not in asked:
        return 0.0 if not fact.project else score - 2
    run = common_run(asked, label)
    if run in WEAK_RUNS or (len(run) < 3 and run != label):
        return score - 2 if fact.project else 0.0
    score += len(run) + 0.5 * len(bigrams(asked) & bigrams(label))
    if label in asked:
        score += 1
    return score


def project_of(question: Question, facts: list[BudgetFact]) -> tuple[str, str] | None:
    """(doc, project) the question names, when it names one clearly (five characters or more in common)."""
    asked = _squash(question.content or question.text)
    scored = {}
    for f in facts:
        if f.project and (f.doc, f.project) not in scored:
            name = _squash(f.project)
            run = common_run(asked, name)
            shared = len(bigrams(asked) & bigrams(name) - bigrams('项目资金经费专项'))
            if run not in WEAK_RUNS and (len(run) >= 5 or (len(run) >= 4 and shared >= 4)):
                scored[(f.doc, f.project)] = len(run) + 0.5 * shared
    return max(scored, key=scored.get) if scored else None


def match_facts(question: Question, facts: list[BudgetFact], minimum: float = 2.5) -> list[tuple[float, BudgetFact]]:
    units = expected_units(question)
    scored = []
    for fact in facts:
        if fact.column not in VALUE_COLUMNS and not fact.column.startswith('数额'):
            continue
        if units and fact.unit not in units:
            continue   # '多少钱' is never answered with a rate, '多少家' never with 万元
        score = label_score(question, fact)
        if fact.source == 'table' and fact.table_no and fact.column in ('合计', '预算数', '总计'):
            score += 0.5   # a row's total before its breakdown columns
        if score >= minimum:
            scored.append((score, fact))
    # ties: spending in all funds (表3, 表1) first, then 一般公共预算 (表5, 表6, 表7), 财政拨款 (表4), income (表2)
    scored.sort(key=lambda sf: (-sf[0], sf[1].doc, TABLE_PREFERENCE.get(sf[1].table_no, 9), sf[1].line_start))
    return scored


def change_facts(question: Question, facts: list[BudgetFact]) -> list[tuple[float, BudgetFact]]:
    """'比上年增加/减少' facts whose item the question names."""
    want = '减少' if re.search(r'(减少|少了|下降|降低)', question.text) else (
        '增加' if re.search(r'(增加|多了|增长|提高)', question.text) else '')
    scored = []
    for fact in facts:
        if not fact.column.startswith('比上年'):
            continue
        score = label_score(question, fact) + _item_bonus(question, fact)
        if want and not fact.column.endswith(want):
            score -= 1
        if score >= 2:
            scored.append((score, fact))
    scored.sort(key=lambda sf: (-sf[0], sf[1].line_start))
    return scored


def share_facts(question: Question, facts: list[BudgetFact]) -> list[tuple[float, BudgetFact]]:
    scored = [(label_score(question, f) + _item_bonus(question, f), f) for f in facts if f.column == '占比']
    scored = [(s, f) for s, f in scored if s >= 2]
    scored.sort(key=lambda sf: (-sf[0], sf[1].line_start))
    return scored


def _item_bonus(question: Question, fact: BudgetFact) -> float:
    label = fact.row or ''
    for part in re.findall(r'([\u4e00-\u9fff]+)（项）', label) or [label]:
        if part and part in question.text:
            return 3 + len(part) / 2
    return 0.0


def _squash(text: str) -> str:
    return re.sub(r'[\s（）()“”"，。？?、]', '', text)


def _strip_unit(label: str) -> str:
    return re.sub(r'[（(][^（）()]*[）)]$', '', label)


def _unique(facts: list[BudgetFact]) -> list[BudgetFact]:
    seen, out = set(), []
    for f in facts:
        key = (f.doc, f.table_no, f.row_code, f.row, f.column, f.line_start, f.value)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
