"""What the page shows, as plain data: tables rebuilt from facts, source lines, the corpus, a chart series.

    frame = table_frame(store, '002_220f206dadf5e393.txt', 6)      # a DataFrame of 表6, one row per table row
    lines = source_lines(store, '002_220f206dadf5e393.txt', 495, 495)

app.py only lays these out; nothing here imports streamlit.
"""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from index.facts_store import FactStore
from ingest.numbers import format_amount
from errors import BadYear, EmptyFile, IngestError, Internal, UnsupportedType, coded, render
from ingest.reader import MAX_BYTES, SUPPORTED_SUFFIXES, too_big
from qa.compose import Draft

from .documents import document_row

SAFE_NAME = re.compile(r'[^\w\u4e00-\u9fff.（）()-]+')
log = logging.getLogger('budgetqa')


@dataclass(frozen=True)
class TableView:
    title: str
    unit: str
    frame: pd.DataFrame
    highlight: int | None          # index of the cited row in `frame`, if any


def table_frame(store: FactStore, doc: str, table_no: int, cited_line: int | None = None) -> TableView | None:
    meta = next((t for t in store.tables(doc) if t['table_no'] == table_no), None)
    facts = [f for f in store.facts(doc=doc, table_no=table_no) if f.source == 'table']
    if meta is None:
        return None
    rows: dict[tuple, dict] = {}
    for f in facts:
        key = (f.line_start if not f.row_code and f.row in ('合计', '总计') else _row_key(f))
        row = rows.setdefault(key, {'行': f.line_start, '编码': f.row_code, '科目/项目': f.row,
                                    **({'项目名称': f.project} if f.project else {})})
        row[f.column] = format_amount(f.value)        # as printed: 13.80, not 13.800000
        row['行'] = min(row['行'], f.line_start)
    frame = pd.DataFrame(sorted(rows.values(), key=lambda r: r['行']))
    highlight = None
    if cited_line is not None and not frame.empty:
        matches = frame.index[frame['行'] == cited_line].tolist()
        highlight = matches[0] if matches else None
    return TableView(f'表{table_no} {meta["title"]}', meta['unit'] or '万元', frame, highlight)


def _row_key(f) -> tuple:
    return (f.row_code, f.row, f.project, f.section)


def source_lines(store: FactStore, doc: str, start: int, end: int, context: int = 3) -> list[tuple[int, str, bool]]:
    """(line number, text, is it one of the cited lines) around a citation."""
    shown = store.line_text(doc, max(1, start - context), end + context)
    return [(n, text.replace('\t', '  '), start <= n <= end) for n, text in shown]


def corpus_overview(store: FactStore) -> pd.DataFrame:
    rows = []
    for d in store.documents():
        s = d.summary
        failed = s.get('checks_failed', {})
        rows.append({'文件': d.doc, '单位': d.org, '年度': d.year,
                     '表格': ','.join(str(n) for n in s.get('tables_found', [])),
                     '空表': ','.join(str(n) for n in s.get('tables_empty', [])),
                     '事实数': s.get('facts'), '矛盾': failed.get('contradiction', 0),
                     '警告': len(s.get('warnings', []))})
    return pd.DataFrame(rows)


def facts_frame(ctx, org_key: str | None = None, year: int | None = None,
                table_no: int | None = None) -> pd.DataFrame:
    """The stored figures of an organisation (a year, a table), each with its checks in plain words (核对)."""
    facts = ctx.store.facts(org=org_key, year=year, table_no=table_no)
    checks = check_notes(ctx, facts)
    return pd.DataFrame([{'文件': f.doc, '单位': f.org, '年度': f.year,
                          '来源': '表格' if f.source == 'table' else '文字', '表': f.table_no,
                          '编码': f.row_code, '行/事项': f.row, '栏目': f.column,
                          '数值': float(f.value), '单位名称': f.unit, '项目': f.project, '起始行': f.line_start,
                          '核对': check, '标记': ','.join(f.flags)} for f, check in zip(facts, checks)])


CHECK_MARKS = {'passed': '✅ 对得上', 'failed': '⚠ 对不上', 'rounding': '≈ 尾差：加总有四舍五入的尾差（不超过0.05）',
               'incomplete': '… 未填全：合计或各部分有一侧没有填写'}
CHECK_COLOURS = {'✅': '#e6f4ea', '⚠': '#fde2e1', '≈': '#fff3b0', '…': '#eeeeee'}


def check_notes(ctx, facts) -> list[str]:
    """Each figure's checks as the facts browser shows them: '✅ 对得上' (every sum it is in adds up), '⚠ 对不上：'
    with the failed check said as answers say it (qa/checknotes.py: the parts, their computed sum, the printed
    total), '≈ 尾差' (rounding), '… 未填全' (one side of a sum left blank), or blank (no check reads it)."""
    from qa.checknotes import checks_of, describe
    out = []
    for f in facts:
        if not f.checks_failed:
            out.append(CHECK_MARKS['passed'] if f.checks_passed else '')
            continue
        notes = [_plain_note(describe(_Uncited(ctx), c, [f])) for c in checks_of(ctx, [f])]
        if notes:
            out.append(f'{CHECK_MARKS["failed"]}：' + ' '.join(notes))
            continue
        severities = {c['severity'] for c in ctx.failed_checks(f.doc)
                      if c['name'] in f.checks_failed and c.get('table_no') == f.table_no}
        kind = 'rounding' if 'rounding' in severities else 'incomplete' if 'completeness' in severities else 'failed'
        out.append(CHECK_MARKS[kind])
    return out


class _Uncited(Draft):
    """A draft whose notes cite nothing: the browser shows each figure's line beside it."""
    def cite_fact(self, fact) -> str:
        return ''

    def cite_lines(self, doc: str, start: int, end: int, table: int | None = None) -> str:
        return ''


def _plain_note(note: str) -> str:
    """A check note of an answer without its lead-in (the column's mark says it) or its brackets."""
    note = note.removeprefix('注意：文件前后不一致，')
    return note[1:-1] if note.startswith('（') and note.endswith('）') else note


def with_check_colours(frame: pd.DataFrame):
    """The frame for the page, its 核对 cells coloured by their mark (green passed, red failed); numbers as stored."""
    if '核对' not in frame.columns:
        return frame
    styled = frame.style.map(lambda v: f'background-color: {CHECK_COLOURS[v[:1]]}'
                             if isinstance(v, str) and v[:1] in CHECK_COLOURS else '', subset=['核对'])
    return styled.format({'数值': '{:.10g}'.format} if '数值' in frame.columns else {})


def to_xlsx(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


CHART_ITEMS = {
    '三公经费': (10, '合计', '合计'), '公务接待费': (10, '公务接待费', '合计'), '人员经费': (6, '合计', '人员经费'),
    '公用经费': (6, '合计', '公用经费'), '基本支出': (3, None, '基本支出'), '项目支出': (3, None, '项目支出'),
}


def item_series(store: FactStore, item: str, orgs: list[str] | None = None) -> pd.DataFrame:
    """One item across organisations (all, or those chosen) and years, each value with the line it comes from."""
    table_no, row, column = CHART_ITEMS[item]
    out = []
    for d in store.documents():
        if orgs is not None and d.org_key not in orgs:
            continue
        facts = [f for f in store.facts(doc=d.doc, table_no=table_no) if f.column == column
                 and (f.row == row if row else f.row in ('合计', '总计') and not f.row_code)]
        if not facts and item == '三公经费':
            facts = [f for f in store.facts(doc=d.doc, source='text') if f.item == '三公经费' and f.column == '数额']
        if facts:
            f = facts[0]
            out.append({'单位': d.org, '年度': d.year, '标签': f'{d.org}（{d.year}）', '数值': float(f.value),
                        '原文数值': format_amount(f.value),
                        '单位名称': f.unit, '文件': f.doc, '行': f.line_start})
    return pd.DataFrame(out)


def chinese_error(error: BaseException) -> str:
    """'文件“X”第N行：原因' for the page, looked up by the error's code (errors.render), without any server path.
    An error outside the hierarchy is shown as an internal error and logged here with its traceback."""
    if coded(error).code == Internal.code:
        log.error('internal error shown on the page', exc_info=error)
    return render(error, 'zh')


def save_upload(name: str, data: bytes, folder: Path) -> Path:
    """Check an upload and keep it under a safe, unique name; raise IngestError naming the file otherwise."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedType(name, suffix=suffix or '(none)', expected=', '.join(SUPPORTED_SUFFIXES))
    if not data.strip():
        raise EmptyFile(name)
    if len(data) > MAX_BYTES:
        raise too_big(name, len(data))
    safe = SAFE_NAME.sub('_', Path(name).name).strip('._') or 'upload.txt'
    safe = Path(safe).stem[:80] + suffix          # a file name fits every file system (255 bytes)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / safe
    if target.exists() and target.read_bytes() != data:
        stem, n = target.stem, 2
        while (folder / f'{stem}_{n}{suffix}').exists():
            n += 1
        target = folder / f'{stem}_{n}{suffix}'
    target.write_bytes(data)
    return target


def ingest_uploads(uploads: list[tuple[str, bytes]], folder: Path, store: FactStore, options=None, vectors=None,
                   progress=None):
    """Store what can be stored of several uploaded files: (report, refused uploads as errors). Each upload is
    checked and saved under a safe name; a file refused (by the check or by ingest) is deleted again. `options`
    and `progress` as index/pipeline.py ingest_paths takes them."""
    from index.pipeline import IngestOptions, IngestProgress, IngestReport, ingest_paths
    saved, refused = [], []
    for name, data in uploads:
        try:
            saved.append(save_upload(name, data, folder))
        except IngestError as error:
            refused.append(error)
    try:
        report = ingest_paths(saved, store, vectors, options or IngestOptions(),
                              progress or IngestProgress()) if saved else IngestReport()
    except BaseException:              # a full disk, a read-only store: no file is left behind unless it is stored
        _drop_unstored(saved, {str(Path(d.path)) for d in store.documents()})
        raise
    _drop_unstored(saved, {o.path for o in report.outcomes})
    ingested = [o.doc for o in report.outcomes if o.status == 'ingested']
    if ingested and vectors is not None:
        from qa.context import remember_labels
        remember_labels(store, ingested)
    return IngestReport(report.outcomes, refused + report.refused)


def changes_text(changes: dict | None) -> str:
    """'替换了 X：12 个数字不同，差别最大的：表10 …/合计 0.00 → 88.88 万元（第495行）' for the page; '' if none."""
    if not changes:
        return ''
    largest = '；'.join(f"{' '.join(x for x in (d['table'], '/'.join(x for x in (d['row'], d['column']) if x)) if x)}"
                       f" {d['old']} → {d['new']} {d['unit']}（第{d['line']}行）" for d in changes['largest'])
    return (f"替换了 {'、'.join(changes['of'])}：{changes['figures_differ']} 个数字不同，"
            f"新增 {changes['figures_added']} 个，不再有 {changes['figures_gone']} 个"
            + (f"；差别最大的：{largest}" if largest else ''))


def _drop_unstored(saved: list[Path], kept: set[str]) -> None:
    for path in saved:
        if str(path) not in kept and str(path.resolve()) not in kept:
            path.unlink(missing_ok=True)


def parse_year(text: str) -> int | None:
    """The year typed in an upload form: empty, or four digits 1990-2100; BadYear naming the allowed ones."""
    text = (text or '').strip().rstrip('年')
    if not text:
        return None
    if not text.isdigit() or not 1990 <= int(text) <= 2100:
        raise BadYear(text=text)
    return int(text)


@dataclass(frozen=True)
class Example:
    label: str            # '克州工信局·三公经费': the organisation's short name and the item
    question: str         # the full question, asked when the button is pressed


def examples(documents, short: dict[str, str] | None = None, limit: int = 5) -> list[Example]:
    """Questions to try, from data/vocabulary/example_questions.tsv, about the organisations that are loaded;
    each labelled by the organisation's short name and the item the template names."""
    from ingest.vocabulary import vocabulary_table
    short = short or {}
    by_org: dict[str, list[int]] = {}
    for d in documents:
        by_org.setdefault(d.org_key, []).extend([d.year] if d.year else [])
    orgs = sorted(by_org, key=lambda k: (-len(by_org[k]), k))
    out = []
    for i, (template, names) in enumerate(vocabulary_table('example_questions')):
        needs_previous = '{previous}' in template
        candidates = [k for k in orgs if by_org[k] and (not needs_previous or max(by_org[k]) - 1 in by_org[k])]
        if not candidates:
            continue
        org = candidates[i % len(candidates)]
        year = max(by_org[org])
        question = template.format(org=org, year=year, previous=year - 1)
        out.append(Example('·'.join(x for x in (short.get(org, org), names[0] if names else '') if x), question))
    return out[:limit]


def example_questions(documents, limit: int = 5) -> list[str]:
    """The example questions' full text."""
    return [e.question for e in examples(documents, limit=limit)]


def rate_text(what: str, done: int, total: int, started: float) -> str:
    """'读取 12/40 份，3.1 份/秒，约 9 秒后完成' for a progress bar."""
    import time
    seconds = max(time.perf_counter() - started, 1e-6)
    rate = done / seconds
    left = (total - done) / rate if rate else 0
    return f'{what} {done}/{total} 份，{rate:.1f} 份/秒，约 {left:.0f} 秒后完成'


def failed_checks(store: FactStore, answer) -> list[dict]:
    """The failed arithmetic checks an answer's note names, each once, from the tables its citations point at."""
    named = set(answer.quoted)
    tables = {(c.doc, c.table) for c in answer.citations if c.table}
    out, seen = [], set()
    for doc in dict.fromkeys(d for d, _ in tables):
        for check in store.checks(doc, failed_only=True):
            key = (check['table_no'], check['name'])
            said = check['name'] in named or check.get('subject') in named     # old notes quote the name
            if said and (doc, check['table_no']) in tables and key not in seen:
                seen.add(key)
                out.append(check)
    return out


def blank_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame for the page: a missing cell is blank, never 'None' or 'nan' (a whole number stays whole)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].isna().any():
            out[column] = [('' if pd.isna(v) else str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                           for v in out[column]]
    return out


@dataclass(frozen=True)
class DocumentQuery:
    """What the document list is filtered by: text in the file's name, label or organisation; organisation key,
    year, kind (预算/决算)."""
    text: str = ''
    org: str | None = None
    year: int | None = None
    kind: str | None = None


def find_documents(documents, labels: dict[str, str], query: DocumentQuery) -> list:
    """The documents that match every part of the query, by label."""
    text = query.text.strip().lower()
    found = [d for d in documents
             if (not text or any(text in s.lower() for s in (d.doc, labels.get(d.doc, ''), d.org, d.org_key)))
             and (query.org is None or d.org_key == query.org) and (query.year is None or d.year == query.year)
             and (query.kind is None or d.summary.get('kind') == query.kind)]
    return sorted(found, key=lambda d: (labels.get(d.doc, d.doc), d.doc))


def page_of(items: list, page: int, size: int) -> tuple[list, int]:
    """(the items on a 1-based page, how many pages there are); a page past the end is the last one."""
    pages = max(1, -(-len(items) // size))
    page = min(max(page, 1), pages)
    return items[(page - 1) * size: page * size], pages


def document_table(documents, labels: dict[str, str], counts: dict[str, dict] | None = None) -> pd.DataFrame:
    """One row per document, every cell filled or blank; the audit counts only where they were counted."""
    counts = counts or {}
    rows = []
    for d in documents:
        r, counted = document_row(d), counts.get(d.doc)
        rows.append({'文件': labels.get(d.doc, d.doc), '单位全称': r['org'], '年度': str(r['year'] or ''),
                     '类型': r['kind'], '表格': r['tables'], '数字': r['facts'] or 0,
                     '矛盾': '' if counted is None else str(counted.get('contradiction', 0)),
                     '可疑': '' if counted is None else str(counted.get('suspicious', 0)),
                     '警告': r['warnings'], '加入': f'{r["ingested_at"][:10]} {r["added_by"]}'.strip(),
                     '大小': f'{(r["bytes"] or 0) // 1024} KB', '文件名': d.doc, '哈希': r['hash'][:12]})
    return pd.DataFrame(rows, columns=['文件', '单位全称', '年度', '类型', '表格', '数字', '矛盾', '可疑', '警告',
                                       '加入', '大小', '文件名', '哈希'])
