"""Every figure a dev question asks for is a stored fact at the lines that prove it."""
import json
from decimal import Decimal, InvalidOperation


import pytest

from conftest import REPO

DEV = REPO.parent / 'shared' / 'eval' / 'dev_questions.jsonl'
QUESTIONS = [json.loads(l) for l in DEV.read_text(encoding='utf-8').splitlines() if l.strip()] if DEV.exists() else []


def figures(question):
    values = [question['answer_value']] if question['answer_value'] else []
    for item in question.get('must_contain') or []:
        values += [v for v in (item if isinstance(item, list) else [item])]
    out = []
    for v in values:
        try:
            out.append(Decimal(v))
        except InvalidOperation:
            pass
    return out


CASES = [q for q in QUESTIONS if figures(q)]


@pytest.mark.skipif(not QUESTIONS, reason='../shared/eval/dev_questions.jsonl not present')
@pytest.mark.parametrize('question', CASES, ids=[q['id'] for q in CASES])
def test_figure_is_a_fact_at_its_evidence(parsed, question):
    evidence = [(e['doc'], e['line']) for e in question['evidence']]
    for value in figures(question):
        hits = [f for f in (f for doc in parsed.values() for f in doc.facts) if f.value == value and any(
            f.doc == doc and f.line_start - 2 <= line <= f.line_end + 2 for doc, line in evidence)]
        assert hits, f"{question['id']}: {value} is not a fact near {evidence}"
