"""Golden files: every table fact and every named narrative fact of each sample document.

tests/golden/<doc>.tsv lists, one per line, what the document says and where:
source, table, row code, row, project, column, value, line, note.  The files
were produced by the parser and then checked line by line against the
documents by reading them (see tests/golden/README.md); a change in any
figure, row, column or line fails here.
"""
from pathlib import Path

import pytest

from conftest import SAMPLE_NAMES

GOLDEN = Path(__file__).parent / 'golden'


def golden_rows(name: str) -> list[tuple[str, ...]]:
    lines = (GOLDEN / (Path(name).stem + '.tsv')).read_text(encoding='utf-8').splitlines()
    return [tuple(line.split('\t')) for line in lines if line and not line.startswith('#')]


def produced_rows(document) -> list[tuple[str, ...]]:
    out = []
    for f in document.facts:
        if f.source == 'table' and f.table_no is not None:
            note = 'ambiguous' if 'column_ambiguous' in f.flags else ''
            out.append(('table', str(f.table_no), f.row_code, f.row, f.project, f.column, str(f.value),
                        str(f.line_start), note))
        elif f.source == 'text' and f.item and f.item != '绩效指标':
            out.append(('text', '', '', f.item, f.project, f.column, f'{f.value} {f.unit}', str(f.line_start), ''))
    return out


@pytest.mark.parametrize('name', SAMPLE_NAMES)
def test_facts_match_golden_file(parsed, name):
    expected, produced = golden_rows(name), produced_rows(parsed[name])
    missing = [r for r in expected if r not in produced]
    unexpected = [r for r in produced if r not in expected]
    assert not missing and not unexpected, (
        f'{name}: {len(missing)} golden facts not produced, e.g. {missing[:3]}; '
        f'{len(unexpected)} facts not in the golden file, e.g. {unexpected[:3]}')


@pytest.mark.parametrize('name', SAMPLE_NAMES)
def test_every_standard_table_found(parsed, name):
    numbers = {t.number for t in parsed[name].tables if t.number}
    assert set(range(1, 11)) <= numbers
