"""Word lists kept as data (data/vocabulary/*.tsv), read once.

    >>> dict(vocabulary_table('places'))['昌吉回族自治州']
    ('昌吉州', '昌吉')
    >>> name_ending('本单位预算')           # a regex group of those words, in their order
    '(局|室|会|委|中心|院|所|队|校)'

Each line: a name, a tab, then other names for it separated by commas; '#'
starts a comment. Code holds no organisation, place or budget-item names: a
new word is a line in one of these files.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

VOCABULARY_DIR = Path(__file__).resolve().parents[1] / 'data' / 'vocabulary'


@lru_cache(maxsize=None)
def vocabulary_table(name: str, folder: Path = VOCABULARY_DIR) -> tuple[tuple[str, tuple[str, ...]], ...]:
    path = Path(folder) / f'{name}.tsv'
    rows = []
    for number, line in enumerate(path.read_text(encoding='utf-8').splitlines(), 1):
        line = line.split('#', 1)[0].rstrip()
        if not line.strip():
            continue
        head, _, rest = line.partition('\t')
        if not head.strip():
            raise ValueError(f'{path}:{number}: a line must start with a name, got {line!r}')
        others = tuple(w.strip() for w in re.split(r'[,，]', rest) if w.strip())
        rows.append((head.strip(), others))
    return tuple(rows)


def vocabulary_files() -> list[Path]:
    return sorted(VOCABULARY_DIR.glob('*.tsv'))


@lru_cache(maxsize=None)
def name_ending(kind: str) -> str:
    """The words ending a name of this kind (data/vocabulary/name_endings.tsv) as one regex group, in their order."""
    words = dict(vocabulary_table('name_endings')).get(kind)
    if not words:
        raise ValueError(f"data/vocabulary/name_endings.tsv: unknown kind '{kind}'; expected "
                         f"{', '.join(head for head, _ in vocabulary_table('name_endings'))}")
    return '(' + '|'.join(map(re.escape, words)) + ')'
