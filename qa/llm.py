"""The optional language model: rewrites a checked answer from the same facts and passages.

    model = chat_model(settings)           # None unless BUDGETQA_LLM_BASE_URL and _MODEL are set
    final = with_language_model(draft_answer, model)

The model sees the question, the deterministic answer and the cited lines,
numbered [1], [2] …, inside a block marked as data.  Every number of its reply
is checked against those lines; a reply with a number that cannot be traced
is shown as unverified, with the deterministic answer beside it.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableLambda, RunnablePassthrough

from .models import Answer
from .verify import unverified_numbers

PROMPTS = Path(__file__).resolve().parents[1] / 'prompts'


def chat_model(settings) -> BaseChatModel | None:
    if not (settings.llm_base_url and settings.llm_model):
        return None
    from langchain_openai import ChatOpenAI
    return ChatOpenAI(base_url=settings.llm_base_url, model=settings.llm_model,
                      api_key=settings.llm_api_key or 'not-needed', temperature=0, timeout=60, max_retries=1)


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


def with_language_model(draft: Answer, model: BaseChatModel | None, retriever: BaseRetriever | None = None) -> Answer:
    if model is None or draft.status != 'answered':
        return draft
    try:
        result = answer_chain(model, retriever).invoke({'question': draft.question, 'draft': draft.answer,
                                                        'citations': draft.citations})
    except Exception as error:   # the endpoint is optional: its failure must not lose the checked answer
        return replace(draft, warnings=draft.warnings + (f'language model unavailable: {type(error).__name__}',))
    reply = result['reply'].strip()
    missing = unverified_numbers(_without_marks(reply), result['source_texts'] + [draft.answer])
    if missing:
        text = (f'{reply}\n\n（语言模型的回答中有无法在文件中核实的数字：{"、".join(missing)}。'
                f'以下是直接根据文件数据生成的答案：）\n{draft.answer}')
        return replace(draft, answer=text, verified=False, unverified_numbers=tuple(missing), method='llm')
    return replace(draft, answer=reply, verified=True, method='llm')


def _data(text: str) -> str:
    """Document text goes in as data: no line may close the data block."""
    return text.replace('<<<', '‹‹‹').replace('>>>', '›››')


def _without_marks(text: str) -> str:
    return re.sub(r'\[\d+\]', '', text)
