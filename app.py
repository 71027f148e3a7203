"""预算公开问答 — the Streamlit page. Layout only: every piece of logic lives in qa/, index/, ingest/.

    .venv/bin/streamlit run app.py

Readers ask, browse and download; uploading and removing documents need the
admin password (`python -m qa admin password`). Questions typed while one is
being answered wait in a queue; a question that leaves out the organisation,
year or item takes them from the previous answer.

Why ~460 lines: each tab of the page is one short function of Streamlit calls (chat, documents, facts, chart,
audit, admin); what is not layout lives in service/page_parts.py, service/views.py and service/present.py.
"""
from __future__ import annotations

import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import streamlit as st

from errors import BadYear
from index.facts_store import FactStore, StoreError
from index.pipeline import IngestOptions, IngestProgress, remove_document
from ingest.models import Declared
from service.admin import is_admin, stored_hash
from qa.answer import Context, answer
from qa.audit import KIND_TITLES, audit, audit_counts
from service.feedback import record
from service.page_parts import (ALL, ANSWER_NOTES, FINDING_LEVELS, answer_view, chosen, citation_title, finding_where,
                                numbered_lines, previous_plan, shown_range, upload_line)
from service.page_scripts import ONE_AT_A_TIME, SCROLL_TO_LATEST
from service.present import copy_text, document_labels, plain, short_names, understood_line
from service.stores import Opened, ingest_samples, open_context
from service.views import (CHART_ITEMS, DocumentQuery, blank_missing, chinese_error, document_table, examples,
                           facts_frame, find_documents, ingest_uploads, item_series, page_of, parse_year, rate_text,
                           source_lines, table_frame, to_xlsx, with_check_colours)
from settings import MAX_QUESTION, Settings

ANSWER_FAILED = '这个问题没有回答成功（服务器内部出错，已记录）。请再问一次，或换个说法；其他问题不受影响。'

st.set_page_config(page_title='预算公开问答', page_icon='📊', layout='wide')


@st.cache_resource(show_spinner='正在加载数据库和检索索引…')
def resources(data_dir: str) -> Opened:
    """The stores and one answering context for every session (service/stores.py): it re-reads the document list,
    and reopens the vectors, when another process changes the store."""
    settings = Settings.from_env()
    if not FactStore(settings.facts_db).documents():
        with st.spinner('首次运行：正在读取示例文件并建立索引（约需两三分钟）…'):
            ingest_samples(settings)
    return open_context(settings)


def context() -> Context:
    return resources(str(Settings.from_env().data_dir)).ctx


def loaded(store) -> dict:
    """The documents as the page names them, re-read when the store changes."""
    return _loaded(str(store.path), store.generation())


@st.cache_data(show_spinner=False, max_entries=4)
def _loaded(path: str, generation: int) -> dict:
    store = FactStore(path)
    documents = store.documents()
    return {'documents': documents, 'labels': document_labels(documents), 'short': short_names(documents)}


# ---- one answer -----------------------------------------------------------------------------

def show_answer(item: dict, turn: int, names: dict) -> None:
    result = item['answer']
    view = answer_view(result, names['labels'], lambda org: names['short'].get(org, org), context().store)
    line = understood_line(result.plan)
    if line:
        st.caption(plain(line))
    st.markdown(' '.join(f':{color}-badge[{label}]' for label, color in view.marks))
    if view.head:
        st.metric(plain(view.head[0]), view.head[1])
    st.markdown(plain(view.opening))
    if view.rows:
        st.dataframe(view.rows, hide_index=True, width='stretch')
    if view.rest:
        st.markdown(plain(view.rest))
    for warning, element, words in ANSWER_NOTES:
        if warning in result.warnings:
            getattr(st, element)(words)
    if result.model_reply:
        with st.expander('语言模型的改写（未核对：它不只是复述上面核对过的答案，未采用）'):
            st.markdown(plain(result.model_reply))
    if any(w.startswith('language model unavailable') for w in result.warnings):
        st.caption('语言模型没有及时回答；这是直接根据文件数据生成的答案。')
    if result.status == 'ambiguous':
        cols = st.columns(len(result.candidates))
        for col, org in zip(cols, result.candidates):
            col.button(plain(names['short'].get(org, org)), key=f'pick-{turn}-{org}', help=plain(org),
                       on_click=enqueue, args=(item['question'], (org,)))
    if view.removed:
        st.caption('这条答案引用的文件已被删除，出处无法打开。')
    else:
        sources(result, names)
    share(result, item)
    feedback(item, turn)


def sources(result, names) -> None:
    for i, c in enumerate(result.citations, 1):
        with st.expander(plain(citation_title(i, c, names['labels'].get(c.doc, c.doc)))):
            show_source(c, names)


def show_source(c, names) -> None:
    store = context().store
    st.caption(plain(f'文件：{c.doc}'))
    view = table_frame(store, c.doc, c.table, c.line_start) if c.table else None
    if view is not None and not view.frame.empty:
        st.caption(plain(f'{view.title}（单位：{view.unit}）— {names["labels"].get(c.doc, c.doc)}'))
        styled = blank_missing(view.frame).style.apply(
            lambda row: ['background-color: #fff3b0' if row.name == view.highlight else '' for _ in row], axis=1)
        st.dataframe(styled, hide_index=True, width='stretch')
    st.code(numbered_lines(source_lines(store, c.doc, c.line_start, c.line_end)), language=None)


def share(result, item) -> None:
    with st.expander('复制答案 / 分享链接'):
        st.caption('右上角的按钮复制答案和出处（纯文本）：')
        st.code(copy_text(result), language=None)
        st.markdown(f'[打开同一个问题的链接](?q={quote(item["question"])})')


def feedback(item: dict, turn: int) -> None:
    if item.get('feedback'):
        st.caption(f'已收到反馈：{item["feedback"]}，谢谢。')
        return
    c1, c2, c3 = st.columns([1, 1, 4])
    comment = c3.text_input('意见（可选）', key=f'comment-{item["id"]}', label_visibility='collapsed',
                            placeholder='意见（可选）：哪里不对？', max_chars=2000)
    for col, rating, label in ((c1, 'up', '👍 有用'), (c2, 'down', '👎 有误')):
        if col.button(label, key=f'feedback-{rating}-{item["id"]}'):
            settings = Settings.from_env()
            try:
                record(settings, item['answer'], rating, comment)
                item['feedback'] = label
            except OSError:
                st.error('反馈没有保存（数据目录不可写），请告诉管理员。')
            st.rerun()


# ---- the conversation -----------------------------------------------------------------------

QUESTION_BOX = 'question_box'


def enqueue(question: str, orgs: tuple = ()) -> None:
    """Put a question at the end of this session's queue (a widget's callback: it runs before the script does)."""
    st.session_state.setdefault('queue', []).append({'question': question[:MAX_QUESTION],
                                                     **({'orgs': orgs} if orgs else {})})


def take_typed() -> None:
    """The chat box's callback. Streamlit runs it first thing in the run a submission starts, before any line of
    the page, so a question typed while another is being answered is queued even if that run is cut short."""
    st.session_state.received = st.session_state.get('received', 0) + 1
    typed = (st.session_state.get(QUESTION_BOX) or '').strip()
    if typed:
        enqueue(typed)
    else:
        st.session_state.empty_question = True




@st.cache_resource(show_spinner=False)
def answering_threads() -> ThreadPoolExecutor:
    """Answers are computed beside the page's run: the run only waits, and waiting lets a new submission in."""
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix='answer')


def chat_tab(ctx: Context, names: dict, orgs, years) -> None:
    history = st.session_state.setdefault('history', [])
    queue = st.session_state.setdefault('queue', [])
    st.html(ONE_AT_A_TIME % st.session_state.get('received', 0), unsafe_allow_javascript=True, width='content')
    st.chat_input('问一个关于预算公开的问题：单位、年份和想知道的数字，例如“某单位某年三公经费是多少”',
                  max_chars=MAX_QUESTION, key=QUESTION_BOX, on_submit=take_typed)
    if st.session_state.pop('empty_question', False):
        st.toast('问题是空的，请输入要问的内容。')
    shared = st.query_params.get('q')
    if shared and st.session_state.get('shared') != shared:
        st.session_state.shared = shared                 # a link that reopens a question asks it once
        enqueue(shared)
    example_buttons(names)
    for turn, item in enumerate(history):
        with st.chat_message('user'):
            st.markdown(plain(item['question']))
        with st.chat_message('assistant'):
            if 'error' in item:
                st.error(item['error'])
            else:
                show_answer(item, turn, names)
    if history and st.session_state.pop('show_latest', False):
        open_on_headline(len(history))
    status = None
    for i, waiting in enumerate(list(queue)):
        with st.chat_message('user'):
            st.markdown(plain(waiting['question']))
            if i == 0:
                status = st.empty()
                status.caption('正在回答…')
            else:
                st.caption(f'排队中（前面还有{i}个问题）')
    if queue:
        answer_next(ctx, history, queue, orgs, years, status)




def open_on_headline(turn: int) -> None:
    st.html(SCROLL_TO_LATEST % turn, unsafe_allow_javascript=True, width='content')


def example_buttons(names: dict) -> None:
    """Short labels (organisation short name · item); the full question is the tooltip."""
    shown = examples(names['documents'], names['short'])
    cols = st.columns(len(shown) + 1)
    for i, (col, example) in enumerate(zip(cols, shown)):
        col.button(plain(example.label), key=f'example-{i}', help=plain(example.question), on_click=enqueue,
                   args=(example.question,), width='stretch')
    cols[-1].button('清空记录', key='clear', on_click=lambda: st.session_state.history.clear())


def answer_next(ctx, history, queue, orgs, years, status) -> None:
    """Answer the first queued question in a thread and wait for it; the answer is added and the question removed
    together. While waiting, the run keeps updating its status line: each update lets Streamlit start a new run for
    a question just typed (whose callback queues it), and the new run goes on waiting for the same answer."""
    waiting = queue[0]
    job = st.session_state.get('job')
    if job is None or job['waiting'] is not waiting:
        future = answering_threads().submit(answer, waiting['question'], ctx, orgs=tuple(waiting.get('orgs') or orgs),
                                            years=years, previous=previous_plan(history))
        job = st.session_state.job = {'waiting': waiting, 'future': future, 'started': time.monotonic()}
    while not job['future'].done():
        status.caption(f'正在回答…（{time.monotonic() - job["started"]:.0f} 秒）')
        time.sleep(0.1)
    item = {'question': waiting['question'], 'id': uuid.uuid4().hex[:12]}
    try:
        item['answer'] = job['future'].result()
    except Exception:          # one question's failure is shown at that question; the queue moves on
        logging.getLogger('budgetqa').exception('answering %r failed', waiting['question'])
        item['error'] = ANSWER_FAILED
    if queue and queue[0] is waiting:
        history.append(item)
        queue.pop(0)
        st.session_state.show_latest = True
    st.session_state.job = None
    st.rerun()


# ---- documents: list, filters, upload and removal (admin) ----------------------------------

def sidebar(ctx: Context, names: dict):
    settings = Settings.from_env()
    documents = names['documents']
    st.sidebar.caption(f'已载入 {len(documents)} 份文件；在“文件”视图中查找、筛选和查看核对结果。')
    orgs = sorted({d.org_key for d in documents})
    org = st.sidebar.selectbox('只问这个单位', [ALL] + orgs, key='filter_org',
                               format_func=lambda o: o if o == ALL else names['short'].get(o, o))
    years = sorted({d.year for d in documents if d.year})
    year = st.sidebar.selectbox('只问这一年', [ALL] + [str(y) for y in years], key='filter_year')
    admin_panel(settings, names)
    llm = settings.llm_model or '未配置（答案直接由数据生成）'
    st.sidebar.caption(f'语言模型：{llm}')
    return (() if org == ALL else (org,)), (() if year == ALL else (int(year),))


def admin_panel(settings, names) -> None:
    st.sidebar.divider()
    if not st.session_state.get('admin'):
        st.sidebar.caption('上传和删除文件需要管理员登录；读者可以提问、浏览和下载。')
        with st.sidebar.form('login', clear_on_submit=True):
            password = st.text_input('管理员密码', type='password', key='admin_password')
            if st.form_submit_button('登录'):
                if stored_hash(settings) is None:
                    st.error('还没有设置管理员密码：在服务器上运行 python -m qa admin password')
                elif is_admin(settings, password):
                    st.session_state.admin = True
                    st.rerun()
                else:
                    st.error('密码不对。')
        return
    st.sidebar.success('已作为管理员登录')
    if st.sidebar.button('退出登录', key='logout'):
        st.session_state.admin = False
        st.rerun()
    upload(settings)
    remove(settings, names)


def upload(settings) -> None:
    opened = resources(str(settings.data_dir))
    files = st.sidebar.file_uploader('上传预算公开文件（.txt .md .pdf .docx .xlsx，不超过20MB）',
                                     accept_multiple_files=True, key='uploads')
    org = st.sidebar.text_input('单位（可选）', key='upload_org', max_chars=100,
                                help='文件中没有写明编制单位时填写单位全称；填写后用于这次上传的每一个文件')
    year = st.sidebar.text_input('年度（可选）', key='upload_year', max_chars=6,
                                 help='文件中没有写明预算年度时填写，例如 2026；用于这次上传的每一个文件')
    replace = st.sidebar.checkbox('替换同一单位同一年度的已有文件', key='replace_existing',
                                  help='不勾选时，与已载入的同一单位同一年度文件印有同一张表或数字不一致的文件、'
                                       '与已载入文件同名而内容不同的文件会被拒绝（防止伪造的第二份文件混入）；'
                                       '勾选后替换，并列出有多少个数字不同；情况说明和报表分成两份文件的，可以分别上传')
    if not files or not st.sidebar.button('读取上传的文件', key='do_upload'):
        return
    try:
        declared = Declared(org.strip(), parse_year(year))
    except BadYear as error:
        st.sidebar.error(chinese_error(error))
        return
    progress = st.sidebar.progress(0.0, text='读取中…')
    started = time.perf_counter()
    try:
        options = IngestOptions(settings.alias_files, declared, replace=replace, added_by='管理员（网页上传）',
                                settings=settings)
        bars = IngestProgress(documents=lambda done, total: progress.progress(
                                  done / max(total, 1) / 2, text=rate_text('读取', done, total, started)),
                              vectors=lambda done, total: progress.progress(
                                  0.5 + done / max(total, 1) / 2, text=rate_text('嵌入', done, total, started)))
        report = ingest_uploads([(f.name, f.getvalue()) for f in files], settings.uploads_dir, opened.store,
                                options, opened.vectors, bars)
    except (StoreError, OSError) as error:
        st.sidebar.error('没有读取上传的文件：' + plain(chinese_error(error)))
        return
    except Exception:                  # never a traceback on the page, never a file left behind
        logging.getLogger('budgetqa').exception('upload failed')
        st.sidebar.error('没有读取上传的文件：读取时出现了意外错误，已记录在服务器日志中。')
        return
    progress.progress(1.0, text='完成')
    for o in report.outcomes:
        st.sidebar.success(plain(upload_line(o)))
    if report.refused:
        kept = '其余文件已读取。' if report.outcomes else '没有读取任何文件，已存的数据没有改变。'
        st.sidebar.error(f'{len(report.refused)} 个文件没有读取；{kept}\n\n' +
                         '\n\n'.join(plain(chinese_error(e)) for e in report.refused))


def remove(settings, names) -> None:
    opened = resources(str(settings.data_dir))
    docs = [d.doc for d in names['documents']]
    doc = st.sidebar.selectbox('删除文件', ['（不删除）'] + docs, key='remove_doc',
                               format_func=lambda d: names['labels'].get(d, d))
    if doc != '（不删除）' and st.sidebar.button('确认删除', key='do_remove'):
        try:
            removed = remove_document(opened.store, doc, opened.vectors, settings.uploads_dir)
        except StoreError as error:
            st.sidebar.error(plain(chinese_error(error)))
            return
        if removed:
            st.sidebar.success(plain(f'已删除 {names["labels"].get(doc, doc)}'))
        else:
            st.sidebar.error('这个文件已经不在了。')


# ---- browsing ------------------------------------------------------------------------------

DOCUMENTS_PER_PAGE = 20


def documents_tab(store, names) -> None:
    """The loaded documents, searchable and paged (a province's thousand files, not a sidebar table); the audit
    counts of a page's documents on demand."""
    documents, short = names['documents'], names['short']
    c1, c2, c3, c4 = st.columns([3, 3, 1, 1])
    text = c1.text_input('查找', key='docs_text', placeholder='文件名或单位名称的一部分', max_chars=100)
    org = c2.selectbox('单位', [ALL] + sorted({d.org_key for d in documents}), key='docs_org',
                       format_func=lambda o: o if o == ALL else short.get(o, o))
    year = c3.selectbox('年度', [ALL] + sorted({str(d.year) for d in documents if d.year}, reverse=True),
                        key='docs_year')
    kind = c4.selectbox('类型', [ALL] + sorted({d.summary.get('kind') for d in documents if d.summary.get('kind')}),
                        key='docs_kind')
    query = DocumentQuery(text, chosen(org), None if year == ALL else int(year), chosen(kind))
    found = find_documents(documents, names['labels'], query)
    pages = max(1, -(-len(found) // DOCUMENTS_PER_PAGE))
    page = st.number_input(f'页（共 {pages} 页）', min_value=1, max_value=pages, value=1, step=1,
                           key=f'docs_page-{hash(query)}')          # a new filter starts on its first page
    shown, _ = page_of(found, int(page), DOCUMENTS_PER_PAGE)
    first = (int(page) - 1) * DOCUMENTS_PER_PAGE
    st.caption(shown_range(len(found), len(documents), first, len(shown)))
    counts = st.session_state.setdefault('doc_counts', {})
    if st.button('统计本页文件的矛盾和可疑处', key='docs_count', disabled=not shown):
        counts.update(audit_counts(store, [d.doc for d in shown]))
    st.dataframe(document_table(shown, names['labels'], counts), hide_index=True, width='stretch',
                 key='documents_list')
    st.caption('“矛盾”“可疑”与“核对”视图列出的相同；空白表示还没有统计。')


def facts_tab(store, names) -> None:
    documents = names['documents']
    orgs = sorted({d.org_key for d in documents})
    if not orgs:
        st.info('还没有读取任何文件。')
        return
    c1, c2, c3 = st.columns(3)
    org = c1.selectbox('单位', orgs, key='facts_org', format_func=lambda o: names['short'].get(o, o))
    year = c2.selectbox('年度', [ALL] + sorted({str(d.year) for d in documents if d.org_key == org}),
                        key='facts_year')
    table = c3.selectbox('表', [ALL] + [str(n) for n in range(1, 12)], key='facts_table')
    frame = facts_frame(context(), org, None if year == ALL else int(year), None if table == ALL else int(table))
    st.caption(f'{org}：{len(frame)} 条数字')
    st.dataframe(with_check_colours(blank_missing(frame)), hide_index=True, width='stretch')
    d1, d2 = st.columns(2)
    d1.download_button('下载 CSV', frame.to_csv(index=False).encode('utf-8-sig'), 'facts.csv', 'text/csv')
    d2.download_button('下载 XLSX', to_xlsx(frame), 'facts.xlsx',
                       'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')


def chart_tab(store, names) -> None:
    item = st.selectbox('项目', list(CHART_ITEMS), key='chart_item')
    orgs = sorted({d.org_key for d in names['documents']})
    chosen = st.multiselect('单位', orgs, default=orgs[:10], key='chart_orgs',
                            format_func=lambda o: names['short'].get(o, o))
    series = item_series(store, item, chosen)
    if series.empty:
        st.info('没有这一项的数字。')
        return
    series['标签'] = [f'{names["short"].get(o, o)} {y}年' for o, y in zip(series['单位'], series['年度'])]
    st.bar_chart(series, x='标签', y='数值', x_label='单位和年度', y_label=f'{item}（{series["单位名称"].iloc[0]}）')
    for _, row in series.iterrows():
        st.markdown(plain(f'- {row["标签"]}：{row["原文数值"]} {row["单位名称"]} — 出处：'
                          f'{names["labels"].get(row["文件"], row["文件"])} 第{row["行"]}行'))


def audit_tab(store, names) -> None:
    docs = [d.doc for d in names['documents']]
    doc = st.selectbox('文件', docs, key='audit_doc', format_func=lambda d: names['labels'].get(d, d))
    levels = st.multiselect('类别', list(FINDING_LEVELS), default=['suspicious', 'contradiction'], key='audit_levels',
                            format_func=FINDING_LEVELS.get)
    found = [f for f in audit(store, [doc]) if f.severity in levels]
    st.caption(f'{len(found)} 条发现')
    for f in found:
        st.markdown(f'- **{KIND_TITLES[f.kind]}** ' + plain(f'{f.title}：{f.figures}（{finding_where(f)}）'))


def main() -> None:
    st.title('预算公开问答')
    ctx = context()
    names = loaded(ctx.store)
    orgs, years = sidebar(ctx, names)
    # one view runs at a time (tabs would run all four on every question: the chart reads every document)
    view = st.radio('视图', ['问答', '文件', '数据浏览', '图表', '核对'], horizontal=True, key='view',
                    label_visibility='collapsed')
    if view == '问答':
        chat_tab(ctx, names, orgs, years)
    elif view == '文件':
        documents_tab(ctx.store, names)
    elif view == '数据浏览':
        facts_tab(ctx.store, names)
    elif view == '图表':
        chart_tab(ctx.store, names)
    else:
        audit_tab(ctx.store, names)


main()
