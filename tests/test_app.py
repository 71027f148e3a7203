"""The Streamlit page through streamlit's AppTest: what was understood, badges, queue, follow-ups, layout, names,
admin and readers, removal, plain text, feedback, shared links."""
import json
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from conftest import REPO, SAMPLES

pytestmark = pytest.mark.filterwarnings('ignore')
PASSWORD = 'correct horse 42'


def start(monkeypatch, settings, **env) -> AppTest:
    monkeypatch.setenv('BUDGETQA_DATA_DIR', str(settings.data_dir))
    monkeypatch.setenv('BUDGETQA_EMBEDDING_CACHE', str(settings.embedding_cache_path))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    at = AppTest.from_file(str(REPO / 'app.py'), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def app(sample_index, monkeypatch):
    return start(monkeypatch, sample_index)


@pytest.fixture
def own_store(sample_index, tmp_path):
    """A copy of the sample index that a test may change (upload, remove, feedback)."""
    from conftest import index_settings
    target = tmp_path / 'data'
    shutil.copytree(sample_index.data_dir, target)
    return index_settings(target)


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def texts(at) -> str:
    return '\n'.join(m.value for m in at.markdown)


def captions(at) -> str:
    return '\n'.join(c.value for c in at.caption)


def test_answer_shows_understood_line_headline_badge_and_named_sources(app):
    ask(app, '州政府办2024年三公经费是多少')
    assert '理解为：查数' in captions(app) and '2024' in captions(app) and '三公经费' in captions(app)
    assert app.metric[0].value == '0.00 万元'
    assert '2024年' in app.metric[0].label and '三公经费' in app.metric[0].label
    assert '数字可溯源' in texts(app) and '已核对' not in texts(app)
    labels = [e.label for e in app.expander if '行' in e.label]
    assert labels and all('002_220f206dadf5e393' not in label for label in labels)
    assert any('州政府办' in label and '2024年' in label for label in labels)


def test_refusal_and_ambiguity_get_their_own_badges(app):
    ask(app, '喀什地区人社局2024年三公经费是多少')
    assert '文件中没有' in texts(app) and '数字可溯源' not in texts(app)
    assert not app.metric
    ask(app, '工信局三公经费')
    assert '需要指明单位' in texts(app)
    app.button(key='pick-1-昌吉州工业和信息化局').click().run()
    assert app.metric[0].value == '10.5 万元'


def test_contradiction_badge_sits_beside_the_traceable_one(app):
    ask(app, '昌吉州工信局2023年行政运行多少')     # the document prints two figures no cell of its tables reconciles
    assert 'document_contradiction' in app.session_state['history'][-1]['answer'].warnings
    assert ':orange-badge[文件前后不一致]' in texts(app)
    assert '文件前后不一致' in '\n'.join(w.value for w in app.warning)


def test_questions_sent_while_answering_are_queued_and_all_answered_in_order(app):
    questions = ['州政府办2024年三公经费是多少', '克州工信局2025年三公经费是多少', '昌吉州工信局2023年三公经费是多少',
                 '库尔勒开发区2024年三公经费是多少', '州政府办2024年编制多少人']
    app.session_state['queue'] = [{'question': q} for q in questions]
    app.run()
    assert not app.exception
    history = app.session_state['history']
    assert [h['question'] for h in history] == questions
    assert [h['answer'].value for h in history][:4] == ['0.00', '13.80', '10.5', '96']
    assert app.session_state['queue'] == []


def test_follow_up_questions_carry_organisation_year_and_item(app):
    ask(app, '克州工信局2024年三公经费是多少')
    assert app.metric[0].value == '10.00 万元'
    ask(app, '那2025年呢？')
    assert app.metric[-1].value == '13.80 万元'
    assert '沿用上一问的单位、事项' in captions(app)
    ask(app, '它的公务接待费呢？')
    assert app.metric[-1].value == '3.00 万元' and '公务接待费' in app.metric[-1].label
    ask(app, '和州政府办比呢？')              # the year carried (2025) has no 州政府办 document: said so
    last = app.session_state['history'][-1]['answer']
    assert last.status == 'not_found' and '只有2024年' in last.answer
    ask(app, '克州工信局2024年三公经费是多少')
    ask(app, '和州政府办比呢？')
    last = app.session_state['history'][-1]['answer']
    assert last.plan['kind'] == 'compare' and len(last.plan['orgs']) == 2
    assert {f.value for f in last.figures} >= {'10.00', '0.00'}


def test_two_part_question_answers_both_parts(app):
    ask(app, '州政府办编制多少人，实有多少人')
    body = texts(app)
    assert '61人' in body and '104人' in body
    assert not app.metric          # two figures: no single headline
    frame = next(d.value for d in app.dataframe if '出处' in d.value.columns)
    assert {'61', '104'} <= set(frame['数值'])


def test_comparison_is_a_table_with_numbers_as_printed(app):
    ask(app, '克州工信局和州政府办2024年三公经费谁多')
    frame = next(d.value for d in app.dataframe if '出处' in d.value.columns)
    assert '10.00' in set(frame['数值']) and '0.00' in set(frame['数值'])
    assert not any('0000' in v for v in frame['数值'])


def test_sidebar_filter_applies_and_an_overriding_question_says_so(app):
    app.selectbox(key='filter_org').set_value('库尔勒经济技术开发区管理委员会').run()
    ask(app, '三公经费是多少')
    assert app.metric[0].value == '96 万元'
    ask(app, '州政府办2024年三公经费是多少')
    assert '没有按“只问这个单位”' in captions(app)


def test_empty_and_markdown_questions_are_shown_as_typed(app):
    ask(app, '   ')
    assert app.session_state['history'] == []
    ask(app, '**粗体** [链接](http://example.com) 三公经费')
    question = app.chat_message[0].markdown[0].value
    assert question.startswith('\\*\\*粗体\\*\\*') and '\\[链接\\]\\(`http://example.com`\\)' in question


def test_copy_text_and_share_link(app):
    ask(app, '州政府办2024年三公经费是多少')
    copied = next(c.value for c in app.code if c.value.startswith('问：'))
    assert '答：' in copied and '出处：' in copied and '[1] 002_220f206dadf5e393.txt' in copied
    assert any('?q=%E5%B7%9E' in m.value for m in app.markdown)


def test_a_shared_link_asks_its_question_on_load(sample_index, monkeypatch):
    monkeypatch.setenv('BUDGETQA_DATA_DIR', str(sample_index.data_dir))
    monkeypatch.setenv('BUDGETQA_EMBEDDING_CACHE', str(sample_index.embedding_cache_path))
    at = AppTest.from_file(str(REPO / 'app.py'), default_timeout=120)
    at.query_params['q'] = '州政府办2024年三公经费是多少'
    at.run()
    assert at.metric[0].value == '0.00 万元'


def documents_shown(at):
    return next(d.value for d in at.dataframe if '文件名' in d.value.columns)


def test_documents_view_names_filters_and_counts_on_demand_as_the_audit_does(app, sample_index):
    from index.facts_store import FactStore
    from qa.audit import audit
    assert not app.sidebar.dataframe                      # the sidebar says how many; the list is a view of its own
    app.radio(key='view').set_value('文件').run()
    rows = documents_shown(app)
    assert len(rows) == 5 and not any(name.startswith('00') for name in rows['文件'])
    assert {'克州工信局 2025年', '昌吉州工信局 2023年', '克州政府办 2024年'} <= set(rows['文件'])
    assert set(rows['矛盾']) == {''}                     # counted on demand only
    assert not any(str(v) in ('None', 'nan') for v in rows.to_numpy().ravel())
    app.text_input(key='docs_text').set_value('昌吉').run()
    assert list(documents_shown(app)['文件']) == ['昌吉州工信局 2023年']
    app.text_input(key='docs_text').set_value('').run()
    app.selectbox(key='docs_year').set_value('2024').run()
    assert set(documents_shown(app)['年度']) == {'2024'} and len(documents_shown(app)) == 3
    app.selectbox(key='docs_year').set_value('（全部）').run()
    app.button(key='docs_count').click().run()
    rows = documents_shown(app).set_index('文件')
    store = FactStore(sample_index.facts_db)
    expected = sum(f.severity == 'contradiction' for f in audit(store, ['001_efa3db65107556e7.txt']))
    assert int(rows.loc['克州工信局 2025年', '矛盾']) == expected > 0
    app.radio(key='view').set_value('核对').run()
    app.selectbox(key='audit_doc').set_value('001_efa3db65107556e7.txt').run()
    shown = int(next(c.value for c in app.caption if c.value.endswith('条发现')).split()[0])
    assert shown == expected


def test_a_province_of_documents_is_found_and_paged_quickly(sample_index):
    import time
    from dataclasses import replace
    from index.facts_store import FactStore
    from service.present import document_labels
    from service.views import DocumentQuery, document_table, find_documents, page_of
    stored = FactStore(sample_index.facts_db).documents()
    province = [replace(d, doc=f'{n:04d}_{d.doc}', org=f'{d.org}{n}', org_key=f'{d.org_key}{n}',
                        aliases=tuple(a + str(n) for a in d.aliases))
                for n, d in enumerate(stored * 200)]
    started = time.perf_counter()
    labels = document_labels(province)
    found = find_documents(province, labels, DocumentQuery(text='昌吉', year=2023))
    shown, pages = page_of(found, 3, 20)
    frame = document_table(shown, labels)
    assert time.perf_counter() - started < 5
    assert len(found) == 200 and pages == 10 and len(frame) == 20
    assert all('昌吉' in org for org in frame['单位全称']) and set(frame['年度']) == {'2023'}
    assert page_of(found, 99, 20)[0] == found[-20:]


def test_example_buttons_are_short_labels_with_the_question_as_tooltip(app):
    buttons = [b for b in app.button if b.key and b.key.startswith('example-')]
    assert buttons and all('·' in b.label and len(b.label) <= 20 for b in buttons)
    assert any(b.label == '克州工信局·三公经费' for b in buttons)
    assert all(b.help and '年' in b.help for b in buttons)
    buttons[0].click().run()
    assert app.session_state['history'][0]['question'] == buttons[0].help.replace('\\', '')


def test_short_names_keep_the_last_character_of_the_full_name(sample_index):
    from index.facts_store import FactStore
    from service.present import short_names
    short = short_names(FactStore(sample_index.facts_db).documents())
    assert short['昌吉州工业和信息化局'] == '昌吉州工信局'
    assert short['克孜勒苏柯尔克孜自治州工业和信息化局'] == '克州工信局'
    assert short['克孜勒苏柯尔克孜自治州人民政府办公室'] == '克州政府办'


@pytest.mark.parametrize('question', ['昌吉州工信局2023年基本支出是多少', '库尔勒开发区2024年公用经费是多少'])
def test_a_failed_table_check_is_a_badge_and_said_once_in_plain_words(app, sample_index, question):
    from decimal import Decimal
    from index.facts_store import FactStore
    from ingest.numbers import format_amount
    from service.views import failed_checks
    ask(app, question)
    result = app.session_state['history'][-1]['answer']
    checks = failed_checks(FactStore(sample_index.facts_db), result)
    assert checks and ':orange-badge[⚠ 核对未通过]' in texts(app)
    shown = [e.value.replace('\\', '') for kind in (app.markdown, app.warning, app.info, app.caption) for e in kind]
    for check in checks:                  # the sum the parts make is said in one place on the page, not twice
        added = format_amount(Decimal(check['actual']))
        assert sum(added in text for text in shown) == 1, (added, shown)
        assert check['name'] not in '\n'.join(shown)
    assert '对不上' in '\n'.join(shown) and 'Σ' not in '\n'.join(shown)


def test_empty_cells_of_a_source_table_are_blank(app):
    ask(app, '克州工信局2025年三公经费是多少')
    tables = [d.value for d in app.dataframe if '科目/项目' in d.value.columns]
    assert tables
    assert not any(str(v) in ('None', 'nan', '<NA>') for t in tables for v in t.to_numpy().ravel())


def test_readers_cannot_upload_or_remove(app):
    keys = {w.key for w in app.sidebar.selectbox}
    assert 'remove_doc' not in keys
    assert not [b for b in app.sidebar.button if b.key in ('do_remove', 'do_upload')]
    assert '需要管理员登录' in '\n'.join(c.value for c in app.sidebar.caption)


def test_admin_login_wrong_then_right_password(monkeypatch, own_store):
    from service.admin import hash_password
    at = start(monkeypatch, own_store, BUDGETQA_ADMIN_PASSWORD_HASH=hash_password(PASSWORD))
    at.sidebar.text_input(key='admin_password').set_value('wrong password')
    at.sidebar.button[0].click().run()
    assert '密码不对' in '\n'.join(e.value for e in at.sidebar.error)
    assert 'remove_doc' not in {w.key for w in at.sidebar.selectbox}
    at.sidebar.text_input(key='admin_password').set_value(PASSWORD)
    at.sidebar.button[0].click().run()
    assert 'remove_doc' in {w.key for w in at.sidebar.selectbox}


def test_removal_deletes_the_uploaded_file_and_old_answers_say_source_removed(monkeypatch, own_store):
    from index.facts_store import FactStore
    from index.pipeline import ingest_paths
    from index.runtime import open_vectors
    from service.admin import hash_password
    uploaded = own_store.uploads_dir / 'uploaded_copy.txt'
    uploaded.parent.mkdir(parents=True)
    text = (SAMPLES / '002_220f206dadf5e393.txt').read_text(encoding='utf-8')
    uploaded.write_text(text.replace('克孜勒苏柯尔克孜自治州人民政府办公室', '阿图什市人民政府办公室'),
                        encoding='utf-8')
    ingest_paths([uploaded], FactStore(own_store.facts_db), vectors=open_vectors(own_store))
    at = start(monkeypatch, own_store, BUDGETQA_ADMIN_PASSWORD_HASH=hash_password(PASSWORD))
    ask(at, '阿图什市政府办2024年编制多少人')
    assert '61' in texts(at)
    at.sidebar.text_input(key='admin_password').set_value(PASSWORD)
    at.sidebar.button[0].click().run()
    at.sidebar.selectbox(key='remove_doc').set_value('uploaded_copy.txt').run()
    at.sidebar.button(key='do_remove').click().run()
    assert not uploaded.exists()
    assert 'uploaded_copy.txt' not in {d.doc for d in FactStore(own_store.facts_db).documents()}
    at.run()
    assert '来源已删除' in texts(at)


def test_upload_of_two_files_stores_the_good_one_and_lists_the_refused_one(monkeypatch, own_store):
    from index.facts_store import FactStore
    from service.admin import hash_password
    at = start(monkeypatch, own_store, BUDGETQA_ADMIN_PASSWORD_HASH=hash_password(PASSWORD))
    at.sidebar.text_input(key='admin_password').set_value(PASSWORD)
    at.sidebar.button[0].click().run()
    good = (SAMPLES / '002_220f206dadf5e393.txt').read_text(encoding='utf-8')
    good = good.replace('克孜勒苏柯尔克孜自治州人民政府办公室', '阿图什市人民政府办公室').encode()
    at.sidebar.file_uploader(key='uploads').set_value([('atushi.txt', good, 'text/plain'),
                                                       ('notes.txt', '会议纪要\n今天开会。\n'.encode(), 'text/plain')])
    at.sidebar.text_input(key='upload_year').set_value('2024')
    at.run()
    at.sidebar.button(key='do_upload').click().run()
    assert not at.exception, at.exception
    loaded = '\n'.join(s.value for s in at.sidebar.success).replace('\\', '')
    assert 'atushi.txt：阿图什市人民政府办公室 2024年' in loaded
    refused = '\n'.join(e.value for e in at.sidebar.error).replace('\\', '')
    assert '1 个文件没有读取；其余文件已读取' in refused and 'notes.txt' in refused and '“单位”一栏' in refused
    assert 'atushi.txt' in {d.doc for d in FactStore(own_store.facts_db).documents()}
    assert sorted(p.name for p in own_store.uploads_dir.iterdir()) == ['atushi.txt']


def test_feedback_is_stored_with_question_plan_and_sources_and_exported(monkeypatch, own_store):
    from conftest import run_cli
    at = start(monkeypatch, own_store)
    ask(at, '州政府办2024年三公经费是多少')
    item_id = at.session_state['history'][0]['id']
    at.text_input(key=f'comment-{item_id}').set_value('应该写明表10为空表')
    at.button(key=f'feedback-down-{item_id}').click().run()
    stored = [json.loads(line) for line in own_store.feedback_file.read_text(encoding='utf-8').splitlines()]
    assert stored[0]['rating'] == 'down' and stored[0]['comment'] == '应该写明表10为空表'
    assert stored[0]['plan']['items'] == ['三公经费'] and stored[0]['citations'][0]['line_start']
    exported = run_cli('feedback', '--format', 'csv', data_dir=own_store.data_dir)
    assert exported.returncode == 0 and '应该写明表10为空表' in exported.stdout and 'down' in exported.stdout


def test_upload_errors_are_chinese_name_the_file_and_show_no_path(tmp_path):
    from ingest.reader import IngestError
    from service.views import chinese_error, save_upload
    with pytest.raises(IngestError) as refused:
        save_upload('budget.exe', b'MZ\x90', tmp_path)
    message = chinese_error(refused.value)
    assert message.startswith('文件“budget.exe”') and '不支持' in message and str(tmp_path) not in message
    from errors import NoOrganisation
    nested = NoOrganisation(tmp_path / 'secret' / 'a.txt')
    assert str(tmp_path) not in chinese_error(nested) and '单位名称' in chinese_error(nested)
    assert list(tmp_path.iterdir()) == []


def test_facts_tab_filters_and_offers_downloads(app):
    app.radio(key='view').set_value('数据浏览').run()
    app.selectbox(key='facts_org').set_value('克孜勒苏柯尔克孜自治州人民政府办公室').run()
    app.selectbox(key='facts_table').set_value('6').run()
    frame = next(d.value for d in app.dataframe if '栏目' in d.value.columns)
    assert set(frame['表']) == {6} and 1407.47 in set(frame['数值'])
    assert [b.label for b in app.get('download_button')] == ['下载 CSV', '下载 XLSX']


def test_facts_browser_says_each_figures_checks_in_plain_words_with_a_coloured_mark(app, sample_index):
    from index.facts_store import FactStore
    from qa.answer import Context
    from service.views import blank_missing, facts_frame, with_check_colours
    app.radio(key='view').set_value('数据浏览').run()
    app.selectbox(key='facts_org').set_value('昌吉州工业和信息化局').run()
    frame = next(d.value for d in app.dataframe if '栏目' in d.value.columns)
    notes = [v for v in frame['核对'] if v]
    assert '✅ 对得上' in notes
    failed = [v for v in notes if v.startswith('⚠ 对不上：')]
    assert any('加起来为635.10万元（计算：' in v and '对不上' in v for v in failed)     # as the answers say it
    store = FactStore(sample_index.facts_db)
    names = {c['name'] for d in store.documents() for c in store.checks(d.doc, failed_only=True)}
    assert not any(name in v for name in names for v in notes) and not any('Σ' in v for v in notes)
    html = with_check_colours(blank_missing(facts_frame(Context.from_store(store), '昌吉州工业和信息化局'))).to_html()
    assert 'background-color: #e6f4ea' in html and 'background-color: #fde2e1' in html     # passed green, failed red


def test_admin_password_command_stores_only_a_salted_hash(tmp_path):
    from conftest import index_settings, run_cli
    from service.admin import is_admin
    data = tmp_path / 'data'
    short = run_cli('admin', 'password', '--stdin', input_text='short\n', data_dir=data)
    assert short.returncode == 2 and '至少' in short.stderr
    done = run_cli('admin', 'password', '--stdin', input_text=PASSWORD + '\n', data_dir=data)
    assert done.returncode == 0, done.stderr
    stored = (data / 'admin.json').read_text(encoding='utf-8')
    assert PASSWORD not in stored and stored.count('scrypt$') == 1
    settings = index_settings(data)
    assert is_admin(settings, PASSWORD) and not is_admin(settings, PASSWORD + 'x') and not is_admin(settings, '')


def test_a_cited_table_shows_its_numbers_as_printed(sample_index):
    from index.facts_store import FactStore
    from service.views import table_frame
    view = table_frame(FactStore(sample_index.facts_db), '001_efa3db65107556e7.txt', 10, 704)
    cited = view.frame.loc[view.highlight]
    assert cited['科目/项目'] == '合计' and cited['合计'] == '13.80'


def test_chart_names_organisations_by_short_name_and_year(app):
    app.radio(key='view').set_value('图表').run()
    assert not app.exception
    lines = texts(app).replace('\\', '')
    assert '克州工信局 2025年：13.80 万元' in lines and '库尔勒开发区 2024年：96 万元' in lines


def test_a_question_whose_answering_fails_gets_a_chinese_error_and_the_queue_moves_on(app, monkeypatch):
    import qa.answer
    real = qa.answer.answer

    def failing(question, *args, **kwargs):
        if question == '会出错的问题':
            raise RuntimeError('Error finding id in /srv/budget-qa/.data/chroma')
        return real(question, *args, **kwargs)
    monkeypatch.setattr(qa.answer, 'answer', failing)
    ask(app, '会出错的问题')
    ask(app, '州政府办2024年三公经费是多少')
    assert not app.session_state.queue
    assert [e.value for e in app.error] == [app.session_state.history[0]['error']]
    assert '没有回答成功' in app.error[0].value
    everything = texts(app) + captions(app) + app.error[0].value
    assert 'Error finding id' not in everything and '/srv/' not in everything
    assert app.metric[0].value == '0.00 万元'
