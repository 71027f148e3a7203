"""The standard tables of a 预算公开: titles, canonical columns, identities.

    schema = schema_for_title('部门（单位）收支总体情况表')   # SCHEMAS['t1']
    schema.number, schema.columns                           # 1, ('预算数',)

Columns are canonical names; documents that drop an optional column (some
表2 have no 上级国有资本经营预算安排的转移支付 column) are handled by
`columns_for_header`, which keeps optional columns only when the table's
header names them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import squash as text_squash, strip_markup


@dataclass(frozen=True)
class Identity:
    """total = Σ parts, evaluated on the cells of one row."""
    total: str
    parts: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.total} = {' + '.join(self.parts)}"


@dataclass(frozen=True)
class Schema:
    key: str
    number: int | None
    title: str
    columns: tuple[str, ...]
    identities: tuple[Identity, ...] = ()
    optional: dict[str, str] = field(default_factory=dict)  # column -> header keyword
    code_depths: tuple[int, ...] = (3, 5, 7)                 # 类/款/项 code lengths
    two_sided: bool = False
    has_project_column: bool = False
    fixed_rows: tuple[str, ...] = ()


T2_COLUMNS = ('总计', '财政拨款（补助）小计', '一般公共预算', '上级一般公共预算安排的转移支付',
              '政府性基金预算', '上级政府性基金安排的转移支付', '国有资本经营预算',
              '上级国有资本经营预算安排的转移支付', '财政专户（教育收费）', '单位资金',
              '财政拨款结转', '非财政拨款结转结余')
T7_COLUMNS = ('项目支出合计', '工资福利支出', '商品和服务支出', '对个人和家庭的补助', '债务利息及费用支出',
              '资本性支出（基本建设）', '资本性支出', '对企业补助（基本建设）', '对企业补助',
              '对社会保障基金补助', '其他支出')
T11_COLUMNS = ('总计', '财政拨款/合计', '财政拨款/基本支出/人员经费', '财政拨款/基本支出/公用经费',
               '财政拨款/项目支出', '非财政拨款/合计', '非财政拨款/基本支出/人员经费',
               '非财政拨款/基本支出/公用经费', '非财政拨款/项目支出')
SANGONG_ROWS = ('合计', '因公出国（境）费', '公务接待费', '公务用车购置及运行费（小计）',
                '公务用车购置费', '公务用车运行费')

_BASIC_PROJECT = (Identity('合计', ('基本支出', '项目支出')),)
_FUND_COLUMNS = ('合计', '基本支出/人员经费', '基本支出/公用经费', '基本支出', '项目支出')
_FUND_IDENTITIES = (Identity('合计', ('基本支出', '项目支出')),
                    Identity('合计', ('基本支出/人员经费', '基本支出/公用经费', '项目支出')))
_FUND_OPTIONAL = {'基本支出/人员经费': '人员经费', '基本支出/公用经费': '公用经费', '基本支出': '!人员经费'}

SCHEMAS: dict[str, Schema] = {s.key: s for s in (
    Schema('t1', 1, '收支总体情况表', ('预算数',), two_sided=True),
    Schema('t2', 2, '收入总体情况表', T2_COLUMNS, (
        Identity('总计', ('财政拨款（补助）小计', '财政专户（教育收费）', '单位资金', '财政拨款结转',
                        '非财政拨款结转结余')),
        Identity('财政拨款（补助）小计', ('一般公共预算', '上级一般公共预算安排的转移支付', '政府性基金预算',
                                  '上级政府性基金安排的转移支付', '国有资本经营预算',
                                  '上级国有资本经营预算安排的转移支付')),
    ), optional={'上级国有资本经营预算安排的转移支付': '上级国有'}),
    Schema('t3', 3, '支出总体情况表', ('合计', '基本支出', '项目支出'), _BASIC_PROJECT),
    Schema('t4', 4, '财政拨款收支预算总体情况表', ('合计', '一般公共预算', '政府性基金预算', '国有资本经营预算'),
           (Identity('合计', ('一般公共预算', '政府性基金预算', '国有资本经营预算')),), two_sided=True),
    Schema('t5', 5, '一般公共预算支出情况表', ('合计', '基本支出', '项目支出'), _BASIC_PROJECT),
    Schema('t6', 6, '一般公共预算基本支出情况表', ('合计', '人员经费', '公用经费'),
           (Identity('合计', ('人员经费', '公用经费')),), code_depths=(3, 5)),
    Schema('t7', 7, '一般公共预算项目支出情况表', T7_COLUMNS, (Identity('项目支出合计', T7_COLUMNS[1:]),),
           has_project_column=True),
    Schema('t8', 8, '政府性基金预算支出情况表', _FUND_COLUMNS, _FUND_IDENTITIES, optional=_FUND_OPTIONAL),
    Schema('t9', 9, '国有资本经营预算支出情况表', _FUND_COLUMNS, _FUND_IDENTITIES, optional=_FUND_OPTIONAL),
    Schema('t10', 10, '财政拨款“三公”经费支出情况表', ('合计', '一般公共预算', '政府性基金', '国有资本经营预算'),
           (Identity('合计', ('一般公共预算', '政府性基金', '国有资本经营预算')),), fixed_rows=SANGONG_ROWS),
    Schema('t11', 11, '上年结转结余情况明细表', T11_COLUMNS, (
        Identity('总计', ('财政拨款/合计', '非财政拨款/合计')),
        Identity('财政拨款/合计', ('财政拨款/基本支出/人员经费', '财政拨款/基本支出/公用经费', '财政拨款/项目支出')),
        Identity('非财政拨款/合计', ('非财政拨款/基本支出/人员经费', '非财政拨款/基本支出/公用经费',
                                   '非财政拨款/项目支出')),
    )),
    Schema('performance', None, '项目支出绩效目标表', ('指标值',)),
    Schema('overall_performance', None, '部门整体绩效目标表', ('指标值',)),
)}

# Title patterns, tried in order (the more specific first).
_TITLE_PATTERNS = (
    ('t4', r'财政拨款收支(预算)?总体情况表'),
    ('t1', r'收支总体情况表'),
    ('t2', r'收入总体情况表'),
    ('t3', r'支出总体情况表'),
    ('t6', r'一般公共预算基本支出情况表'),
    ('t7', r'一般公共预算项目支出情况表'),
    ('t5', r'一般公共预算(当年拨款)?支出情况表'),
    ('t8', r'政府性基金(预算)?支出情况表'),
    ('t9', r'国有资本经营(预算)?支出情况表'),
    ('t10', r'三公.?经费(预算)?支出情况表'),
    ('t11', r'上年结转结余(情况)?明细表'),
    ('performance', r'项目支出绩效目标表'),
    ('overall_performance', r'(部门|单位)整体(支出)?绩效目标表'),
)
_TITLE_PREFIX = r'^(?:中共)?[\u4e00-\u9fff（）()“”"]{0,40}?(?:部门|单位|部门（单位）|部门\(单位\))?'


_NUMBERED = re.compile(r'^[-一二三四五六七八九十\d]+[、.]')
_COMPILED_TITLES = tuple((key, re.compile(_TITLE_PREFIX + pattern + r'[）)]?'), re.compile(pattern))
                         for key, pattern in _TITLE_PATTERNS)


def squash(text: str) -> str:
    """Text without whitespace, markdown marks (# * |) or HTML tags: for matching titles."""
    return text_squash(strip_markup(text), drop='#*|')


def schema_for_title(line: str) -> Schema | None:
    """The schema whose title this whole line is (not a line that mentions it)."""
    text = squash(line)
    if not text or len(text) > 60 or '表' not in text or _NUMBERED.match(text):
        return None
    for key, with_prefix, bare in _COMPILED_TITLES:
        if with_prefix.fullmatch(text) or bare.fullmatch(text):
            return SCHEMAS[key]
    return None


def schema_for_number(number: int) -> Schema | None:
    return next((s for s in SCHEMAS.values() if s.number == number), None)


def columns_for_header(schema: Schema, header_text: str) -> tuple[str, ...]:
    """The schema's columns, dropping optional ones the header does not name."""
    header = squash(header_text)
    kept = []
    for column in schema.columns:
        keyword = schema.optional.get(column)
        if keyword is None:
            kept.append(column)
        elif keyword.startswith('!'):
            if keyword[1:] not in header:
                kept.append(column)
        elif keyword in header:
            kept.append(column)
    return tuple(kept)


def identities_for(schema: Schema, columns: tuple[str, ...]) -> tuple[Identity, ...]:
    """Identities whose total and parts all exist among `columns` (parts may be missing)."""
    out = []
    for identity in schema.identities:
        if identity.total not in columns:
            continue
        parts = tuple(p for p in identity.parts if p in columns)
        if parts:
            out.append(Identity(identity.total, parts))
    return tuple(out)
