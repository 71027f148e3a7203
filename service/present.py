"""How an answer is shown, as plain text: the understood line, badges, headline, a table of its figures, the
text to copy. Used by the page (app.py), the CLI and the API alike; nothing here imports streamlit.

    understood_line(a.plan)    # '理解为：查数 | 单位：… | 年份：2024 | 事项：三公经费'
    badges(a)                  # [('数字可溯源', 'green'), ('文件前后不一致', 'orange')]
    headline(a, short)         # ('州政府办 2024年 三公经费', '0.00 万元')
    copy_text(a)               # the answer with its sources, for an editor
"""
from __future__ import annotations

import re

from qa.models import Answer
from qa.plans import KINDS
from qa.orgs import short_names  # noqa: F401  (the page and the CLI read it from here)


BADGES = {
    'traceable': ('数字可溯源', 'green'),          # every number stands on a cited line; it does not mean "right"
    'contradiction': ('文件前后不一致', 'orange'),  # the document gives two different figures; both are shown
    'partly': ('部分未找到', 'violet'),             # a part of the question is not in the documents
    'unchecked': ('未核对', 'red'),                 # a sentence or number not found on a cited line
    'not_found': ('文件中没有', 'gray'),
    'ambiguous': ('需要指明单位', 'blue'),
    'removed': ('来源已删除', 'red'),               # a cited document has since been removed
}


def badges(a: Answer, removed: bool = False) -> list[tuple[str, str]]:
    """Each badge means one thing; none says the answer is right."""
    if removed:
        return [BADGES['removed']]
    if a.status in ('not_found', 'ambiguous'):
        return [BADGES[a.status]]
    out = [BADGES['traceable'] if a.verified else BADGES['unchecked']]
    if 'document_contradiction' in a.warnings:
        out.append(BADGES['contradiction'])
    if 'part_not_found' in a.warnings:
        out.append(BADGES['partly'])
    if a.model_reply and BADGES['unchecked'] not in out:
        out.append(BADGES['unchecked'])          # the model's reply, shown beside the checked answer
    return out


def understood_line(plan: dict | None) -> str:
    """The organisation, years, item, scope and kind as resolved; what came from the previous question; a
    sidebar filter the question overrode."""
    if not plan:
        return ''
    line = f'理解为：{plan.get("describe", "")}'
    if plan.get('carried'):
        line += f'（沿用上一问的{"、".join(plan["carried"])}）'
    if plan.get('filter_overridden'):
        line += f'（问题指明了其他单位，没有按“只问这个单位”（{"、".join(plan["filter_overridden"])}）筛选）'
    return line


def headline(a: Answer, short=lambda org: org) -> tuple[str, str] | None:
    """(who, year and what; value and unit) for an answered figure, else None."""
    plan = a.plan or {}
    if a.status != 'answered' or a.value is None or plan.get('parts') or plan.get('kind') not in HEADLINE_KINDS \
            or len(plan.get('items', ())) > 1:
        return None
    parts = plan.get('parts') or [plan]
    orgs = list(dict.fromkeys(o for p in parts for o in p.get('orgs', ()))) or \
        list(dict.fromkeys(f.org for f in a.figures))
    years = list(dict.fromkeys(y for p in parts for y in p.get('years', ()))) or \
        list(dict.fromkeys(f.year for f in a.figures if f.year))
    items = list(dict.fromkeys(i for p in parts for i in p.get('items', ())))
    who = '、'.join(short(o) for o in orgs[:3]) + ('等' if len(orgs) > 3 else '')
    when = '、'.join(f'{y}年' for y in years[:3])
    label = ' '.join(x for x in (who, when, '、'.join(items[:2])) if x)
    return label or '答案', f'{a.value} {a.unit or ""}'.strip()


def document_labels(documents) -> dict[str, str]:
    """File name -> '克州工信局 2025年' (the file name added when two files are the same organisation and year)."""
    short = short_names(documents)
    labels = {d.doc: f'{short[d.org_key]} {d.year or "年份不明"}' + ('年' if d.year else '') for d in documents}
    seen: dict[str, int] = {}
    for label in labels.values():
        seen[label] = seen.get(label, 0) + 1
    return {doc: label if seen[label] == 1 else f'{label}（{doc}）' for doc, label in labels.items()}


HEADLINE_KINDS = tuple(k.name for k in KINDS if k.headline)     # declared with each kind (qa/plans)


def first_sentence(text: str) -> str:
    """The answer's opening sentence (up to the first 。), citation marks kept."""
    m = re.search(r'。', text)
    return text[:m.end()] if m else text


def figure_rows(a: Answer, short=lambda org: org) -> list[dict]:
    """The figures a breakdown, comparison, ranking or list rests on, one row each, numbers as printed."""
    if len(a.figures) < 2:
        return []
    rows = []
    for f in a.figures:
        rows.append({'单位': short(f.org), '年度': f.year or '', '表': f'表{f.table}' if f.table else '情况说明',
                     '项目': f.project or f.row, '栏目': f.column, '数值': f.value, '计量单位': f.unit,
                     '出处': f'[{f.citation}]'})
    return rows


def sources_text(a: Answer) -> list[str]:
    out = []
    for i, c in enumerate(a.citations, 1):
        where = f' 表{c.table}' if c.table else ''
        cell = f' {c.row}' + (f'/{c.column}' if c.column else '') if c.row else ''
        page = f'第{c.page}页 ' if c.page else ''
        lines = f'第{c.line_start}行' if c.line_start == c.line_end else f'第{c.line_start}-{c.line_end}行'
        out.append(f'[{i}] {c.doc} {page}{lines}{where}{cell}')
    return out


def copy_text(a: Answer, short=lambda org: org) -> str:
    """The answer as plain text for an editor: question, understood line, headline, answer, warnings, sources."""
    lines = [f'问：{a.question}']
    understood = understood_line(a.plan)
    if understood:
        lines.append(understood)
    head = headline(a, short)
    if head:
        lines.append(f'{head[0]}：{head[1]}')
    lines.append(f'答：{a.answer}')
    if a.model_reply:
        lines.append(f'（语言模型的改写，未核对，未采用：{a.model_reply}）')
    marks = '、'.join(label for label, _ in badges(a))
    lines.append(f'标记：{marks}')
    lines.append('出处：')
    lines.extend('  ' + s for s in sources_text(a))
    return '\n'.join(lines)


MARKDOWN_SPECIAL = re.compile(r'([\\`*_{}\[\]()#+\-.!|<>~$:])')


# what GitHub-flavoured markdown turns into a link even when escaped (it links the text after parsing): web and
# mail addresses. In a code span they stay text.
WEB_ADDRESS = re.compile(r'(?:https?://|mailto:|xmpp:|www\.)[\x21-\x5f\x61-\x7e]*|[-.\w+]+@[-\w]+(?:\.[-\w]+)+',
                         re.IGNORECASE | re.ASCII)


def plain(text: str) -> str:
    """User and document text for st.markdown, shown as typed: no bold, links, HTML or formulas. A web or mail
    address is shown as code, never as a link (a document or a model reply must not put a link on the page)."""
    out, last = [], 0
    for m in WEB_ADDRESS.finditer(text):
        address = _trimmed(m.group())
        out += [_escaped(text[last:m.start()]), f'`{address}`']
        last = m.start() + len(address)
    out.append(_escaped(text[last:]))
    return ''.join(out)


def _trimmed(address: str) -> str:
    """Without the punctuation that ends the sentence around it, or the bracket that closes around it."""
    while address and (address[-1] in '.,:;!?\'"*_~'
                       or (address[-1] == ')' and address.count(')') > address.count('('))):
        address = address[:-1]
    return address


def _escaped(text: str) -> str:
    return MARKDOWN_SPECIAL.sub(r'\\\1', text).replace('\n', '  \n')
