"""A failed check said in plain Chinese, with both figures, the computation and every line cited.

    notes = failed_checks(draft, [fact])     # writes the notes into the draft, returns the checks it said
    # '注意：文件前后不一致，表6…中公用经费一栏办公费、公务接待费等14行加起来为2,522万元（计算：1,058 + 32 + … =
    #  2,522），与合计行印的2,414万元[1][2]对不上，多108万元（计算：2,522 − 2,414 = 108）。'
    held = passed_sums(ctx, fact)            # the sums that hold around it, for '对得上' (agreement(draft, held[0]))

The checks are those ingest stored (ingest/checks.py, ingest/grid_checks.py for
tables; ingest/text_checks.py for the prose). Their operands are the facts
that carry the check's name in `checks_failed` within its lines; a check whose
operands cannot be found again is named without figures.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from ingest.models import BudgetFact
from ingest.numbers import format_amount
from ingest.text_checks import RATE, TWICE, signed_change
from ingest.vocabulary import vocabulary_table

from .compose import Draft, where


@dataclass(frozen=True)
class StoredCheck:
    """A check as ingest stored it, with the facts it read."""
    check: dict                      # as stored: name, subject, expected, actual, line_start, line_end, kind
    members: tuple[BudgetFact, ...]  # the figures it read

    @property
    def expected(self) -> Decimal:
        return Decimal(self.check['expected'])

    @property
    def actual(self) -> Decimal:
        return Decimal(self.check['actual'])


def checks_of(ctx, facts: list[BudgetFact]) -> list[StoredCheck]:
    """The failed checks (contradictions, not rounding) that read any of `facts`, each once."""
    out: list[StoredCheck] = []
    for fact in facts:
        if not fact.checks_failed:
            continue
        info = ctx.document(fact.doc)
        every = ctx.facts([info]) if info is not None else []
        for check in ctx.failed_checks(fact.doc):
            if check['name'] not in fact.checks_failed or check['severity'] != 'contradiction' or \
                    not check['line_start'] <= fact.line_start <= check['line_end'] or \
                    check.get('table_no') != fact.table_no:
                continue
            if any(c.check == check for c in out):
                continue
            out.append(StoredCheck(check, _members(check, every)))
    return sorted(out, key=lambda c: not _is_total_of(c, facts))     # the asked figure's own parts first


def _is_total_of(check: StoredCheck, facts: list[BudgetFact]) -> bool:
    split = total_and_parts(check) if not check.check['name'].startswith((RATE, TWICE)) else None
    return split is not None and split[0] in facts


def passed_sums(ctx, fact: BudgetFact) -> list[StoredCheck]:
    """The sums that hold around `fact` (its parts add up to it, or it is a part of a total that adds up)."""
    if not fact.checks_passed:
        return []
    info = ctx.document(fact.doc)
    every = ctx.facts([info]) if info is not None else []
    return [StoredCheck(c, _members(c, every, passed=True)) for c in ctx.store.checks(fact.doc)
            if c['ok'] and c['name'] in fact.checks_passed and c.get('table_no') == fact.table_no
            and c['line_start'] <= fact.line_start <= c['line_end'] and c['kind'] != 'text']


def _members(check: dict, facts: list[BudgetFact], passed: bool = False) -> tuple[BudgetFact, ...]:
    return tuple(f for f in facts if check['name'] in (f.checks_passed if passed else f.checks_failed)
                 and f.table_no == check.get('table_no')
                 and check['line_start'] <= f.line_start <= check['line_end']
                 and (check['kind'] != 'text' or check['subject'] in (f.row, f.project)))


def failed_checks(draft: Draft, facts: list[BudgetFact], limit: int = 3,
                  kinds: tuple[str, ...] = ()) -> list[StoredCheck]:
    """Write a note for each failed check (of `kinds`, or any) that read one of `facts`; returns the checks."""
    found = [c for c in _merged(checks_of(draft.ctx, facts)) if not kinds or c.check['kind'] in kinds][:limit]
    for failed in found:
        note = describe(draft, failed, facts)
        draft.warn('document_contradiction')
        draft.quoted.append(failed.check['subject'])
        draft.add(note)
    return found


def describe(draft: Draft, failed: StoredCheck, asked: list[BudgetFact] = ()) -> str:
    name = failed.check['name']
    if name == RATE:
        return _rate(draft, failed) or _named(draft, failed)
    if name.startswith(TWICE):
        return _twice(draft, failed) or _named(draft, failed)
    return _sum(draft, failed, asked) or _named(draft, failed)


def _named(draft: Draft, failed: StoredCheck) -> str:
    c = failed.check
    cite = draft.cite_lines(c['doc'], c['line_start'], c['line_end'], c.get('table_no'))
    return f'注意：文件前后不一致，{c["subject"]}的各部分加起来与所印的合计对不上{cite}。'


def _sum(draft: Draft, failed: StoredCheck, asked: list[BudgetFact] = ()) -> str:
    split = total_and_parts(failed)
    if not split:
        return ''
    total, parts = split
    if len(parts) > MANY_PARTS and total not in asked and total.source == 'table':
        return _one_of_many(draft, failed, total)
    return _sum_sentence(draft, failed, total, parts)


MANY_PARTS = 6


def _one_of_many(draft: Draft, failed: StoredCheck, total: BudgetFact) -> str:
    """The asked figure is one of many rows of a column that does not add up: said in a line, not with every row."""
    c = failed.check
    cite = draft.cite_lines(total.doc, c['line_start'], c['line_end'], total.table_no)
    return (f'（此数所在的{where(total)}{total.column}一栏，各行加起来与{total.row}行印的{format_amount(total.value)}'
            f'{total.unit}{draft.cite_fact(total)}对不上{cite}。）')


def total_and_parts(failed: StoredCheck) -> tuple[BudgetFact, list[BudgetFact]] | None:
    """Parts and their printed total: which figure is the total is found by the sums themselves."""
    members = list(failed.members)
    for total in sorted((m for m in members if m.value == failed.expected), key=_unlike_a_total):
        parts = [m for m in members if m is not total]
        if parts and sum((p.value for p in parts), Decimal(0)) == failed.actual:
            return total, parts
    return None


def _unlike_a_total(f: BudgetFact) -> tuple:
    """A figure equal to the total may be a part that holds all of it: the 合计 row or column, the shorter code,
    first."""
    whole = ('合计', '总计', '小计')
    return (not f.row.startswith(whole) and not any(w in f.column for w in whole), len(f.row_code or ''))


def _same_row(part: BudgetFact, total: BudgetFact) -> bool:
    return (part.row, part.row_code, part.project) == (total.row, total.row_code, total.project) and \
        abs(part.line_start - total.line_start) <= 15


def agreement(draft: Draft, held: StoredCheck) -> str:
    """'表6…人员经费一栏…6行加起来为17,888万元（计算：…），与合计行印的17,888万元一致[1]。'"""
    split = total_and_parts(held)
    if split is None:
        return ''
    total, parts = split
    formula = ' + '.join(format_amount(p.value) for p in parts)
    if len(parts) == 1:
        said = (f'{where(total)}中{_parts_named(total, parts)}为{format_amount(held.actual)}{total.unit}'
                '（只有这一项有数）')
    else:
        said = (f'{where(total)}中{_parts_named(total, parts)}加起来为{format_amount(held.actual)}{total.unit}'
                f'（计算：{formula} = {format_amount(held.actual)}）')
    return (f'{said}，与{_total_named(total, parts)}印的'
            f'{format_amount(total.value)}{total.unit}{_cites(draft, held, total)}一致。')


def _cites(draft: Draft, check: StoredCheck, total: BudgetFact) -> str:
    """The total's line, and the lines of its parts when they are other lines."""
    own = draft.cite_fact(total)
    lines = draft.cite_lines(total.doc, check.check['line_start'], check.check['line_end'], total.table_no)
    return own if lines == own else own + lines


def _sum_sentence(draft: Draft, failed: StoredCheck, total: BudgetFact, parts: list[BudgetFact]) -> str:
    unit = total.unit
    diff = failed.actual - failed.expected
    formula = ' + '.join(format_amount(p.value) for p in parts)
    if total.source == 'text':            # a project's 资金分配 against its 预算安排规模
        listed = '、'.join(f'{p.row}{format_amount(p.value)}{p.unit}{draft.cite_fact(p)}' for p in parts)
        said = f'“{total.project}”的资金分配列出{listed}，加起来为'
        whole = f'{total.row}{format_amount(total.value)}{unit}{draft.cite_fact(total)}'
    else:
        said = f'{where(total)}中{_parts_named(total, parts)}加起来为'
        whole = f'{_total_named(total, parts)}印的{format_amount(total.value)}{unit}{_cites(draft, failed, total)}'
    if len(parts) == 1:
        said, formula = said.replace('加起来为', '为'), ''
    else:
        formula = f'（计算：{formula} = {format_amount(failed.actual)}）'
    return (f'注意：文件前后不一致，{said}{format_amount(failed.actual)}{unit}{formula}，与{whole}对不上，'
            f'{"多" if diff > 0 else "少"}'
            f'{format_amount(abs(diff))}{unit}（计算：{format_amount(failed.actual)} − {format_amount(failed.expected)}'
            f' = {format_amount(diff)}）。')


def _parts_named(total: BudgetFact, parts: list[BudgetFact]) -> str:
    if all(_same_row(p, total) for p in parts):          # one row: its columns
        return (f'“{total.row_code + " " if total.row_code else ""}{total.row}”一行的'
                + '、'.join(p.column for p in parts))
    labels = [p.row for p in parts]
    column = total.column if all(p.column == total.column for p in parts) else ''
    named = '、'.join(labels) if len(labels) <= 4 else f'{labels[0]}、{labels[1]}等{len(labels)}行'
    return f'{column}一栏{named}' if column else named


def _total_named(total: BudgetFact, parts: list[BudgetFact]) -> str:
    if all(_same_row(p, total) for p in parts):
        return f'该行{total.column}'
    return f'{total.row}行'


def _rate(draft: Draft, failed: StoredCheck) -> str:
    by_column = {m.column: m for m in failed.members}
    amount = by_column.get('数额')
    change = next((m for m in failed.members if m.column.startswith('比上年')), None)
    rate = next((m for m in failed.members if m.column in ('增长率', '下降率')), None)
    if amount is None or change is None or rate is None:
        return ''
    signed = signed_change(change)
    prior = amount.value - signed
    computed = failed.actual
    sign = '−' if signed > 0 else '+'
    said = f'{"增长" if rate.column == "增长率" else "下降"}{format_amount(rate.value)}%'
    should = f'{"增长" if computed >= 0 else "下降"}{format_amount(abs(computed))}%'
    return (f'注意：文件前后不一致，第{amount.line_start}行写{amount.row}{format_amount(amount.value)}{amount.unit}，'
            f'比上年{change.column[3:]}{format_amount(change.value)}{change.unit}，{said}{draft.cite_fact(amount)}；'
            f'按这两个数，上年为{format_amount(prior)}{amount.unit}（计算：{format_amount(amount.value)} {sign} '
            f'{format_amount(change.value)} = {format_amount(prior)}），'
            f'应为{should}（计算：{format_amount(change.value)} ÷ '
            f'{format_amount(prior)} × 100% = {format_amount(abs(computed))}%），与所写的{said}不符。')


def _twice(draft: Draft, failed: StoredCheck) -> str:
    members = sorted(failed.members, key=lambda m: (m.column != '数额', not m.column.startswith('比上年')))
    first = [m for m in members if m.line_start == failed.check['line_start']]
    second = [m for m in members if m.line_start == failed.check['line_end']]
    if not first or not second:
        return ''
    a, b = first[0], second[0]
    return (f'注意：文件前后不一致，同一项“{a.row}”写了两处：第{a.line_start}行写{"、".join(map(_stated, first))}'
            f'{draft.cite_fact(a)}，第{b.line_start}行写{"、".join(map(_stated, second))}{draft.cite_fact(b)}。')


def _merged(found: list[StoredCheck]) -> list[StoredCheck]:
    """The figures of one item stated twice (预算数, 增减额, 增减率) said in one note."""
    out: list[StoredCheck] = []
    for f in found:
        same = next((o for o in out if f.check['name'].startswith(TWICE) and o.check['name'].startswith(TWICE)
                     and (o.check['line_start'], o.check['line_end'], o.check['subject']) ==
                     (f.check['line_start'], f.check['line_end'], f.check['subject'])), None)
        if same is None:
            out.append(f)
        else:
            out[out.index(same)] = StoredCheck(same.check, same.members + tuple(m for m in f.members
                                                                                  if m not in same.members))
    return out


def _stated(f: BudgetFact) -> str:
    if f.column in ('增长率', '下降率'):
        return f'{"增长" if f.column == "增长率" else "下降"}{format_amount(f.value)}%'
    if f.column.startswith('比上年'):
        return f'{f.column}{format_amount(f.value)}{f.unit}'
    return f'{format_amount(f.value)}{f.unit}'


def sentence_figures(facts: list[BudgetFact], fact: BudgetFact) -> list[BudgetFact]:
    """A prose figure with the others its sentence states about the same item (amount, change, rate)."""
    if fact.source != 'text':
        return [fact]
    return [fact] + [f for f in facts if f is not fact and f.source == 'text' and f.row == fact.row
                     and f.line_start == fact.line_start and f.project == fact.project]


# ---- a stated reason against the document's own figures --------------------------------------

UP, DOWN = ('增加', '增长', '增多', '新增', '上升'), ('减少', '下降', '减员', '降低')


@lru_cache(maxsize=1)
def _reason_words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return vocabulary_table('reasons')


def reason_notes(draft: Draft, fact: BudgetFact, sentence: str) -> None:
    """'主要原因是本年在职人员较上年有所减少' where the document states '在职 28人，增加 3人': both said."""
    reason = sentence.split('原因', 1)[1] if '原因' in sentence else ''
    if not reason:
        return
    words = dict(_reason_words())
    money = words.get('_money', ())
    staffing = [f for f in draft.ctx.facts([draft.ctx.document(fact.doc)]) if f.source == 'text'
                and f.column in ('比上年增加', '比上年减少')]
    for item, names in _reason_words():
        said = _direction_said(reason, names, money)
        stated = next((f for f in staffing if f.item == item), None)
        if said is None or stated is None:
            continue
        up = stated.column == '比上年增加'
        if stated.value == 0 or up == (said[1] in UP):
            continue
        draft.warn('document_contradiction')
        draft.add(f'注意：文件前后不一致，所给原因是“{said[0]}”，但文件的人员情况写{stated.row}'
                  f'{stated.column}{format_amount(stated.value)}{stated.unit}{draft.cite_fact(stated)}。')


def _direction_said(reason: str, names: tuple[str, ...], money: tuple[str, ...]) -> tuple[str, str] | None:
    for name in names:
        m = re.search(re.escape(name) + r'([^，。；,]{0,6}?)(' + '|'.join(UP + DOWN) + ')', reason)
        if m and not any(w in m.group(1) for w in money):
            return m.group(0), m.group(2)
    return None

