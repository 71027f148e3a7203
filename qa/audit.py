"""Where a disclosure contradicts itself, or last year's: findings with figures and both sources.

    findings = audit(store)                      # every stored document
    findings = audit(store, ['003_1c7e695c684c211f.txt'])
    print(to_markdown(findings))

Kinds: table arithmetic, between tables, text against tables, stated changes
(the rate against the amounts, and the implied previous figure against last
year's disclosure when it is loaded), projects against their 绩效目标表 and
表7, completeness, and text addressed to a reader or a model. Severity: suspicious, contradiction, rounding (≤ 0.05) or
completeness, so rounding noise does not bury real contradictions.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal

from index.facts_store import FactStore
from ingest.models import BudgetFact
from ingest.numbers import format_amount
from ingest.text import squash
from ingest.text_checks import TWICE

from .models import Citation
from .reconcile import reconciling

ROUNDING = Decimal('0.05')
RATE_ROUNDING = Decimal('0.05')
KIND_TITLES = {'table_arithmetic': '表内运算', 'cross_table': '表与表', 'text_vs_table': '文字与表格',
               'stated_change': '比上年增减', 'project': '项目', 'completeness': '完整性',
               'suspicious': '可疑文字'}


@dataclass(frozen=True)
class Finding:
    doc: str
    kind: str
    severity: str          # 'suspicious' | 'contradiction' | 'rounding' | 'completeness'
    title: str
    figures: str
    citations: tuple[Citation, ...]

    def to_json(self) -> dict:
        return {'doc': self.doc, 'kind': self.kind, 'severity': self.severity, 'title': self.title,
                'figures': self.figures, 'citations': [c.to_json() for c in self.citations]}


class _Doc:
    def __init__(self, store: FactStore, info):
        self.info = info
        self.facts = store.facts(doc=info.doc)
        self.lines = dict(store.line_text(info.doc, 1, 10 ** 7))

    def cite(self, fact: BudgetFact) -> Citation:
        return Citation(fact.doc, fact.line_start, fact.line_end, self.text(fact.line_start, fact.line_end),
                        fact.table_no, fact.row, fact.column)

    def cite_lines(self, start: int, end: int, table: int | None = None) -> Citation:
        return Citation(self.info.doc, start, end, self.text(start, end), table)

    def text(self, start: int, end: int) -> str:
        return ' '.join(self.lines.get(n, '').replace('\t', ' ').strip() for n in range(start, min(end, start + 3) + 1))

    def table(self, number: int, row: str | None = None, column: str | None = None, code: str | None = None):
        return [f for f in self.facts if f.source == 'table' and f.table_no == number
                and (row is None or f.row == row) and (column is None or f.column == column)
                and (code is None or f.row_code == code)]

    def text_item(self, item: str, column: str = '数额'):
        return [f for f in self.facts if f.source == 'text' and f.item == item and f.column == column]


def severity(a: Decimal, b: Decimal) -> str | None:
    diff = abs(a - b)
    if diff < Decimal('0.005'):
        return None
    return 'rounding' if diff <= ROUNDING else 'contradiction'


def audit(store: FactStore, docs: list[str] | None = None) -> list[Finding]:
    documents = store.documents()
    infos = [d for d in documents if not docs or d.doc in docs]
    loaded: dict[str, _Doc] = {}

    def load(info) -> _Doc:                 # only the audited documents and the years before them are read
        if info.doc not in loaded:
            loaded[info.doc] = _Doc(store, info)
        return loaded[info.doc]

    findings: list[Finding] = []
    for info in infos:
        doc = load(info)
        findings += _table_arithmetic(store, doc)
        findings += _between_tables(doc)
        findings += _text_vs_tables(doc)
        findings += _stated_changes(doc, [load(d) for d in documents
                                          if d.org_key == info.org_key and d.year == (info.year or 0) - 1])
        findings += _stated_twice(store, doc)
        findings += _projects(doc)
        findings += _completeness(store, doc)
    order = {'suspicious': 0, 'contradiction': 1, 'rounding': 2, 'completeness': 3}
    return sorted(findings, key=lambda f: (f.doc, order[f.severity], f.kind,
                                           f.citations[0].line_start if f.citations else 0))


def audit_counts(store: FactStore, docs: list[str] | None = None) -> dict[str, dict[str, int]]:
    """doc -> {severity: count} of audit(), as the 核对 view lists them. Kept in each document's summary with the
    documents they were counted against (the document and the year before it), so they are counted again only when
    one of those changes."""
    documents = store.documents()
    by_key = {(d.org_key, d.year): d for d in documents}
    out, stale = {}, []
    for d in documents:
        if docs is not None and d.doc not in docs:
            continue
        basis = _basis(d, by_key)
        kept = d.summary.get('audit')
        if kept and kept.get('basis') == basis:
            out[d.doc] = kept['counts']
        else:
            stale.append(d)
    if stale:
        counted = {d.doc: dict.fromkeys(SEVERITIES, 0) for d in stale}
        for f in audit(store, [d.doc for d in stale]):
            counted[f.doc][f.severity] += 1
        out.update(counted)
        try:
            store.set_summary_field({d.doc: {'basis': _basis(d, by_key), 'counts': counted[d.doc]} for d in stale},
                                    'audit')
        except Exception:       # a read-only data directory: counted again next time
            pass
    return out


SEVERITIES = ('suspicious', 'contradiction', 'rounding', 'completeness')


def _basis(d, by_key) -> list[str]:
    before = by_key.get((d.org_key, (d.year or 0) - 1))
    return [d.content_hash] + ([before.content_hash] if before else [])


# ---- kinds of findings ---------------------------------------------------------------

def _table_arithmetic(store: FactStore, doc: _Doc) -> list[Finding]:
    out = []
    for c in store.checks(doc.info.doc, failed_only=True):
        if c['kind'] == 'text':       # the prose's own checks: _stated_twice; rates and allocations have their kinds
            continue
        expected, actual = Decimal(c['expected']), Decimal(c['actual'])
        figures = (f'表中印的是 {format_amount(expected)}，各部分相加为 {format_amount(actual)}，'
                   f'相差 {format_amount(actual - expected)}')
        if c['kind'] == 'incomplete':
            figures = f'一侧没有填写：印出的合计 {format_amount(expected)}，各部分 {format_amount(actual)}'
        if c['kind'] == 'unsure':
            figures = (f'可能是读取错位，不一定是文件的矛盾：这份PDF把数字印在文字之外的位置，一行的数字可能落到别处。'
                       f'印出的合计 {format_amount(expected)}，读到的各部分 {format_amount(actual)}，请核对原文')
        title = f'{_table_name(c["table_no"])}{c["subject"]}：{c["name"]}'
        out.append(Finding(doc.info.doc, 'table_arithmetic', c['severity'], title, figures,
                           (doc.cite_lines(c['line_start'], c['line_end'], c['table_no']),)))
    return out


def _table_name(number: int | None) -> str:
    """'表3 ' for the standard template's tables; a table read by its structure has its title in the subject."""
    return f'表{number} ' if number else ''


def _pair(doc: _Doc, kind: str, title: str, a: BudgetFact | None, b: BudgetFact | None,
          a_name: str, b_name: str) -> list[Finding]:
    if a is None or b is None:
        return []
    level = severity(a.value, b.value)
    if level is None:
        return []
    figures = (f'{a_name} {format_amount(a.value)}，{b_name} {format_amount(b.value)}，'
               f'相差 {format_amount(a.value - b.value)}')
    return [Finding(doc.info.doc, kind, level, title, figures, (doc.cite(a), doc.cite(b)))]


def _first(facts):
    return facts[0] if facts else None


def _total(doc: _Doc, table: int, column: str):
    return _first([f for f in doc.table(table, column=column) if not f.row_code and f.row in ('合计', '总计')])


def _between_tables(doc: _Doc) -> list[Finding]:
    out = []
    out += _pair(doc, 'cross_table', '表5 基本支出合计 与 表6 合计', _total(doc, 5, '基本支出'), _total(doc, 6, '合计'),
                 '表5', '表6')
    out += _pair(doc, 'cross_table', '表5 项目支出合计 与 表7 项目支出合计', _total(doc, 5, '项目支出'),
                 _total(doc, 7, '项目支出合计'), '表5', '表7')
    out += _pair(doc, 'cross_table', '表4 财政拨款支出总计 与 表5 合计', _first(doc.table(4, '支出总计', '合计')),
                 _total(doc, 5, '合计'), '表4', '表5')
    for right in [f for f in doc.facts if f.table_no == 1 and f.section == '支出' and len(f.row_code) == 3]:
        t3 = _first([f for f in doc.table(3, column='合计') if f.row_code == right.row_code])
        out += _pair(doc, 'cross_table', f'{right.row_code} {right.row}：表1 与 表3', right, t3, '表1', '表3')
    for right in [f for f in doc.facts if f.table_no == 4 and f.section == '支出' and len(f.row_code) == 3
                  and f.column == '一般公共预算']:
        t5 = _first([f for f in doc.table(5, column='合计') if f.row_code == right.row_code])
        out += _pair(doc, 'cross_table', f'{right.row_code} {right.row}：表4 一般公共预算 与 表5', right, t5,
                     '表4', '表5')
    t10 = _first(doc.table(10, '合计', '合计'))
    out += _pair(doc, 'cross_table', '三公经费：表10 与 情况说明', t10, _first(doc.text_item('三公经费')),
                 '表10', '情况说明')
    for part in ('因公出国（境）费', '公务接待费', '公务用车购置费', '公务用车运行费'):
        out += _pair(doc, 'cross_table', f'{part}：表10 与 情况说明', _first(doc.table(10, part, '合计')),
                     _first(doc.text_item(part)), '表10', '情况说明')
    return out


TEXT_TO_TABLE = (
    ('收支总预算', 1, '收入总计', '预算数'),
    ('一般公共预算', 1, '1.一般公共预算拨款|其中：一般财力', '预算数'),
    ('单位资金', 1, '5.单位资金', '预算数'),
    ('基本支出', 3, None, '基本支出'),
    ('项目支出', 3, None, '项目支出'),
    ('一般公共预算拨款基本支出', 5, None, '基本支出'),
    ('一般公共预算拨款项目支出', 5, None, '项目支出'),
    ('一般公共预算拨款合计', 5, None, '合计'),
    ('人员经费', 6, None, '人员经费'),
    ('公用经费', 6, None, '公用经费'),
    ('财政拨款收支总预算', 4, '收入总计', '合计'),
)


def _text_vs_tables(doc: _Doc) -> list[Finding]:
    out = []
    for item, table, rows, column in TEXT_TO_TABLE:
        text = _first(doc.text_item(item))
        cells = [c for row in rows.split('|') for c in doc.table(table, row, column)] if rows \
            else [c for c in [_total(doc, table, column)] if c]
        if text is not None and cells and not any(c.value == text.value for c in cells) and \
                not reconciling(doc.facts, cells[0], text.value):
            out += _pair(doc, 'text_vs_table', f'{item}：情况说明 与 表{table}', text, cells[0],
                         '情况说明', f'表{table}')
    for text in [f for f in doc.facts if f.source == 'text' and f.column == '数额' and f.row.endswith('（项）')]:
        label = re.findall(r'([^（）]+)（项）$', text.row)
        kuan = re.findall(r'（类）([^（）]+)（款）', text.row)
        rows = [f for f in doc.table(5, column='合计') if len(f.row_code) == 7 and label and f.row == label[0]
                and (not kuan or _kuan_label(doc, f.row_code[:5]) in ('', kuan[0]))]
        if len(rows) == 1 and not reconciling(doc.facts, rows[0], text.value):
            out += _pair(doc, 'text_vs_table', f'{label[0]}（项）：情况说明 与 表5', text, rows[0], '情况说明', '表5')
    for share in [f for f in doc.facts if f.source == 'text' and f.column == '数额' and
                  any(s.column == '占比' and s.row == f.row and s.line_start == f.line_start for s in doc.facts)]:
        cls = _first([f for f in doc.table(5, column='合计') if len(f.row_code) == 3 and f.row == share.row])
        if not reconciling(doc.facts, cls, share.value):
            out += _pair(doc, 'text_vs_table', f'{share.row}（类）：情况说明 与 表5', share, cls, '情况说明', '表5')
    return out


def _kuan_label(doc: _Doc, code: str) -> str:
    return next((f.row for f in doc.facts if f.table_no == 5 and f.row_code == code), '')


def _stated_changes(doc: _Doc, previous: list[_Doc]) -> list[Finding]:
    out = []
    for amount in [f for f in doc.facts if f.source == 'text' and f.column == '数额' and f.unit == '万元']:
        siblings = sorted((f for f in doc.facts if f.source == 'text' and f.row == amount.row and
                           0 <= f.line_start - amount.line_start <= 3), key=lambda f: f.line_start)
        change = _first([f for f in siblings if f.column.startswith('比上年')])
        rate = _first([f for f in siblings if f.column in ('增长率', '下降率')])
        if change is None:
            continue
        prior = amount.value - change.value if change.column.endswith('增加') else amount.value + change.value
        if rate is not None and prior > 0:
            implied = (change.value / prior * 100).quantize(Decimal('0.01'))
            if abs(implied - rate.value) > RATE_ROUNDING:
                out.append(Finding(doc.info.doc, 'stated_change', 'contradiction',
                                   f'{amount.row}：增减率与增减额不符',
                                   f'{format_amount(amount.value)}，{change.column} {format_amount(change.value)}，'
                                   f'即上年 {format_amount(prior)}，应为 {implied}%，文件写 {rate.value}%',
                                   (doc.cite(amount), doc.cite(rate))))
        for last in previous:
            published = _first(last.text_item(amount.item)) if amount.item else None
            if published is not None and severity(published.value, prior):
                out.append(Finding(doc.info.doc, 'stated_change', severity(published.value, prior),
                                   f'{amount.item}：按今年文件推算的上年数与上年文件不符',
                                   f'今年 {format_amount(amount.value)}，'
                                   f'{change.column} {format_amount(change.value)}，'
                                   f'推算上年 {format_amount(prior)}；'
                                   f'{last.info.year}年文件写 {format_amount(published.value)}',
                                   (doc.cite(amount), last.cite(published))))
    return out


def _stated_twice(store: FactStore, doc: _Doc) -> list[Finding]:
    """One item whose change the prose states twice, with other figures the second time (ingest/text_checks.py)."""
    out = []
    for c in store.checks(doc.info.doc, failed_only=True):
        if c['kind'] != 'text' or not c['name'].startswith(TWICE):
            continue
        figure = c['name'][len(TWICE):].strip('（）')
        out.append(Finding(doc.info.doc, 'stated_change', c['severity'], f'{c["subject"]}：同一项写了两处，{figure}不同'
                           '（负数为减少）',
                           f'第{c["line_start"]}行 {format_amount(Decimal(c["expected"]))}，'
                           f'第{c["line_end"]}行 {format_amount(Decimal(c["actual"]))}',
                           (doc.cite_lines(c['line_start'], c['line_start']),
                            doc.cite_lines(c['line_end'], c['line_end']))))
    return out


def _projects(doc: _Doc) -> list[Finding]:
    """Each project's 预算安排规模 against its 资金分配情况, its 绩效目标表 and 表7 — where the name is unique and
    no cell of the table's row reconciles the two (qa/reconcile.py: a column of the row is another scope)."""
    out = []
    sizes = [f for f in doc.facts if f.item == '预算安排规模' and f.project]
    budgets = [f for f in doc.facts if f.item == '项目预算' and f.project]
    for size in sizes:
        key = _squash(size.project)
        if sum(_squash(s.project) == key for s in sizes) > 1:
            continue   # several sub-units run projects of the same name: no safe pairing
        match = [b for b in budgets if _squash(b.project) == key]
        if len(match) == 1 and not reconciling(doc.facts, match[0], size.value):
            out += _pair(doc, 'project', f'“{size.project}”：预算安排规模 与 绩效目标表年度预算总额', size, match[0],
                         '项目说明', '绩效目标表')
        t7 = [f for f in doc.facts if f.table_no == 7 and f.column == '项目支出合计' and _squash(f.project) == key]
        if len(t7) == 1 and not reconciling(doc.facts, t7[0], size.value):
            out += _pair(doc, 'project', f'“{size.project}”：预算安排规模 与 表7', size, t7[0], '项目说明', '表7')
        out += _allocation(doc, size)
    return out


def _allocation(doc: _Doc, size: BudgetFact) -> list[Finding]:
    """The amounts of the 资金分配情况 paragraph that follows the project's 预算安排规模."""
    start = next((n for n in range(size.line_start + 1, size.line_start + 12)
                  if doc.lines.get(n, '').lstrip().startswith('资金分配情况')), None)
    if start is None:
        return []
    end = start
    while end + 1 in doc.lines and not re.match(r'^\s*(资金执行时间|资金来源|项目名称|'
                                                r'[（(]?[一二三四五六七八九十\d]+[)）、.])', doc.lines[end + 1]):
        end += 1
    parts = [f for f in doc.facts if f.source == 'text' and start <= f.line_start <= end and f.unit == '万元']
    if parts and parts[0].row in ('项目资金', '资金') or (parts and parts[0].value == size.value and len(parts) > 2):
        parts = parts[1:]   # '项目资金 3 万元，其中：…' states the total first
    if len(parts) < 2:
        return []
    total = sum((p.value for p in parts), Decimal(0))
    level = severity(total, size.value)
    if not level:
        return []
    listed = '+'.join(format_amount(p.value) for p in parts)
    return [Finding(doc.info.doc, 'project', level, f'“{size.project}”：资金分配之和 与 预算安排规模',
                    f'资金分配 {listed} = {format_amount(total)}，预算安排规模 {format_amount(size.value)}',
                    (doc.cite(size), doc.cite_lines(start, end)))]


def _completeness(store: FactStore, doc: _Doc) -> list[Finding]:
    out = []
    summary = doc.info.summary
    if summary.get('tables_missing'):
        out.append(Finding(doc.info.doc, 'completeness', 'completeness', '缺少标准表格',
                           '没有找到：' + '、'.join(f'表{n}' for n in summary['tables_missing']), ()))
    for s in store.statements(doc.info.doc):
        if s['kind'] == 'suspicious_text':     # instructions to a reader or a model: kept as text, no figures
            out.append(Finding(doc.info.doc, 'suspicious', 'suspicious', '可疑文字（像是写给读者或模型的指令）',
                               f'“{s["text"][:80]}”', (doc.cite_lines(s['line_start'], s['line_end']),)))
        if s['kind'] == 'template_unfilled':
            out.append(Finding(doc.info.doc, 'completeness', 'completeness', '模板没有填写', f'“{s["subject"]}”',
                               (doc.cite_lines(s['line_start'], s['line_end']),)))
        if s['kind'] == 'empty_table' and '无备注' in s['text']:
            out.append(Finding(doc.info.doc, 'completeness', 'completeness', f'表{s["table_no"]}为空表且没有备注', '',
                               (doc.cite_lines(s['line_start'], s['line_end'], s['table_no']),)))
    for warning in summary.get('warnings', []):
        m = re.match(r'line (\d+): 表(\d+) (.+?): "(.+)" is not one readable number', warning)
        if m:
            out.append(Finding(doc.info.doc, 'completeness', 'completeness',
                               f'表{m.group(2)} {m.group(3)}：数字无法识读', f'“{m.group(4)}”',
                               (doc.cite_lines(int(m.group(1)), int(m.group(1)), int(m.group(2))),)))
    return out


def _squash(text: str) -> str:
    return squash(text or '', drop='“”"（）()')


# ---- output ----------------------------------------------------------------------

def to_markdown(findings: list[Finding]) -> str:
    lines = []
    for doc in sorted({f.doc for f in findings}):
        own = [f for f in findings if f.doc == doc]
        counts = {s: sum(f.severity == s for f in own) for s in SEVERITIES}
        lines.append(f'## {doc}\n')
        suspicious = f'{counts["suspicious"]} 处可疑文字，' if counts['suspicious'] else ''
        lines.append(f'{suspicious}{counts["contradiction"]} 处矛盾，{counts["rounding"]} 处尾差，'
                     f'{counts["completeness"]} 处不完整\n')
        for f in own:
            where = '；'.join(f'{c.doc} 第{c.line_start}'
                             + (f'-{c.line_end}' if c.line_end != c.line_start else '') + '行'
                             for c in f.citations)
            lines.append(f'- **[{f.severity}] {KIND_TITLES[f.kind]}** {f.title}：{f.figures}'
                         + (f'（{where}）' if where else ''))
        lines.append('')
    return '\n'.join(lines)


def to_jsonl(findings: list[Finding]) -> str:
    return '\n'.join(json.dumps(f.to_json(), ensure_ascii=False) for f in findings)
