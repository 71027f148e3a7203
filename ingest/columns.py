"""Placing each printed value of a row in its column.

    placed = assign_columns(rows, columns, identities, prior)
    placed[i]   # tuple of column names, one per value of rows[i] (None: dropped)

Rows whose layout kept positions are placed by position.  Rows that lost
them (pdftotext output, a stray tab) are placed by the table's arithmetic:
every order-preserving placement is scored by the row identities it
satisfies (合计 = 基本支出 + 项目支出 …), then by the column identities it
makes hold (类 = Σ款, 款 = Σ项, 合计 row = Σ类), then by a weak prior on
which columns are usually filled.  Ties left after that are flagged.
"""
from __future__ import annotations

from decimal import Decimal
from itertools import combinations
from typing import Callable

from .rows import RawRow
from .schemas import Identity

TOLERANCE = Decimal('0.015')
IDENTITY_WEIGHT = 10
INCOMPLETE_WEIGHT = 2
VERTICAL_WEIGHT = 5

Prior = Callable[[RawRow, str], 'float | None']  # None: the column is not allowed


def assign_columns(rows: list[RawRow], columns: tuple[str, ...], identities: tuple[Identity, ...],
                   prior: Prior) -> list[tuple[tuple[str | None, ...], tuple[str, ...], tuple[tuple[str, ...], ...]]]:
    """For each row: (column per value, row flags, flags per value)."""
    _VALUES_CACHE.clear()     # the caches key on object ids: valid within one call only
    _INVOLVING_CACHE.clear()
    _RELATION_CACHE.clear()
    options: list[list[tuple[int, ...]]] = []
    flags: list[list[str]] = []
    for row in rows:
        row_options, row_flags = _row_options(row, columns, identities, prior)
        options.append(row_options)
        flags.append(row_flags)
    relations = _relations(rows)
    solutions = _solutions(rows, columns, relations, options)
    chosen = solutions[0]
    result = []
    for index, (row, combo, opts, row_flags) in enumerate(zip(rows, chosen, options, flags)):
        value_flags: list[tuple[str, ...]] = [() for _ in combo]
        if combo != opts[0] and row.positional:
            row_flags.append('placed_by_column_sums')
        elif len(opts) > 1 and not row.positional:
            ambiguous = set(_ambiguous_values(rows, columns, relations, options, chosen, index))
            ambiguous |= {k for other in solutions[1:] for k in range(len(combo)) if other[index][k] != combo[k]}
            for k in ambiguous:
                value_flags[k] = ('column_ambiguous',)
        names = tuple(columns[j] if j is not None else None for j in combo)
        result.append((names, tuple(row_flags), tuple(value_flags)))
    return result


def _row_options(row, columns, identities, prior):
    """Placements worth considering, the preferred one first.

    A row that kept its positions is placed by them unless its own arithmetic
    or the column sums say a value slipped a column (a stray tab): then the
    placements that do at least as well on the row's arithmetic compete with
    it, and only the column sums can pick another.
    """
    n = len(row.values)
    flags: list[str] = []
    if n == 0:
        return [()], flags
    positional = _positional_combo(row, columns, prior, flags)
    if n > len(columns):
        flags.append('more_values_than_columns')
        return [tuple(range(len(columns))) + (None,) * (n - len(columns))], flags
    scored = []
    for combo in combinations(range(len(columns)), n):
        if combo[0] != 0:
            continue   # a row that prints anything prints its total, the first column
        if not all(_allowed(prior, row, columns[j], v) for j, v in zip(combo, row.values)):
            continue
        arithmetic = _identity_score(row, combo, columns, identities)
        scored.append((arithmetic, sum(prior(row, columns[j]) or 0.0 for j in combo), combo))
    if not scored:
        flags.append('no_valid_placement')
        return [positional or tuple(range(n))], flags
    if positional is not None:
        # alternatives: for the 合计 row any placement as good on its own arithmetic (a
        # stray tab there shows only in the column sums); for other rows only better ones
        floor = _identity_score(row, positional, columns, identities)
        better = [(a, p, c) for a, p, c in scored if c != positional and (a > floor or (row.is_total and a == floor))]
        return [positional] + [c for a, p, c in sorted(better, key=lambda s: (-s[0], -s[1]))], flags
    best = max(a for a, _, _ in scored)
    # keep every placement the row's arithmetic cannot tell apart, likeliest first
    top = [combo for a, p, combo in sorted(scored, key=lambda s: (-s[0], -s[1])) if a == best]
    return top, flags


def _positional_combo(row, columns, prior, flags):
    if not row.positional or any(v.pos is None or v.pos < 0 for v in row.values):
        return None
    combo = [v.pos for v in row.values]
    if combo and combo[-1] == len(columns) and (len(combo) == 1 or combo[-2] < len(columns) - 1):
        combo[-1] = len(columns) - 1   # a stray tab before the last value
        flags.append('position_clamped')
    if any(j >= len(columns) for j in combo):
        flags.append('positions_out_of_range')
        return None
    if not all(_allowed(prior, row, columns[j], v) for j, v in zip(combo, row.values)):
        flags.append('positions_contradict_classification')
        return None
    return tuple(combo)


def _allowed(prior, row, column, value) -> bool:
    """A printed zero may stand in any column; other values only where the prior allows."""
    return prior(row, column) is not None or (value.reading is not None and value.reading.value == 0)


_VALUES_CACHE: dict[tuple[int, tuple, int], dict[str, Decimal]] = {}


def _values_by_column(row: RawRow, combo, columns) -> dict[str, Decimal]:
    key = (id(row), combo, id(columns))
    cached = _VALUES_CACHE.get(key)
    if cached is not None:
        return cached
    _VALUES_CACHE[key] = out = _compute_values(row, combo, columns)
    return out


def _compute_values(row: RawRow, combo, columns) -> dict[str, Decimal]:
    out = {}
    for j, value in zip(combo, row.values):
        if j is not None and value.reading is not None:
            out[columns[j]] = value.reading.value
    return out


def _identity_score(row, combo, columns, identities) -> float:
    values = _values_by_column(row, combo, columns)
    score = 0.0
    for identity in identities:
        has_total = identity.total in values
        has_parts = any(p in values for p in identity.parts)
        if not has_total and not has_parts:
            continue
        if has_total and has_parts:
            total = values[identity.total]
            parts = sum((values.get(p, Decimal(0)) for p in identity.parts), Decimal(0))
            score += IDENTITY_WEIGHT if abs(total - parts) <= TOLERANCE else -IDENTITY_WEIGHT
        else:
            score -= INCOMPLETE_WEIGHT
    return score


# ---- column identities: parent = Σ children ------------------------------------------

def _relations(rows: list[RawRow]) -> list[tuple[int, list[int]]]:
    """(parent row index, child row indexes) from the row codes and the 合计 row."""
    codes = [''.join(r.codes) for r in rows]
    relations = []
    for i, code in enumerate(codes):
        if len(code) in (3, 5):
            kids = [j for j, c in enumerate(codes) if len(c) == len(code) + 2 and c.startswith(code)]
            if kids:
                relations.append((i, kids))
    total = next((i for i, r in enumerate(rows) if r.is_total), None)
    if total is not None:
        classes = [j for j, c in enumerate(codes) if len(c) == 3]
        if classes:
            relations.append((total, classes))
    return relations


_RELATION_CACHE: dict[tuple, float] = {}


def _relation_score(rows, columns, chosen, parent, kids) -> float:
    key = (parent, chosen[parent], tuple(chosen[k] for k in kids))
    score = _RELATION_CACHE.get(key)
    if score is None:
        score = _RELATION_CACHE[key] = _compute_relation_score(rows, columns, chosen, parent, kids)
    return score


def _compute_relation_score(rows, columns, chosen, parent, kids) -> float:
    parent_values = _values_by_column(rows[parent], chosen[parent], columns)
    if not parent_values or not any(rows[k].values for k in kids):
        return 0.0   # a parent or children printed empty say nothing about columns
    kid_sums: dict[str, Decimal] = {}
    score = 0.0
    for k in kids:
        for col, value in _values_by_column(rows[k], chosen[k], columns).items():
            kid_sums[col] = kid_sums.get(col, Decimal(0)) + value
            if parent_values.get(col, Decimal(0)) + TOLERANCE < value:
                score -= VERTICAL_WEIGHT   # a part larger than its whole
    for col in set(parent_values) | set(kid_sums):
        a, b = parent_values.get(col, Decimal(0)), kid_sums.get(col, Decimal(0))
        score += VERTICAL_WEIGHT if abs(a - b) <= TOLERANCE * max(1, len(kids)) else -VERTICAL_WEIGHT
    return score


def _row_vertical_score(rows, columns, chosen, relations, index) -> float:
    """Evidence from above (the row's parent) counts double: it is settled first."""
    score = 0.0
    for parent, kids in _involving(relations, index):
        weight = 1 if parent == index else 2
        score += weight * _relation_score(rows, columns, chosen, parent, kids)
    return score


_INVOLVING_CACHE: dict[int, dict[int, list]] = {}


def _involving(relations, index):
    table = _INVOLVING_CACHE.get(id(relations))
    if table is None:
        table = {}
        for parent, kids in relations:
            table.setdefault(parent, []).append((parent, kids))
            for k in kids:
                table.setdefault(k, []).append((parent, kids))
        _INVOLVING_CACHE[id(relations)] = table
    return table.get(index, ())


def _top_down(rows, indexes):
    def depth(i):
        return 0 if rows[i].is_total else len(''.join(rows[i].codes)) or 99
    return sorted(indexes, key=depth)


MAX_RESTARTS = 12


def _solutions(rows, columns, relations, options) -> list[list[tuple[int, ...]]]:
    """The best placement of every row, then any others that explain the sums equally well.

    Column sums couple the rows, so the search restarts from each likely
    placement of the 合计 row; placements that tie are all returned, and the
    values they disagree on are flagged as ambiguous.
    """
    total = next((i for i, r in enumerate(rows) if r.is_total and len(options[i]) > 1), None)
    starts = options[total][:MAX_RESTARTS] if total is not None else [None]
    found = []
    for start in starts:
        chosen = [opts[0] for opts in options]
        fixed = set()
        if start is not None:
            chosen[total] = start
            fixed.add(total)
        _resolve_vertically(rows, columns, relations, options, chosen, fixed)
        sums = sum(_relation_score(rows, columns, chosen, p, kids) for p, kids in relations)
        kept = sum(1 for i, row in enumerate(rows) if row.positional and chosen[i] == options[i][0])
        found.append(((sums, kept), chosen))
    best = max(score for score, _ in found)
    # equally good explanations, in the order of the 合计 row's likeliest placements
    return [chosen for score, chosen in found if score == best]


def _resolve_vertically(rows, columns, relations, options, chosen, fixed=frozenset()) -> None:
    ambiguous = _top_down(rows, [i for i, opts in enumerate(options) if len(opts) > 1 and i not in fixed])
    for _ in range(4):
        changed = False
        for i in ambiguous:
            best, best_score = chosen[i], None
            for combo in options[i]:
                chosen[i] = combo
                score = _row_vertical_score(rows, columns, chosen, relations, i)
                if best_score is None or score > best_score:
                    best, best_score = combo, score
            changed |= best != chosen[i]
            chosen[i] = best
        if not changed:
            break


def _ambiguous_values(rows, columns, relations, options, chosen, index) -> list[int]:
    """Values of the row that the tied placements put in different columns."""
    keep = chosen[index]
    scored = []
    for combo in options[index]:
        chosen[index] = combo
        scored.append((_row_vertical_score(rows, columns, chosen, relations, index), combo))
    chosen[index] = keep
    best = max(s for s, _ in scored)
    tied = [combo for s, combo in scored if s == best]
    return [k for k in range(len(keep)) if len({combo[k] for combo in tied}) > 1]
