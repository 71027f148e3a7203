"""Reading a disclosure: blocks of text, tables, facts and statements, each with its file and lines.

    from ingest.document import parse_document
    doc = parse_document(Path('data/samples/000_f62fb37ef8e53f88.txt'))
    doc.org, doc.year, doc.facts[0]
"""
