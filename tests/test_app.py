"""The Streamlit page through streamlit's AppTest: question, figure, citations, ambiguity, filters, facts, upload."""
import pytest
from streamlit.testing.v1 import AppTest

from conftest import REPO

pytestmark = pytest.mark.filterwarnings('ignore')


@pytest.fixture
def app(sample_index, monkeypatch):
    monkeypatch.setenv('BUDGETQA_DATA_DIR', str(sample_index.data_dir))
    monkeypatch.setenv('BUDGETQA_EMBEDDING_CACHE', str(sample_index.embedding_cache_path))
    at = AppTest.from_file(str(REPO / 'app.py'), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at) -> str:
    return '\n'.join(m.value for m in at.markdown)


def test_asking_shows_the_figure_badge_and_citations(app):
    app.chat_input[0].set_value('州政府办2024年三公经费是多少').run()
    assert not app.exception
    assert app.metric[0].value == '0.00 万元'
    body = texts(app)
    assert '已核对' in body and '表10为空表' in body
    assert any('002_220f206dadf5e393.txt' in e.label for e in app.expander)


def test_example_buttons_are_made_from_the_loaded_documents_and_ask_their_question(app):
    app.button(key='example-昌吉州工业和信息化局2023年有没有政府性基金预算支出').click().run()
    assert not app.exception
    assert '没有' in texts(app)


def test_ambiguous_name_offers_the_organisations_as_buttons(app):
    app.chat_input[0].set_value('工信局三公经费').run()
    assert '需要指明单位' in texts(app)
    app.button(key='pick-0-昌吉州工业和信息化局').click().run()
    assert app.metric[0].value == '10.5 万元'


def test_sidebar_filter_applies_to_questions(app):
    app.selectbox(key='filter_org').set_value('库尔勒经济技术开发区管理委员会').run()
    app.chat_input[0].set_value('三公经费是多少').run()
    assert app.metric[0].value == '96 万元'


def test_facts_tab_filters_and_offers_downloads(app):
    app.selectbox(key='facts_org').set_value('克孜勒苏柯尔克孜自治州人民政府办公室').run()
    app.selectbox(key='facts_table').set_value('6').run()
    frame = next(d.value for d in app.dataframe if '栏目' in d.value.columns)
    assert set(frame['表']) == {6} and 1407.47 in set(frame['数值'])
    assert [b.label for b in app.get('download_button')] == ['下载 CSV', '下载 XLSX']


def test_bad_upload_is_refused_and_nothing_changes(app, tmp_path):
    before = app.sidebar.dataframe[0].value.copy()
    from qa.views import save_upload
    from ingest.reader import IngestError
    with pytest.raises(IngestError, match='unsupported file type'):
        save_upload('budget.exe', b'MZ\x90', tmp_path)
    with pytest.raises(IngestError, match='empty'):
        save_upload('budget.txt', b'   ', tmp_path)
    assert list(tmp_path.iterdir()) == []
    app.run()
    assert app.sidebar.dataframe[0].value.equals(before)


def test_audit_tab_lists_contradictions(app):
    app.selectbox(key='audit_doc').set_value('003_1c7e695c684c211f.txt').run()
    assert any('459.01' in m.value for m in app.markdown)
