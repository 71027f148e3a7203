"""Projects' records as a document prints them: its description in the 情况说明 joined with its 绩效目标表 form,
read from the stored detail lines (index/facts_store.py, table details).

    records = project_records(ctx.details(doc), doc)
    r = chosen(records, '正格勒得村村委会办公楼维修项目谁负责')[0]
    r.name, r.budget, r.values('项目负责人'), r.indicators()      # '正格勒得村…', Decimal('10'), [row], [row, …]

A description and a form are one project when their names are one name (one holds the other: '国土空间总体
规划' and '开发区国土空间总体规划项目') and their budgets, where both print one, are equal. A form's 预算单位
and a description's 项目承担单位 are the units that carry it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .label_match import longest_common_run
from .normalize import name_key
from .orgs import unit_without_parent

DESCRIPTION = '情况说明'
DEPARTMENT_FORM = '部门整体绩效目标表'
BUDGET_FIELDS = ('预算安排规模', '年度预算总额')
UNIT_FIELDS = ('项目承担单位', '预算单位')
FIRST_FIELDS = ('项目名称', '预算单位', '部门名称')       # a new form or description starts with one of these
SHORTEST_NAME_RUN = 4
AMOUNT = re.compile(r'(\d[\d,]*(?:\.\d+)?)\s*万元')


@dataclass
class Record:
    doc: str
    rows: list[dict] = field(default_factory=list)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r['project'] for r in self.rows if r['project']))

    @property
    def name(self) -> str:
        described = [r['project'] for r in self.rows if r['source'] == DESCRIPTION]
        return (described or list(self.names) or [''])[0]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(project_key(n) for n in self.names))

    @property
    def department(self) -> bool:
        return all(r['source'] == DEPARTMENT_FORM for r in self.rows)

    def values(self, label: str) -> list[dict]:
        return [r for r in self.rows if not r['indicator'] and r['field'] == label]

    def indicators(self) -> list[dict]:
        return [r for r in self.rows if r['indicator']]

    @property
    def budget_row(self) -> dict | None:
        return next((r for label in BUDGET_FIELDS for r in self.values(label) if amount_of(r['value']) is not None),
                    None)

    @property
    def budget(self) -> Decimal | None:
        row = self.budget_row
        return amount_of(row['value']) if row else None

    def units(self) -> list[str]:
        return [r['value'] for label in UNIT_FIELDS for r in self.values(label)]


def project_key(name: str) -> str:
    key = name_key(name)
    return key[:-2] if key.endswith('项目') and len(key) > 4 else key


def amount_of(text: str) -> Decimal | None:
    m = re.search(r'\d[\d,]*(?:\.\d+)?', text or '')
    return Decimal(m.group().replace(',', '')) if m else None


def same_project(a: str, b: str) -> bool:
    ka, kb = project_key(a), project_key(b)
    short, long_ = sorted((ka, kb), key=len)
    return ka == kb or (len(short) >= SHORTEST_NAME_RUN and short in long_)


def project_records(rows: list[dict], doc: str) -> list[Record]:
    """The document's records: each description with the form(s) of the same project; forms with no
    description, and the 部门整体绩效目标表, on their own."""
    groups = _groups(rows, doc)
    described = [g for g in groups if g.rows[0]['source'] == DESCRIPTION]
    out = list(described)
    for form in (g for g in groups if g.rows[0]['source'] != DESCRIPTION):
        partner = next((d for d in described if form.names and d.names and same_project(form.names[0], d.names[0])
                        and (form.budget is None or d.budget is None or form.budget == d.budget)), None)
        if partner is not None and not any(r['source'] != DESCRIPTION for r in partner.rows):
            partner.rows.extend(form.rows)
        else:
            out.append(form)
    return out


def _groups(rows: list[dict], doc: str) -> list[Record]:
    groups: list[Record] = []
    for row in rows:
        current = groups[-1] if groups else None
        starts = current is None or (row['source'], row['project']) != (current.rows[-1]['source'],
                                                                         current.rows[-1]['project']) \
            or (row['field'] in FIRST_FIELDS and not row['indicator'] and current.values(row['field']))
        if starts:
            groups.append(Record(doc))
        groups[-1].rows.append(row)
    return groups


def chosen(records: list[Record], text: str, units=(), amounts=()) -> list[Record]:
    """The records the question names, best first: the longest run of a project's name the question holds
    (at least four characters and half the name), then the unit that carries it and the amount it names."""
    key = name_key(text)
    scored = []
    for r in records:
        runs = [(len(longest_common_run(k, key)[0]), k) for k in r.keys if k]
        if not runs:
            continue
        run, name = max(runs)
        if run >= SHORTEST_NAME_RUN and run * 2 >= len(name):
            scored.append((run, run / len(name), r))
    if not scored:
        return []
    scored.sort(key=lambda s: (-s[0], -s[1]))
    out = [r for _, _, r in scored]
    if units:
        carried = [r for r in out if any(unit_matches(u, name) for u in units for name in r.units())]
        out = carried or [r for r in out if any(k in key for k in r.keys)]   # else only a project named in full
    if amounts:
        priced = [r for r in out if r.budget in amounts]
        out = priced or out
    top = out[:1]
    return top + [r for r in out[1:] if _score(r, key) == _score(top[0], key)] if top else []


def _score(record: Record, key: str) -> int:
    return max(len(longest_common_run(k, key)[0]) for k in record.keys)


def unit_matches(asked: str, named: str) -> bool:
    """'园林环卫市政局' is the unit that '库尔勒经济技术开发区园林环卫市政局' names; '财政局' is not."""
    bare, named = unit_without_parent(name_key(asked)), name_key(named)
    return len(bare) >= 2 and (bare in named or unit_without_parent(named) == bare)




def amounts_in(text: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(m.group(1).replace(',', '')) for m in AMOUNT.finditer(text))
