"""The optional language model: rewrites a checked answer from the same facts and passages.

    model = chat_model(settings)           # None unless BUDGETQA_LLM_BASE_URL and _MODEL are set
    final = with_language_model(draft_answer, model)

The model sees the question, the deterministic answer and the cited lines,
numbered [1], [2] …, inside a block marked as data. Its reply may only restate
the checked answer: every number in it must be one of the checked answer's
figures, and the headline figure must be there; an answer that something is
not there (没有三公经费) must be restated as that absence, with what is absent.
Otherwise the checked answer is shown, with the reply beside it marked 未核对
(Answer.model_reply). The
model has a total time budget (settings.llm_timeout, 15 s by default); after
it, the checked answer is shown with a note.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as Timeout
from dataclasses import replace
from pathlib import Path

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableLambda, RunnablePassthrough

from ingest.vocabulary import vocabulary_table

from .models import Answer
from .verify import unverified_numbers

PROMPTS = Path(__file__).resolve().parents[1] / 'prompts'
ABSENCE_WORDS = tuple(w for head, others in vocabulary_table('absence') for w in (head, *others))
ABSENT_THING = re.compile(f"(?:{'|'.join(map(re.escape, ABSENCE_WORDS))})"
                          f"([\u4e00-\u9fff“”\"]{{2,16}}?)(?=[：:，,。；;、]|$)")


def chat_model(settings) -> BaseChatModel | None:
    if not (settings.llm_base_url and settings.llm_model):
        return None
    from langchain_openai import ChatOpenAI
    model = ChatOpenAI(base_url=settings.llm_base_url, model=settings.llm_model,
                       api_key=settings.llm_api_key or 'not-needed', temperature=0, timeout=settings.llm_timeout,
                       max_retries=0)
    model.metadata = {'budget_seconds': settings.llm_timeout}
    return model


def answer_chain(model: BaseChatModel, retriever: BaseRetriever | None = None):
    """retriever -> numbered sources -> prompt -> model -> text, as langchain runnables.

    The checked answer's citations come first ([1] …); passages the retriever
    adds for the same question follow them.  Each step can be traced or swapped.
    """
    prompt = ChatPromptTemplate.from_messages([
        ('system', (PROMPTS / 'answer_system.md').read_text(encoding='utf-8')),
        ('human', (PROMPTS / 'answer_user.md').read_text(encoding='utf-8')),
    ])
    passages = (RunnableLambda(lambda x: x['question']) | retriever) if retriever is not None \
        else RunnableLambda(lambda x: [])
    numbered = RunnablePassthrough.assign(passages=passages) | RunnableLambda(_with_sources)
    return numbered | RunnablePassthrough.assign(reply=prompt | model | StrOutputParser())


def _with_sources(x: dict) -> dict:
    cited = [(c.doc, c.line_start, c.line_end, c.text) for c in x['citations']]
    extra = [(d.metadata['doc'], d.metadata['line_start'], d.metadata['line_end'], d.page_content)
             for d in x['passages'] if (d.metadata['doc'], d.metadata['line_start']) not in
             {(doc, start) for doc, start, _, _ in cited}]
    sources = cited + extra
    text = '\n'.join(f'[{i}] {doc} 第{start}-{end}行：{_data(body)}' for i, (doc, start, end, body) in
                     enumerate(sources, 1))
    return {**x, 'sources': text, 'source_texts': [body for *_, body in sources]}


_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix='llm')


def with_language_model(draft: Answer, model: BaseChatModel | None, retriever: BaseRetriever | None = None) -> Answer:
    if model is None or draft.status != 'answered':
        return draft
    budget = float((model.metadata or {}).get('budget_seconds', 15))
    call = _POOL.submit(answer_chain(model, retriever).invoke, {'question': draft.question, 'draft': draft.answer,
                                                                 'citations': draft.citations})
    try:
        result = call.result(timeout=budget)
    except Timeout:
        return replace(draft, warnings=draft.warnings + (f'language model unavailable: no reply within {budget:g} s',))
    except Exception as error:   # the endpoint is optional: its failure must not lose the checked answer
        return replace(draft, warnings=draft.warnings + (f'language model unavailable: {type(error).__name__}',))
    reply = result['reply'].strip()
    added = unverified_numbers(_without_marks(reply), [draft.answer])     # only the checked answer's figures
    if added or not reply or not _restates(reply, draft):
        return replace(draft, model_reply=reply, unverified_numbers=tuple(added),
                       warnings=draft.warnings + ('model_reply_unchecked',))
    return replace(draft, answer=reply, method='llm')


def _restates(reply: str, draft: Answer) -> bool:
    """Does the reply say what the checked answer says: its headline figure, or, for an answer without one that
    says something is not there, that absence (an absence word) and what is absent?"""
    if draft.value is not None:
        return _mentions(reply, draft.value, draft.unit)
    if not any(word in draft.answer for word in ABSENCE_WORDS):
        return True
    absent = {thing for thing in ABSENT_THING.findall(draft.answer)}
    return any(word in reply for word in ABSENCE_WORDS) and (not absent or any(a in reply for a in absent))


def _mentions(text: str, value: str, unit: str | None) -> bool:
    """Does the reply state the headline figure (13.8 and 13.80, 1,407.47 and 1407.47 are the same)?"""
    return not unverified_numbers(f'{value}{unit or ""}', [_without_marks(text)])


def _data(text: str) -> str:
    """Document text goes in as data: no line may close the data block."""
    return text.replace('<<<', '‹‹‹').replace('>>>', '›››')


def _without_marks(text: str) -> str:
    return re.sub(r'\[\d+\]', '', text)
