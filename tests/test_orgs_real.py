"""Organisation, year and kind read from real disclosures of other provinces.

    /work/main/.venv/bin/python -m pytest -q tests/test_orgs_real.py

Every PDF of the development set (../shared/realdocs/files, beside the repository) is read as the
product reads it (ingest.formats.pdf_lines) and what detect_org, detect_year and detect_kind find is
compared with keyfacts.jsonl. The image-only file (keyfacts gives it an "error") has no text to read.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from ingest.formats import pdf_lines
from ingest.orgs import detect_kind, detect_org, detect_year

REALDOCS = Path(__file__).resolve().parents[2] / 'shared' / 'realdocs'

if not (REALDOCS / 'keyfacts.jsonl').exists():
    pytest.skip(f'the development set is not here ({REALDOCS}); it sits beside the repository in shared/realdocs',
                allow_module_level=True)


def expected_by_file() -> dict[str, dict]:
    """File name -> its first keyfacts record (org, year and kind are the same on every record of a file)."""
    out: dict[str, dict] = {}
    for line in (REALDOCS / 'keyfacts.jsonl').read_text(encoding='utf-8').splitlines():
        if line.strip():
            record = json.loads(line)
            out.setdefault(record['file'], record)
    return out


EXPECTED = expected_by_file()
READABLE = sorted(name for name, record in EXPECTED.items() if 'error' not in record)


@lru_cache(maxsize=None)
def lines_of(name: str) -> tuple[str, ...]:
    lines, _pages = pdf_lines(REALDOCS / 'files' / name)
    return tuple(lines)


def test_every_readable_file_is_checked():
    on_disk = {p.name for p in (REALDOCS / 'files').glob('*.pdf')}
    assert set(READABLE) <= on_disk
    assert len(on_disk - set(READABLE)) == sum('error' in r for r in EXPECTED.values())


@pytest.mark.parametrize('name', READABLE)
def test_org_year_and_kind_as_printed(name):
    lines = list(lines_of(name))
    expected = EXPECTED[name]
    found = {'org': detect_org(lines), 'year': detect_year(lines), 'kind': detect_kind(lines)}
    assert found == {key: expected[key] for key in found}, name
