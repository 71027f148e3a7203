"""One executor per kind of plan: `run(plan, ctx) -> Answer | None` (None: this kind found nothing).

    EXECUTORS['lookup'](plan, ctx)

When an executor finds nothing, the answer falls back along FALLBACKS
(a 'list' that is one figure is a lookup; a question no fact answers is
looked for in the prose), and then to 文件中没有.
"""
from . import (compare, define, detail, diff, duties, exists, explain, listing, lookup, per_person, rank, share, sum,
               tables, verify)

EXECUTORS = {
    'lookup': lookup.run, 'exists': exists.run, 'verify': verify.run, 'sum': sum.run, 'diff': diff.run,
    'share': share.run, 'compare': compare.run, 'rank': rank.run, 'list': listing.run, 'count': listing.count,
    'define': define.run, 'explain': explain.run, 'detail': detail.run, 'per_person': per_person.run,
    'duty': duties.duty, 'structure': duties.structure, 'tables': tables.run,
}
FALLBACKS = {
    'lookup': ('detail', 'verify'), 'exists': ('lookup', 'verify'), 'verify': ('exists', 'lookup'),
    'sum': ('lookup',), 'diff': (), 'share': ('lookup',), 'compare': ('lookup',), 'rank': ('lookup',),
    'list': ('lookup', 'verify'), 'count': ('detail', 'lookup', 'verify'), 'define': ('verify',),
    'explain': ('verify',), 'detail': ('lookup', 'verify'), 'per_person': ('lookup',),
    'duty': ('verify',), 'structure': ('list', 'exists', 'verify'), 'tables': ('verify',),
}
