"""Redo docs/screenshot.png: a real `streamlit run` on 127.0.0.1 driven by Debian's headless Chromium.

    .venv/bin/python scripts/screenshot.py        # uses BUDGETQA_DATA_DIR (default .data), ingested beforehand

Asks a question and a follow-up, opens the follow-up's first source, and saves the page at 1366 px wide.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking']


def main() -> None:
    from playwright.sync_api import sync_playwright
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    streamlit = Path(sys.executable).with_name('streamlit')
    server = subprocess.Popen([str(streamlit), 'run', str(REPO / 'app.py'), '--server.port', str(port),
                               '--server.address', '127.0.0.1', '--server.headless', 'true',
                               '--browser.gatherUsageStats', 'false'], cwd=REPO, env=dict(os.environ),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, chromium_sandbox=False)
            page = browser.new_page(viewport={'width': 1366, 'height': 1500})
            for _ in range(60):
                try:
                    page.goto(f'http://127.0.0.1:{port}', wait_until='domcontentloaded')
                    break
                except Exception:
                    time.sleep(1)
            box = page.get_by_placeholder('问一个关于预算公开的问题', exact=False)
            box.wait_for(timeout=180_000)
            for question, figure in (('克州工信局2024年三公经费是多少', '10.00 万元'), ('那2025年呢？', '13.80 万元')):
                box.fill(question)
                box.press('Enter')
                page.get_by_text(figure).first.wait_for(timeout=120_000)
            page.locator('[data-testid="stExpander"] summary').filter(has_text='克州工信局 2025年').first.click()
            page.wait_for_timeout(1500)
            page.evaluate("document.querySelectorAll('section, div').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })")
            page.wait_for_timeout(500)
            out = REPO / 'docs' / 'screenshot.png'
            page.screenshot(path=str(out), full_page=True)
            browser.close()
            print(f'wrote {out}')
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == '__main__':
    main()
