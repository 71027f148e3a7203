"""Answering a question from facts first, then from retrieved passages, else '文件中没有'.

    ctx = Context.open(settings)
    a = answer('州政府办2024年三公经费是多少', ctx)
    a.status, a.value, a.unit, a.citations[0].line_start     # 'answered', '0.00', '万元', 495

Every figure in the text comes from a stored fact or a cited line, and
`verify.unverified_numbers` checks that before the answer leaves.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from index.facts_store import FactStore
from index.retriever import HybridRetriever
from ingest.models import BudgetFact
from ingest.numbers import format_amount

from .lookup import (expected_units, SANGONG_PARTS, TEMPLATE_WORDS, bigrams, change_facts, common_run, match_facts, project_of, share_facts,
                     vocabulary_facts)
from .llm import with_language_model
from .models import Answer, Citation
from .understand import Catalogue, Question, understand
from .verify import unverified_numbers

NOT_FOUND = '文件中没有'


@dataclass
class Context:
    store: FactStore
    catalogue: Catalogue
    search: object = None                       # callable(text, orgs, years, k=, boost=) -> [Hit]
    llm: object = None                          # an optional langchain chat model
    _facts: list[BudgetFact] | None = None
    _lines: dict[str, dict[int, str]] = field(default_factory=dict)
    _pages: dict[str, dict[int, int]] = field(default_factory=dict)
    _blocks: list[dict] | None = None
    _statements: list[dict] | None = None

    @classmethod
    def from_store(cls, store: FactStore, search=None, llm=None) -> 'Context':
        return cls(store, Catalogue.from_documents(store.documents()), search, llm)

    def facts(self) -> list[BudgetFact]:
        if self._facts is None:
            self._facts = self.store.facts()
        return self._facts

    def statements(self, doc: str) -> list[dict]:
        if self._statements is None:
            self._statements = self.store.statements()
        return [s for s in self._statements if s['doc'] == doc]

    def blocks(self) -> list[dict]:
        if self._blocks is None:
            self._blocks = self.store.blocks()
        return self._blocks

    def page(self, doc: str, number: int) -> int | None:
        if doc not in self._pages:
            self._pages[doc] = self.store.pages(doc)
        return self._pages[doc].get(number)

    def line(self, doc: str, number: int) -> str:
        if doc not in self._lines:
            self._lines[doc] = dict(self.store.line_text(doc, 1, 10 ** 7))
        return self._lines[doc].get(number, '')

    def lines(self, doc: str, start: int, end: int) -> str:
        text = ' '.join(self.line(doc, n).strip() for n in range(start, end + 1))
        return re.sub(r'\s+', ' ', re.sub(r'</?b>|\*\*', '', text.replace('\t', ' '))).strip()


class Draft:
    """An answer being written: sentences, and the citations they point at."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.parts: list[str] = []
        self.citations: list[Citation] = []
        self.warnings: list[str] = []
        self.quoted: list[str] = []

    def cite_fact(self, fact: BudgetFact) -> str:
        self.quoted.extend(x for x in (fact.project, fact.row, fact.org, fact.column) if x)
        text = self.ctx.lines(fact.doc, fact.line_start, fact.line_end)
        return self._cite(Citation(fact.doc, fact.line_start, fact.line_end, text, fact.table_no, fact.row,
                                   fact.column, self.ctx.page(fact.doc, fact.line_start)))

    def cite_lines(self, doc: str, start: int, end: int, table: int | None = None) -> str:
        return self._cite(Citation(doc, start, end, self.ctx.lines(doc, start, end), table,
                                   page=self.ctx.page(doc, start)))

    def _cite(self, citation: Citation) -> str:
        key = (citation.doc, citation.line_start, citation.line_end)
        for i, c in enumerate(self.citations):
            if (c.doc, c.line_start, c.line_end) == key:
                return f'[{i + 1}]'
        self.citations.append(citation)
        return f'[{len(self.citations)}]'

    def add(self, text: str) -> None:
        self.parts.append(text)

    def finish(self, question: Question, value: str | None, unit: str | None, method: str) -> Answer:
        text = ''.join(self.parts)
        return Answer(question.text, 'answered', text, value, unit, tuple(self.citations), False,
                      tuple(self.warnings), method=method, quoted=tuple(self.quoted))


# ---- entry point -------------------------------------------------------------------

def answer(text: str, ctx: Context, question_id: str | None = None, orgs: tuple[str, ...] = (),
           years: tuple[int, ...] = ()) -> Answer:
    """`orgs`/`years`: filters chosen outside the question (the page's sidebar); the question's own win."""
    question = understand(text, ctx.catalogue)
    if orgs and not question.orgs:
        question = replace(question, orgs=tuple(orgs), ambiguous=())
    if years and not question.years:
        question = replace(question, years=tuple(years))
    result = _verified(_answer(question, ctx), ctx)
    if ctx.llm is not None and result.verified:
        result = with_language_model(result, ctx.llm, _retriever_for(question, ctx))
    return replace(result, id=question_id)


def _retriever_for(q: Question, ctx: Context):
    """The hybrid search as a langchain retriever, limited to the question's organisations and years."""
    engine = getattr(ctx.search, '__self__', None)
    if engine is None:
        return None
    orgs, years = scope_of(q)
    return HybridRetriever(search_engine=engine, orgs=tuple(orgs), years=tuple(years), k=3)


def _answer(q: Question, ctx: Context) -> Answer:
    if q.ambiguous and not q.orgs:
        return _ambiguous(q, ctx)
    missing = _missing_year(q, ctx)
    if missing:
        return missing
    facts = _in_scope(q, ctx)
    if q.intent in ('figure', 'yesno') and _unmatched_subject(q, facts) and project_of(q, facts) is None:
        return _not_found(q, ctx, _what_exists(q, facts) or '文件没有单列这一项')
    if q.intent == 'definition':
        order = (_retrieved,)
    elif q.intent == 'yesno' and not q.items:
        order = (_retrieved, _figure, _project_details)
    else:
        order = (_figure, _project_details, _retrieved)
    for handler in HANDLERS.get(q.intent, ()) + order:
        result = handler(q, facts, ctx)
        if result is not None:
            return _unstated_change(result) if q.intent == 'change' and handler is not _change else result
    return _not_found(q, ctx, _what_exists(q, facts) or '没有找到与问题对应的数字或段落')


def _unstated_change(result: Answer) -> Answer:
    """'比上年增加多少' where the document states no change: the level is not the answer, only context."""
    if result.status != 'answered' or result.method != 'facts':
        return result
    text = f'{NOT_FOUND}。文件没有写明这一项比上年的增减。文件所列的本年数字：{result.answer}'
    return replace(result, status='not_found', answer=text, value=None, unit=None, method='not_found')


def _what_exists(q: Question, facts: list[BudgetFact]) -> str:
    """For an expense the 基本支出 table does not list: the 公用经费 items it does list."""
    asked = [t for t in q.terms if t.endswith('费')]
    listed = [f for f in facts if f.table_no == 6 and f.row_code[:3] == '302' and len(f.row_code) == 5
              and f.column == '合计']
    if not asked or not listed:
        return ''
    by_doc: dict[str, list[str]] = {}
    for f in listed:
        by_doc.setdefault(f'{f.org}{f.year}年', []).append(f.row)
    return '；'.join(f'{who}基本支出表（表6）没有单列{asked[0]}，公用经费只列了{"、".join(rows)}共{len(rows)}项'
                    for who, rows in by_doc.items())


def scope_of(q: Question) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The organisations and years a question limits retrieval to."""
    years = () if q.org_years else q.years
    return q.orgs, years


FACT_BOOST = 0.05   # larger than any fused rank score (1/60): a matched fact's lines come first


def retrieve(text: str, ctx: Context, k: int = 5):
    """Passages for a question: hybrid search in its scope, the lines its facts stand on first."""
    q = understand(text, ctx.catalogue)
    orgs, years = scope_of(q)
    return ctx.search(search_text(q), orgs, years, k=k, boost=_cited_lines(q, ctx))


def _cited_lines(q: Question, ctx: Context) -> dict[tuple[str, int], float]:
    """The lines a facts-only answer to the question cites, earlier citations weighing more."""
    facts_only = replace(ctx, search=None)
    result = _answer(q, facts_only)
    boost = {}
    for rank, c in enumerate(result.citations[:5]):
        for line in range(c.line_start, c.line_end + 1):
            boost.setdefault((c.doc, line), FACT_BOOST / (1 + rank))
    return boost


def search_text(q: Question) -> str:
    """What retrieval looks for: the question without the names and years its filters already cover."""
    return q.content if q.orgs and len(q.content) >= 2 else q.text


def _in_scope(q: Question, ctx: Context) -> list[BudgetFact]:
    facts = ctx.facts()
    if q.orgs:
        keys = set(q.orgs)
        facts = [f for f in facts if _key(f.org) in keys]
    if q.years and not q.org_years:
        facts = [f for f in facts if f.year in q.years]
    elif q.org_years:
        allowed = {(key, y) for mention, y in q.org_years for key in q.orgs if _mention_is(ctx, mention, key)}
        tied_keys = {key for key, _ in allowed}
        facts = [f for f in facts if _key(f.org) not in tied_keys or (_key(f.org), f.year) in allowed]
    return facts


def _key(org: str) -> str:
    return re.sub(r'^中共', '', org)


def _ambiguous(q: Question, ctx: Context) -> Answer:
    name, keys = q.ambiguous[0]
    listing = '；'.join(f'{k}（{"、".join(str(y) for y in ctx.catalogue.years_of(k))}年）' for k in keys)
    return Answer(q.text, 'ambiguous', f'“{name}”对应多个单位，请指明是哪一个：{listing}。', candidates=keys,
                  verified=True, method='clarify')


def _missing_year(q: Question, ctx: Context) -> Answer | None:
    if not q.orgs or not q.years:
        return None
    for key in q.orgs:
        available = ctx.catalogue.years_of(key)
        tied = [y for mention, y in q.org_years if _mention_is(ctx, mention, key)]
        asked = [y for y in (tied or q.years) if y not in available]
        if asked and (len(tied or q.years) == len(asked) or q.intent in ('compare', 'change')):
            years = '、'.join(f'{y}年' for y in available)
            missing = '、'.join(f'{y}年' for y in asked)
            return _not_found(q, ctx, f'已载入的文件中没有{key}{missing}的预算公开，只有{years}的预算公开', key)
    return None


def _not_found(q: Question, ctx: Context, reason: str, org_key: str | None = None) -> Answer:
    text = f'{NOT_FOUND}。{reason}。'
    return Answer(q.text, 'not_found', text, verified=True, method='not_found')


# ---- figures -----------------------------------------------------------------------

def _figure(q: Question, facts: list[BudgetFact], ctx: Context) -> Answer | None:
    parts = _sub_questions(q) if len(q.items) < 2 else [replace(q, items=(item,)) for item in q.items]
    if len(parts) > 1:
        answers = [a for a in (_figure(part, facts, ctx) for part in parts) if a is not None]
        return _joined(q, answers) if answers else None
    if q.items and not vocabulary_facts(q, facts):
        unfilled = _unfilled_template(q, ctx)
        if unfilled is not None:
            return unfilled
    project = project_of(q, facts)
    if project is not None:
        facts = _project_facts(project, facts)
    chosen = [] if project else vocabulary_facts(q, facts)
    if chosen and q.terms and _unmatched_subject(q, facts):
        chosen = []
    if not chosen:
        matches = match_facts(q, facts)
        if not matches:
            return None
        best, top = matches[0]
        chosen = [f for s, f in matches if s >= best - 0.01 and _same_subject(f, top)]
        chosen = _one_per_document(chosen)
    result = _state_figures(q, chosen, facts, ctx)
    return _cross_check_project(q, result, chosen, facts, ctx) if project else result


def _unfilled_template(q: Question, ctx: Context) -> Answer | None:
    """The asked item stands in the document only as template text ('预算万元', '房屋 平方米')."""
    words = [TEMPLATE_WORDS.get(item, item) for item in q.items]
    docs = [d for d in ctx.store.documents() if not q.orgs or d.org_key in q.orgs]
    for doc in docs:
        if q.years and doc.year not in q.years:
            continue
        for s in ctx.statements(doc.doc):
            if s['kind'] == 'template_unfilled' and any(w in s['text'] for w in words):
                draft = Draft(ctx)
                cite = draft.cite_lines(doc.doc, s['line_start'], s['line_end'])
                text = (f'{NOT_FOUND}。{doc.org}{doc.year}年的文件里这一项是没有填写的模板：“{s["text"][:80]}”{cite}'
                        f'，没有给出数字。')
                return Answer(q.text, 'not_found', text, citations=tuple(draft.citations), verified=True,
                              warnings=('template_unfilled',), method='not_found')
    return None


def _sub_questions(q: Question) -> list[Question]:
    """'接待多少人，人均成本多少': two figures asked in one question."""
    pieces = [p for p in re.split(r'[，,；;]', q.content or q.text) if re.search(r'(多少|几|多大|是否)', p)]
    if len(pieces) < 2:
        return [q]
    subject = re.split(r'(一年|每年|全年|今年|接待|安排|多少|几)', pieces[0])[0]
    return [replace(q, text=piece, content=piece if i == 0 else subject + piece) for i, piece in enumerate(pieces)]


def _joined(q: Question, answers: list[Answer]) -> Answer:
    first = answers[0]
    offset, text, citations = 0, [], []
    for a in answers:
        renumbered = re.sub(r'\[(\d+)\]', lambda m: f'[{int(m.group(1)) + offset}]', a.answer)
        text.append(renumbered)
        citations.extend(a.citations)
        offset += len(a.citations)
    return replace(first, question=q.text, answer=''.join(text), citations=tuple(citations),
                   warnings=tuple(w for a in answers for w in a.warnings),
                   quoted=tuple(x for a in answers for x in a.quoted))


def _project_facts(project: tuple[str, str], facts: list[BudgetFact]) -> list[BudgetFact]:
    """The project's own facts: its 情况说明 figures and its 绩效目标表."""
    doc, name = project
    key = _squash_name(name)

    def same(other: str) -> bool:   # the 绩效目标表 may write the name a little differently
        other = _squash_name(other)
        return other == key or len(common_run(key, other)) >= 0.7 * max(len(key), len(other))
    own = [f for f in facts if f.doc == doc and f.project and same(f.project)]
    return sorted(own, key=lambda f: f.project != name)


def _squash_name(text: str) -> str:
    return re.sub(r'[\s“”"（）()]', '', text)


def _cross_check_project(q: Question, result: Answer, chosen: list[BudgetFact], facts: list[BudgetFact],
                         ctx: Context) -> Answer:
    """A project figure from the 情况说明 against the project's 绩效目标表 cost indicators."""
    lead = _preferred(chosen)
    if lead.source != 'text' or lead.unit != '万元':
        return result
    asked = _squash_name(q.content or q.text)
    indicators = [f for f in facts if f.item == '绩效指标' and f.unit.startswith('万元') and f.doc == lead.doc
                  and bigrams(asked) & bigrams(f.row)]
    if not indicators or any(f.value == lead.value for f in indicators):
        return result
    draft = Draft(ctx)
    draft.citations = list(result.citations)
    listed = '、'.join(f'{f.row}{_amount(f)}{draft.cite_fact(f)}' for f in indicators[:3])
    text = (result.answer + f'注意：与项目支出绩效目标表不一致——绩效目标表写的是{listed}，'
            f'项目说明写的是{_amount(lead)}。')
    return replace(result, answer=text, citations=tuple(draft.citations),
                   warnings=result.warnings + ('document_contradiction',))


def _unmatched_subject(q: Question, facts: list[BudgetFact]) -> bool:
    """'会议费预算多少': an expense the question names that no fact of the organisation has."""
    leftovers = [t for t in q.terms if t.endswith('费') and 3 <= len(t) <= 6]
    return any(not any(t in (f.row or '') or t in (f.project or '') for f in facts) for t in leftovers)


def _same_subject(a: BudgetFact, b: BudgetFact) -> bool:
    """Two facts about one row or item (the same figure stated twice), not two rows that tie on words."""
    return bool(a.row_code and a.row_code == b.row_code) or _subject_key(a) == _subject_key(b)


def _subject_key(f: BudgetFact) -> str:
    key = f.item or (f.column if f.row in ('合计', '总计') else f.row) or ''
    return re.sub(r'[\s（）()]', '', _unnumbered(key))


def _unnumbered(label: str) -> str:
    """'1.一般公共预算拨款' -> '一般公共预算拨款'."""
    return re.sub(r'^([一二三四五六七八九十]+、|\d+[.、．])', '', label)


def _one_per_document(facts: list[BudgetFact]) -> list[BudgetFact]:
    seen, out = set(), []
    for f in facts:
        key = (f.doc, f.row, f.project)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out[:4]


def _state_figures(q: Question, chosen: list[BudgetFact], facts: list[BudgetFact], ctx: Context) -> Answer:
    draft = Draft(ctx)
    by_doc: dict[str, list[BudgetFact]] = {}
    for f in chosen:
        by_doc.setdefault(f.doc, []).append(f)
    headline = None
    for doc, doc_facts in sorted(by_doc.items(), key=lambda kv: (kv[1][0].year or 0)):
        lead = _preferred(doc_facts)
        headline = headline or lead
        draft.add(_figure_sentence(lead, draft))
        _add_contradictions(draft, lead, doc_facts + _same_row_elsewhere(lead, facts), facts)
        _add_other_scopes(draft, lead, facts)
        _add_breakdown(draft, q, lead, facts)
        _add_explanation(draft, lead, facts)
        if q.intent == 'list' and lead.source == 'text':
            draft.add(f'文件原文：“{_sentence_at(ctx, lead)}”{_cite_sentence(draft, lead)}')
        _add_check_warnings(draft, lead)
    if len(by_doc) > 1:
        draft.add(f'（{_chinese_count(len(by_doc))}份文件各有一个数字，按年份分别列出。）')
    return draft.finish(q, str(headline.value), headline.unit, 'facts')


def _chinese_count(n: int) -> str:
    return '一两三四五六七八九'[n - 1] if 1 <= n <= 9 else str(n)


def _preferred(facts: list[BudgetFact]) -> BudgetFact:
    """The table cell when there is one; the prose states it again."""
    return sorted(facts, key=lambda f: (f.source != 'table', f.line_start))[0]


def _where(f: BudgetFact) -> str:
    if f.table_no:
        return f'表{f.table_no}{f.table_title}'
    if f.table_title:
        return f.table_title
    return '情况说明'


def _figure_sentence(f: BudgetFact, draft: Draft) -> str:
    subject = _subject(f)
    cite = draft.cite_fact(f)
    return f'{f.org}{f.year or ""}年{subject}为{_amount(f)}（{_where(f)}）{cite}。'


def _subject(f: BudgetFact) -> str:
    parts = []
    label = _unnumbered(f.row or '')
    if f.project and f.project not in (f.row or ''):
        parts.append(f'“{f.project}”')
    if f.table_no == 10:
        parts.append('财政拨款“三公”经费' if f.row == '合计' else f.row)
    elif f.table_no and f.row in ('合计', '总计'):
        whole = f.column in ('合计', '总计')
        parts.append(re.sub(r'(情况表|明细表|表)$', '', f.table_title) + '合计' if whole else f.column)
    else:
        parts.append(label or f.item)
        if f.table_no and f.column not in ('合计', '预算数'):
            parts.append(f.column)
        if f.column.startswith('数额（'):
            parts.append(f.column[2:])
    return ''.join(parts)


def _amount(f: BudgetFact) -> str:
    op = next((flag[3:] for flag in f.flags if flag.startswith('op:')), '')
    op = '' if op == '=' else op
    return f'{op}{format_amount(f.value)}{f.unit}'


def _same_row_elsewhere(lead: BudgetFact, facts: list[BudgetFact]) -> list[BudgetFact]:
    """The 情况说明 sentence that states the same 功能分类 项 ('…行政运行（项）：预算数为 …')."""
    if not lead.table_no or len(lead.row_code) != 7:
        return []
    return [f for f in facts if f.doc == lead.doc and f.source == 'text' and f.column == '数额'
            and f.row.endswith(f'{lead.row}（项）')]


def _add_contradictions(draft: Draft, lead: BudgetFact, same_doc: list[BudgetFact], facts: list[BudgetFact]) -> None:
    seen = {lead.value} | _scope_values(lead, facts)
    for other in same_doc:
        if other is not lead and other.value not in seen and other.unit == lead.unit:
            seen.add(other.value)
            draft.warnings.append('document_contradiction')
            draft.add(f'注意：文件前后不一致，{_where(other)}写的是{_amount(other)}{draft.cite_fact(other)}，'
                      f'与{_where(lead)}的{_amount(lead)}不同。')


SCOPES = {1: '全部资金', 3: '全部资金', 4: '财政拨款', 5: '一般公共预算'}


def _scope_values(lead: BudgetFact, facts: list[BudgetFact]) -> set:
    """The figures the overview tables print for the lead's row: a sentence repeating any of them agrees with the document."""
    if lead.table_no not in SCOPES or not lead.row_code:
        return set()
    return {f.value for f in facts if f.doc == lead.doc and f.table_no in SCOPES and f.row_code == lead.row_code
            and f.column in ('合计', '预算数')}


def _add_other_scopes(draft: Draft, lead: BudgetFact, facts: list[BudgetFact]) -> None:
    """The same 功能分类 row in the other overview tables, when they print another figure (another scope)."""
    if lead.table_no not in SCOPES or not lead.row_code:
        return
    others = [f for f in facts if f.doc == lead.doc and f.table_no in SCOPES and f.table_no != lead.table_no
              and f.row_code == lead.row_code and f.column in ('合计', '预算数') and f.value != lead.value]
    seen = set()
    for f in sorted(others, key=lambda f: f.table_no):
        if f.value in seen:
            continue
        seen.add(f.value)
        draft.add(f'另：表{f.table_no}（{SCOPES[f.table_no]}口径）为{_amount(f)}{draft.cite_fact(f)}。')


def _add_breakdown(draft: Draft, q: Question, lead: BudgetFact, facts: list[BudgetFact]) -> None:
    same = [f for f in facts if f.doc == lead.doc]
    if lead.item == '三公经费' or (lead.table_no == 10 and lead.row == '合计'):
        parts = []
        for part in SANGONG_PARTS:
            f = next((f for f in same if f.table_no == 10 and f.row == part and f.column == '合计'), None) or \
                next((f for f in same if f.source == 'text' and f.item == part and f.column == '数额'), None)
            if f is not None:
                parts.append(f'{part}{_amount(f)}{draft.cite_fact(f)}')
        if parts:
            draft.add('其中：' + '，'.join(parts) + '。')
        note = next((s for s in draft.ctx.statements(lead.doc) if s['kind'] == 'empty_table' and s['table_no'] == 10),
                    None)
        if note is not None:
            draft.add(f'表10为空表：“{note["text"]}”{draft.cite_lines(lead.doc, note["line_start"], note["line_end"], 10)}')
    if lead.table_no == 6 and lead.row == '合计' and lead.column == '人员经费':
        parts = [f for f in same if f.table_no == 6 and f.row_code in ('301', '303') and f.column == '人员经费']
        if parts:
            draft.add('其中：' + '，'.join(f'{f.row}{_amount(f)}{draft.cite_fact(f)}' for f in parts) + '。')


def _add_explanation(draft: Draft, lead: BudgetFact, facts: list[BudgetFact]) -> None:
    key = lead.item or (lead.column if lead.row in ('合计', '总计') else lead.row)
    change = next((f for f in facts if f.doc == lead.doc and f.source == 'text' and f.column.startswith('比上年')
                   and key and f.item == key), None)
    if change is not None:
        sentence = _sentence_at(draft.ctx, change)
        draft.add(f'文件说明：“{sentence}”{_cite_sentence(draft, change)}')


def _add_check_warnings(draft: Draft, lead: BudgetFact) -> None:
    if lead.checks_failed:
        draft.warnings.append('failed_check')
        draft.add(f'（此数所在表格的核对未通过：{"；".join(lead.checks_failed[:2])}。）')
    if any('column_ambiguous' in flag for flag in lead.flags):
        draft.warnings.append('column_ambiguous')
        draft.add('（此数所在栏目从版式上无法完全确定。）')


def _paragraph_of(ctx: Context, fact: BudgetFact) -> tuple[int, int]:
    """The lines of the paragraph a text fact stands in (a sentence may run over several lines)."""
    for block in ctx.blocks():
        if block['doc'] == fact.doc and block['kind'] == 'paragraph' and \
                block['line_start'] <= fact.line_start <= block['line_end']:
            return block['line_start'], block['line_end']
    return fact.line_start, fact.line_end


def _sentence_at(ctx: Context, fact: BudgetFact) -> str:
    start, end = _paragraph_of(ctx, fact)
    text = ctx.lines(fact.doc, start, end)
    raw = fact.raw.replace(',', '').replace(' ', '')
    pieces = [p for p in re.split(r'(?<=[。；])', text) if raw and raw in p.replace(',', '').replace(' ', '')]
    label = re.sub(r'\s', '', fact.item or fact.row or '')
    named = [p for p in pieces if label and label in re.sub(r'\s', '', p)]
    return (named or pieces or [text])[0].strip()


def _cite_sentence(draft: 'Draft', fact: BudgetFact) -> str:
    start, end = _paragraph_of(draft.ctx, fact)
    return draft.cite_lines(fact.doc, start, end)


# ---- changes, shares, comparisons ---------------------------------------------------

def _change(q: Question, facts: list[BudgetFact], ctx: Context) -> Answer | None:
    if len(q.years) >= 2 and len(q.orgs) == 1:
        return _compare_years(q, facts, ctx)
    matches = change_facts(q, facts)
    if not matches:
        return _change_from_last_year(q, ctx)
    best = matches[0][1]
    draft = Draft(ctx)
    sentence = _sentence_at(ctx, best)
    direction = best.column[len('比上年'):]
    draft.add(f'{best.org}{best.year or ""}年{_plain_item(best)}比上年{direction}{format_amount(best.value)}{best.unit}'
              f'{draft.cite_fact(best)}。文件原文：“{sentence}”{_cite_sentence(draft, best)}')
    return draft.finish(q, str(best.value), best.unit, 'facts')


def _change_from_last_year(q: Question, ctx: Context) -> Answer | None:
    """'X2025年Y比上年增加多少' with no stated change: computed when X's previous disclosure is loaded."""
    if len(q.orgs) != 1 or len(q.years) != 1:
        return None
    year = q.years[0]
    if year - 1 not in ctx.catalogue.years_of(q.orgs[0]):
        return None
    both = replace(q, years=(year - 1, year))
    return _compare_years(both, _in_scope(both, ctx), ctx)


def _reason(q: Question, facts: list[BudgetFact], ctx: Context) -> Answer | None:
    """'为什么增加 / 主要原因': the document's own 比上年 sentence for the item, with its 主要原因."""
    best = next((f for _, f in change_facts(q, facts) if '原因' in _sentence_at(ctx, f)), None)
    if best is None:
        return None
    draft = Draft(ctx)
    direction = best.column[len('比上年'):]
    draft.add(f'{best.org}{best.year or ""}年{_plain_item(best)}比上年{direction}{format_amount(best.value)}{best.unit}。'
              f'文件说明的原因：“{_sentence_at(ctx, best)}”{_cite_sentence(draft, best)}')
    return draft.finish(q, str(best.value), best.unit, 'facts')


def _plain_item(f: BudgetFact) -> str:
    return f.item or f.row


def _share(q: Question, facts: list[BudgetFact], ctx: Context) -> Answer | None:
    matches = share_facts(q, facts)
    if not matches:
        return None
    best = matches[0][1]
    draft = Draft(ctx)
    amount = next((f for f in facts if f.doc == best.doc and f.line_start == best.line_start and f.row == best.row
                   and f.column == '数额'), None)
    amount_text = f'{format_amount(amount.value)}{amount.unit}，' if amount else ''
    draft.add(f'{best.org}{best.year or ""}年{best.row}{amount_text}占{format_amount(best.value)}%'
              f'{draft.cite_fact(best)}。')
    return draft.finish(q, str(best.value), '%', 'facts')


def _compare_years(q: Question, facts: list[BudgetFact], ctx: Context) -> Answer | None:
    per_year = {}
    for year in q.years:
        sub = replace(q, years=(year,), intent='figure')
        in_year = [f for f in facts if f.year == year]
        found = vocabulary_facts(sub, in_year) or [f for _, f in match_facts(sub, in_year)[:1]]
        if not found:
            return None
        per_year[year] = _preferred(found)
    later, earlier = max(per_year), min(per_year)
    if not _same_subject(per_year[later], per_year[earlier]):
        return None
    a, b = per_year[later], per_year[earlier]
    diff = a.value - b.value
    draft = Draft(ctx)
    word = '增加' if diff >= 0 else '减少'
    draft.add(f'{a.org}{later}年{_subject(a)}为{_amount(a)}{draft.cite_fact(a)}，{earlier}年为{_amount(b)}'
              f'{draft.cite_fact(b)}；{later}年比{earlier}年{word}{format_amount(abs(diff))}{a.unit}'
              f'（计算：{format_amount(a.value)} − {format_amount(b.value)} = {format_amount(diff)}）。')
    _add_stated_change(draft, a, diff, facts, q.items)
    return draft.finish(q, str(abs(diff)), a.unit, 'computation')


def _add_stated_change(draft: Draft, later: BudgetFact, diff, facts: list[BudgetFact], items=()) -> None:
    """The later disclosure's own '比上年增加 X', quoted; a warning when X is not the computed difference."""
    names = {_subject_key(later), *items}
    stated = next((f for f in facts if f.doc == later.doc and f.source == 'text' and f.column in ('比上年增加', '比上年减少')
                   and (f.item in names or _subject_key(f) in names)), None)
    if stated is None:
        return
    draft.add(f'文件自己的说法：“{_sentence_at(draft.ctx, stated)}”{_cite_sentence(draft, stated)}')
    signed = stated.value if stated.column == '比上年增加' else -stated.value
    if abs(signed - diff) > Decimal('0.05'):
        draft.warnings.append('document_contradiction')
        draft.add(f'注意：文件写的{stated.column}{format_amount(stated.value)}{stated.unit}与两份文件所列数字之差'
                  f'{format_amount(diff)}{later.unit}不一致（口径可能不同，请核对原文）。')


def _compare_orgs(q: Question, facts: list[BudgetFact], ctx: Context) -> Answer | None:
    rows = []
    for key in q.orgs:
        own = [f for f in facts if _key(f.org) == key]
        tied = [y for mention, y in q.org_years if _mention_is(ctx, mention, key)]
        if tied:
            own = [f for f in own if f.year in tied]
        found = vocabulary_facts(q, own) or [f for s, f in match_facts(q, own)]
        if not found:
            return None
        rows.append(_preferred(found))
    draft = Draft(ctx)
    parts = [f'{f.org}（{f.year}年预算公开）{_subject(f)}{_amount(f)}{draft.cite_fact(f)}' for f in rows]
    draft.add('；'.join(parts) + '。')
    top = max(rows, key=lambda f: f.value)
    if len({f.unit for f in rows}) == 1:
        draft.add(f'{top.org}的数字较大。')
    if len({f.year for f in rows}) > 1:
        draft.add('注意：两份文件的年份不同，比较时请留意口径。')
        draft.warnings.append('different_years')
    return draft.finish(q, str(top.value), top.unit, 'computation')


def _mention_is(ctx: Context, mention: str, key: str) -> bool:
    entry = next((o for o in ctx.catalogue.orgs if o.key == key), None)
    return entry is not None and mention in entry.names


def _rank(q: Question, facts: list[BudgetFact], ctx: Context) -> Answer | None:
    latest: dict[str, BudgetFact] = {}
    for key in sorted({_key(f.org) for f in facts}):
        found = vocabulary_facts(q, [f for f in facts if _key(f.org) == key])
        if found:
            f = max(found, key=lambda f: (f.year or 0, f.source == 'table'))
            latest[key] = f
    if len(latest) < 2:
        return None
    lowest_first = re.search(r'(最少|最低|最小)', q.text) is not None
    ordered = sorted(latest.values(), key=lambda f: f.value, reverse=not lowest_first)
    draft = Draft(ctx)
    lines = [f'{i + 1}、{f.org}（{f.year}年）{_amount(f)}{draft.cite_fact(f)}' for i, f in enumerate(ordered)]
    order = '从低到高' if lowest_first else '从高到低'
    draft.add(f'{_subject(ordered[0])}按已载入文件{order}排序（各单位取最新年份）：' + '；'.join(lines) + '。')
    if len({f.year for f in ordered}) > 1:
        draft.add('注意：各单位文件的年份不同。')
        draft.warnings.append('different_years')
    return draft.finish(q, str(ordered[0].value), ordered[0].unit, 'computation')


# ---- projects, definitions, lists ----------------------------------------------------

def _project_details(q: Question, facts: list[BudgetFact], ctx: Context) -> Answer | None:
    """'怎么分配 / 怎么发': the stated figures of the project the question names."""
    named = project_of(q, facts)
    if named is None:
        return None
    related = _project_facts(named, facts)
    own = [f for f in related if f.source == 'text']
    size = next((f for f in own if f.item == '预算安排规模'), None) or \
        next((f for f in related if f.item == '项目预算'), None)
    if size is None:
        return None
    field = _asked_field(q)
    if field:
        return _project_field(q, size, field, ctx)
    details = [f for f in own if f is not size][:8]
    units = expected_units(q)
    if units and size.unit not in units:   # '建几个专题库': the count the project states, not its budget
        counted = [f for f in details if f.unit in units]
        if not counted:
            return None
        size, details = counted[0], []
    draft = Draft(ctx)
    label = {'预算安排规模': '预算安排规模', '项目预算': '年度预算总额（绩效目标表）'}.get(size.item, size.row)
    draft.add(f'{size.org}{size.year}年“{size.project}”{label}{_amount(size)}{draft.cite_fact(size)}。')
    if details:
        draft.add('文件所列：' + '；'.join(f'{f.row}{_amount(f)}{draft.cite_fact(f)}' for f in details) + '。')
    return draft.finish(q, str(size.value), size.unit, 'facts')


# what a question asks about a project -> the line of the project's description that says it
PROJECT_FIELDS = (('项目承担单位', ('谁承担', '谁负责', '哪个单位', '承担单位', '由谁', '谁来')),
                  ('设立的政策依据', ('政策依据', '依据是什么', '根据什么', '为什么设立')),
                  ('资金执行时间', ('执行时间', '什么时候', '何时', '时间')))


def _asked_field(q: Question) -> str | None:
    return next((name for name, words in PROJECT_FIELDS if any(w in q.text for w in words)), None)


def _project_field(q: Question, size: BudgetFact, field: str, ctx: Context) -> Answer | None:
    """The project's own line for the asked field ('项目承担单位：…'), found under its '项目名称' line, quoted."""
    paragraphs = [b for b in ctx.blocks() if b['doc'] == size.doc and b['kind'] == 'paragraph']
    names = [b for b in paragraphs if '项目名称' in b['text'][:12]]
    wanted = _squash_name(size.project)
    title = max(names, key=lambda b: len(common_run(wanted, _squash_name(b['text'].split('项目名称', 1)[1]))), default=None)
    if title is None or len(common_run(wanted, _squash_name(title['text']))) < 4:
        return None
    following = [b['line_start'] for b in names if b['line_start'] > title['line_start']]
    stop = min(following, default=title['line_start'] + 40)
    block = next((b for b in paragraphs if title['line_start'] < b['line_start'] < stop
                  and re.sub(r'\s', '', b['text']).startswith(field)), None)
    if block is None:
        return None
    draft = Draft(ctx)
    draft.add(f'{size.org}{size.year}年“{title["text"].split("：", 1)[-1].strip()}”'
              f'{draft.cite_lines(size.doc, title["line_start"], title["line_end"])}：'
              f'“{block["text"].strip()}”{draft.cite_lines(size.doc, block["line_start"], block["line_end"])}')
    return draft.finish(q, None, None, 'facts')


def _bigrams(text: str) -> set[str]:
    text = re.sub(r'[\s\W\d_]+', '', text)
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _definition(q: Question, facts: list[BudgetFact], ctx: Context) -> Answer | None:
    term = (q.items[0] if q.items else (q.terms[0] if q.terms else '')).replace('（小计）', '')
    term = re.sub(r'(是什么意思|什么意思|是什么|指什么)$', '', term)
    if not term:
        return None
    draft = Draft(ctx)
    glossary = [b for b in ctx.blocks() if b['kind'] == 'paragraph' and '名词解释' in b['heading_path']
                and (not q.orgs or _key_of_doc(ctx, b['doc']) in q.orgs)]
    found = sorted((b for b in glossary if re.search(r'[、.．]\s*“?' + re.escape(term) + r'”?\s*[：:]', b['text'])),
                   key=lambda b: -len(b['text']))
    if found:
        first = found[0]
        definition = first['text'][first['text'].index(term):].strip()
    else:   # not defined itself, but explained inside another entry ('基本支出：包括人员经费、公用经费…')
        found = [b for b in glossary if term in b['text']]
        if not found:
            return None
        first = found[0]
        definition = f'名词解释中没有单列“{term}”，相关条目：{first["text"].strip()}'
    cites = ''.join(draft.cite_lines(b['doc'], b['line_start'], b['line_end']) for b in found)
    draft.add(f'{definition}{cites}')
    return draft.finish(q, None, None, 'facts')


def _key_of_doc(ctx: Context, doc: str) -> str:
    return next((d.org_key for d in ctx.store.documents() if d.doc == doc), '')


def _list_projects(q: Question, facts: list[BudgetFact], ctx: Context) -> Answer | None:
    """'X承担了哪些项目': projects whose 项目承担单位 is X; '单位有哪些项目': its 表7 projects."""
    unit_words = [t for t in q.terms if len(t) >= 2]
    if not unit_words:
        return _table7_projects(q, facts, ctx)
    hits = []
    for block in ctx.blocks():
        text = block['text']
        if not text.startswith('项目承担单位'):
            continue
        owner = text.split('：', 1)[-1]
        if any(_bigrams(w) & _bigrams(owner) and len(_bigrams(w) & _bigrams(owner)) >= 2 for w in unit_words):
            hits.append(block)
    if not hits:
        return None
    draft = Draft(ctx)
    items = []
    for block in hits:
        project = next((f.project for f in facts if f.doc == block['doc'] and f.project and
                        abs(f.line_start - block['line_start']) <= 4), '')
        size = next((f for f in facts if f.doc == block['doc'] and f.project == project and f.item == '预算安排规模'),
                    None)
        amount = f'，{_amount(size)}{draft.cite_fact(size)}' if size else ''
        items.append(f'{project or "（未写项目名称）"}{amount}{draft.cite_lines(block["doc"], block["line_start"], block["line_end"])}')
    draft.add(f'共{len(items)}个：' + '；'.join(f'{i + 1}、{t}' for i, t in enumerate(items)) + '。')
    return draft.finish(q, str(len(items)), '个', 'facts')


def _table7_projects(q: Question, facts: list[BudgetFact], ctx: Context) -> Answer | None:
    if not q.orgs or '项目' not in q.text:
        return None
    rows = [f for f in facts if f.table_no == 7 and f.project and f.column in ('项目支出合计', '合计')]
    if not rows:
        return None
    draft = Draft(ctx)
    by_doc: dict[str, list[BudgetFact]] = {}
    for f in rows:
        if all(f.project != g.project for g in by_doc.get(f.doc, [])):
            by_doc.setdefault(f.doc, []).append(f)
    for doc, projects in sorted(by_doc.items(), key=lambda kv: kv[1][0].year or 0):
        first = projects[0]
        listed = '；'.join(f'{i}、{f.project}{_amount(f)}{draft.cite_fact(f)}' for i, f in enumerate(projects, 1))
        draft.add(f'{first.org}{first.year}年表7{first.table_title}列出{len(projects)}个项目：{listed}。')
    count = len(next(iter(by_doc.values())))
    return draft.finish(q, str(count) if len(by_doc) == 1 else None, '个' if len(by_doc) == 1 else None, 'count')


# ---- retrieval ---------------------------------------------------------------------

def _retrieved(q: Question, facts: list[BudgetFact], ctx: Context) -> Answer | None:
    if ctx.search is None:
        return None
    orgs, years = scope_of(q)
    passages = ctx.search(search_text(q), orgs, years, k=5)
    if not passages:
        return None
    best = passages[0]
    # quote the document's own lines, not the chunk (which carries a synthetic heading)
    sentence = _best_sentence(q, ctx.lines(best.doc, best.line_start, best.line_end))
    if re.search(r'\*[^*]{1,20}\*|[XＸ×]{2}|(为|预算|安排)\s*万元', sentence):
        draft = Draft(ctx)
        cite = draft.cite_lines(best.doc, best.line_start, best.line_end)
        return Answer(q.text, 'not_found', f'{NOT_FOUND}。相关段落是没有填写的模板：“{sentence[:80]}”{cite}',
                      citations=tuple(draft.citations), verified=True, warnings=('template_unfilled',),
                      method='not_found')
    asked = bigrams(q.content or q.text)
    if not sentence or len(asked & bigrams(sentence)) < max(2, min(4, len(asked) // 2)):
        return None
    draft = Draft(ctx)
    cite = draft.cite_lines(best.doc, best.line_start, best.line_end, best.table_no or None)
    prefix = '是。' if q.intent == 'yesno' and re.search(r'(负责|有|安排|是)', sentence) else ''
    draft.add(f'{prefix}文件原文：“{sentence}”{cite}')
    return draft.finish(q, None, None, 'retrieval')


def _best_sentence(q: Question, text: str) -> str:
    pieces = [p.strip() for p in re.split(r'(?<=[。；;])', text) if p.strip()]
    asked = _bigrams(q.text)
    return max(pieces, key=lambda p: len(asked & _bigrams(p)), default='')


HANDLERS = {
    'definition': (_definition,),
    'reason': (_reason,),
    'compare': (_compare_orgs,),
    'rank': (_rank,),
    'change': (_change,),
    'share': (_share,),
    'list': (_list_projects,),
    'how': (_project_details,),
}


# ---- verification --------------------------------------------------------------------

def _verified(result: Answer, ctx: Context) -> Answer:
    """Every figure of the answer traced to a cited line (or the formula that computed it); refusals too."""
    if result.status == 'ambiguous' or (result.status == 'not_found' and not result.citations):
        return result
    sources = [c.text for c in result.citations] + list(result.quoted)
    missing = unverified_numbers(_without_citation_marks(result.answer), sources + _computed(result))
    return replace(result, verified=not missing, unverified_numbers=tuple(missing))


def _without_citation_marks(text: str) -> str:
    return re.sub(r'\[\d+\]', '', text)


def _computed(result: Answer) -> list[str]:
    """Figures an answer computed (a difference, a count) are traced through their formula."""
    if result.method not in ('computation', 'count') and not result.answer.startswith('共'):
        return []
    formulas = re.findall(r'（计算：[^）]*）', result.answer)
    return formulas + ([result.value] if result.value else [])
