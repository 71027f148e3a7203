"""Facts stated in the prose: staffing, 三公, 机关运行经费, 政府采购, 国有资产,
projects, and every '比上年增加/减少 X 万元' tied to the item it is about.

    facts, statements = read_narrative(blocks)
    facts[0]   # TextFact(item='编制数', column='数额', value=Decimal('29'), unit='人', ...)

Specific patterns run first and give facts a canonical `item`; a general
pattern then keeps every other 'name + amount + unit' mention, so a figure in
the prose can always be traced even when no pattern knows what it is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .models import Block, Statement
from .numbers import read_number
from .vocabulary import name_ending

# bounded digit runs that start where a run of digits starts: a long run of digits stays linear to scan
NUM = r'((?<![\d.])(?:\d{1,3}(?:[,，]\d{3}){1,5}(?:\.\d{1,6})?|\d{1,15}(?:\s?\.\s?\d{1,6})?))'
SP = r'\s*'
CHANGE = (rf'{SP}[，,]?{SP}比上年(?:预算)?(?P<dir>增加|减少|增长|下降){SP}(?P<chg>{NUM}){SP}万元'
          rf'(?:{SP}[，,]?{SP}(?P<ratedir>增长|下降|增加|减少){SP}(?P<chgpct>{NUM}){SP}%)?')
SANGONG_PARTS = ('因公出国（境）费', '公务用车购置费', '公务用车运行费', '公务接待费')


PROJECT_NAME = re.compile(r'项目名称[:：]\s*(.+?)\s*(?=设立的政策依据|预算安排规模|项目承担单位|$)')


@dataclass(frozen=True)
class TextFact:
    item: str          # canonical key ('三公经费', '编制数'), or the phrase before the figure
    column: str        # what the number is: '数额', '比上年增加', '占比', '价值', …
    value: Decimal
    unit: str
    raw: str
    line_start: int
    line_end: int
    section: str
    project: str = ''
    canonical: bool = True
    sentence: str = ''


class _Reader:
    def __init__(self, block: Block, as_of: str = ''):
        self.block = block
        self.as_of = as_of      # '2022' from '截至2022年底' earlier in the same section
        self.text = block.text
        self.section = ' > '.join(block.heading_path)
        self.facts: list[TextFact] = []
        self.covered: list[tuple[int, int]] = []

    def add(self, item, column, raw_number, unit, span, project='', canonical=True):
        reading = read_number(raw_number.replace('，', ','))
        if reading is None:
            return
        start, end = span
        self.facts.append(TextFact(item, column, reading.value, unit, raw_number, self.block.line_of(start),
                                   self.block.line_of(end - 1), self.section, project, canonical,
                                   self.sentence_at(start)))
        self.covered.append(span)

    def sentence_at(self, index: int) -> str:
        start = max(self.text.rfind(p, 0, index) for p in '。；;') + 1
        ends = [self.text.find(p, index) for p in '。；;']
        end = min([e for e in ends if e >= 0] or [len(self.text) - 1]) + 1
        return self.text[start:end].strip()

    def is_covered(self, start: int, end: int) -> bool:
        return any(a <= start < b or a < end <= b for a, b in self.covered)


def read_narrative(blocks: list[Block]) -> tuple[list[TextFact], list[Statement]]:
    facts: list[TextFact] = []
    statements: list[Statement] = []
    project = ''
    as_of, as_of_section = '', ()
    for block in blocks:
        if block.kind == 'table':
            continue
        stated = re.search(r'截至\s*(20\d\d)\s*年底', block.text)
        if stated:
            as_of, as_of_section = stated.group(1), block.heading_path
        elif block.heading_path != as_of_section:
            as_of = ''
        reader = _Reader(block, as_of)
        name = PROJECT_NAME.search(block.text)
        if name:
            project = name.group(1).strip()
        if block.kind == 'heading':
            continue
        elif not re.search(r'(设立的政策依据|预算安排规模|项目承担单位|资金分配情况|资金执行时间'
                           r'|资金来源|补贴|发放|受益)', block.text[:12]):
            project = '' if block.heading_path and '项目支出情况说明' not in block.heading_path[-1] else project
        for extractor in EXTRACTORS:
            extractor(reader, project)
        _general(reader, project)
        facts.extend(reader.facts)
        statements.extend(_statements(block))
    return facts, statements


# ---- specific patterns ---------------------------------------------------------------

def _staff(r: _Reader, project: str) -> None:
    for m in re.finditer(rf'下设{SP}{NUM}{SP}个(处室|科室|内设机构)', r.text):
        r.add('内设机构数', '数额', m.group(1), '个', m.span())
    if not re.search(r'(编制数|实有人数|^在职)', r.text):
        return   # '企业退休 2 人' in a project is not the unit's staff
    for m in re.finditer(rf'编制数{SP}{NUM}', r.text):
        r.add('编制数', '数额', m.group(1), '人', m.span())
    for m in re.finditer(rf'实有人数{SP}{NUM}{SP}人', r.text):
        r.add('实有人数', '数额', m.group(1), '人', m.span())
    for m in re.finditer(rf'(在职|退休|离休){SP}{NUM}{SP}人(?:{SP}[，,]{SP}(增加|减少){SP}{NUM}{SP}人)?', r.text):
        item = f'{m.group(1)}人数'
        r.add(item, '数额', m.group(2), '人', m.span())
        if m.group(3):
            r.add(item, f'比上年{m.group(3)}', m.group(4), '人', m.span(4))


def _totals(r: _Reader, project: str) -> None:
    patterns = (('收支总预算', rf'(?<!财政拨款)收支总预算{SP}{NUM}{SP}万元'),
                ('财政拨款收支总预算', rf'财政拨款收支总预算{SP}{NUM}{SP}万元'),
                ('收入预算', rf'收入预算{SP}{NUM}{SP}万元{SP}[，,]{SP}其'),
                ('支出预算', rf'支出预算{SP}{NUM}{SP}万元{SP}[，,]{SP}其'),
                ('一般公共预算拨款合计', rf'一般公共预算拨款合计{SP}{NUM}{SP}万元'),
                ('一般公共预算基本支出', rf'一般公共预算基本支出{SP}{NUM}{SP}万元'),
                ('人员经费', rf'(?<![\u4e00-\u9fff])人员经费{SP}{NUM}{SP}万元'),
                ('公用经费', rf'(?<![\u4e00-\u9fff])公用经费{SP}{NUM}{SP}万元'),
                ('预算安排规模', rf'预算安排规模[:：]{SP}{NUM}{SP}万元'))
    for item, pattern in patterns:
        for m in re.finditer(pattern, r.text):
            if not r.is_covered(*m.span(1)):
                r.add(item, '数额', m.group(1), '万元', m.span(1), project if item == '预算安排规模' else '')


def _sangong(r: _Reader, project: str) -> None:
    m = re.search(rf'“?三公”?经费(?:预算)?数?为{SP}{NUM}{SP}万元', r.text)
    if m:
        r.add('三公经费', '数额', m.group(1), '万元', m.span(1))
        tail = r.text[m.end():]
        for part in SANGONG_PARTS:
            pm = re.search(re.escape(part) + rf'{SP}{NUM}{SP}万元', tail)
            if pm:
                r.add(part, '数额', pm.group(1), '万元', (m.end() + pm.start(1), m.end() + pm.end(1)))
    m = re.search(rf'“?三公”?经费(?:预算)?比上年(?:预算)?(增加|减少){SP}{NUM}{SP}万元'
                  rf'(?:{SP}[，,]{SP}(增长|下降){SP}{NUM}{SP}%)?', r.text)
    if m:
        r.add('三公经费', f'比上年{m.group(1)}', m.group(2), '万元', m.span(2))
        if m.group(4):
            r.add('三公经费', f'{m.group(3)}率', m.group(4), '%', m.span(4))
        tail_start = m.end()
        for part in SANGONG_PARTS:
            pm = re.search(re.escape(part) + rf'(增加|减少){SP}{NUM}{SP}万元'
                                             rf'(?:{SP}[，,]{SP}(增长|下降){SP}{NUM}{SP}%)?', r.text[tail_start:])
            if pm:
                r.add(part, f'比上年{pm.group(1)}', pm.group(2), '万元',
                      (tail_start + pm.start(2), tail_start + pm.end(2)))
                if pm.group(4):
                    r.add(part, f'{pm.group(3)}率', pm.group(4), '%',
                          (tail_start + pm.start(4), tail_start + pm.end(4)))


def _running_costs(r: _Reader, project: str) -> None:
    m = re.search(rf'机关运行经费(?:财政拨款)?预算{SP}{NUM}{SP}万元(?:{CHANGE})?', r.text)
    if m:
        r.add('机关运行经费', '数额', m.group(1), '万元', m.span(1))
        _change(r, m, '机关运行经费')


def _procurement(r: _Reader, project: str) -> None:
    for item, pattern in (('政府采购预算', rf'政府采购预算{SP}{NUM}{SP}万元'),
                          ('政府采购货物预算', rf'政府采购货物预算{SP}{NUM}{SP}万元'),
                          ('政府采购工程预算', rf'政府采购工程预算{SP}{NUM}{SP}万元'),
                          ('政府采购服务预算', rf'政府采购服务预算{SP}{NUM}{SP}万元'),
                          ('面向中小企业预留政府采购项目预算', rf'面向中小企业预留政府采购项目预算金额{SP}{NUM}{SP}万'),
                          ('面向小微企业预留政府采购项目预算', rf'小微企业预留政府采购项目预算金额{SP}{NUM}{SP}万')):
        for m in re.finditer(pattern, r.text):
            if not r.is_covered(*m.span(1)):
                r.add(item, '数额', m.group(1), '万元', m.span(1))


def _assets(r: _Reader, project: str) -> None:
    column_suffix = f'（截至{r.as_of}年底）' if r.as_of else ''
    for m in re.finditer(rf'房屋{SP}{NUM}{SP}平方米{SP}[，,]{SP}价值{SP}{NUM}{SP}万元', r.text):
        r.add('房屋面积', '数额' + column_suffix, m.group(1), '平方米', m.span(1))
        r.add('房屋价值', '数额' + column_suffix, m.group(2), '万元', m.span(2))
    for m in re.finditer(rf'(车辆|一般公务用车|执法执勤用车|其他车辆){SP}{NUM}{SP}辆{SP}[，,]{SP}价值{SP}{NUM}{SP}万元',
                         r.text):
        r.add(f'{m.group(1)}数量', '数额' + column_suffix, m.group(2), '辆', m.span(2))
        r.add(f'{m.group(1)}价值', '数额' + column_suffix, m.group(3), '万元', m.span(3))
    for m in re.finditer(rf'(办公家具|其他资产)价值{SP}{NUM}{SP}万元', r.text):
        r.add(f'{m.group(1)}价值', '数额' + column_suffix, m.group(2), '万元', m.span(2))
    for m in re.finditer(rf'(?:单位|部门)?价值{SP}(50|100){SP}万元以上大型设备{SP}{NUM}{SP}台', r.text):
        planned = '购置' in r.text[max(0, m.start() - 40):m.start()]
        item = f'{"预算安排购置" if planned else "现有"}单位价值{m.group(1)}万元以上大型设备'
        r.add(item, '数额', m.group(2), '台', m.span(2))
    for m in re.finditer(rf'安排购置{SP}(50|100){SP}万元以上大型设备{SP}{NUM}{SP}台', r.text):
        r.add(f'预算安排购置单位价值{m.group(1)}万元以上大型设备', '数额', m.group(2), '台', m.span(2))


def _subjects(r: _Reader, project: str) -> None:
    """'…（类）…（款）…（项）：2024 年预算数为 388.43 万元，比上年预算减少 170.13 万元，下降 30.46%'."""
    # bounded runs: an unbounded run before a literal backtracks over a long line (time grows with its square)
    pattern = (rf'(?P<cls>[\u4e00-\u9fff]{{1,30}})(?:支出)?[（(]类[）)]'
               rf'(?P<kuan>[\u4e00-\u9fff（）()室]{{1,40}}?)[（(]款[）)]'
               rf'(?P<xiang>[\u4e00-\u9fff（）()室]{{1,40}}?)[（(]项[）)]'
               rf'[:：]{SP}20\d\d{SP}年{SP}预算{SP}数为{SP}(?P<val>{NUM}){SP}万元'
               rf'(?:{CHANGE})?')
    for m in re.finditer(pattern, r.text.replace(' ', '').replace(',比上年', '，比上年')):
        item = f"{m.group('cls')}（类）{m.group('kuan')}（款）{m.group('xiang')}（项）"
        _add_spanless(r, m, item)


def _add_spanless(r: _Reader, m, item: str) -> None:
    """Matches made on the text without spaces: map the span back by counting characters."""
    squeezed_to_real = [i for i, c in enumerate(r.text) if c != ' ']

    def real(span):
        return squeezed_to_real[span[0]], squeezed_to_real[span[1] - 1] + 1

    r.add(item, '数额', m.group('val'), '万元', real(m.span('val')))
    if m.group('dir'):
        r.add(item, f'比上年{_direction(m.group("dir"))}', m.group('chg'), '万元', real(m.span('chg')))
        if m.group('chgpct'):
            r.add(item, _rate_column(m.group('ratedir')), m.group('chgpct'), '%', real(m.span('chgpct')))


def _direction(word: str) -> str:
    return {'增长': '增加', '下降': '减少'}.get(word, word)


def _rate_column(word: str) -> str:
    """The rate as printed: '减少143万元，增加8%' keeps 增长率 8%, the document's own words."""
    return '增长率' if _direction(word) == '增加' else '下降率'


def _amount_changes(r: _Reader, project: str) -> None:
    """'基本支出 561.95 万元，占 55.99%，比上年预算增加 9.59 万元，增长 1.74%'."""
    pattern = (rf'(?P<item>[\u4e00-\u9fff（）()“”]{{2,30}}?)(?:安排)?{SP}(?P<val>{NUM}){SP}万元'
               rf'(?:{SP}[，,]{SP}占{SP}(?P<pct>{NUM}){SP}%)?(?:{CHANGE})?')
    for m in re.finditer(pattern, r.text):
        if not (m.group('pct') or m.group('dir')) or r.is_covered(*m.span('val')):
            continue
        item = _clean_item(m.group('item'))
        if not item:
            continue
        if item in ('基本支出', '项目支出') and '一般公共预算当年拨款' in r.section:
            item = '一般公共预算拨款' + item   # not the all-funds 基本支出/项目支出 stated earlier
        r.add(item, '数额', m.group('val'), '万元', m.span('val'), project)
        if m.group('pct'):
            r.add(item, '占比', m.group('pct'), '%', m.span('pct'), project)
        _change(r, m, item, project)


def _change(r: _Reader, m, item: str, project: str = '') -> None:
    if m.groupdict().get('dir'):
        r.add(item, f'比上年{_direction(m.group("dir"))}', m.group('chg'), '万元', m.span('chg'), project)
        if m.group('chgpct'):
            r.add(item, _rate_column(m.group('ratedir')), m.group('chgpct'), '%', m.span('chgpct'), project)


ITEM_NOISE = re.compile(r'^(其中|包括|主要用于|合计|共计|支出预算|收入预算|年|预算数为|预算数|为)+')


def _clean_item(item: str) -> str:
    item = re.sub(r'^.*?(其中[:：]?|：|:)', '', item)
    item = re.sub(r'(年)?$', '', ITEM_NOISE.sub('', item))
    item = re.sub(r'（类）$', '', item)
    return item.strip('，,、：: ')


def _general(r: _Reader, project: str) -> None:
    """Every other 'phrase + number + unit' in the prose."""
    pattern = (rf'(?P<item>[\u4e00-\u9fff“”（）()A-Za-z0-9]{{1,24}}?)[:：为约]?{SP}(?P<op>[≥≤<>＞＜=]{{0,2}}){SP}'
               rf'(?P<val>{NUM}){SP}(?P<unit>万元/人|元/人/月|元/人|元/月|万元|亿元|元|平方米|平方公里|人次|人|辆|台|个|家|项|次|%|套|户|名)')
    for m in re.finditer(pattern, r.text):
        if r.is_covered(*m.span('val')):
            continue
        item = _clean_item(m.group('item'))
        if m.group('unit') in COUNTED and (not item or len(item) <= 2):
            item = item + _counted_noun(r.text, m.end())     # '建立 6 个专题库' is about 专题库
        if not item or re.fullmatch(r'[\d（）()]+', item) or re.fullmatch(r'20\d\d', m.group('val')):
            continue
        if item.endswith('名称'):   # '项目名称：5111 人才专项资金': digits of a name, not a figure
            continue
        year = _stated_year(r.text, m.start('item'), m.group('item'))
        if year:
            item = re.sub(r'^20\d\d\s*年度?', '', item) or item
        item = _of_counted(r.text[:m.start('item')], item)
        column = f'数额（{year}年）' if year else '数额'
        r.add(item, column, m.group('val'), m.group('unit'), m.span('val'), project, canonical=False)


def _stated_year(text: str, start: int, item: str) -> str:
    """'2023 年一般公共预算收入预算 100000 万元编列': the year written right before the figure's words, which
    may be another year than the document's (last year's figure, stated beside this year's)."""
    words = re.sub(r'^20\d\d\s*', '', item)
    words = re.sub(r'^年度?', '', words)
    head = text[max(0, start - 8):start] + item[:len(item) - len(words)]
    m = re.search(r'(20\d\d)\s*年度?$', head)
    return m.group(1) if m and words else ''


COUNTED = ('个', '项', '家', '人', '名', '辆', '台', '套', '户')
COUNTED_BEFORE = re.compile(r'([\u4e00-\u9fff]{2,16})\s*\d+\s*个\s*[，,]\s*$')


def _of_counted(before: str, item: str) -> str:
    """'非财政拨款项目 1 个，涉及预算金额 4.08 万元': the amount involved is the counted things' —
    '非财政拨款项目涉及预算金额' (beside '财政拨款项目 4 个，涉及预算金额 209.00 万元' in the same sentence)."""
    counted = COUNTED_BEFORE.search(before)
    if not item.startswith('涉及') or counted is None:
        return item
    return counted.group(1).split('的')[-1] + item


def _counted_noun(text: str, end: int) -> str:
    """'共计 8 个项目，其中 3 个项目涉密…': what is counted, when the words before the number name nothing."""
    m = re.match(r'\s*([\u4e00-\u9fff]{2,8})', text[end:])
    return m.group(1) if m else ''


EXTRACTORS = (_staff, _sangong, _running_costs, _procurement, _assets, _subjects, _totals, _amount_changes)


# ---- statements: not arranged, template left unfilled -----------------------------

TEMPLATE = re.compile(r'\*[^*]{1,20}\*|[XＸ×]{2}\s*(?:万元|个)|'
                      r'(?:为|增加|减少|预算|安排|拨款|共计|合计|价值|金额|房屋|车辆|用车)\s*(?:万元|平方米|辆|台)(?!以上)')


ABSENCE = (re.compile(r'没有(?:使用)?(?P<s>[^，。；]{2,30}?)(?:预算)?安排的支出'),
           re.compile(r'(?P<s>[^，。；]{2,30}?)为空表'),
           re.compile(r'(?P<s>[^，。；：:]{2,30}?)(?:均)?未安排'),
           re.compile(r'未安排(?P<s>[^，。；\d]{2,20})'),
           re.compile(r'(?<![\u4e00-\u9fff]{2}[的有])无(?P<s>下属[^，。；\d]{2,10}|[^，。；\d]{2,10}?预算[^，。；\d]{0,6})(?=[，。；,]|$)'))
SUBJECT_NOISE = re.compile(r'^.*?(?:20\d\d\s*年(?:与\s*20\d\d\s*年)?(?:部门预算|单位预算|预算)?'
                           r'|主要原因是|其中[:：]?|备注[:：]?)')
# the official template's own instructions to the writer ('情况一：在预算中未安排…的部门，必须公开空表'): not findings
INSTRUCTION = re.compile(r'(情况[一二三]\s*[:：]|注意事项|按以下内容|必须公开|若本年度|如本年度)')
TIME_WORDS = re.compile(r'^(上下年度|本年度|上年度|当年|上年|今年|两年|此项.*|在预算中)$')
OWN_BUDGET = re.compile(name_ending('本单位预算') + r'(部门|单位)?预算$')


def _statements(block: Block) -> list[Statement]:
    """Templates left unfilled, and what the document says is not arranged (never inside a template sentence)."""
    out = []
    text = block.text
    templates = []
    for m in TEMPLATE.finditer(text):
        sentence = _sentence(text, m.start())
        templates.append(sentence)
        out.append(Statement('template_unfilled', m.group(0).strip('*'), sentence,
                             block.line_of(m.start()), block.line_of(m.end() - 1)))
    for pattern in ABSENCE:
        for m in pattern.finditer(text):
            sentence = _sentence(text, m.start())
            subject = _absent_subject(m.group('s'))
            if subject and sentence not in templates and not INSTRUCTION.search(sentence) and '*' not in sentence:
                out.append(Statement('not_arranged', subject, sentence, block.line_of(m.start()),
                                     block.line_of(m.end() - 1)))
    return out


def _absent_subject(phrase: str) -> str:
    """'克州工信局 2024 年没有使用政府性基金预算拨款…' -> '政府性基金预算拨款': what is not arranged."""
    subject = SUBJECT_NOISE.sub('', phrase.replace(' ', '')).strip('，,、：: ')
    if not subject or re.search(r'\d', subject) or len(subject) > 24 or OWN_BUDGET.search(subject) \
            or TIME_WORDS.match(subject):
        return ''
    return subject


def _sentence(text: str, index: int) -> str:
    start = max(text.rfind(p, 0, index) for p in '。；;') + 1
    end = min([e for e in (text.find(p, index) for p in '。；;') if e >= 0] or [len(text) - 1]) + 1
    return text[start:end].strip()
