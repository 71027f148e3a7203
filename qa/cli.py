"""The command line: a thin shell over ingest/, index/ and qa/.

    python -m qa ingest data/samples
    python -m qa facts --org 州政府办 --table 10
    python -m qa facts --org 克州工信局 --year 2025 --format json
    python -m qa remove 002_220f206dadf5e393.txt
"""
from __future__ import annotations

import argparse
import csv
import json
import signal
import sys
import time
from pathlib import Path

from index.facts_store import FactStore, StoreError
from index.pipeline import IngestFailed, ingest_paths
from ingest.models import BudgetFact
from ingest.numbers import format_amount
from settings import Settings

EXIT_BAD_INPUT = 2


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)   # `| head` ends output quietly
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        return args.handler(args, settings)
    except (StoreError, ValueError) as error:
        print(f'error: {error}', file=sys.stderr)
        return EXIT_BAD_INPUT


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='python -m qa', description='预算公开问答 budget-qa')
    commands = parser.add_subparsers(required=True, metavar='COMMAND')

    ingest = commands.add_parser('ingest', help='read disclosure files (or folders of them) into the stores')
    ingest.add_argument('paths', nargs='+', type=Path, metavar='PATH')
    ingest.set_defaults(handler=cmd_ingest)

    facts = commands.add_parser('facts', help='print stored facts')
    facts.add_argument('--org', help='organisation: full name, alias or part of the name')
    facts.add_argument('--year', type=int)
    facts.add_argument('--table', type=int, help='standard table number, 1-11')
    facts.add_argument('--source', choices=('table', 'text'), help='only facts from tables or from prose')
    facts.add_argument('--format', choices=('table', 'json', 'csv'), default='table')
    facts.set_defaults(handler=cmd_facts)

    remove = commands.add_parser('remove', help='remove a stored document (by file name)')
    remove.add_argument('doc')
    remove.set_defaults(handler=cmd_remove)
    return parser


def cmd_ingest(args, settings: Settings) -> int:
    store = FactStore(settings.facts_db)
    started = time.perf_counter()
    try:
        outcomes = ingest_paths(args.paths, store, settings.alias_files,
                                progress=lambda message: print(message, file=sys.stderr))
    except IngestFailed as failure:
        for error in failure.errors:
            print(f'error: {error}', file=sys.stderr)
        print('nothing was stored; fix the files above and run ingest again', file=sys.stderr)
        return EXIT_BAD_INPUT
    for outcome in outcomes:
        print(format_summary(outcome.doc, outcome.status, outcome.summary))
    total = time.perf_counter() - started
    parse = sum(o.summary.get('parse_seconds', 0) for o in outcomes if o.status == 'ingested')
    print(f'{len(outcomes)} documents ({sum(o.status == "ingested" for o in outcomes)} ingested, '
          f'{sum(o.status == "unchanged" for o in outcomes)} unchanged) in {total:.2f}s '
          f'(parsing {parse:.2f}s) -> {settings.facts_db}')
    return 0


def format_summary(doc: str, status: str, s: dict) -> str:
    failed = s.get('checks_failed', {})
    lines = [f"{doc}  [{status}]",
             f"  {s.get('org')}  {s.get('year')}  ({s.get('encoding')})",
             f"  tables found {_nums(s.get('tables_found'))}; empty {_nums(s.get('tables_empty'))}; "
             f"missing {_nums(s.get('tables_missing'))}; 绩效目标表 {s.get('performance_tables', 0)}",
             f"  facts {s.get('facts')} ({s.get('table_facts')} from tables, {s.get('text_facts')} from text); "
             f"checks {s.get('checks')}, failed: {failed.get('contradiction', 0)} contradictions, "
             f"{failed.get('rounding', 0)} rounding, {failed.get('completeness', 0)} gaps"]
    warnings = s.get('warnings', [])
    for warning in warnings[:12]:
        lines.append(f'  warning: {warning}')
    if len(warnings) > 12:
        lines.append(f'  … {len(warnings) - 12} more warnings')
    return '\n'.join(lines)


def _nums(numbers) -> str:
    return ','.join(f'表{n}' for n in numbers) if numbers else '-'


def resolve_org(store: FactStore, name: str | None) -> str | None:
    if name is None:
        return None
    matches = store.orgs_matching(name)
    if not matches:
        known = ', '.join(sorted({d.org for d in store.documents()})) or '(nothing ingested yet)'
        raise ValueError(f"no organisation matches '{name}'; stored: {known}")
    if len(matches) > 1:
        raise ValueError(f"'{name}' fits {len(matches)} organisations: {'; '.join(matches)} — give one of them")
    return matches[0]


def cmd_facts(args, settings: Settings) -> int:
    store = FactStore(settings.facts_db)
    facts = store.facts(org=resolve_org(store, args.org), year=args.year, table_no=args.table, source=args.source)
    if args.format == 'json':
        for fact in facts:
            print(json.dumps(fact_json(fact), ensure_ascii=False))
    elif args.format == 'csv':
        writer = csv.DictWriter(sys.stdout, fieldnames=list(fact_json(facts[0]).keys()) if facts else ['doc'])
        writer.writeheader()
        for fact in facts:
            row = fact_json(fact)
            writer.writerow({k: (';'.join(v) if isinstance(v, list) else v) for k, v in row.items()})
    else:
        for fact in facts:
            print(fact_line(fact))
        print(f'{len(facts)} facts', file=sys.stderr)
    return 0


def fact_json(f: BudgetFact) -> dict:
    return {'doc': f.doc, 'org': f.org, 'year': f.year, 'source': f.source, 'table': f.table_no,
            'table_title': f.table_title, 'row_code': f.row_code, 'row': f.row, 'column': f.column,
            'value': str(f.value), 'unit': f.unit, 'raw': f.raw, 'line_start': f.line_start, 'line_end': f.line_end,
            'item': f.item, 'project': f.project, 'checks_passed': list(f.checks_passed),
            'checks_failed': list(f.checks_failed), 'flags': list(f.flags)}


def fact_line(f: BudgetFact) -> str:
    where = f'表{f.table_no}' if f.table_no else (f.table_title or 'text')
    label = ' '.join(x for x in (f.row_code, f.row, f.project and f'[{f.project}]') if x)
    warn = ' !' + ','.join(f.checks_failed) if f.checks_failed else ''
    return f'{f.doc}:{f.line_start}\t{where}\t{label}\t{f.column}\t{format_amount(f.value)} {f.unit}{warn}'


def cmd_remove(args, settings: Settings) -> int:
    store = FactStore(settings.facts_db)
    if not store.remove(args.doc):
        stored = ', '.join(d.doc for d in store.documents()) or '(nothing stored)'
        print(f"error: no stored document named '{args.doc}'; stored: {stored}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f'removed {args.doc}')
    return 0
