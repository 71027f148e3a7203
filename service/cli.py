"""The command line: a thin shell over ingest/, index/ and qa/.

    python -m qa ingest data/samples
    python -m qa facts --org 州政府办 --table 10
    python -m qa facts --org 克州工信局 --year 2025 --format json
    python -m qa remove 002_220f206dadf5e393.txt
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from errors import (BadBatchLine, BadSessionFile, BudgetQAError, DiskFull, NoSuchFile, NothingIngested,
                    PasswordsDiffer, QuestionOrBatch, StoreCleared, UnknownDocument, coded, render)
from index.facts_store import FactStore
from index.runtime import open_vectors, writable_store
from index.pipeline import IngestOptions, IngestProgress, ingest_paths, remove_document
from ingest.models import Declared
from qa.answer import Context, answer, explain, retrieve
from qa.audit import audit, to_jsonl, to_markdown
from qa.orgs import resolve_org
from service.cli_output import (document_line, fact_line, format_answer, format_summary, hit_line, ingest_total, note,
                                print_comparison, print_refused, print_rows, progress_bar)
from service.documents import document_row
from service.export import FORMATS, compare, compare_row, export, fact_json
from service.stores import open_context
from settings import Settings

EXIT_BAD_INPUT = 2        # an error whose status is below 500: the input, the command or the request
EXIT_UNAVAILABLE = 3      # 500 and up: the stores cannot do it now (read-only, disk full, another version)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        return args.handler(args, settings)
    except BrokenPipeError:            # `| head` ends output quietly (SIGPIPE stays ignored: a killed parser
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())    # worker must not end this process)
        return 0
    except BudgetQAError as error:
        return report_error(error)
    except OSError as error:
        if not isinstance(coded(error), DiskFull):
            raise
        return report_error(coded(error))


def report_error(error: BudgetQAError) -> int:
    """The error on stderr, as `path:line: English [CODE]` and the Chinese the page and the API show; the exit
    status its HTTP status says."""
    print(f'error: {error} [{error.code}]\n  {render(error, "zh")}', file=sys.stderr)
    return exit_status(error)


def exit_status(error: BudgetQAError) -> int:
    return EXIT_BAD_INPUT if error.status < 500 else EXIT_UNAVAILABLE


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

    documents = commands.add_parser('documents',
                                    help='the stored documents: organisation, year, file, hash, when added')
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

    token = commands.add_parser('token',
                                help='API tokens: `token create --admin` prints one once (only its hash is kept)')
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
    options = IngestOptions(settings.alias_files, Declared(args.org.strip(), args.year, args.kind),
                            replace=args.replace, all_or_nothing=args.all_or_nothing,
                            added_by=f'{_user()}（命令行）', settings=settings)
    progress = IngestProgress(message=note, documents=progress_bar('reading'), vectors=progress_bar('embedding'))
    report = ingest_paths(args.paths, store, vectors, options, progress)
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
    print(ingest_total(report, time.perf_counter() - started, settings.facts_db), flush=True)
    if report.refused:
        return print_refused(report, args.all_or_nothing, report_error)
    return 0


def _user() -> str:
    import getpass
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return 'unknown'


def cmd_facts(args, settings: Settings) -> int:
    store = FactStore(settings.facts_db)
    facts = store.facts(org=resolve_org(store, args.org), year=args.year, table_no=args.table, source=args.source)
    if args.format in ('json', 'csv'):
        print_rows([fact_json(f) for f in facts], args.format, empty='doc')
    else:
        for fact in facts:
            print(fact_line(fact))
        print(f'{len(facts)} facts', file=sys.stderr)
    return 0


def cmd_ask(args, settings: Settings) -> int:
    if bool(args.question) == bool(args.batch):
        raise QuestionOrBatch(what='question', what_zh='问题')
    questions = _read_batch(args.batch) if args.batch else [(None, args.question)]
    ctx = ready_context(settings)
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
        raise BadSessionFile(path) from None


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
            raise PasswordsDiffer()
    if args.hash:
        print(hash_password(password))
    else:
        print(f'admin password set in {set_password(settings, password)}')
    return 0


def cmd_serve(args, settings: Settings) -> int:
    from .api import serve
    ready_context(settings)            # refuse to start on an empty or outdated store, with the reason
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
        raise NoSuchFile(path)
    out = []
    for number, line in enumerate(path.read_text(encoding='utf-8').splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            out.append((item.get('id'), item['question']))
        except (json.JSONDecodeError, KeyError, AttributeError):
            raise BadBatchLine(path, number) from None
    return out


def ready_context(settings: Settings) -> Context:
    """The answering context (service/stores.py), refused on an empty or outdated store; a warning when an ingest
    stopped before its vectors."""
    opened = open_context(settings)
    store = opened.store
    if not store.document_count():
        previous = store.previous_paths()
        if previous:
            raise StoreCleared(folder=str(settings.data_dir), count=len(previous),
                               paths=' '.join(sorted(previous)[:5]) + (' …' if len(previous) > 5 else ''))
        raise NothingIngested(folder=str(settings.data_dir))
    missing = store.without_vectors() if opened.vectors is not None else []
    if missing:   # an ingest stopped before its vectors: answers still work, from keywords for those chunks
        print(f'warning: {len(missing)} documents without vectors in {settings.data_dir} '
              f'({", ".join(missing[:3])}); run `python -m qa ingest` again to repair', file=sys.stderr)
    return opened.ctx


def cmd_search(args, settings: Settings) -> int:
    if bool(args.query) == bool(args.batch):
        raise QuestionOrBatch(what='query', what_zh='查询')
    ctx = ready_context(settings)
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
            print(hit_line(hit))
    return 0


def cmd_audit(args, settings: Settings) -> int:
    store = FactStore(settings.facts_db)
    known = {d.doc for d in store.documents()}
    unknown = [d for d in args.docs if d not in known]
    if unknown:
        raise UnknownDocument(doc=', '.join(unknown), stored=', '.join(sorted(known)))
    findings = audit(store, args.docs or None)
    print(to_jsonl(findings) if args.format == 'json' else to_markdown(findings))
    return 0


def cmd_compare(args, settings: Settings) -> int:
    ctx = ready_context(settings)
    orgs = tuple(resolve_org(ctx.store, o) for o in args.orgs)
    facts = compare(ctx, args.item, orgs, tuple(args.years))
    rows = [compare_row(f) for f in facts]
    if args.format in ('json', 'csv'):
        print_rows(rows, args.format, empty='org')
    else:
        print_comparison(rows)
    return 0


def cmd_export(args, settings: Settings) -> int:
    written = export(FactStore(settings.facts_db), args.format, args.out)
    print('wrote ' + ', '.join(str(p) for p in written))
    return 0


def cmd_documents(args, settings: Settings) -> int:
    store = FactStore(settings.facts_db)
    for d in store.documents():
        row = {'path': d.path, **document_row(d)}
        print(json.dumps(row, ensure_ascii=False) if args.format == 'json' else document_line(row))
    print(f'{store.document_count()} documents', file=sys.stderr)
    return 0


def cmd_remove(args, settings: Settings) -> int:
    store = writable_store(settings)
    vectors = open_vectors(settings) if (settings.data_dir / 'chroma').exists() or settings.chroma_host else None
    if not remove_document(store, args.doc, vectors, settings.uploads_dir):
        raise UnknownDocument(doc=args.doc, stored=', '.join(d.doc for d in store.documents()) or '(nothing stored)')
    print(f'removed {args.doc}')
    return 0
