"""End to end: a real `streamlit run` server on 127.0.0.1 driven by Debian's headless Chromium.

Types questions, waits for the answers, checks the understood line, figures and
citations, a follow-up, a two-part question, that a reader cannot remove
documents, five questions sent while the first is answered on a machine kept busy, questions typed the moment
the page loads,
the headline above the sources at phone and desktop width, and that no page ever
shows a traceback or a server path; saves screenshots under tests/output/.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import OUTPUT, REPO, free_port, wait_for_port

CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason='Debian chromium is not installed (make test installs it)')
SERVER_TEXT = ('Traceback', 'File "', str(REPO), '/site-packages/', '.venv/', '/tmp/', '/home/', '/root/', '/work/')
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync']



@pytest.fixture(scope='module')
def server(sample_index):
    port = free_port()
    env = dict(os.environ, BUDGETQA_DATA_DIR=str(sample_index.data_dir),
               BUDGETQA_EMBEDDING_CACHE=str(sample_index.embedding_cache_path))
    streamlit = Path(sys.executable).with_name('streamlit')
    OUTPUT.mkdir(exist_ok=True)
    log = open(OUTPUT / 'e2e_streamlit.log', 'w')                # the server's log, for a failure's traceback
    process = subprocess.Popen([str(streamlit), 'run', str(REPO / 'app.py'), '--server.port', str(port),
                                '--server.address', '127.0.0.1', '--server.headless', 'true',
                                '--browser.gatherUsageStats', 'false'], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=log)
    wait_for_port(port, process, 'streamlit')
    yield f'http://127.0.0.1:{port}'
    process.terminate()
    process.wait(timeout=30)
    log.close()


def assert_no_traceback(page) -> None:
    """What any page shows: no Streamlit exception box, no traceback, no path on the server."""
    assert page.locator('[data-testid="stException"]').count() == 0
    shown = page.inner_text('body')
    leaked = [text for text in SERVER_TEXT if text in shown]
    assert not leaked, leaked


@pytest.fixture
def busy_cpu():
    """A process that burns one core for the length of a test: a machine as busy as a shared CI runner."""
    burner = subprocess.Popen([sys.executable, '-c', 'while True: pass'])
    yield burner
    burner.terminate()
    burner.wait(timeout=30)


def test_question_answer_citation_and_screenshot(server, tmp_path):
    from playwright.sync_api import sync_playwright
    OUTPUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS,
                                    chromium_sandbox=False)
        page = browser.new_page(viewport={'width': 1400, 'height': 1100})
        page.goto(server, wait_until='domcontentloaded')
        box = page.get_by_placeholder('问一个关于预算公开的问题', exact=False)
        box.wait_for(timeout=180_000)
        box.fill('州政府办2024年三公经费是多少')
        box.press('Enter')
        page.get_by_text('0.00 万元').first.wait_for(timeout=120_000)
        page.get_by_text('理解为：查数', exact=False).first.wait_for(timeout=30_000)
        citation = page.get_by_text('州政府办 2024年 第495行', exact=False).first
        citation.wait_for(timeout=30_000)
        citation.click()
        page.get_by_text('三公', exact=False).first.wait_for(timeout=30_000)
        page.wait_for_timeout(1000)
        shot = OUTPUT / 'e2e_answer.png'
        page.screenshot(path=str(shot), full_page=True)
        assert_no_traceback(page)
        browser.close()
    assert shot.stat().st_size > 10_000


def _ask(page, question: str) -> None:
    box = page.get_by_placeholder('问一个关于预算公开的问题', exact=False)
    box.fill(question)
    box.press('Enter')


def test_follow_up_two_parts_and_reader_cannot_remove(server):
    from playwright.sync_api import sync_playwright
    OUTPUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, chromium_sandbox=False)
        page = browser.new_page(viewport={'width': 1366, 'height': 768})
        page.goto(server, wait_until='domcontentloaded')
        page.get_by_placeholder('问一个关于预算公开的问题', exact=False).wait_for(timeout=180_000)
        # a reader: no removal or upload control, and the page says why
        page.get_by_text('上传和删除文件需要管理员登录', exact=False).first.wait_for(timeout=30_000)
        assert page.get_by_text('确认删除', exact=True).count() == 0
        assert page.get_by_text('删除文件', exact=True).count() == 0
        # a follow-up takes the organisation and the item from the question before
        _ask(page, '克州工信局2024年三公经费是多少')
        page.get_by_text('10.00 万元').first.wait_for(timeout=120_000)
        _ask(page, '那2025年呢？')
        page.get_by_text('13.80 万元').first.wait_for(timeout=120_000)
        page.get_by_text('沿用上一问的单位、事项', exact=False).first.wait_for(timeout=30_000)
        # a two-part question: both parts
        _ask(page, '州政府办编制多少人，实有多少人')
        page.get_by_text('实有人数为104人', exact=False).first.wait_for(timeout=120_000)
        assert page.get_by_text('编制数为61人', exact=False).count() >= 1
        page.screenshot(path=str(OUTPUT / 'e2e_follow_up.png'), full_page=True)
        assert_no_traceback(page)
        browser.close()


def test_five_questions_sent_while_the_first_is_answered_are_each_answered_in_order(server, busy_cpu):
    from playwright.sync_api import sync_playwright
    OUTPUT.mkdir(exist_ok=True)
    first = '州政府办负责政务公开吗'                              # searches the text: the slowest kind of answer
    questions = ['州政府办2024年编制多少人', '克州工信局2025年三公经费是多少', '昌吉州工信局2023年三公经费是多少',
                 '库尔勒开发区2024年三公经费是多少', '州政府办2024年实有多少人']
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, chromium_sandbox=False)
        page = browser.new_page(viewport={'width': 1366, 'height': 768})
        page.goto(server, wait_until='domcontentloaded')
        page.get_by_placeholder('问一个关于预算公开的问题', exact=False).wait_for(timeout=180_000)
        page.get_by_role('button', name='清空记录').wait_for(timeout=180_000)     # the page has run once: ready
        _ask(page, first)
        for question in questions:
            page.wait_for_timeout(300)
            _ask(page, question)
        _answered_in_order(page, [first] + questions, ('61 人', '13.80 万元', '10.5 万元', '96 万元', '104 人'),
                           'e2e_queue_failed.png')
        assert page.get_by_text('正在回答', exact=False).count() == 0
        page.screenshot(path=str(OUTPUT / 'e2e_queue.png'), full_page=True)
        assert_no_traceback(page)
        browser.close()


def _answered_in_order(page, questions: list[str], figures, failed_shot: str) -> None:
    """Each figure of the answers shows; the reader's messages are the questions, each once, in the order typed."""
    users = page.locator('[data-testid="stChatMessage"]').filter(
        has=page.locator('[data-testid="stChatMessageAvatarUser"]'))
    for figure in figures:
        try:
            page.get_by_text(figure, exact=True).first.wait_for(timeout=180_000)
        except Exception:
            page.screenshot(path=str(OUTPUT / failed_shot), full_page=True)
            pytest.fail(f'no {figure}; the page shows the questions {users.all_inner_texts()}')
    page.wait_for_timeout(1000)
    asked = [q for text in users.all_inner_texts() for q in questions if q in text]
    assert asked == questions, asked          # each once, in the order typed


def test_questions_typed_the_moment_the_page_loads_are_each_answered_in_order(server, busy_cpu):
    """No wait for the page to settle: the chat box shows only once the browser-side hold is installed, so the
    first questions, typed at once, are queued and answered one by one, none merged into another or lost."""
    from playwright.sync_api import sync_playwright
    OUTPUT.mkdir(exist_ok=True)
    questions = ['克州工信局2025年三公经费是多少', '州政府办2024年编制多少人', '昌吉州工信局2023年三公经费是多少']
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, chromium_sandbox=False)
        page = browser.new_page(viewport={'width': 1366, 'height': 768})
        page.goto(server, wait_until='commit')
        box = page.get_by_placeholder('问一个关于预算公开的问题', exact=False)
        box.wait_for(timeout=180_000)                         # visible: the first moment it can be typed in
        assert page.evaluate('() => Boolean(window.bqaQueue)'), 'the chat box showed before the hold was installed'
        for question in questions:                            # at once, while the page's first run may still go on
            box.fill(question)
            box.press('Enter')
        _answered_in_order(page, questions, ('13.80 万元', '61 人', '10.5 万元'), 'e2e_first_moment_failed.png')
        assert_no_traceback(page)
        browser.close()


@pytest.mark.parametrize('width, name', [(390, 'narrow'), (1366, 'wide')])
def test_headline_comes_before_the_sources_at_phone_and_desktop_width(server, width, name):
    from playwright.sync_api import sync_playwright
    OUTPUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, chromium_sandbox=False)
        page = browser.new_page(viewport={'width': width, 'height': 844 if width < 500 else 900})
        page.goto(server, wait_until='domcontentloaded')
        _ask_when_ready(page, '克州工信局2025年三公经费是多少')
        headline = page.locator('[data-testid="stMetric"]').filter(has_text='13.80 万元').first
        headline.wait_for(timeout=120_000)
        source = page.locator('[data-testid="stExpander"]').filter(has_text='克州工信局 2025年').first
        source.wait_for(timeout=30_000)
        assert headline.bounding_box()['y'] < source.bounding_box()['y']
        for _ in range(20):                                  # the page opens the new answer on its headline
            page.wait_for_timeout(250)
            top = headline.bounding_box()['y']
            if 0 <= top < page.viewport_size['height'] - 100:
                break
        assert 0 <= top < page.viewport_size['height'] - 100, top
        label = page.locator('[data-testid="stMetricLabel"]').first.inner_text()
        assert '克州工信局' in label and '三公经费' in label
        page.screenshot(path=str(OUTPUT / f'e2e_headline_{name}.png'))      # the viewport: what the reader sees
        assert_no_traceback(page)
        browser.close()


def test_no_view_shows_a_traceback(server):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, chromium_sandbox=False)
        page = browser.new_page(viewport={'width': 1366, 'height': 900})
        page.goto(server, wait_until='domcontentloaded')
        page.get_by_placeholder('问一个关于预算公开的问题', exact=False).wait_for(timeout=180_000)
        for view, shown in (('文件', '找到 5 份文件'), ('数据浏览', '条数字'), ('图表', '13.80'), ('核对', '条发现')):
            page.get_by_text(view, exact=True).first.click()
            page.get_by_text(shown, exact=False).first.wait_for(timeout=60_000)
            assert_no_traceback(page)
        page.get_by_text('问答', exact=True).first.click()
        _ask(page, '<script>alert(1)</script> /etc/passwd 的三公经费')
        page.get_by_text(re.compile('文件中没有|需要指明单位|数字可溯源')).first.wait_for(timeout=120_000)
        assert_no_traceback(page)
        browser.close()


def _ask_when_ready(page, question: str) -> None:
    page.get_by_placeholder('问一个关于预算公开的问题', exact=False).wait_for(timeout=180_000)
    _ask(page, question)
