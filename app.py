"""预算公开问答 — the Streamlit page. Layout only: every piece of logic lives in qa/, index/, ingest/.

    .venv/bin/streamlit run app.py
"""
from __future__ import annotations

import time

import streamlit as st

from index.facts_store import FactStore
from index.pipeline import IngestFailed, ingest_paths, sync_vectors
from index.runtime import open_index, open_vectors
from ingest.reader import IngestError
from qa.answer import Context, answer
from qa.audit import KIND_TITLES, audit
from qa.llm import chat_model
from qa.views import (CHART_ITEMS, corpus_overview, example_questions, facts_frame, item_series, rate_text, save_upload,
                      source_lines,
                      table_frame, to_xlsx)
from settings import Settings

BADGES = {'verified': ('✅ 已核对', 'green'), 'unverified': ('⚠️ 含未核实数字', 'orange'),
          'not_found': ('🔍 文件中没有', 'gray'), 'ambiguous': ('❓ 需要指明单位', 'blue')}

st.set_page_config(page_title='预算公开问答', page_icon='📊', layout='wide')


@st.cache_resource(show_spinner='正在加载数据库、嵌入模型和检索索引…')
def resources(data_dir: str):
    settings = Settings.from_env()
    store = FactStore(settings.facts_db)
    if not store.documents():
        with st.spinner('首次运行：正在读取示例文件并建立索引（约需两三分钟）…'):
            ingest_paths([settings.samples_dir], store, settings.alias_files, vectors=open_vectors(settings))
    store, vectors, engine = open_index(settings)
    return settings, store, vectors, engine


def context() -> Context:
    """One answering context for every session: it re-reads the document list when the store changes."""
    return shared_context(str(Settings.from_env().data_dir))


@st.cache_resource(show_spinner=False)
def shared_context(data_dir: str) -> Context:
    settings, store, _, engine = resources(data_dir)
    return Context.from_store(store, search=engine.search, llm=chat_model(settings))


def badge(result) -> str:
    if result.status == 'answered':
        key = 'verified' if result.verified else 'unverified'
    else:
        key = result.status
    label, color = BADGES[key]
    return f':{color}-badge[{label}]'


def show_answer(result, turn: int) -> None:
    st.markdown(badge(result))
    if result.value is not None and result.status == 'answered':
        st.metric('答案', f'{result.value} {result.unit or ""}'.strip())
    st.markdown(result.answer)
    if 'document_contradiction' in result.warnings:
        st.warning('文件前后不一致：答案中给出了两处数字及各自的出处。')
    if 'template_unfilled' in result.warnings:
        st.info('文件中这一段是没有填写的模板。')
    if result.status == 'ambiguous':
        cols = st.columns(len(result.candidates))
        for col, org in zip(cols, result.candidates):
            if col.button(org, key=f'pick-{turn}-{org}'):
                st.session_state.pending = (st.session_state.history[turn]['question'], org)
                st.rerun()
    for i, c in enumerate(result.citations, 1):
        where = f'表{c.table} ' if c.table else ''
        lines = f'第{c.line_start}行' if c.line_start == c.line_end else f'第{c.line_start}-{c.line_end}行'
        lines = (f'第{c.page}页 ' if c.page else '') + lines
        with st.expander(f'[{i}] {c.doc} {lines} {where}{c.row}{("/" + c.column) if c.column else ""}'):
            show_source(c)


def show_source(c) -> None:
    _, store, _, _ = resources(str(Settings.from_env().data_dir))
    view = table_frame(store, c.doc, c.table, c.line_start) if c.table else None
    if view is not None and not view.frame.empty:
        org = next((d for d in store.documents() if d.doc == c.doc), None)
        st.caption(f'{view.title}（单位：{view.unit}）— {org.org if org else ""} {org.year if org else ""}年')
        styled = view.frame.style.apply(
            lambda row: ['background-color: #fff3b0' if row.name == view.highlight else '' for _ in row], axis=1)
        st.dataframe(styled, hide_index=True, width='stretch')
    lines = source_lines(store, c.doc, c.line_start, c.line_end)
    text = '\n'.join(f'{"▶" if cited else " "} {n:5d} | {line}' for n, line, cited in lines)
    st.code(text, language=None)


def sidebar(ctx: Context):
    settings, store, vectors, _ = resources(str(Settings.from_env().data_dir))
    st.sidebar.header('文件')
    overview = corpus_overview(store)
    st.sidebar.dataframe(overview[['单位', '年度', '表格', '矛盾', '警告']], hide_index=True)
    orgs = sorted({d.org_key for d in store.documents()})
    chosen_org = st.sidebar.selectbox('只问这个单位', ['（全部）'] + orgs, key='filter_org')
    years = sorted({d.year for d in store.documents() if d.year})
    chosen_year = st.sidebar.selectbox('只问这一年', ['（全部）'] + [str(y) for y in years], key='filter_year')
    upload(settings, store, vectors)
    remove(store, vectors)
    llm = f'{settings.llm_model} @ {settings.llm_base_url}' if settings.llm_model else '未配置（答案直接由数据生成）'
    st.sidebar.caption(f'嵌入模型：{vectors.embeddings.name}\n\n语言模型：{llm}\n\n数据目录：{settings.data_dir}')
    return (() if chosen_org == '（全部）' else (chosen_org,)), (() if chosen_year == '（全部）' else (int(chosen_year),))


def upload(settings, store, vectors) -> None:
    files = st.sidebar.file_uploader('上传预算公开文件（.txt .md .pdf .docx .xlsx，不超过20MB）', accept_multiple_files=True,
                                     key='uploads')
    if not files or not st.sidebar.button('读取上传的文件', key='do_upload'):
        return
    progress = st.sidebar.progress(0.0, text='读取中…')
    saved = []
    started = time.perf_counter()
    try:
        saved = [save_upload(f.name, f.getvalue(), settings.data_dir / 'uploads') for f in files]
        outcomes = ingest_paths(saved, store, settings.alias_files, vectors=vectors,
                                on_document=lambda done, total: progress.progress(
                                    done / max(total, 1) / 2, text=rate_text('读取', done, total, started)),
                                on_vectors=lambda done, total: progress.progress(
                                    0.5 + done / max(total, 1) / 2, text=rate_text('嵌入', done, total, started)))
    except (IngestError, IngestFailed) as error:
        for path in saved:
            path.unlink(missing_ok=True)
        st.sidebar.error(f'没有读取任何文件：{error}')
        return
    progress.progress(1.0, text='完成')
    for o in outcomes:
        s = o.summary
        st.sidebar.success(f'{o.doc}：{s.get("org")} {s.get("year")}年，{s.get("facts")}个事实，'
                           f'{len(s.get("warnings", []))}条警告（{"新读取" if o.status == "ingested" else "未变化"}）')
    resources.clear()


def remove(store, vectors) -> None:
    docs = [d.doc for d in store.documents()]
    doc = st.sidebar.selectbox('删除文件', ['（不删除）'] + docs, key='remove_doc')
    if doc != '（不删除）' and st.sidebar.button('确认删除', key='do_remove'):
        store.remove(doc)
        sync_vectors(store, vectors, removed=[doc])
        resources.clear()
        st.sidebar.success(f'已删除 {doc}')


def chat_tab(ctx: Context, orgs, years) -> None:
    history = st.session_state.setdefault('history', [])
    examples = example_questions(ctx.documents)
    cols = st.columns(len(examples) + 1)
    for col, example in zip(cols, examples):
        if col.button(example, key=f'example-{example}'):
            st.session_state.pending = (example, None)
    if cols[-1].button('清空记录', key='clear'):
        history.clear()
    for turn, item in enumerate(history):
        with st.chat_message('user'):
            st.markdown(item['question'])
        with st.chat_message('assistant'):
            show_answer(item['answer'], turn)
    typed = st.chat_input('问一个关于预算公开的问题：单位、年份和想知道的数字，例如“某单位某年三公经费是多少”')
    pending = st.session_state.pop('pending', None)
    question, org = (typed, None) if typed else (pending if pending else (None, None))
    if question:
        with st.spinner('查找中…'):
            result = answer(question, ctx, orgs=(org,) if org else orgs, years=years)
        history.append({'question': question, 'answer': result})
        st.rerun()


def facts_tab(store) -> None:
    documents = store.documents()
    orgs = sorted({d.org_key for d in documents})
    if not orgs:
        st.info('还没有读取任何文件。')
        return
    c1, c2, c3 = st.columns(3)
    org = c1.selectbox('单位', orgs, key='facts_org')           # one organisation at a time: a province has millions
    year = c2.selectbox('年度', ['（全部）'] + sorted({str(d.year) for d in documents if d.org_key == org}),
                        key='facts_year')
    table = c3.selectbox('表', ['（全部）'] + [str(n) for n in range(1, 12)], key='facts_table')
    frame = facts_frame(store, org, None if year == '（全部）' else int(year), None if table == '（全部）' else int(table))
    st.caption(f'{len(frame)} 条事实')
    st.dataframe(frame, hide_index=True, width='stretch')
    d1, d2 = st.columns(2)
    d1.download_button('下载 CSV', frame.to_csv(index=False).encode('utf-8-sig'), 'facts.csv', 'text/csv')
    d2.download_button('下载 XLSX', to_xlsx(frame), 'facts.xlsx',
                       'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')


def chart_tab(store) -> None:
    item = st.selectbox('项目', list(CHART_ITEMS), key='chart_item')
    orgs = sorted({d.org_key for d in store.documents()})
    chosen = st.multiselect('单位', orgs, default=orgs[:10], key='chart_orgs')
    series = item_series(store, item, chosen)
    if series.empty:
        st.info('没有这一项的数字。')
        return
    st.bar_chart(series, x='标签', y='数值')
    for _, row in series.iterrows():
        st.markdown(f'- {row["标签"]}：{row["数值"]:,.2f} {row["单位名称"]} — 出处：{row["文件"]} 第{row["行"]}行')


def audit_tab(store) -> None:
    docs = [d.doc for d in store.documents()]
    doc = st.selectbox('文件', docs, key='audit_doc')
    levels = st.multiselect('类别', ['contradiction', 'rounding', 'completeness'], default=['contradiction'],
                            key='audit_levels')
    found = [f for f in audit(store, [doc]) if f.severity in levels]
    st.caption(f'{len(found)} 条发现')
    for f in found:
        where = '；'.join(f'第{c.line_start}' + (f'-{c.line_end}' if c.line_end != c.line_start else '') + '行'
                         for c in f.citations)
        st.markdown(f'- **{KIND_TITLES[f.kind]}** {f.title}：{f.figures}（{where}）')


def main() -> None:
    st.title('预算公开问答')
    ctx = context()
    orgs, years = sidebar(ctx)
    chat, facts, chart, checks = st.tabs(['问答', '数据浏览', '图表', '核对'])
    with chat:
        chat_tab(ctx, orgs, years)
    with facts:
        facts_tab(ctx.store)
    with chart:
        chart_tab(ctx.store)
    with checks:
        audit_tab(ctx.store)


main()
