"""Understanding a question: which organisations, which years, what is asked.

    catalogue = Catalogue.from_documents(store.documents())
    q = understand('州政府办2024年三公经费是多少', catalogue)
    q.orgs, q.years, q.intent, q.items     # ('克孜勒苏柯尔克孜自治州人民政府办公室',), (2024,), 'figure', ('三公经费',)

A name that fits several organisations is kept in `q.ambiguous` with its
candidates; nothing here picks one of them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# canonical item -> words a journalist uses for it (longest first when matching)
VOCABULARY: dict[str, tuple[str, ...]] = {
    '三公经费': ('三公经费', '“三公”经费', '三公'),
    '因公出国（境）费': ('因公出国（境）费', '因公出国', '出国经费', '出国费', '出境'),
    '公务接待费': ('公务接待费', '接待费', '公务接待'),
    '公务用车购置及运行费（小计）': ('公务用车购置及运行费', '公车购置及运行', '公车费用'),
    '公务用车购置费': ('公务用车购置费', '公车购置', '购置公车', '买车'),
    '公务用车运行费': ('公务用车运行费', '公务用车运行维护费', '公车运行', '公车运维', '车辆运行费'),
    '人员经费': ('人员经费',),
    '公用经费': ('公用经费',),
    '一般公共预算基本支出': ('一般公共预算基本支出', '一般预算基本支出'),
    '一般公共预算项目支出': ('一般公共预算项目支出', '一般预算项目支出'),
    '基本支出': ('基本支出',),
    '项目支出': ('项目支出',),
    '一般公共预算': ('一般公共预算拨款', '一般公共预算', '一般预算'),
    '政府性基金预算': ('政府性基金',),
    '国有资本经营预算': ('国有资本经营',),
    '财政拨款结转': ('财政拨款结转',),
    '非财政拨款结转结余': ('非财政拨款结转结余', '非财政拨款结转'),
    '财政拨款': ('财政拨款收支', '财政拨款'),
    '单位资金': ('单位资金', '其他资金'),
    '收支总预算': ('收支总预算', '总预算', '预算总额', '预算总盘子', '收入预算', '支出预算'),
    '编制数': ('编制数', '编制'),
    '实有人数': ('实有人数', '实有', '总人数'),
    '在职人数': ('在职人数', '在职人员', '在职'),
    '退休人数': ('退休人数', '退休人员多少', '退休多少人'),
    '机关运行经费': ('机关运行经费', '单位运行经费'),
    '内设机构数': ('内设机构', '处室', '科室'),
    '政府采购货物预算': ('政府采购货物', '采购货物'),
    '政府采购工程预算': ('政府采购工程', '采购工程'),
    '政府采购服务预算': ('政府采购服务', '采购服务'),
    '政府采购预算': ('政府采购',),
    '车辆数量': ('车辆', '公车', '几辆车', '几辆', '多少辆', '公务用车数量'),
    '房屋面积': ('房屋面积', '房屋', '办公用房'),
    '上年结转结余': ('结转结余', '上年结转'),
}
INTENT_WORDS = (
    ('definition', ('是什么意思', '什么意思', '是指什么', '指什么', '含义', '什么是', '怎么定义', '定义')),
    ('reason', ('为什么', '原因', '为何')),
    ('rank', ('哪个单位最', '哪家最', '最高', '最多', '最大', '最少', '最低', '排名', '排序')),
    ('compare', ('谁大', '谁多', '谁高', '相比', '对比', '比较', '哪个大', '哪个多')),
    ('change', ('比上年', '比去年', '较上年', '增加了', '减少了', '增长', '下降', '变化', '多了', '少了', '增减', '增加多少',
                '减少多少', '多多少', '少多少', '相差', '差多少')),
    ('share', ('占比', '比重', '比例', '占多少', '占一般公共预算', '所占')),
    ('list', ('哪些', '有几个', '多少个项目', '列出', '分别是')),
    ('how', ('怎么分配', '如何分配', '怎么发', '如何发放', '怎么用', '用在', '用于')),
    ('yesno', ('吗', '是否', '有没有', '是不是')),
)
UNASKABLE = ('人均', '平均每人', '每个人')
# words that say which money a figure counts, not what it is: '财政拨款三公经费' asks for 三公经费
SCOPE_ITEMS = ('一般公共预算', '财政拨款', '政府性基金预算', '国有资本经营预算', '单位资金')
# a part named with its whole asks for the part: '三公经费中公务接待费'
PARTS = {'三公经费': ('因公出国（境）费', '公务接待费', '公务用车购置及运行费（小计）', '公务用车购置费', '公务用车运行费'),
         '公务用车购置及运行费（小计）': ('公务用车购置费', '公务用车运行费'),
         '政府采购预算': ('政府采购货物预算', '政府采购工程预算', '政府采购服务预算'),
         '收支总预算': ('一般公共预算', '基本支出', '项目支出')}
# '预算多少' alone asks for the total budget; next to another subject ('会议费预算多少') it does not
WEAK_TOTAL = ('预算多少', '预算是多少', '预算有多少', '总共多少', '一共多少')


@dataclass(frozen=True)
class OrgEntry:
    key: str
    names: tuple[str, ...]       # full names and aliases
    years: tuple[int, ...]


@dataclass
class Catalogue:
    orgs: list[OrgEntry]

    @classmethod
    def from_documents(cls, documents) -> 'Catalogue':
        by_key: dict[str, tuple[set[str], set[int]]] = {}
        for d in documents:
            names, years = by_key.setdefault(d.org_key, (set(), set()))
            names.update((d.org, d.org_key, *d.aliases))
            if d.year:
                years.add(d.year)
        return cls([OrgEntry(key, tuple(sorted(n, key=len, reverse=True)), tuple(sorted(y)))
                    for key, (n, y) in sorted(by_key.items())])

    def years_of(self, key: str) -> tuple[int, ...]:
        return next((o.years for o in self.orgs if o.key == key), ())


@dataclass(frozen=True)
class Question:
    text: str
    orgs: tuple[str, ...] = ()
    ambiguous: tuple[tuple[str, tuple[str, ...]], ...] = ()
    years: tuple[int, ...] = ()
    org_years: tuple[tuple[str, int], ...] = ()     # '克州工信局（2024）': years tied to an organisation
    intent: str = 'figure'
    items: tuple[str, ...] = ()
    terms: tuple[str, ...] = field(default=())     # content words left after removing names, years, vocabulary
    derived: bool = False                           # asks for a figure the documents do not state (人均 …)
    content: str = ''                               # the question without organisation names and years


def understand(text: str, catalogue: Catalogue) -> Question:
    clean = text.strip().replace(' ', '')
    orgs, ambiguous, spans = _find_orgs(clean, catalogue)
    years, org_years = _find_years(clean, spans)
    items, item_spans = _find_items(clean)
    items = _focused(items)
    terms = _terms(clean, spans + item_spans, items)
    if not items and not terms and any(w in clean for w in WEAK_TOTAL):
        items = ('收支总预算',)
    return Question(text=text.strip(), content=_content(clean, spans), orgs=orgs, ambiguous=ambiguous, years=years, org_years=org_years,
                    intent=_intent(clean, len(orgs)), items=items, terms=terms,
                    derived=any(w in clean for w in UNASKABLE))


def _find_orgs(text: str, catalogue: Catalogue):
    mentions = []   # (start, end, name, keys)
    names: dict[str, set[str]] = {}
    for entry in catalogue.orgs:
        for name in entry.names:
            if len(name) >= 2:
                names.setdefault(name, set()).add(entry.key)
    for name in sorted(names, key=len, reverse=True):
        for m in re.finditer(re.escape(name), text):
            if any(m.start() < e and s < m.end() for s, e, _, _ in mentions):
                continue
            mentions.append((m.start(), m.end(), name, names[name]))
    orgs, ambiguous = [], []
    for _, _, name, keys in sorted(mentions):
        if len(keys) == 1:
            key = next(iter(keys))
            if key not in orgs:
                orgs.append(key)
        else:
            ambiguous.append((name, tuple(sorted(keys))))
    spans = [(s, e) for s, e, _, _ in mentions]
    return tuple(orgs), tuple(ambiguous), spans


def _find_years(text: str, org_spans):
    years, tied = [], []
    for m in re.finditer(r'(?<!\d)(20\d\d|\d\d)(?=\s*年|[）)])', text):
        value = int(m.group(1))
        year = value if value > 1999 else 2000 + value
        if not 2000 <= year <= 2099 or re.match(r'\d\d年前', text[m.start():m.start() + 4]):
            continue
        if year not in years:
            years.append(year)
        before = [s for s in org_spans if s[1] <= m.start() and m.start() - s[1] <= 2]
        if before:
            tied.append((text[before[-1][0]:before[-1][1]], year))
    # years tie to organisations only when several are compared: 'X（2024）和Y（2023）'
    return tuple(years), tuple(tied) if len({name for name, _ in tied}) >= 2 else ()


def _find_items(text: str) -> tuple[tuple[str, ...], list[tuple[int, int]]]:
    found, taken = [], []
    pairs = sorted(((word, item) for item, words in VOCABULARY.items() for word in words), key=lambda p: -len(p[0]))
    for word, item in pairs:
        for m in re.finditer(re.escape(word), text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            if item not in found:
                found.append(item)
    return tuple(found), taken


def _focused(items: tuple[str, ...]) -> tuple[str, ...]:
    """The items a question asks for: a scope word only when nothing else is named, a part before its whole."""
    named = [i for i in items if i not in SCOPE_ITEMS] or list(items)
    return tuple(i for i in named if not any(part in named for part in PARTS.get(i, ())))


def _intent(text: str, n_orgs: int) -> str:
    if n_orgs >= 2 and re.search(r'(谁|哪个|哪家|比较|对比|相比|和)', text):
        return 'compare'
    for intent, words in INTENT_WORDS:
        if any(w in text for w in words):
            return intent
    return 'figure'


REGION_WORDS = re.compile(r'^(克孜勒苏柯尔克孜自治州|克孜勒苏州|昌吉回族自治州|昌吉州|巴音郭楞蒙古自治州|巴州|克州|自治州)')


def _content(text: str, org_spans) -> str:
    """The question without organisation names, a leading region name and years: what is asked about."""
    chars = list(text)
    for s, e in org_spans:
        for i in range(s, e):
            chars[i] = ' '
    region = REGION_WORDS.match(''.join(chars).strip())
    if region and len(''.join(chars).strip()) > len(region.group(0)) + 4:
        start = ''.join(chars).index(region.group(0))
        for i in range(start, start + len(region.group(0))):
            chars[i] = ' '
    text = re.sub(r'(?<!\d)(20\d\d|\d\d)\s*年(?!前)', ' ', ''.join(chars))
    text = re.sub(r'[（(]\s*20\d\d\s*(年)?\s*[）)]', ' ', text)
    return re.sub(r'\s+', ' ', text).strip()


STOP = re.compile(r'(是多少|有多少|多少钱|多少|是什么|什么|怎么|如何|吗|呢|的|了|年|预算|安排|经费|资金|项目|一下|请问|'
                  r'告诉我|本单位|单位|部门|哪些|几个|多大|多少家|多少人)')


def _terms(text: str, org_spans, items) -> tuple[str, ...]:
    chars = list(text)
    for s, e in org_spans:
        for i in range(s, e):
            chars[i] = ' '
    rest = re.sub(r'(?<!\d)(20\d\d|\d\d)\s*年', ' ', ''.join(chars))
    rest = re.sub(r'[，。？?！!、：:（）()“”"\s]+', ' ', rest)
    rest = STOP.sub(' ', rest)
    return tuple(t for t in rest.split() if len(t) >= 2)
