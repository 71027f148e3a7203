"""End to end: a real `streamlit run` server on 127.0.0.1 driven by Debian's headless Chromium.

Types the question, waits for the answer, checks the figure and the citation,
opens the citation and saves a screenshot under tests/output/.
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
        citation = page.get_by_text('002_220f206dadf5e393.txt', exact=False).first
        citation.wait_for(timeout=30_000)
        citation.click()
        page.get_by_text('三公', exact=False).first.wait_for(timeout=30_000)
        page.wait_for_timeout(1000)
        shot = OUTPUT / 'e2e_answer.png'
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert shot.stat().st_size > 10_000
