"""What the command line prints: an ingest's summary, facts, answers, hits, comparisons and documents as lines.

    print(format_summary(outcome.doc, outcome.status, outcome.summary))   # `qa ingest`, per document
    print(format_answer(answer('州政府办2024年三公经费是多少', ctx)))       # `qa ask`
    print_rows([fact_json(f) for f in facts], 'csv', empty='doc')         # --format json|csv

Only text: the commands in service/cli.py choose what to print, these say how.
"""
from __future__ import annotations

import csv
import json
import sys
from decimal import Decimal
from pathlib import Path

from tqdm import tqdm

from ingest.models import BudgetFact
from ingest.numbers import format_amount


def print_rows(rows: list[dict], fmt: str, empty: str) -> None:
    """One JSON object per line, or CSV with a header (lists joined by ';'); `empty` heads an empty CSV."""
    if fmt == 'json':
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else [empty])
    writer.writeheader()
    writer.writerows({k: (';'.join(v) if isinstance(v, list) else v) for k, v in row.items()} for row in rows)


# ---- ingest --------------------------------------------------------------------------------

def format_summary(doc: str, status: str, s: dict) -> str:
    failed = s.get('checks_failed', {})
    lines = [f"{doc}  [{status}]",
             f"  {s.get('org')}  {s.get('year')}  {s.get('kind', '预算')}  ({s.get('encoding')})",
             _tables_line(s),
             f"  facts {s.get('facts')} ({s.get('table_facts')} from tables, {s.get('text_facts')} from text), "
             f"chunks {s.get('chunks', '-')}; parse {s.get('parse_seconds', 0)}s, "
             f"chunk {s.get('chunk_seconds', 0)}s; "
             f"checks {s.get('checks')}, failed: {failed.get('contradiction', 0)} contradictions, "
             f"{failed.get('rounding', 0)} rounding, {failed.get('completeness', 0)} gaps"]
    warnings = s.get('warnings', [])
    for warning in warnings[:12]:
        lines.append(f'  warning: {warning}')
    if len(warnings) > 12:
        lines.append(f'  … {len(warnings) - 12} more warnings')
    if status == 'ingested' and s.get('changes'):
        lines.extend(_changes_lines(s['changes']))
    return '\n'.join(lines)


def _changes_lines(changes: dict) -> list[str]:
    """What a replacing file changed: how many figures differ from the stored version, and the largest."""
    lines = [f"  replaces {', '.join(changes['of'])}: {changes['figures_differ']} figures differ "
             f"({changes['figures_added']} new, {changes['figures_gone']} gone)"]
    for d in changes['largest']:
        label = ' '.join(x for x in (d['table'], '/'.join(x for x in (d['row'], d['column']) if x)) if x)
        lines.append(f"    line {d['line']}: {label}: {d['old']} -> {d['new']} {d['unit']}")
    return lines


def _tables_line(s: dict) -> str:
    """The standard template's tables by number; any other document's tables by the kind their titles name."""
    read = s.get('tables_read') or []
    if read and not s.get('tables_found'):
        kinds = [k for k, _ in read if k != 'other']
        others = len(read) - len(kinds)
        return (f"  tables read {len(read)}: {', '.join(dict.fromkeys(kinds)) or '-'}"
                f"{f' and {others} of no known kind' if others else ''}")
    return (f"  tables found {_nums(s.get('tables_found'))}; empty {_nums(s.get('tables_empty'))}; "
            f"missing {_nums(s.get('tables_missing'))}; 绩效目标表 {s.get('performance_tables', 0)}")


def _nums(numbers) -> str:
    return ','.join(f'表{n}' for n in numbers) if numbers else '-'


def note(message: str) -> None:
    """A line about the ingest in progress, above the progress bars."""
    tqdm.write(message, file=sys.stderr)


def progress_bar(desc: str):
    """A progress bar with documents per second and the time left (tqdm; off when stderr is not a terminal): the
    callback (done, total) that moves it."""
    bar = tqdm(total=0, unit='doc', desc=desc, file=sys.stderr, disable=None, leave=False)

    def advance(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
            bar.refresh()
        bar.update(done - bar.n)
    return advance


def ingest_total(report, seconds: float, facts_db: Path) -> str:
    """'5 documents (5 ingested, 0 unchanged) in 112.00s (parsing 1.90s) -> .data/facts.db'"""
    outcomes = report.outcomes
    ingested = sum(o.status == 'ingested' for o in outcomes)
    parse = sum(o.summary.get('parse_seconds', 0) for o in outcomes if o.status == 'ingested')
    refused = f', {len(report.refused)} refused' if report.refused else ''
    return (f'{len(outcomes)} documents ({ingested} ingested, '
            f'{sum(o.status == "unchanged" for o in outcomes)} unchanged{refused}) in {seconds:.2f}s '
            f'(parsing {parse:.2f}s) -> {facts_db}')


def print_refused(report, all_or_nothing: bool, report_error) -> int:
    """The end of an ingest that refused files: what was stored, then each refused file with why and what to do
    (`report_error` prints one and gives its exit status); the exit status of the worst."""
    if outcomes := report.outcomes:
        print(f"stored: {', '.join(o.doc for o in outcomes)}", file=sys.stderr)
    print(f'refused {len(report.refused)} file(s):', file=sys.stderr)
    status = max(report_error(error) for error in report.refused)
    if all_or_nothing:
        print('nothing was stored (--all-or-nothing); fix the files above and run ingest again', file=sys.stderr)
    else:
        print('the other files were stored; fix the refused ones and ingest just those again', file=sys.stderr)
    return status


# ---- reading -------------------------------------------------------------------------------

def fact_line(f: BudgetFact) -> str:
    where = f'表{f.table_no}' if f.table_no else (f.table_title or 'text')
    label = ' '.join(x for x in (f.row_code, f.row, f.project and f'[{f.project}]') if x)
    warn = ' !' + ','.join(f.checks_failed) if f.checks_failed else ''
    return f'{f.doc}:{f.line_start}\t{where}\t{label}\t{f.column}\t{format_amount(f.value)} {f.unit}{warn}'


def format_answer(result) -> str:
    lines = [f'（理解为：{result.plan["describe"]}）'] if result.plan else []
    lines.append(result.answer)
    if result.status == 'answered' and not result.verified:
        lines.append(f'（未能核实的数字：{"、".join(result.unverified_numbers)}）')
    if result.model_reply:
        lines.append(f'（语言模型的改写不只是复述核对过的答案，未采用，未核对：{result.model_reply}）')
    for warning in result.warnings:
        if warning.startswith('language model unavailable'):
            lines.append(f'（语言模型没有回答（{warning.split(": ", 1)[-1]}），以上是直接根据文件数据生成的答案）')
    for i, c in enumerate(result.citations, 1):
        where = f'表{c.table} ' if c.table else ''
        cell = f' {c.row}/{c.column}' if c.row else ''
        page = f'第{c.page}页 ' if c.page else ''
        span = f'-{c.line_end}' if c.line_end != c.line_start else ''
        lines.append(f'  [{i}] {c.doc} {page}第{c.line_start}{span}行 {where}{cell}: {c.text[:120]}')
    return '\n'.join(lines)


def hit_line(hit) -> str:
    return f'{hit.doc}:{hit.line_start}-{hit.line_end}  {hit.score:.4f}  {hit.text[:160]}'


def print_comparison(rows: list[dict]) -> None:
    for row in rows:
        where = f"表{row['table']}" if row['table'] else '情况说明'
        print(f"{row['org']}\t{row['year']}\t{format_amount(Decimal(row['value']))} {row['unit']}\t"
              f"{row['doc']}:{row['line_start']} {where}")
    years = {r['year'] for r in rows}
    if len(years) > 1:
        print(f'注意：年份不同（{"、".join(str(y) for y in sorted(years))}）', file=sys.stderr)


def document_line(row: dict) -> str:
    return (f"{row['doc']}\t{row['org']}\t{row['year']}\t{row['facts']} facts\t{row['contradictions']} "
            f"contradictions\t{row['hash']}\t{row['bytes']} bytes\t{row['ingested_at']}\t{row['added_by'] or '-'}")


__all__ = ['document_line', 'fact_line', 'format_answer', 'format_summary', 'hit_line', 'ingest_total', 'note',
           'print_comparison', 'print_refused', 'print_rows', 'progress_bar']
