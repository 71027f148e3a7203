"""The helpdesk API: the same checked answers over HTTP, with the stores loaded once.

    python -m qa serve --host 127.0.0.1 --port 8000        # OpenAPI docs at /docs (served offline)
    python -m qa serve --workers 2                         # sessions and rate limits shared (service/api_state.py)

    curl -s http://127.0.0.1:8000/ask -H 'Content-Type: application/json' -d '{"question": "…"}'

Readers: /ask, /search, /documents (GET), /facts, /audit, /compare, /feedback.
Admins (a token from `python -m qa token create --admin`, sent as
`Authorization: Bearer …`): POST /documents (upload), DELETE /documents/{doc}.
Errors are JSON: {"error": {"code": "E_…", "message": 中文, "file": name or null, "line": n or null}}, with the
error's HTTP status (errors.py, data/messages.tsv); no stack trace reaches a client.
Sessions, recent answers and rate-limit counters live in <data dir>/api.db, so workers and restarts share them;
Swagger UI and ReDoc load their scripts from this server (fastapi-offline), never from a CDN.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import time
from typing import Annotated

from fastapi import APIRouter, Body, Depends, FastAPI, File, Form, Header, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from errors import (AdminOnly, AllRefused, BadHttpRequest, BudgetQAError, EmptyQuestion, FeedbackNotStored,
                    Internal, InvalidRequest, MethodNotAllowed, NoRoute, RateLimited, RequestTooLarge, UnknownAnswer,
                    UnknownDocument, render)
from ingest.vocabulary import vocabulary_table
from index.pipeline import IngestOptions, remove_document
from ingest.models import Declared
from ingest.reader import MAX_BYTES
from settings import MAX_QUESTION

from qa.answer import answer
from .api_state import ApiState
from qa.audit import audit
from qa.orgs import resolve_org
from .documents import document_row
from .export import compare, compare_row, fact_json
from .feedback import record_json
from .stores import open_context
from .views import ingest_uploads

EXAMPLES = {name: values[0] for name, values in vocabulary_table('api_examples')}   # for /docs, kept as data
# the docs pages load scripts, styles and images from this server only (ReDoc's footer logo would come from a CDN)
DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; worker-src 'self' blob:; font-src 'self' data:")
DOCS_PAGES = ('/docs', '/redoc')
MAX_BODY = 256 * 1024            # bytes of a JSON request
MAX_UPLOAD = MAX_BYTES + 2 ** 20  # bytes of an upload request: the document limit (ingest/reader.py) and its form
log = logging.getLogger('budgetqa.api')


class AskRequest(BaseModel):
    question: str = Field(..., min_length=1, max_length=MAX_QUESTION, examples=[EXAMPLES['question']])
    orgs: list[str] = Field(default=[], max_length=20, description='只问这些单位（全称）')
    years: list[int] = Field(default=[], max_length=10, examples=[[2024]])
    session: str | None = Field(default=None, max_length=64,
                                description='会话：同一会话里的追问（“那2025年呢？”）沿用上一问的单位、年份和事项')


class SearchRequest(BaseModel):
    query: str = Field(..., min_length=1, max_length=MAX_QUESTION, examples=[EXAMPLES['search']])
    k: int = Field(default=5, ge=1, le=50)
    orgs: list[str] = Field(default=[], max_length=20)
    years: list[int] = Field(default=[], max_length=10)


class FeedbackRequest(BaseModel):
    answer_id: str = Field(..., min_length=1, max_length=64, description='/ask 返回的 id')
    rating: str = Field(..., pattern='^(up|down)$', examples=['down'])
    comment: str = Field(default='', max_length=2000, examples=[EXAMPLES['comment']])


# ---- tokens --------------------------------------------------------------------------------

def create_token(settings, admin: bool = True) -> str:
    """A new token, printed once; only its hash is kept (<data dir>/tokens.json)."""
    token = 'bqa_' + secrets.token_urlsafe(24)
    path = settings.data_dir / 'tokens.json'
    tokens = json.loads(path.read_text(encoding='utf-8')) if path.exists() else []
    tokens.append({'sha256': hashlib.sha256(token.encode()).hexdigest(), 'admin': admin,
                   'created': time.strftime('%Y-%m-%dT%H:%M:%S')})
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix('.tmp')
    tmp.write_text(json.dumps(tokens, indent=1), encoding='utf-8')
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return token


def _is_admin(settings, authorization: str | None) -> bool:
    if not authorization or not authorization.startswith('Bearer '):
        return False
    path = settings.data_dir / 'tokens.json'
    if not path.exists():
        return False
    digest = hashlib.sha256(authorization[7:].strip().encode()).hexdigest()
    return any(secrets.compare_digest(t['sha256'], digest) and t.get('admin')
               for t in json.loads(path.read_text(encoding='utf-8')))


# ---- the app -------------------------------------------------------------------------------

class _State:
    """What every request of this worker shares: the stores and one answering context (service/stores.py).
    Sessions, recent answers and rate-limit counters are in `shared` (the data directory's api.db), common to
    every worker."""

    def __init__(self, settings):
        self.settings = settings
        opened = open_context(settings)
        self.store, self.vectors, self.engine, self.ctx = opened.store, opened.vectors, opened.engine, opened.ctx
        self.shared = ApiState(settings.api_db, rate=settings.api_rate)


def create_app(settings) -> FastAPI:
    app = FastAPIOffline(*DOCS_PAGES, title='预算公开问答 API', version='1',
                         description='部门/单位预算公开的问答：每个数字都来自文件中的表格或文字，并给出文件、行号和表格。')
    app.state.budget = _State(settings)
    app.middleware('http')(limits)
    app.add_exception_handler(BudgetQAError, coded_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http_error)
    app.include_router(routes)
    return app


def budget(request: Request) -> _State:
    """The worker's shared state, for a route (FastAPI dependency)."""
    return request.app.state.budget


Budget = Annotated[_State, Depends(budget)]
routes = APIRouter()


# ---- limits and errors ---------------------------------------------------------------------

async def limits(request: Request, call_next):
    state = request.app.state.budget
    settings = state.settings
    size = int(request.headers.get('content-length') or 0)
    limit = MAX_UPLOAD if request.url.path == '/documents' else MAX_BODY
    if size > limit:
        return _error(RequestTooLarge(size_kb=size // 1024, limit_kb=limit // 1024))
    if not state.shared.allow(request.client.host if request.client else '-'):
        return _error(RateLimited(rate=settings.api_rate))
    try:
        response = await call_next(request)
        if request.url.path in DOCS_PAGES:
            response.headers['Content-Security-Policy'] = DOCS_POLICY
        return response
    except Exception:                 # never a stack trace to a client
        log.exception('request failed')
        return _error(Internal())


async def coded_error(request, error: BudgetQAError):
    return _error(error)


async def invalid(request, error: RequestValidationError):
    where = '、'.join('.'.join(str(x) for x in e['loc'] if x != 'body') or '请求' for e in error.errors()[:3])
    return _error(InvalidRequest(where=where, max_question=MAX_QUESTION))


async def http_error(request, error: HTTPException):
    known = {404: NoRoute, 405: MethodNotAllowed}
    return _error(known.get(error.status_code, BadHttpRequest)(), error.status_code)


# ---- readers -------------------------------------------------------------------------------

ASK_EXAMPLES = [{'question': EXAMPLES['question']}, {'question': EXAMPLES['follow_up'], 'session': 'ticket-42'}]


@routes.post('/ask', summary='提问：返回核对过的答案、出处和理解')
def ask(state: Budget, request: AskRequest = Body(..., examples=ASK_EXAMPLES)):
    if not request.question.strip():
        raise EmptyQuestion()
    previous = state.shared.session(request.session) if request.session else None
    result = answer(request.question, state.ctx, question_id=secrets.token_hex(6), orgs=tuple(request.orgs),
                    years=tuple(request.years), previous=previous)
    body = result.to_json()
    state.shared.save_answer(body)
    if request.session and result.status != 'ambiguous':
        state.shared.save_session(request.session, result.plan)
    return {**body, 'session': request.session}


@routes.post('/search', summary='检索：与问题最相关的段落和表格行')
def search(state: Budget, request: SearchRequest):
    hits = state.ctx.search(request.query, tuple(request.orgs), tuple(request.years), k=request.k)
    return {'hits': [h.to_json() for h in hits]}


@routes.get('/documents', summary='已载入的文件：单位、年度、文件、哈希、加入时间、核对')
def documents(state: Budget):
    return {'documents': [document_row(d) for d in state.store.documents()]}


@routes.get('/facts', summary='数字：按单位、年度、表筛选（与 qa facts 相同）')
def facts(state: Budget, org: str | None = Query(None, max_length=100, examples=[EXAMPLES['org']]),
          year: int | None = None, table: int | None = Query(None, ge=1, le=11),
          source: str | None = Query(None, pattern='^(table|text)$'), limit: int = Query(1000, ge=1, le=10_000)):
    key = resolve_org(state.store, org)          # UnknownOrg, AmbiguousOrg: 404
    rows = state.store.facts(org=key, year=year, table_no=table, source=source)
    return {'facts': [fact_json(f) for f in rows[:limit]], 'total': len(rows)}


@routes.get('/audit', summary='核对：文件前后不一致之处，两处出处')
def audit_view(state: Budget, doc: str | None = Query(None, max_length=200)):
    known = {d.doc for d in state.store.documents()}
    if doc and doc not in known:
        raise UnknownDocument(doc=doc, stored=', '.join(sorted(known)))
    return {'findings': [f.to_json() for f in audit(state.store, [doc] if doc else None)]}


@routes.get('/compare', summary='比较：一个事项在各单位、各年度的数字')
def compare_view(state: Budget, item: str = Query(..., min_length=1, max_length=50, examples=[EXAMPLES['item']]),
                 orgs: list[str] = Query([]), years: list[int] = Query([])):
    rows = compare(state.ctx, item, tuple(orgs), tuple(years))
    return {'rows': [compare_row(f) for f in rows]}


@routes.post('/feedback', summary='反馈：对某个答案点赞或指出错误')
def feedback(state: Budget, request: FeedbackRequest):
    result = state.shared.answer(request.answer_id)
    if result is None:
        raise UnknownAnswer()
    try:
        record_json(state.settings, result, request.rating, request.comment)
    except OSError:
        raise FeedbackNotStored() from None
    return {'stored': True}


# ---- admins --------------------------------------------------------------------------------

@routes.post('/documents', summary='上传文件（需要管理员 token）：存下能读的，列出不能读的及原因')
def upload(state: Budget, file: list[UploadFile] = File(...), replace: bool = False,
           org: str = Form('', max_length=100, description='文件中没有写明编制单位时：单位全称（用于每个文件）'),
           year: int | None = Form(None, ge=1990, le=2100, description='文件中没有写明年度时：预算年度'),
           authorization: str | None = Header(None)):
    settings = state.settings
    _require_admin(settings, authorization)
    uploads = [(f.filename or 'upload.txt', f.file.read(MAX_UPLOAD)) for f in file]
    options = IngestOptions(settings.alias_files, Declared(org.strip(), year), replace=replace,
                            added_by='管理员（API）', settings=settings)
    report = ingest_uploads(uploads, settings.uploads_dir, state.store, options, state.vectors)   # read-only: 503
    refused = [{**_error_json(e), 'detail': e.message} for e in report.refused]
    if refused and not report.outcomes:
        raise AllRefused(reasons_zh='；'.join(r['message'] for r in refused),
                         reasons_en='; '.join(render(e, 'en') for e in report.refused))
    return {'documents': [_upload_row(o) for o in report.outcomes], 'refused': refused}


def _upload_row(o) -> dict:
    return {'doc': o.doc, 'status': o.status, 'org': o.summary.get('org'), 'year': o.summary.get('year'),
            'facts': o.summary.get('facts'), 'changes': o.summary.get('changes') if o.status == 'ingested' else None}


@routes.delete('/documents/{doc}', summary='删除文件（需要管理员 token）')
def delete(state: Budget, doc: str, authorization: str | None = Header(None)):
    settings = state.settings
    _require_admin(settings, authorization)
    removed = remove_document(state.store, doc, state.vectors, settings.uploads_dir)   # read-only: 503
    if not removed:
        raise UnknownDocument(doc=doc, stored=', '.join(d.doc for d in state.store.documents()))
    return {'removed': doc}


def _require_admin(settings, authorization: str | None) -> None:
    if not _is_admin(settings, authorization):
        raise AdminOnly()


def _error_json(error: BudgetQAError) -> dict:
    """An error as the API shows it: its code, the Chinese message the page shows, the file's name and line."""
    return {'code': error.code, 'message': render(error, 'zh'), 'file': error.file, 'line': error.line}


def _error(error: BudgetQAError, status: int | None = None) -> JSONResponse:
    return JSONResponse({'error': _error_json(error)}, status_code=status or error.status)


def app_from_env() -> FastAPI:
    """The app of one uvicorn worker: each worker process reads the settings (BUDGETQA_*) and opens the stores."""
    from settings import Settings
    return create_app(Settings.from_env())


def serve(settings, host: str = '127.0.0.1', port: int = 8000, workers: int = 1) -> None:
    """`workers` processes answer on one port; they share sessions, answers and rate limits through api.db."""
    import uvicorn
    if workers > 1:
        os.environ['BUDGETQA_DATA_DIR'] = str(settings.data_dir)      # the workers read the same data directory
        uvicorn.run('service.api:app_from_env', factory=True, workers=workers, host=host, port=port,
                    log_level='warning', access_log=False)
    else:
        uvicorn.run(create_app(settings), host=host, port=port, log_level='warning', access_log=False)


__all__ = ['app_from_env', 'create_app', 'create_token', 'serve']
