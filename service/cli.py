"""The command line: a thin shell over ingest/, index/ and qa/.

    python -m qa ingest data/samples
    python -m qa facts --org 州政府办 --table 10
    python -m qa facts --org 克州工信局 --year 2025 --format json
    python -m qa remove 002_220f206dadf5e393.txt
"""
from __future__ import annotations

import argparse
import csv
import errno
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

from tqdm import tqdm

from index.facts_store import FactStore, StoreError
from index.runtime import open_index, open_vectors, writable_store
from index.pipeline import ingest_paths, remove_document
from ingest.models import BudgetFact, Declared
from ingest.numbers import format_amount
from qa.answer import Context, answer, explain, retrieve
from qa.audit import audit, to_jsonl, to_markdown
from service.export import FORMATS, compare, compare_row, export, fact_json, resolve_org
from qa.llm import chat_model
from settings import Settings

EXIT_BAD_INPUT = 2


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        return args.handler(args, settings)
    except BrokenPipeError:            # `| head` ends output quietly (SIGPIPE stays ignored: a killed parser
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())    # worker must not end this process)
        return 0
    except (StoreError, ValueError) as error:
        print(f'error: {error}', file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        if error.errno != errno.ENOSPC:
            raise
        print(f'error: the disk is full ({error.filename or "writing"}); nothing was changed: free some space and '
              'run again', file=sys.stderr)
        return EXIT_BAD_INPUT


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='python -m qa', description='预算公开问答 budget-qa')
    commands = parser.add_subparsers(required=True, metavar='COMMAND')

    ingest = commands.add_parser(
        'ingest', help='read disclosure files (or folders of them) into the stores',
        description='Read disclosure files into the stores. Each file is stored on its own: a file that cannot be '
                    'read is listed with why and what to do, the others are stored, and the exit code is 2. Files '
                    'of one organisation and year are parts of one disclosure (情况说明 + 报表) when they print '
                    'different tables and no figure differs; otherwise the second is refused as another version.')
    ingest.add_argument('paths', nargs='+', type=Path, metavar='PATH')
    ingest.add_argument('--replace', action='store_true',
                        help='a file that conflicts with documents already loaded for its organisation and year (the '
                             'same table, or a figure with another value) replaces them; without it, it is refused')
    ingest.add_argument('--all-or-nothing', action='store_true',
                        help='store nothing if any file is refused (by default the good files are stored)')
    ingest.add_argument('--org', metavar='NAME', default='',
                        help='the organisation, for documents that print none (no 编制单位 line); applies to every '
                             'file of this command')
    ingest.add_argument('--year', type=_year, metavar='YYYY',
                        help='the budget year, for documents that print none; applies to every file of this command')
    ingest.add_argument('--kind', choices=('预算', '决算'), default='',
                        help='预算 or 决算, where the titles do not say; applies to every file of this command')
    ingest.add_argument('--no-vectors', action='store_true',
                        help='store facts and keyword chunks only; embed later with the next ingest')
    ingest.set_defaults(handler=cmd_ingest)

    facts = commands.add_parser('facts', help='print stored facts')
    facts.add_argument('--org', help='organisation: full name, alias or part of the name')
    facts.add_argument('--year', type=int)
    facts.add_argument('--table', type=int, help='standard table number, 1-11')
    facts.add_argument('--source', choices=('table', 'text'), help='only facts from tables or from prose')
    facts.add_argument('--format', choices=('table', 'json', 'csv'), default='table')
    facts.set_defaults(handler=cmd_facts)

    ask = commands.add_parser('ask', help='answer a question from the stored documents, with citations')
    ask.add_argument('question', nargs='?', help='the question, e.g. <单位><年份>年三公经费是多少')
    ask.add_argument('--batch', type=Path, metavar='FILE.jsonl',
                     help='answer every line {"id": …, "question": …}; one JSON answer per line, same order')
    ask.add_argument('--json', action='store_true', help='print the answer as JSON')
    ask.add_argument('--session', type=Path, metavar='FILE.json',
                     help='a conversation: a question that leaves out the organisation, year or item takes them '
                          'from the previous answer kept in FILE (created if missing)')
    ask.add_argument('--explain', action='store_true',
                     help='print how the question was read: the plan, and the candidate facts with scores and reasons')
    ask.set_defaults(handler=cmd_ask)

    search = commands.add_parser('search', help='the passages that best match a question')
    search.add_argument('query', nargs='?')
    search.add_argument('--batch', type=Path, metavar='FILE.jsonl')
    search.add_argument('--k', type=int, default=5)
    search.add_argument('--org', help='organisation: full name, alias or part of the name')
    search.add_argument('--year', type=int)
    search.add_argument('--json', action='store_true')
    search.set_defaults(handler=cmd_search)

    audit_cmd = commands.add_parser('audit', help='where the documents contradict themselves or last year')
    audit_cmd.add_argument('docs', nargs='*', metavar='DOC')
    audit_cmd.add_argument('--format', choices=('md', 'json'), default='md')
    audit_cmd.set_defaults(handler=cmd_audit)

    compare_cmd = commands.add_parser('compare', help='one item across organisations and years, with citations')
    compare_cmd.add_argument('item', help='e.g. 三公经费, 人员经费, 公务接待费, 基本支出')
    compare_cmd.add_argument('--orgs', nargs='*', default=[])
    compare_cmd.add_argument('--years', nargs='*', type=int, default=[])
    compare_cmd.add_argument('--format', choices=('table', 'json', 'csv'), default='table')
    compare_cmd.set_defaults(handler=cmd_compare)

    export_cmd = commands.add_parser('export', help='all facts with provenance: csv, xlsx, sqlite or datapackage')
    export_cmd.add_argument('--format', choices=FORMATS, required=True)
    export_cmd.add_argument('out', type=Path)
    export_cmd.set_defaults(handler=cmd_export)

    documents = commands.add_parser('documents', help='the stored documents: organisation, year, file, hash, when added')
    documents.add_argument('--format', choices=('table', 'json'), default='table')
    documents.set_defaults(handler=cmd_documents)

    remove = commands.add_parser('remove', help='remove a stored document (by file name)')
    remove.add_argument('doc')
    remove.set_defaults(handler=cmd_remove)

    admin = commands.add_parser('admin', help="the page's admin password (uploading and removing documents)")
    admin.add_argument('action', choices=('password',))
    admin.add_argument('--hash', action='store_true',
                       help='print the hash for BUDGETQA_ADMIN_PASSWORD_HASH instead of writing <data dir>/admin.json')
    admin.add_argument('--stdin', action='store_true', help='read the password from standard input (scripts)')
    admin.set_defaults(handler=cmd_admin)

    serve = commands.add_parser('serve', help='the helpdesk API (FastAPI on uvicorn); OpenAPI docs at /docs')
    serve.add_argument('--host', default='127.0.0.1')
    serve.add_argument('--port', type=int, default=8000)
    serve.add_argument('--workers', type=_workers, default=1, metavar='N',
                       help='worker processes answering on the port (default 1); they share sessions, recent answers '
                            'and rate limits through <data dir>/api.db')
    serve.set_defaults(handler=cmd_serve)

    token = commands.add_parser('token', help='API tokens: `token create --admin` prints one once (only its hash is kept)')
    token.add_argument('action', choices=('create',))
    token.add_argument('--admin', action='store_true', required=True,
                       help='may upload and remove documents through the API')
    token.set_defaults(handler=cmd_token)

    feedback = commands.add_parser('feedback', help="readers' 👍/👎 on answers, with question, plan and sources")
    feedback.add_argument('--format', choices=('csv', 'jsonl'), default='csv')
    feedback.set_defaults(handler=cmd_feedback)
    return parser


def _workers(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 32:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of workers; expected 1-32 (e.g. 2)")
    return int(text)


def _year(text: str) -> int:
    if not text.isdigit() or not 1990 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"'{text}' is not a year; expected four digits, 1990-2100 (e.g. 2026)")
    return int(text)


def cmd_ingest(args, settings: Settings) -> int:
    store = writable_store(settings)
    started = time.perf_counter()
    vectors = None if args.no_vectors else open_vectors(settings)
    documents = tqdm(total=0, unit='doc', desc='reading', file=sys.stderr, disable=None, leave=False)
    embedded = tqdm(total=0, unit='doc', desc='embedding', file=sys.stderr, disable=None, leave=False)
    report = ingest_paths(args.paths, store, settings.alias_files,
                          progress=lambda message: tqdm.write(message, file=sys.stderr), vectors=vectors,
                          on_document=lambda done, total: _advance(documents, done, total),
                          on_vectors=lambda done, total: _advance(embedded, done, total),
                          replace=args.replace, added_by=f'{_user()}（命令行）',
                          declared=Declared(args.org.strip(), args.year, args.kind),
                          all_or_nothing=args.all_or_nothing, settings=settings)
    outcomes = report.outcomes
    for outcome in outcomes:
        print(format_summary(outcome.doc, outcome.status, outcome.summary))
    ingested = [o.doc for o in outcomes if o.status == 'ingested']
    if ingested:      # the page's document list shows these counts; the 核对 view lists the same findings
        from qa.audit import audit_counts
        audit_counts(store, ingested)
        if vectors is not None:   # the item labels' vectors too, so a first meaning match does not wait for them
            from qa.context import remember_labels
            remember_labels(store, ingested)
    total = time.perf_counter() - started
    parse = sum(o.summary.get('parse_seconds', 0) for o in outcomes if o.status == 'ingested')
    refused = f', {len(report.refused)} refused' if report.refused else ''
    print(f'{len(outcomes)} documents ({len(ingested)} ingested, '
          f'{sum(o.status == "unchanged" for o in outcomes)} unchanged{refused}) in {total:.2f}s '
          f'(parsing {parse:.2f}s) -> {settings.facts_db}', flush=True)
    if report.refused:
        _print_refused(report, args.all_or_nothing)
        return EXIT_BAD_INPUT
    return 0


def _print_refused(report, all_or_nothing: bool) -> None:
    """The end of an ingest that refused files: what was stored, then each refused file with why and what to do."""
    if outcomes := report.outcomes:
        print(f"stored: {', '.join(o.doc for o in outcomes)}", file=sys.stderr)
    print(f'refused {len(report.refused)} file(s):', file=sys.stderr)
    for error in report.refused:
        print(f'error: {error}', file=sys.stderr)
    if all_or_nothing:
        print('nothing was stored (--all-or-nothing); fix the files above and run ingest again', file=sys.stderr)
    else:
        print('the other files were stored; fix the refused ones and ingest just those again', file=sys.stderr)


def _user() -> str:
    import getpass
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return 'unknown'


def _advance(bar, done: int, total: int) -> None:
    """A progress bar with documents per second and the time left (tqdm; off when stderr is not a terminal)."""
    if bar.total != total:
        bar.total = total
        bar.refresh()
    bar.update(done - bar.n)


def format_summary(doc: str, status: str, s: dict) -> str:
    failed = s.get('checks_failed', {})
    lines = [f"{doc}  [{status}]",
             f"  {s.get('org')}  {s.get('year')}  {s.get('kind', '预算')}  ({s.get('encoding')})",
             _tables_line(s),
             f"  facts {s.get('facts')} ({s.get('table_facts')} from tables, {s.get('text_facts')} from text), "
             f"chunks {s.get('chunks', '-')}; parse {s.get('parse_seconds', 0)}s, chunk {s.get('chunk_seconds', 0)}s; "
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


def fact_line(f: BudgetFact) -> str:
    where = f'表{f.table_no}' if f.table_no else (f.table_title or 'text')
    label = ' '.join(x for x in (f.row_code, f.row, f.project and f'[{f.project}]') if x)
    warn = ' !' + ','.join(f.checks_failed) if f.checks_failed else ''
    return f'{f.doc}:{f.line_start}\t{where}\t{label}\t{f.column}\t{format_amount(f.value)} {f.unit}{warn}'


def cmd_ask(args, settings: Settings) -> int:
    if bool(args.question) == bool(args.batch):
        print('error: give a question or --batch FILE.jsonl (not both)', file=sys.stderr)
        return EXIT_BAD_INPUT
    questions = _read_batch(args.batch) if args.batch else [(None, args.question)]
    ctx = open_context(settings)
    previous = _read_session(args.session)
    for question_id, text in questions:
        if args.explain:
            print(explain(text, ctx))
        result = answer(text, ctx, question_id, previous=previous if args.session else None)
        if args.session and result.status != 'ambiguous':
            previous = result.plan
            _write_session(args.session, result)
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
        else:
            print(format_answer(result))
    return 0


def _read_session(path: Path | None) -> dict | None:
    if path is None or not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding='utf-8')).get('plan')
    except (json.JSONDecodeError, AttributeError):
        raise ValueError(f'{path}: not a session file written by `qa ask --session`; delete it to start again') from None


def _write_session(path: Path, result) -> None:
    path.write_text(json.dumps({'question': result.question, 'plan': result.plan}, ensure_ascii=False),
                    encoding='utf-8')


def cmd_admin(args, settings: Settings) -> int:
    import getpass
    from .admin import hash_password, set_password
    if args.stdin:
        password = sys.stdin.readline().rstrip('\n')
    else:
        password = getpass.getpass('新的管理员密码：')
        if getpass.getpass('再输入一次：') != password:
            raise ValueError('两次输入的密码不一致')
    if args.hash:
        print(hash_password(password))
    else:
        print(f'admin password set in {set_password(settings, password)}')
    return 0


def cmd_serve(args, settings: Settings) -> int:
    from .api import serve
    open_context(settings)             # refuse to start on an empty or outdated store, with the reason
    print(f'budget-qa API on http://{args.host}:{args.port} (docs: /docs)', file=sys.stderr, flush=True)
    serve(settings, args.host, args.port, workers=args.workers)
    return 0


def cmd_token(args, settings: Settings) -> int:
    from .api import create_token
    print(create_token(settings, admin=args.admin))
    print('keep it: it is shown once; only its hash is stored in the data directory', file=sys.stderr)
    return 0


def cmd_feedback(args, settings: Settings) -> int:
    from .feedback import export
    sys.stdout.write(export(settings, args.format))
    return 0


def _read_batch(path: Path) -> list[tuple[str, str]]:
    if not path.exists():
        raise ValueError(f'{path}: no such file')
    out = []
    for number, line in enumerate(path.read_text(encoding='utf-8').splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            out.append((item.get('id'), item['question']))
        except (json.JSONDecodeError, KeyError, AttributeError):
            raise ValueError(f'{path}:{number}: expected a JSON object with "id" and "question"') from None
    return out


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
        lines.append(f'  [{i}] {c.doc} {page}第{c.line_start}' + (f'-{c.line_end}' if c.line_end != c.line_start else '')
                     + f'行 {where}{cell}: {c.text[:120]}')
    return '\n'.join(lines)


def open_context(settings: Settings) -> Context:
    store, vectors, engine = open_index(settings)
    if not store.document_count():
        previous = store.previous_paths()
        if previous:
            raise ValueError(f'{settings.data_dir} was written by an older budget-qa and has been cleared; ingest its '
                             f'{len(previous)} files again: python -m qa ingest ' + ' '.join(sorted(previous)[:5])
                             + (' …' if len(previous) > 5 else ''))
        raise ValueError(f'nothing ingested in {settings.data_dir}; run `python -m qa ingest data/samples` first')
    missing = store.without_vectors() if vectors is not None else []
    if missing:   # an ingest stopped before its vectors: answers still work, from keywords for those chunks
        print(f'warning: {len(missing)} documents without vectors in {settings.data_dir} ({", ".join(missing[:3])}); '
              f'run `python -m qa ingest` again to repair', file=sys.stderr)
    return Context.from_store(store, search=engine.search, llm=chat_model(settings))


def cmd_search(args, settings: Settings) -> int:
    if bool(args.query) == bool(args.batch):
        print('error: give a query or --batch FILE.jsonl (not both)', file=sys.stderr)
        return EXIT_BAD_INPUT
    ctx = open_context(settings)
    store = ctx.store

    def run(text):
        if not args.org and not args.year:   # filters and fact lines from the question, as `ask` uses them
            return retrieve(text, ctx, k=args.k)
        orgs = (resolve_org(store, args.org),) if args.org else ()
        return ctx.search(text, orgs, (args.year,) if args.year else (), k=args.k)

    if args.batch:
        for question_id, text in _read_batch(args.batch):
            hits = run(text)
            print(json.dumps({'id': question_id, 'hits': [h.to_json() for h in hits]}, ensure_ascii=False), flush=True)
        return 0
    for hit in run(args.query):
        if args.json:
            print(json.dumps(hit.to_json(), ensure_ascii=False))
        else:
            print(f'{hit.doc}:{hit.line_start}-{hit.line_end}  {hit.score:.4f}  {hit.text[:160]}')
    return 0


def cmd_audit(args, settings: Settings) -> int:
    store = FactStore(settings.facts_db)
    known = {d.doc for d in store.documents()}
    unknown = [d for d in args.docs if d not in known]
    if unknown:
        raise ValueError(f"no stored document named {', '.join(unknown)}; stored: {', '.join(sorted(known))}")
    findings = audit(store, args.docs or None)
    print(to_jsonl(findings) if args.format == 'json' else to_markdown(findings))
    return 0


def cmd_compare(args, settings: Settings) -> int:
    ctx = open_context(settings)
    orgs = tuple(resolve_org(ctx.store, o) for o in args.orgs)
    facts = compare(ctx, args.item, orgs, tuple(args.years))
    rows = [compare_row(f) for f in facts]
    if args.format == 'json':
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    elif args.format == 'csv':
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ['org'])
        writer.writeheader()
        writer.writerows(rows)
    else:
        for row in rows:
            where = f"表{row['table']}" if row['table'] else '情况说明'
            print(f"{row['org']}\t{row['year']}\t{format_amount(Decimal(row['value']))} {row['unit']}\t"
                  f"{row['doc']}:{row['line_start']} {where}")
        years = {r['year'] for r in rows}
        if len(years) > 1:
            print(f'注意：年份不同（{"、".join(str(y) for y in sorted(years))}）', file=sys.stderr)
    return 0


def cmd_export(args, settings: Settings) -> int:
    written = export(FactStore(settings.facts_db), args.format, args.out)
    print('wrote ' + ', '.join(str(p) for p in written))
    return 0


def cmd_documents(args, settings: Settings) -> int:
    store = FactStore(settings.facts_db)
    for d in store.documents():
        row = {'doc': d.doc, 'org': d.org, 'year': d.year, 'path': d.path, 'hash': d.content_hash.split(':')[0][:16],
               'bytes': d.summary.get('bytes'), 'ingested_at': d.ingested_at, 'added_by': d.summary.get('added_by', ''),
               'replaces': d.summary.get('replaces', []), 'facts': d.summary.get('facts'),
               'contradictions': d.summary.get('checks_failed', {}).get('contradiction', 0)}
        if args.format == 'json':
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(f"{d.doc}\t{d.org}\t{d.year}\t{row['facts']} facts\t{row['contradictions']} contradictions\t"
                  f"{row['hash']}\t{row['bytes']} bytes\t{d.ingested_at}\t{row['added_by'] or '-'}")
    print(f'{store.document_count()} documents', file=sys.stderr)
    return 0


def cmd_remove(args, settings: Settings) -> int:
    store = writable_store(settings)
    vectors = open_vectors(settings) if (settings.data_dir / 'chroma').exists() or settings.chroma_host else None
    if not remove_document(store, args.doc, vectors, settings.uploads_dir):
        stored = ', '.join(d.doc for d in store.documents()) or '(nothing stored)'
        print(f"error: no stored document named '{args.doc}'; stored: {stored}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f'removed {args.doc}')
    return 0
