"""Questions generated from the stored facts, with their answers taken from the facts themselves.

    cases = generate(sqlite_path, seed=7)
    cases[0]   # Case(kind='lookup', question='克州工信局2024年的办公费是多少', value=Decimal('3.00'), unit='万元',
               #      doc=…, lines=(259,))

The oracle is the store (SQL over its tables) and the word lists in
data/vocabulary; nothing here imports qa/. A figure is asked only where the
document states it unambiguously: one value for the label in its document,
or the table named in the question.
"""
from __future__ import annotations

import random
import re
import sqlite3
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import opencc

from ingest.orgs import bodies, places, split_org
from ingest.vocabulary import vocabulary_table

FILLERS = ('请问', '麻烦查一下', '我想知道', '帮我看看')
ENDINGS = ('是多少', '是多少？', '有多少', '多少', '安排了多少', '预算是多少？')
FULLWIDTH = str.maketrans('0123456789', '０１２３４５６７８９')
TABLE_WORDS = {3: '支出总表', 6: '一般公共预算基本支出表', 2: '收入总表', 5: '一般公共预算支出表'}
ADDS_UP_ASKED = ('各行加起来和合计对得上吗', '各明细加起来和合计数对得上吗', '各项相加与合计一致吗')
WHOLE = ('合计', '预算数', '总计')
TEXT_ITEMS = ('三公经费', '机关运行经费', '编制数', '实有人数', '政府采购预算', '公务接待费', '公务用车运行费',
              '人员经费', '公用经费', '在职人数', '退休人数')
ENGLISH = {'三公经费': 'the three public expenses', '机关运行经费': 'the agency operating costs',
           '政府采购预算': 'the government procurement budget', '编制数': 'the authorized posts'}


@dataclass(frozen=True)
class Case:
    kind: str
    question: str
    doc: str
    lines: tuple[int, ...]
    value: Decimal | None = None
    unit: str | None = None
    contains: str = ''            # for answers without a figure: words the answer must carry
    variant: str = 'plain'


def generate(db_path, seed: int = 7, per_kind: int = 40) -> list[Case]:
    rng = random.Random(seed)
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    # the store keeps documents by number; the oracle reads facts and statements by file name
    db.execute("""CREATE TEMP VIEW facts_v AS SELECT d.doc, f.table_no, f.row_code, f.value, f.line_start, f.line_end,
        CASE f.source WHEN 0 THEN 'table' ELSE 'text' END AS source, COALESCE(lr.text, '') AS row,
        COALESCE(lc.text, '') AS col, COALESCE(lu.text, '') AS unit, COALESCE(li.text, '') AS item,
        COALESCE(lp.text, '') AS project
        FROM facts f JOIN documents d ON d.id = f.doc_id LEFT JOIN labels lr ON lr.id = f.row
        LEFT JOIN labels lc ON lc.id = f.col LEFT JOIN labels lu ON lu.id = f.unit LEFT JOIN labels li ON li.id = f.item
        LEFT JOIN labels lp ON lp.id = f.project""")
    db.execute("""CREATE TEMP VIEW statements_v AS SELECT d.doc, s.kind, COALESCE(l.text, '') AS subject,
        COALESCE(lt.text, '') AS text, s.line_start, s.line_end, s.table_no
        FROM statements s JOIN documents d ON d.id = s.doc_id LEFT JOIN labels l ON l.id = s.subject
        LEFT JOIN labels lt ON lt.id = s.text""")
    db.execute("""CREATE TEMP VIEW details_v AS SELECT d.doc, COALESCE(ls.text, '') AS source,
        COALESCE(lp.text, '') AS project, COALESCE(lf.text, '') AS field, COALESCE(lv.text, '') AS value, x.op,
        x.target, COALESCE(lu.text, '') AS unit, x.line_start, x.line_end, x.indicator
        FROM details x JOIN documents d ON d.id = x.doc_id LEFT JOIN labels ls ON ls.id = x.source
        LEFT JOIN labels lp ON lp.id = x.project LEFT JOIN labels lf ON lf.id = x.field
        LEFT JOIN labels lv ON lv.id = x.value LEFT JOIN labels lu ON lu.id = x.unit""")
    docs = [dict(r) for r in db.execute('SELECT doc, org, org_key, year FROM documents ORDER BY doc')]
    several_years = {d['org_key'] for d in docs if sum(e['org_key'] == d['org_key'] for e in docs) > 1}
    cases = []
    for d in docs:
        names = org_names(d['org'])
        cases += _table_cells(db, d, names, rng)
        cases += _text_items(db, d, names, rng)
        cases += _stated_changes(db, d, names, rng)
        cases += _empty_tables(db, d, names, rng)
        cases += _projects(db, d, names, rng)
        cases += _project_fields(db, d, names, rng)
        cases += _indicators(db, d, names, rng)
        cases += _named_tables(db, d, names, rng)
        cases += _shares(db, d, names, rng)
        cases += _stated_rates(db, d, names, rng)
        cases += _named_shares(db, d, names, rng)
        cases += _duties(db, d, names, rng)
        cases += _level_rankings(db, d, names, rng)
        cases += _per_person(db, d, names, rng)
        cases += _adds_up(db, d, names, rng)
        cases += _stated_previous(db, d, names, rng, docs)
        cases += _by_meaning(db, d, names, rng)
    cases += _definitions(db, docs, rng)
    cases += _definitions_worded(db, docs, rng)
    cases += _comparisons(db, docs, rng)
    cases += _rankings(db, docs, rng)
    cases += _org_differences(db, docs, rng)
    cases += _document_rankings(db, docs, rng)
    by_kind: dict[str, list[Case]] = {}
    for case in cases:
        by_kind.setdefault(case.kind, []).append(case)
    chosen = []
    for kind, group in sorted(by_kind.items()):
        rng.shuffle(group)
        chosen += group[:per_kind]
    return [_vary(c, rng, several_years) for c in chosen]


def org_names(org: str) -> list[str]:
    """Names people use for an organisation: its full name, and short place + short body."""
    place, body = split_org(org)
    place_names = (place,) + places().get(place, ())
    body_names = (body,) + bodies().get(body, ())
    out = [org.replace('中共', '')]
    out += [p + b for p in place_names[1:3] for b in body_names[1:3]]
    return out


def _year(d) -> str:
    return f'{d["year"]}年'


def _table_cells(db, d, names, rng) -> list[Case]:
    """Rows of the spending tables whose label has one value in the whole document: no scope to choose."""
    rows = db.execute("""SELECT row, row_code, table_no, value, unit, line_start FROM facts_v
                         WHERE doc = ? AND source = 'table' AND table_no IN (3, 6) AND col IN ('合计', '预算数')
                         AND row_code != '' AND length(row) >= 3""", (d['doc'],)).fetchall()
    out = []
    for r in rows:
        same = db.execute("""SELECT DISTINCT value FROM facts_v WHERE doc = ? AND (row = ? OR item LIKE ?)
                             AND col IN ('合计', '预算数', '总计', '数额')""",
                          (d['doc'], r['row'], f'%{r["row"]}（项）')).fetchall()
        repeated = db.execute("SELECT COUNT(DISTINCT row_code) FROM facts_v WHERE doc = ? AND row = ?",
                              (d['doc'], r['row'])).fetchone()[0]
        if len(same) != 1 or repeated != 1 or re.search(r'[（(]', r['row']):
            continue
        name = rng.choice(names)
        question = f'{name}{_year(d)}{r["row"]}{rng.choice(ENDINGS)}'
        lines = tuple(x[0] for x in db.execute("SELECT line_start FROM facts_v WHERE doc = ? AND row = ? AND value = ?",
                                               (d['doc'], r['row'], r['value'])))
        out.append(Case('lookup', question, d['doc'], lines, Decimal(r['value']), r['unit']))
    return out


def _text_items(db, d, names, rng) -> list[Case]:
    out = []
    for item in TEXT_ITEMS:
        rows = db.execute("""SELECT value, unit, line_start FROM facts_v WHERE doc = ? AND source = 'text' AND item = ?
                             AND col LIKE '数额%'""", (d['doc'], item)).fetchall()
        values = {r['value'] for r in rows}
        tables = db.execute("""SELECT DISTINCT value FROM facts_v WHERE doc = ? AND source = 'table'
                               AND (item = ? OR (row IN ('合计', '总计') AND col = ?))""",
                            (d['doc'], item, item)).fetchall()
        if len(values) != 1 or any(t['value'] not in values for t in tables):
            continue
        r = rows[0]
        question = f'{rng.choice(names)}{_year(d)}{item}{rng.choice(ENDINGS)}'
        lines = tuple(x['line_start'] for x in rows) + tuple(
            x['line_start'] for x in db.execute("""SELECT line_start FROM facts_v WHERE doc = ? AND source = 'table'
                AND (item = ? OR (row IN ('合计', '总计') AND col = ?))""", (d['doc'], item, item)))
        out.append(Case('lookup', question, d['doc'], lines, Decimal(r['value']), r['unit']))
    return out


def _stated_changes(db, d, names, rng) -> list[Case]:
    rows = db.execute("""SELECT item, col, value, unit, line_start FROM facts_v WHERE doc = ? AND source = 'text'
                         AND item != '' AND col IN ('比上年增加', '比上年减少') AND item NOT LIKE '%（项）'""",
                      (d['doc'],)).fetchall()
    out = []
    for r in rows:
        twins = db.execute("""SELECT COUNT(DISTINCT value) FROM facts_v WHERE doc = ? AND item = ? AND col = ?""",
                           (d['doc'], r['item'], r['col'])).fetchone()[0]
        if twins != 1:
            continue
        word = rng.choice(('比上年增加了多少', '比上年多了多少', '较上年增减多少', '比去年变化多少')) \
            if r['col'] == '比上年增加' \
            else rng.choice(('比上年减少了多少', '比上年少了多少', '较上年下降多少'))
        question = f'{rng.choice(names)}{_year(d)}{r["item"]}{word}'
        out.append(Case('diff', question, d['doc'], (r['line_start'],), Decimal(r['value']), r['unit']))
    return out


def _adds_up(db, d, names, rng) -> list[Case]:
    """'支出总表里，项目支出各行加起来和合计对得上吗': the stored check of a column's rows against its 合计 row; the
    answer says 对得上/对不上 and its value is the rows' sum (a sum off by rounding only is not asked)."""
    rows = db.execute("""SELECT c.table_no, ln.text AS name, c.actual, c.ok, c.line_start, c.line_end,
                                lv.text AS severity
                         FROM checks c JOIN documents doc ON doc.id = c.doc_id JOIN labels ln ON ln.id = c.name
                         LEFT JOIN labels lv ON lv.id = c.severity
                         WHERE doc.doc = ? AND ln.text LIKE '合计行 = Σ 各行（%'""",
                      (d['doc'],)).fetchall()
    out = []
    for r in rows:
        column = r['name'][len('合计行 = Σ 各行（'):-1]
        if r['table_no'] not in TABLE_WORDS or r['severity'] == 'rounding' or column in WHOLE:
            continue
        question = (f'{rng.choice(names)}{_year(d)}{TABLE_WORDS[r["table_no"]]}里，{column}'
                    f'{rng.choice(ADDS_UP_ASKED)}')
        out.append(Case('adds_up', question, d['doc'], (r['line_start'], r['line_end']), Decimal(r['actual']), '万元',
                        '对得上' if r['ok'] else '对不上'))
    return out


def _empty_tables(db, d, names, rng) -> list[Case]:
    rows = db.execute("SELECT subject, line_start, line_end FROM statements_v WHERE doc = ? AND kind = 'empty_table'",
                      (d['doc'],)).fetchall()
    out = []
    for r in rows:
        stem = re.sub(r'(情况表|明细表|表)$', '', re.sub(r'^(部门（单位）|部门|单位)', '', r['subject']))
        stem = re.sub(r'[“”"]', '', stem)
        if '三公' in stem:
            continue                    # an empty 三公 table is asked as a figure (0.00), not as 有没有
        question = f'{rng.choice(names)}{_year(d)}有没有{stem}？'
        lines = tuple(range(r['line_start'], r['line_end'] + 1))
        out.append(Case('exists', question, d['doc'], lines, contains='没有'))
    return out


def _projects(db, d, names, rng) -> list[Case]:
    """Projects whose every stated budget (表7, 预算安排规模, 年度预算总额) is one figure."""
    rows = db.execute("""SELECT project, value, line_start FROM facts_v WHERE doc = ? AND project != '' AND (
                             item = '预算安排规模' OR row = '年度预算总额'
                             OR (table_no = 7 AND col = '项目支出合计'))""",
                      (d['doc'],)).fetchall()
    by_project: dict[str, list] = {}
    for r in rows:
        by_project.setdefault(r['project'], []).append(r)
    out = []
    for project, facts in by_project.items():
        key = re.sub(r'[\s“”"]', '', project)
        similar = [p for p in by_project if p != project and (key[:6] in re.sub(r'[\s“”"]', '', p))]
        if len({f['value'] for f in facts}) != 1 or similar or len(key) < 5:
            continue
        question = f'{rng.choice(names)}{_year(d)}“{project}”{rng.choice(("安排了多少钱", "预算多少", "有多少资金"))}'
        out.append(Case('project', question, d['doc'], tuple(f['line_start'] for f in facts),
                        Decimal(facts[0]['value']), '万元'))
    return out


FIELD_QUESTIONS = {'项目负责人': ('的项目负责人是谁', '谁负责？', '的负责人是谁'),
                   '项目承担单位': ('由哪个单位承担', '的项目承担单位是哪个', '由谁承担？'),
                   '设立的政策依据': ('的政策依据是什么', '设立依据是什么？')}


def _distinct_projects(db, doc: str) -> dict[str, str]:
    """Projects named once in a document (no other project's name holds theirs), by their name's key."""
    names = {r['project'] for r in db.execute("SELECT DISTINCT project FROM details_v WHERE doc = ? AND project != ''",
                                              (doc,))}
    keys = {p: re.sub(r'[\s“”"、，,（）()]', '', p) for p in names}
    return {p: k for p, k in keys.items() if len(k) >= 5 and not re.search(r'\d', k)
            and not any(q != p and (k in kq or kq in k) for q, kq in keys.items())}


def _project_fields(db, d, names, rng) -> list[Case]:
    """Who is responsible for a project, which unit carries it, its basis: one printed value per project."""
    projects = _distinct_projects(db, d['doc'])
    out = []
    for label, endings in FIELD_QUESTIONS.items():
        rows = db.execute("SELECT project, value, line_start FROM details_v "
                          "WHERE doc = ? AND field = ? AND indicator = 0",
                          (d['doc'], label)).fetchall()
        for r in rows:
            values = {x['value'] for x in rows if x['project'] == r['project']}
            value = r['value'].split()[0] if r['value'].split() else ''
            if r['project'] not in projects or len(values) != 1 or len(value) < 2 or '不予公开' in value:
                continue
            question = f'{rng.choice(names)}{_year(d)}“{r["project"]}”{rng.choice(endings)}'
            out.append(Case('detail', question, d['doc'], (r['line_start'],), contains=value.rstrip('。')[:12]))
    return out


def _indicators(db, d, names, rng) -> list[Case]:
    """A performance indicator's target (指标值) in a project's 绩效目标表, asked by the indicator's name."""
    projects = _distinct_projects(db, d['doc'])
    rows = db.execute("""SELECT project, field, target, unit, line_start FROM details_v WHERE doc = ? AND indicator = 1
                         AND target != '' AND project != ''""", (d['doc'],)).fetchall()
    out = []
    for r in rows:
        name = re.sub(r'[（(][^）)]*[）)]$', '', re.sub(r'\s', '', r['field']))
        same = [x for x in rows if x['project'] == r['project'] and x is not r and
                (name[:4] in x['field'] or name[-4:] in x['field'])]
        named_place = any(p in name for place, short in places().items() for p in (place,) + short)
        if r['project'] not in projects or same or len(name) < 6 or not r['unit'] or named_place:
            continue
        ending = rng.choice(('的指标值是多少', '的目标是多少？', '绩效目标定了多少'))
        question = f'{rng.choice(names)}{_year(d)}“{r["project"]}”绩效目标中{name}{ending}'
        out.append(Case('indicator', question, d['doc'], (r['line_start'],), Decimal(r['target']), r['unit']))
    return out


def _named_tables(db, d, names, rng) -> list[Case]:
    """A row asked in a table the question names ('支出总表里行政运行'): that table's figure, whatever the
    others say."""
    rows = db.execute("""SELECT table_no, row, value, unit, line_start FROM facts_v WHERE doc = ? AND source = 'table'
                         AND table_no IN (2, 3, 5, 6) AND col IN ('合计', '总计') AND row_code != ''
                         AND length(row) >= 3""",
                      (d['doc'],)).fetchall()
    out = []
    for r in rows:
        once = db.execute("SELECT COUNT(*) FROM facts_v "
                          "WHERE doc = ? AND table_no = ? AND row = ? AND col IN ('合计', '总计')",
                          (d['doc'], r['table_no'], r['row'])).fetchone()[0]
        if once != 1 or re.search(r'[（(]', r['row']):
            continue
        where = TABLE_WORDS[r['table_no']]
        question = f'{rng.choice(names)}{_year(d)}{where}里{r["row"]}{rng.choice(ENDINGS)}'
        out.append(Case('table', question, d['doc'], (r['line_start'],), Decimal(r['value']), r['unit']))
    return out


def _shares(db, d, names, rng) -> list[Case]:
    rows = db.execute("""SELECT item, value, line_start FROM facts_v WHERE doc = ? AND source = 'text' AND col = '占比'
                         AND item != '' AND item NOT LIKE '%（项）'""", (d['doc'],)).fetchall()
    out = []
    for r in rows:
        twins = db.execute("SELECT COUNT(DISTINCT value) FROM facts_v WHERE doc = ? AND item = ? AND col = '占比'",
                           (d['doc'], r['item'])).fetchone()[0]
        if twins == 1:
            who = rng.choice(names)
            question = f'{who}{_year(d)}{r["item"]}{rng.choice(("占比多少", "所占比重是多少", "占百分之几"))}'
            out.append(Case('share', question, d['doc'], (r['line_start'],), Decimal(r['value']), '%'))
    return out


def _by_meaning(db, d, names, rng) -> list[Case]:
    """An item asked by meaning, not by its label: a 类 row 'X支出' as '在X方面的支出', and a label that
    data/vocabulary/english.tsv translates, asked in English. Only labels with one figure in the document."""
    rows = db.execute("""SELECT DISTINCT row, value, unit FROM facts_v WHERE doc = ? AND source = 'table'
                         AND (row_code GLOB '[0-9][0-9][0-9]' OR row IN (SELECT ? UNION SELECT ?)) AND row != ''""",
                      (d['doc'], '基本支出', '项目支出')).fetchall()
    english = {zh: words[0] for zh, words in vocabulary_table('english') if words}
    out = []
    for r in rows:
        values = {x['value'] for x in db.execute("""SELECT value FROM facts_v WHERE doc = ? AND (row = ? OR item = ?)
                                                    AND col IN ('合计', '预算数', '总计', '数额')""",
                                                 (d['doc'], r['row'], r['row']))}
        if values != {r['value']}:
            continue
        lines = tuple(x[0] for x in db.execute("SELECT line_start FROM facts_v WHERE doc = ? AND row = ? AND value = ?",
                                               (d['doc'], r['row'], r['value'])))
        name = rng.choice(names)
        if r['row'].endswith('支出') and len(r['row']) >= 5 and '预算' not in r['row'] and r['row'] not in english:
            question = f'{name}{_year(d)}在{r["row"][:-2]}方面的支出{rng.choice(ENDINGS)}'
            out.append(Case('meaning', question, d['doc'], lines, Decimal(r['value']), r['unit']))
        if r['row'] in english and d['year']:
            question = f'How much was the {english[r["row"]]} of {name} in {d["year"]}?'
            out.append(Case('meaning', question, d['doc'], lines, Decimal(r['value']), r['unit'], variant='english'))
    return out


def _stated_previous(db, d, names, rng, docs) -> list[Case]:
    """'2024年X比2023年少多少' where last year's document is not loaded but the prose states last year's figure
    (stored as 数额（2023年）) beside this year's: the difference of the two stated figures, that line cited."""
    if not d['year'] or any(e['org_key'] == d['org_key'] and e['year'] == d['year'] - 1 for e in docs):
        return []
    before = d['year'] - 1
    rows = db.execute("""SELECT row, value, unit, line_start FROM facts_v WHERE doc = ? AND source = 'text'
                         AND col = ? AND row != ''""", (d['doc'], f'数额（{before}年）')).fetchall()
    out = []
    for r in rows:
        now = {x['value'] for x in db.execute("""SELECT value FROM facts_v WHERE doc = ? AND source = 'text'
                                                 AND row = ? AND col = '数额'""", (d['doc'], r['row']))}
        if len(now) != 1 or len(_tables_printing(db, d, r['row'])) > 1:
            continue
        change = Decimal(now.pop()) - Decimal(r['value'])
        word = (rng.choice(('多了多少', '增加了多少', '增减多少')) if change >= 0
                else rng.choice(('少了多少', '减少了多少', '增减多少')))
        question = f'{rng.choice(names)}{d["year"]}年{r["row"]}比{before}年{word}'
        out.append(Case('stated_previous', question, d['doc'], (r['line_start'],), abs(change), r['unit']))
    return out


def _tables_printing(db, d, row) -> set:
    """The tables of the document that print a row of that name: a stated figure is asked only where no table
    prints the same item with other figures."""
    return {x['table_no'] for x in db.execute("""SELECT DISTINCT table_no FROM facts_v WHERE doc = ? AND row = ?""",
                                              (d['doc'], row))}


def _stated_rates(db, d, names, rng) -> list[Case]:
    """'比上年增长了百分之几': the rate the document states for the item."""
    rows = db.execute("""SELECT item, col, value, line_start FROM facts_v WHERE doc = ? AND source = 'text'
                         AND col IN ('增长率', '下降率') AND item != '' AND item NOT LIKE '%（项）'""",
                      (d['doc'],)).fetchall()
    out = []
    for r in rows:
        twins = db.execute("SELECT COUNT(DISTINCT value) FROM facts_v "
                           "WHERE doc = ? AND item = ? AND col IN ('增长率', '下降率')",
                           (d['doc'], r['item'])).fetchone()[0]
        if twins != 1:
            continue
        word = '增长' if r['col'] == '增长率' else '下降'
        ending = rng.choice((f'比上年{word}了百分之几', f'较上年{word}了百分之多少', f'比去年{word}了百分之几？'))
        question = f'{rng.choice(names)}{_year(d)}{r["item"]}{ending}'
        out.append(Case('rate', question, d['doc'], (r['line_start'],), Decimal(r['value']), '%'))
    return out


def _named_shares(db, d, names, rng) -> list[Case]:
    """'A占B的比例' where B is named: A ÷ B × 100, rounded to two decimals, both operands cited."""
    whole = db.execute("""SELECT value, line_start FROM facts_v
                          WHERE doc = ? AND table_no = 3 AND row IN ('合计', '总计')
                          AND col = '基本支出'""", (d['doc'],)).fetchall()
    if len(whole) != 1:
        return []
    out = []
    for part in ('人员经费', '公用经费'):
        values = {r[0] for r in db.execute("""SELECT value FROM facts_v WHERE doc = ? AND unit LIKE '%元' AND
                     ((table_no = 6 AND row IN ('合计', '总计') AND col = ?) OR (source = 'text' AND item = ?
                      AND col LIKE '数额%'))""", (d['doc'], part, part))}
        if len(values) != 1:
            continue
        ratio = (Decimal(values.pop()) / Decimal(whole[0]['value']) * 100).quantize(Decimal('0.01'))
        ending = rng.choice(('的比例是多少', '的百分之几', '的比重是多少？'))
        question = f'{rng.choice(names)}{_year(d)}{part}占基本支出{ending}'
        out.append(Case('share_named', question, d['doc'], (whole[0]['line_start'],), ratio, '%'))
    return out


def _org_differences(db, docs, rng) -> list[Case]:
    """'A 2024年的X比B 2024年多多少': the two organisations' own figures subtracted (never either one's change on its
    own last year). Each figure is one value wherever its document states it."""
    out = []
    for item in ('三公经费', '机关运行经费', '政府采购预算'):
        have = []
        for d in docs:
            rows = db.execute("""SELECT value, line_start FROM facts_v WHERE doc = ? AND item = ? AND (
                                     (source = 'text' AND col LIKE '数额%') OR (source = 'table' AND col = '合计'))""",
                              (d['doc'], item)).fetchall()
            if len({r['value'] for r in rows}) == 1:
                have.append((d, Decimal(rows[0]['value']), tuple(r['line_start'] for r in rows)))
        pairs = [(x, y) for i, x in enumerate(have) for y in have[i + 1:] if x[0]['org_key'] != y[0]['org_key']]
        for (a, va, la), (b, vb, _) in pairs:
            word = rng.choice(('多多少', '差多少', '相差多少'))
            question = (f'{rng.choice(org_names(a["org"]))}{_year(a)}{item}'
                        f'比{rng.choice(org_names(b["org"]))}{_year(b)}{word}')
            out.append(Case('org_diff', question, a['doc'], la, abs(va - vb), '万元'))
    return out


def _one_stated(db, docs, item: str) -> list[tuple[dict, str]]:
    """(document, value) for each document whose text states exactly one figure (数额…) for `item`, in order."""
    out = []
    for d in docs:
        values = {r[0] for r in db.execute("""SELECT value FROM facts_v WHERE doc = ? AND item = ? AND source = 'text'
                                             AND col LIKE '数额%'""", (d['doc'], item))}
        if len(values) == 1:
            out.append((d, values.pop()))
    return out


def _comparisons(db, docs, rng) -> list[Case]:
    """One text item of two organisations side by side: both figures in the answer."""
    out = []
    for item in ('三公经费', '机关运行经费', '编制数', '实有人数', '政府采购预算'):
        have = _one_stated(db, docs, item)
        one_doc_each = [(d, v) for d, v in have if sum(x['org_key'] == d['org_key'] for x, _ in have) == 1]
        for (a, va), (b, vb) in zip(one_doc_each, one_doc_each[1:]):
            question = (f'{rng.choice(org_names(a["org"]))}和{rng.choice(org_names(b["org"]))}的{item}'
                        f'{rng.choice(("比较", "对比一下", "谁多"))}')
            out.append(Case('compare', question, '', (), contains=_plain(vb)))
            out.append(Case('compare', question, '', (), contains=_plain(va)))
    return out


def _rankings(db, docs, rng) -> list[Case]:
    """'2024年哪个单位三公经费最多': the largest of the organisations' figures for that year."""
    out = []
    for item in ('三公经费', '机关运行经费', '实有人数'):
        for year in sorted({d['year'] for d in docs}):
            values = []
            for d in [d for d in docs if d['year'] == year]:
                got = {r[0] for r in db.execute("""SELECT value FROM facts_v WHERE doc = ? AND item = ?
                                                   AND col IN ('数额', '合计')""", (d['doc'], item))}
                if len(got) == 1:
                    values.append((Decimal(got.pop()), d))
            if len(values) >= 2 and len({v for v, _ in values}) == len(values):
                top, d = max(values, key=lambda p: p[0])
                question = f'{year}年哪个单位{item}{rng.choice(("最多", "最高", "最大"))}'
                lines = tuple(r[0] for r in db.execute("SELECT line_start FROM facts_v WHERE doc = ? AND value = ?",
                                                       (d['doc'], str(top))))
                out.append(Case('rank', question, d['doc'], lines, top, None))
    return out


LEVEL_LENGTH = {'类': 3, '款': 5}


def _level_rows(db, doc, table_no, column, length=None) -> list:
    """(code, value, line) of a table's rows of one column: of one code length, or the finest rows."""
    rows = db.execute("""SELECT row_code, value, line_start FROM facts_v WHERE doc = ? AND table_no = ? AND col = ?
                         AND source = 'table' AND row_code != ''""", (doc, table_no, column)).fetchall()
    if length is not None:
        return [r for r in rows if len(r['row_code']) == length]
    codes = {r['row_code'] for r in rows}
    return [r for r in rows if not any(c != r['row_code'] and c.startswith(r['row_code']) for c in codes)]


def _complete(rows, table, length) -> bool:
    printed = {r['row_code'] for r in rows}
    return bool(rows) and {r['row_code'][:length] for r in table if len(r['row_code']) > length} <= printed


def _level_rankings(db, d, names, rng) -> list[Case]:
    """'哪一类支出最多' / '哪一款' / '基本支出的明细科目里哪一项' / '人员经费里哪一项': the largest row of the code
    length the level means, in the table that prints that level complete (表3, else a 表1 whose rows add up to
    表3's total; 表6 for 基本支出 and its 人员经费/公用经费 columns)."""
    out = []
    total = db.execute("""SELECT value FROM facts_v WHERE doc = ? AND table_no = 3 AND row IN ('合计', '总计')
                          AND col = '合计'""", (d['doc'],)).fetchone()
    table3 = _level_rows(db, d['doc'], 3, '合计', None) + _level_rows(db, d['doc'], 3, '合计', 3) + \
        _level_rows(db, d['doc'], 3, '合计', 5)
    asks = []
    for level, length in LEVEL_LENGTH.items():
        rows = _level_rows(db, d['doc'], 3, '合计', length)
        if not _complete(rows, table3, length) and level == '类' and total is not None:
            rows = _level_rows(db, d['doc'], 1, '预算数', length)
            off = abs(sum(Decimal(r['value']) for r in rows) - Decimal(total['value']))
            if off > Decimal('0.01') * max(1, len(rows)):
                rows = []
        elif not _complete(rows, table3, length):
            rows = []
        word = rng.choice((f'哪一{level}支出最多', f'支出中哪一{level}最多', f'按{level}看哪一{level}支出最大'))
        asks.append((rows, word))
    asks.append((_level_rows(db, d['doc'], 6, '合计'), rng.choice(('基本支出的明细科目里哪一项最多',
                                                                 '基本支出明细科目中哪一项花钱最多'))))
    for column in ('人员经费', '公用经费'):
        asks.append((_level_rows(db, d['doc'], 6, column), f'{column}里{rng.choice(("哪一项最多", "最多的是哪一项"))}'))
    for rows, word in asks:
        values = sorted((Decimal(r['value']) for r in rows), reverse=True)
        if len(values) < 2 or values[0] == values[1]:
            continue
        top = next(r for r in rows if Decimal(r['value']) == values[0])
        question = f'{rng.choice(names)}{_year(d)}{word}'
        out.append(Case('rank_level', question, d['doc'], (top['line_start'],), values[0], '万元'))
    return out


def _document_rankings(db, docs, rng) -> list[Case]:
    """'这几份预算公开里，谁的X最多': every loaded disclosure (organisation-year) by its one stated figure."""
    out = []
    for item in ('政府采购预算', '机关运行经费', '实有人数', '编制数', '车辆数量'):
        values = [(Decimal(value), d) for d, value in _one_stated(db, docs, item)]
        ranked = sorted(values, key=lambda p: p[0], reverse=True)
        if len(ranked) < 2 or ranked[0][0] == ranked[1][0]:
            continue
        top, d = ranked[0]
        lines = tuple(r[0] for r in db.execute("""SELECT line_start FROM facts_v WHERE doc = ? AND item = ?
                                                  AND source = 'text' AND col LIKE '数额%'""", (d['doc'], item)))
        noun = '车' if item == '车辆数量' else item
        for opening in ('这几份预算公开里，谁的', '几家单位里谁的', '已载入的文件中，哪份的'):
            out.append(Case('rank_docs', f'{opening}{noun}最多？', d['doc'], lines, top, None))
    return out


def _per_person(db, d, names, rng) -> list[Case]:
    """'人员经费按实有人数算平均每人多少': a money item's one figure ÷ a headcount's one figure, to two decimals."""
    def one(item, unit):
        got = {r[0] for r in db.execute("""SELECT value FROM facts_v WHERE doc = ? AND item = ? AND source = 'text'
                                           AND col = '数额' AND unit = ?""", (d['doc'], item, unit))}
        return Decimal(got.pop()) if len(got) == 1 else None
    out = []
    for money in ('人员经费', '公用经费', '三公经费', '机关运行经费'):
        amount = one(money, '万元')
        for count in ('实有人数', '在职人数', '编制数'):
            people = one(count, '人')
            if amount is None or not people:
                continue
            value = (amount / people).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)
            lines = tuple(r[0] for r in db.execute("""SELECT line_start FROM facts_v WHERE doc = ? AND item = ?
                                                      AND source = 'text' AND col = '数额'""", (d['doc'], count)))
            word = rng.choice((f'按{count}算平均每人多少', f'除以{count}是多少', f'平均到每人是多少（按{count}算）'))
            out.append(Case('per_person', f'{rng.choice(names)}{_year(d)}{money}{word}', d['doc'], lines, value,
                            '万元/人'))
    return out


def _plain(value: str) -> str:
    number = Decimal(value)
    return f'{number:,}'


def _definitions(db, docs, rng) -> list[Case]:
    rows = db.execute("""SELECT DISTINCT subject, text, doc, line_start FROM statements_v WHERE kind = 'definition'
                         AND subject NOT LIKE '%（%'""").fetchall()
    seen, out = set(), []
    for r in rows:
        term = re.sub(r'[“”"]', '', r['subject'])
        if term in seen:
            continue
        seen.add(term)
        ending = rng.choice(('是什么意思', '指什么', '是指什么？', '的含义是什么'))
        lines = tuple(x['line_start'] for x in rows if re.sub(r'[“”"]', '', x['subject']) == term)
        out.append(Case('define', f'{term}{ending}', '', lines, contains=term[:2]))
    return out


DEFINITION_ASKED = ('名词解释里{}包含哪些', '预算公开里说的{}具体指什么？', '{}指的是哪些', '什么是{}？',
                    '预算表里的“{}”指的是什么')


def _definitions_worded(db, docs, rng) -> list[Case]:
    """A glossary term asked in other words and without an organisation: every document's entry may answer,
    and the answer quotes the wording of one of them (the first words of a stored definition)."""
    rows = db.execute("""SELECT subject, text, doc, line_start FROM statements_v WHERE kind = 'definition'
                         AND subject NOT LIKE '%（%'""").fetchall()
    by_term: dict[str, list] = {}
    for r in rows:
        by_term.setdefault(re.sub(r'[“”"]', '', r['subject']), []).append(r)
    out = []
    for term, entries in by_term.items():
        bodies = {re.sub(r'[^\u4e00-\u9fff]', '', re.sub(r'^[^：:]*[：:]', '', e['text']))[:6] for e in entries}
        if len(bodies) != 1 or len(term) < 2:
            continue                    # documents that begin a definition differently: no one fragment to expect
        question = rng.choice(DEFINITION_ASKED).format(term)
        out.append(Case('define_any', question, '', tuple(e['line_start'] for e in entries), contains=bodies.pop()))
    return out


def _duties(db, d, names, rng) -> list[Case]:
    """'X负责Y吗' with Y a clause '负责Y' of the organisation's 主要职能 section, as stored (blocks and lines)."""
    paragraphs = _section_paragraphs(db, d['doc'], dict(vocabulary_table('sections'))['职能'])
    asking = {w for kind, words in vocabulary_table('kinds') for w in words
              if kind in ('structure', 'exists', 'verify', 'duty') or kind.startswith('tables')}
    out = []
    for start, end, text in paragraphs:
        for clause in re.split(r'[；;。]', text):
            m = re.match(r'^(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*)?负责([\u4e00-\u9fff、]{4,18})$',
                         clause.strip())
            if not m or any(w in m.group(1) for w in asking) or re.search(r'(多少|几)', m.group(1)):
                continue
            thing = m.group(1)
            template = rng.choice(('{}{}负责{}吗？', '{}{}管不管{}？', '{}{}是否负责{}'))
            out.append(Case('duty', template.format(rng.choice(names), _year(d), thing), d['doc'],
                            tuple(range(start, end + 1)), contains='负责'))
    return out


def _section_paragraphs(db, doc: str, words) -> list[tuple[int, int, str]]:
    """The paragraphs under the first heading carrying one of `words` that has any."""
    lines = {}
    for r in db.execute('SELECT l.first, l.text FROM lines l JOIN documents d ON d.id = l.doc_id '
                        'WHERE d.doc = ?', (doc,)):
        for i, text in enumerate(r['text'].split('\n')):
            lines[r['first'] + i] = text
    blocks = db.execute("""SELECT lk.text AS kind, b.line_start, b.line_end
                           FROM blocks b JOIN documents d ON d.id = b.doc_id
                           LEFT JOIN labels lk ON lk.id = b.kind WHERE d.doc = ? ORDER BY b.line_start, b.n""",
                        (doc,)).fetchall()
    for i, b in enumerate(blocks):
        heading = ''.join(lines.get(n, '') for n in range(b['line_start'], b['line_end'] + 1)).replace(' ', '')
        if b['kind'] != 'heading' or not any(w in heading for w in words):
            continue
        body = []
        for later in blocks[i + 1:]:
            if later['kind'] == 'heading':
                break
            if later['kind'] == 'paragraph':
                text = ''.join(lines.get(n, '').strip() for n in range(later['line_start'], later['line_end'] + 1))
                body.append((later['line_start'], later['line_end'], text))
        if body:
            return body
    return []


# ---- variants -------------------------------------------------------------------------------

_t2s = None


def _traditional(text: str) -> str:
    global _t2s
    _t2s = _t2s or opencc.OpenCC('s2t')
    return _t2s.convert(text)


def _vary(case: Case, rng: random.Random, several_years: set) -> Case:
    variant = rng.choice(('plain', 'de', 'filler', 'order', 'traditional', 'fullwidth', 'yuan', 'english'))
    q = case.question
    if variant == 'de':
        q = re.sub(r'(\d{4}年)', r'\1的', q, count=1)
    elif variant == 'filler':
        q = rng.choice(FILLERS) + '，' + q
    elif variant == 'order' and len(set(re.findall(r'\d{4}年', q))) > 1:
        variant = 'plain'               # a year tied to one of two organisations is not moved to the front
    elif variant == 'order':
        m = re.match(r'^(.+?)(\d{4}年)(.+)$', q)
        q = f'{m.group(2)}{m.group(1)}{m.group(3)}' if m else q
    elif variant == 'traditional':
        q = _traditional(q)
    elif variant == 'fullwidth':
        q = q.translate(FULLWIDTH)
    elif variant == 'yuan' and case.unit == '万元' and case.kind in ('lookup', 'project'):
        q = re.sub(r'(是多少？?|有多少|多少|安排了多少|预算是多少？?|安排了多少钱|预算多少|有多少资金)$', '是多少元', q)
    elif variant == 'english' and case.kind == 'lookup':
        english = next((e for item, e in ENGLISH.items() if item in q), None)
        m = re.match(r'^(.+?)(\d{4})年', q)
        if english and m:
            q = f'What is {english} of {m.group(1)} in {m.group(2)}?'
        else:
            variant = 'plain'
    else:
        variant = 'plain' if variant in ('yuan', 'english') else variant
    return Case(case.kind, q, case.doc, case.lines, case.value, case.unit, case.contains, variant)
