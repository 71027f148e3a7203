"""Real-disclosure benchmark: how fast PDFs are read and parsed, per page and per document, and what is read.

    .venv/bin/python scripts/bench_realdocs.py [--folder ../shared/realdocs/files] [--workers 2]

For each PDF: pages, seconds to read its text and tables (pdfplumber) and to parse them into facts, facts,
tables read and checks failed; then the totals, seconds per page and per document, the time a province of
1,000 such disclosures would take on this machine with the given workers, and the share of key figures
(keyfacts.jsonl, where present) stored as printed. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / 'tests'))

from ingest.document import parse_source  # noqa: E402
from ingest.reader import IngestError, read_source  # noqa: E402
from realdocs import load_keyfacts, match_keyfacts  # noqa: E402


def measure(path: Path) -> dict:
    started = time.perf_counter()
    try:
        source = read_source(path)
    except IngestError as error:
        return {'name': path.name, 'error': error.message}
    read = time.perf_counter() - started
    document = parse_source(source)
    parse = time.perf_counter() - started - read
    found, missing = match_keyfacts(document.facts, source.lines, load_keyfacts().get(path.name, []))
    return {'name': path.name, 'pages': max(source.pages or (1,)), 'read': read, 'parse': parse,
            'facts': len(document.facts), 'tables': len(document.tables),
            'failed': sum(1 for c in document.checks if c.severity == 'contradiction'),
            'keyfacts': (len(found), len(found) + len(missing)), 'org': document.org, 'year': document.year}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--folder', type=Path, default=REPO.parent / 'shared' / 'realdocs' / 'files')
    parser.add_argument('--workers', type=int, default=2)
    args = parser.parse_args()
    paths = sorted(args.folder.glob('*.pdf'))
    if not paths:
        sys.exit(f'no PDF in {args.folder}')
    started = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(measure, paths))
    wall = time.perf_counter() - started
    print(f"{'file':58s} {'pages':>5s} {'read s':>7s} {'parse s':>7s} {'s/page':>7s} {'facts':>6s} {'tables':>6s} "
          f"{'contra':>6s} {'keyfacts':>8s}")
    good = [r for r in results if 'error' not in r]
    for r in results:
        if 'error' in r:
            print(f"{r['name'][:58]:58s} refused: {r['error'][:70]}")
            continue
        per_page = (r['read'] + r['parse']) / r['pages']
        print(f"{r['name'][:58]:58s} {r['pages']:5d} {r['read']:7.2f} {r['parse']:7.2f} {per_page:7.3f} "
              f"{r['facts']:6d} {r['tables']:6d} {r['failed']:6d} {r['keyfacts'][0]:>3d}/{r['keyfacts'][1]:<3d}")
    pages = sum(r['pages'] for r in good)
    seconds = sum(r['read'] + r['parse'] for r in good)
    found = sum(r['keyfacts'][0] for r in good)
    total = sum(r['keyfacts'][1] for r in good)
    print(f'\n{len(good)} documents read, {len(results) - len(good)} refused; {pages} pages')
    print(f'read + parse: {seconds:.1f} s of one core = {seconds / pages:.3f} s per page, '
          f'{seconds / len(good):.2f} s per document '
          f'(median {statistics.median(r["read"] + r["parse"] for r in good):.2f} s; '
          f'reading the PDF is {sum(r["read"] for r in good) / seconds:.0%} of it)')
    print(f'wall time with {args.workers} workers: {wall:.1f} s; 1,000 such disclosures: '
          f'~{1000 * wall / len(results) / 60:.0f} min')
    if total:
        print(f'key figures stored as printed: {found}/{total} = {found / total:.1%}')


if __name__ == '__main__':
    main()
