"""Every kind of plan, declared once: its Chinese name, its executor, its fallbacks and what it answers.

    kind('lookup').run(plan, ctx)        # Answer | None (None: this kind found nothing)
    kind('diff').chinese                 # '增减': how the plan's line on the page names it
    [k.name for k in KINDS if k.headline]   # ['lookup', 'sum', 'diff', 'share', 'count']

An executor is `run(plan, ctx) -> Answer | None`. When it finds nothing, the answer falls back along the kind's
`fallbacks` (a 'list' that is one figure is a lookup; a question no fact answers is looked for in the prose),
and then to 文件中没有. Which words ask for a kind is data (data/vocabulary/kinds.tsv); every kind named there is
declared here, and every kind declared `worded` is named there (tests/test_kinds.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import (compare, define, detail, diff, duties, exists, explain, listing, lookup, per_person, rank, share, sum,
               tables, verify)


@dataclass(frozen=True)
class Kind:
    name: str
    chinese: str                          # the plan's line on the page: '查数 | 单位：… | 年份：…'
    run: Callable | None = None           # the executor; None for refuse and clarify (decided by understanding)
    fallbacks: tuple[str, ...] = ()       # the kinds tried next, in order, when `run` finds nothing
    gives_figure: bool = False            # answers with a figure: a unit inside a document answers with its own
    #                                       projects, and an item no document in scope holds is 文件中没有
    single_item: bool = False             # two items named in one clause are answered one by one
    headline: bool = False                # the page shows the answer's figure as a headline (service/present.py)
    worded: bool = True                   # words of kinds.tsv ask for it (count is a lookup of 个/项)


KINDS = (
    Kind('lookup', '查数', lookup.run, ('detail', 'verify'), gives_figure=True, single_item=True, headline=True),
    Kind('exists', '有没有', exists.run, ('lookup', 'verify'), gives_figure=True, single_item=True),
    Kind('verify', '是否', verify.run, ('exists', 'lookup')),
    Kind('sum', '求和', sum.run, ('lookup',), gives_figure=True, headline=True),
    Kind('diff', '增减', diff.run, (), gives_figure=True, single_item=True, headline=True),
    Kind('share', '占比', share.run, ('lookup',), gives_figure=True, single_item=True, headline=True),
    Kind('compare', '比较', compare.run, ('lookup',), gives_figure=True),
    Kind('rank', '排序', rank.run, ('lookup',), gives_figure=True),
    Kind('list', '列举', listing.run, ('lookup', 'verify')),
    Kind('count', '计数', listing.count, ('detail', 'lookup', 'verify'), gives_figure=True, single_item=True,
         headline=True, worded=False),
    Kind('define', '名词解释', define.run, ('verify',)),
    Kind('explain', '原因', explain.run, ('verify',), gives_figure=True, single_item=True),
    Kind('detail', '明细', detail.run, ('lookup', 'verify'), gives_figure=True, single_item=True),
    Kind('duty', '职能', duties.duty, ('verify',)),
    Kind('structure', '机构设置', duties.structure, ('list', 'exists', 'verify')),
    Kind('tables', '公开表', tables.run, ('verify',)),
    Kind('per_person', '人均（计算）', per_person.run, ('lookup',), gives_figure=True),
    Kind('refuse', '无法回答', worded=False),         # an organisation, year or item that is not loaded
    Kind('clarify', '需要确认', worded=False),        # a name that fits several, or one written one character off
)
KIND_BY_NAME = {k.name: k for k in KINDS}


def kind(name: str) -> Kind:
    """The declared kind of this name (KeyError for a name no kind has)."""
    return KIND_BY_NAME[name]
