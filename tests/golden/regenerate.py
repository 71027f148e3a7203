"""Rewrite the golden files from the parser, and show what changed.

    python tests/golden/regenerate.py          # prints the diff, writes nothing
    python tests/golden/regenerate.py --write  # writes tests/golden/*.tsv

Only after reading every changed line against its document: a golden file is
an expectation checked by a person, not a snapshot of whatever the parser does.
"""
import argparse
import difflib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE.parent))

from ingest.document import parse_document  # noqa: E402
from test_golden import produced_rows  # noqa: E402

HEADER = '# source\ttable\trow_code\trow\tproject\tcolumn\tvalue\tline\tnote\n'


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--write', action='store_true')
    args = parser.parse_args()
    for path in sorted((HERE.parents[1] / 'data' / 'samples').glob('*.txt')):
        text = HEADER + ''.join('\t'.join(row) + '\n' for row in produced_rows(parse_document(path)))
        golden = HERE / (path.stem + '.tsv')
        old = golden.read_text(encoding='utf-8') if golden.exists() else ''
        sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), text.splitlines(True), str(golden),
                                                   'parser', n=0))
        if args.write:
            golden.write_text(text, encoding='utf-8')


if __name__ == '__main__':
    main()
