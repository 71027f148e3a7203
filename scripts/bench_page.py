"""Page load benchmark: a real `streamlit run` on 127.0.0.1 and Debian's headless Chromium.

    .venv/bin/python scripts/bench_page.py      # uses BUDGETQA_DATA_DIR (default .data), ingested beforehand

Prints the seconds from starting the server to a usable page (document list and question box shown), a second
load in a new browser tab, and one question answered at phone width (390x844). Prints figures; asserts nothing.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking']


def usable(page, since: float) -> float:
    page.get_by_text('已载入的文件').first.wait_for(timeout=180_000)
    page.get_by_placeholder('问一个关于预算公开的问题', exact=False).wait_for(timeout=180_000)
    return time.perf_counter() - since


def main() -> None:
    from playwright.sync_api import sync_playwright
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    started = time.perf_counter()
    server = subprocess.Popen([str(Path(sys.executable).with_name('streamlit')), 'run', str(REPO / 'app.py'),
                               '--server.port', str(port), '--server.address', '127.0.0.1', '--server.headless',
                               'true', '--browser.gatherUsageStats', 'false'], cwd=REPO, env=dict(os.environ),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path='/usr/bin/chromium', args=FLAGS, chromium_sandbox=False)
            page = browser.new_page(viewport={'width': 1366, 'height': 768})
            while True:
                try:
                    page.goto(f'http://127.0.0.1:{port}', wait_until='domcontentloaded')
                    break
                except Exception:
                    time.sleep(0.2)
            print(f'first load (from server start): {usable(page, started):.1f}s')
            phone = browser.new_page(viewport={'width': 390, 'height': 844})
            again = time.perf_counter()
            phone.goto(f'http://127.0.0.1:{port}', wait_until='domcontentloaded')
            print(f'later load (new tab, phone width): {usable(phone, again):.1f}s')
            box = phone.get_by_placeholder('问一个关于预算公开的问题', exact=False)
            asked = time.perf_counter()
            box.fill('州政府办2024年三公经费是多少')
            box.press('Enter')
            phone.get_by_text('0.00 万元').first.wait_for(timeout=60_000)
            print(f'one question answered on the page: {time.perf_counter() - asked:.1f}s')
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == '__main__':
    main()
