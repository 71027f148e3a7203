"""Redo docs/screenshot.png: a real `streamlit run` on 127.0.0.1 driven by Debian's headless Chromium.

    .venv/bin/python scripts/screenshot.py        # uses BUDGETQA_DATA_DIR (default .data), ingested beforehand

Wide (docs/screenshot.png, 1366 px): asks a question and a follow-up and opens the follow-up's first source.
Narrow (docs/screenshot-narrow.png, 390 px, a phone): asks one question and saves what the reader sees, the
answer opened on its headline.
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
            open_page(page, port)
            for question, figure in (('克州工信局2024年三公经费是多少', '10.00 万元'), ('那2025年呢？', '13.80 万元')):
                ask(page, question, figure)
            page.locator('[data-testid="stExpander"] summary').filter(has_text='克州工信局 2025年').first.click()
            page.wait_for_timeout(3500)                  # after the page has opened the answer on its headline
            page.evaluate("document.querySelectorAll('section, div')"
                          ".forEach(e => { if (e.scrollTop) e.scrollTop = 0; })")
            page.wait_for_timeout(500)
            save(page, REPO / 'docs' / 'screenshot.png', full_page=True)
            phone = browser.new_page(viewport={'width': 390, 'height': 844}, device_scale_factor=2)
            open_page(phone, port)
            ask(phone, '昌吉州工信局2023年基本支出是多少', '634.70 万元')
            phone.wait_for_timeout(3500)                 # the page opens the answer on its headline
            save(phone, REPO / 'docs' / 'screenshot-narrow.png', full_page=False)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def open_page(page, port: int) -> None:
    for _ in range(60):
        try:
            page.goto(f'http://127.0.0.1:{port}', wait_until='domcontentloaded')
            break
        except Exception:
            time.sleep(1)
    page.get_by_placeholder('问一个关于预算公开的问题', exact=False).wait_for(timeout=180_000)


def ask(page, question: str, figure: str) -> None:
    box = page.get_by_placeholder('问一个关于预算公开的问题', exact=False)
    box.fill(question)
    box.press('Enter')
    page.get_by_text(figure).first.wait_for(timeout=120_000)


def save(page, out: Path, full_page: bool) -> None:
    page.screenshot(path=str(out), full_page=full_page)
    print(f'wrote {out}')


if __name__ == '__main__':
    main()
