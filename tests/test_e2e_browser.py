"""End to end: a real `streamlit run` server on 127.0.0.1 driven by Debian's headless Chromium.

Types questions, waits for the answers, checks the understood line, figures and
citations, a follow-up, five questions sent at once, a two-part question, that a
reader cannot remove documents, and saves screenshots under tests/output/.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import OUTPUT, REPO, free_port, wait_for_port

CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason='Debian chromium is not installed (make test installs it)')
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync']



@pytest.fixture(scope='module')
def server(sample_index):
    port = free_port()
    env = dict(os.environ, BUDGETQA_DATA_DIR=str(sample_index.data_dir),
               BUDGETQA_EMBEDDING_CACHE=str(sample_index.embedding_cache_path))
    streamlit = Path(sys.executable).with_name('streamlit')
    process = subprocess.Popen([str(streamlit), 'run', str(REPO / 'app.py'), '--server.port', str(port),
                                '--server.address', '127.0.0.1', '--server.headless', 'true',
                                '--browser.gatherUsageStats', 'false'], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, process, 'streamlit')
    yield f'http://127.0.0.1:{port}'
    process.terminate()
    process.wait(timeout=30)


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
        browser.close()
    assert shot.stat().st_size > 10_000


def _ask(page, question: str) -> None:
    box = page.get_by_placeholder('问一个关于预算公开的问题', exact=False)
    box.fill(question)
    box.press('Enter')


def test_follow_up_two_parts_queue_and_reader_cannot_remove(server):
    from playwright.sync_api import sync_playwright
    OUTPUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, chromium_sandbox=False)
        page = browser.new_page(viewport={'width': 1366, 'height': 768})
        page.goto(server, wait_until='domcontentloaded')
        page.get_by_placeholder('问一个关于预算公开的问题', exact=False).wait_for(timeout=180_000)
        # a reader: no removal or upload control, and the page says why
        page.get_by_text('上传和删除文件需要管理员登录', exact=False).first.wait_for(timeout=30_000)
        assert page.get_by_text('确认删除', exact=True).count() == 0 and page.get_by_text('删除文件', exact=True).count() == 0
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
        # five questions in two seconds: five answers, in order
        page.get_by_role('button', name='清空记录').click()
        questions = ['州政府办2024年编制多少人', '克州工信局2025年三公经费是多少', '昌吉州工信局2023年三公经费是多少',
                     '库尔勒开发区2024年三公经费是多少', '州政府办2024年实有多少人']
        for question in questions:
            _ask(page, question)
            page.wait_for_timeout(300)
        for figure in ('61 人', '13.80 万元', '10.5 万元', '96 万元', '104 人'):
            page.get_by_text(figure, exact=True).first.wait_for(timeout=180_000)
        page.wait_for_timeout(1000)
        asked = page.locator('[data-testid="stChatMessage"]').all_inner_texts()
        for question in questions:
            assert sum(question in text for text in asked) == 1, question
        page.screenshot(path=str(OUTPUT / 'e2e_queue.png'), full_page=True)
        browser.close()
