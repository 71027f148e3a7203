"""A stored document as readers see it: one row for `qa documents`, the API's GET /documents and the page's list.

    rows = [document_row(d) for d in store.documents()]
    rows[0]['org'], rows[0]['year'], rows[0]['kind'], rows[0]['facts'], rows[0]['contradictions']

The row names no path on the server (the CLI adds the path it read the file from).
"""
from __future__ import annotations

from index.facts_store import DocumentInfo


def document_row(d: DocumentInfo) -> dict:
    s = d.summary
    failed = s.get('checks_failed', {})
    return {'doc': d.doc, 'org': d.org, 'year': d.year, 'kind': s.get('kind') or '',
            'hash': d.content_hash.split(':')[0][:16], 'bytes': s.get('bytes'), 'ingested_at': d.ingested_at,
            'added_by': s.get('added_by', ''), 'replaces': s.get('replaces', []), 'facts': s.get('facts'),
            'tables': len(s.get('tables_found', [])), 'warnings': len(s.get('warnings', [])),
            'checks_failed': failed, 'contradictions': failed.get('contradiction', 0)}


__all__ = ['document_row']
