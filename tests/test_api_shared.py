"""The API's state outlives a process: sessions, recent answers and rate limits are shared by every worker and kept
over a restart (<data dir>/api.db); the docs render with no network beyond this machine.

Two app instances on one data directory stand in for two workers (in process, deterministic); then a real
`python -m qa serve --workers 2` on 127.0.0.1 takes a load check (follow-ups across workers, the shared rate limit)
and Debian's headless Chromium, with every request off this server blocked, renders /docs and /redoc.
"""
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from conftest import OUTPUT, REPO, free_port, index_settings, wait_for_port

CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync']


@pytest.fixture(scope='module')
def data_dir(sample_index, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp('shared') / 'data'
    shutil.copytree(sample_index.data_dir, path)
    return path


def app_client(data_dir: Path, **env):
    """One API process (an app instance with its own stores and connection to api.db)."""
    from fastapi.testclient import TestClient
    from service.api import create_app
    return TestClient(create_app(index_settings(data_dir, **env)))


def test_a_session_follows_up_in_another_instance_and_after_a_restart(data_dir):
    first, second = app_client(data_dir), app_client(data_dir)
    asked = first.post('/ask', json={'question': '克州工信局2024年三公经费是多少', 'session': 'ticket-7'}).json()
    follow = second.post('/ask', json={'question': '那2025年呢？', 'session': 'ticket-7'}).json()
    assert follow['value'] == '13.80' and follow['plan']['carried'] == ['单位', '事项']
    assert second.post('/feedback', json={'answer_id': asked['id'], 'rating': 'up'}).json() == {'stored': True}
    first.close(), second.close()
    restarted = app_client(data_dir)
    again = restarted.post('/ask', json={'question': '那2024年呢？', 'session': 'ticket-7'}).json()
    assert again['value'] == asked['value'] and again['plan']['carried'] == ['单位', '事项']
    assert restarted.post('/feedback', json={'answer_id': follow['id'], 'rating': 'down', 'comment': '重启后'}
                          ).json() == {'stored': True}
    assert (data_dir / 'api.db').exists()


def test_the_rate_limit_counts_every_instance(data_dir):
    first, second = app_client(data_dir, BUDGETQA_API_RATE='5'), app_client(data_dir, BUDGETQA_API_RATE='5')
    time.sleep(1.1)
    started = time.perf_counter()
    codes = [(first if i % 2 else second).get('/nothing-here').status_code for i in range(12)]
    took = time.perf_counter() - started
    allowed = codes.count(404)                  # a request let through reaches the router: no such address
    assert allowed == 5 if took < 1 else allowed <= 5 * (int(took) + 1), (codes, took)
    assert codes[:5] == [404] * 5 and set(codes[5:]) <= {404, 429}


def test_a_bad_rate_setting_names_the_variable():
    from settings import Settings
    from errors import BadApiRate
    with pytest.raises(BadApiRate, match='BUDGETQA_API_RATE must be a whole number'):
        Settings.from_env({'BUDGETQA_API_RATE': 'fast'})


def test_a_data_directory_that_cannot_hold_the_state_keeps_it_in_memory(tmp_path):
    from service.api_state import ApiState
    (tmp_path / 'a-file').write_text('not a folder')
    state = ApiState(tmp_path / 'a-file' / 'api.db', rate=2)
    state.save_session('s', {'orgs': ['x']})
    assert state.session('s') == {'orgs': ['x']} and state.allow('a') and state.allow('a') and not state.allow('a')


def test_old_sessions_and_answers_are_dropped_first(tmp_path):
    from service.api_state import ApiState
    state = ApiState(tmp_path / 'api.db', rate=30, keep=3)
    for n in range(5):
        state.save_session(f's{n}', {'n': n})
    state.save_session('s2', {'n': 22})                  # used again: now the most recent
    assert [state.session(f's{n}') for n in range(5)] == [None, None, {'n': 22}, {'n': 3}, {'n': 4}]


def test_an_upload_with_the_name_of_a_stored_document_and_other_figures_needs_replace(sample_index, tmp_path):
    from conftest import SAMPLES
    from service.api import create_token
    data_dir = tmp_path / 'data'
    shutil.copytree(sample_index.data_dir, data_dir)
    headers = {'Authorization': f'Bearer {create_token(index_settings(data_dir))}'}
    client = app_client(data_dir)
    name = '002_220f206dadf5e393.txt'
    forged = (SAMPLES / name).read_text(encoding='utf-8').replace('“三公”经费数为 0.00 万元',
                                                                  '“三公”经费数为 88.88 万元')
    files = {'file': (name, forged.encode(), 'text/plain')}
    before = client.post('/ask', json={'question': '州政府办2024年三公经费是多少'}).json()['value']
    refused = client.post('/documents', files=files, headers=headers)
    assert refused.status_code == 400, refused.text
    message = refused.json()['error']['message']
    assert name in message and '同名' in message and '替换' in message and str(tmp_path) not in message
    assert client.post('/ask', json={'question': '州政府办2024年三公经费是多少'}).json()['value'] == before == '0.00'
    replaced = client.post('/documents', params={'replace': 'true'}, files=files, headers=headers)
    changes = replaced.json()['documents'][0]['changes']
    assert changes['of'] == [name] and changes['figures_differ'] == 1
    assert (changes['largest'][0]['old'], changes['largest'][0]['new']) == ('0.00', '88.88')
    assert client.post('/ask', json={'question': '州政府办2024年三公经费是多少'}).json()['value'] == '88.88'


# ---- /docs without the internet ----------------------------------------------------------------

def asset_urls(html: str) -> list[str]:
    return (re.findall(r'''(?:src|href)\s*=\s*["']([^"']+)["']''', html)
            + re.findall(r'''url:\s*['"]([^'"]+)['"]''', html))


@pytest.mark.parametrize('page', ['/docs', '/redoc'])
def test_the_docs_load_only_from_this_server(data_dir, page):
    client = app_client(data_dir)
    html = client.get(page).text
    urls = asset_urls(html)
    assert urls and not [u for u in urls if re.match(r'(https?:)?//', u)], urls
    for url in urls:
        assert client.get(url).status_code == 200, url


# ---- a real server with two workers ------------------------------------------------------------

@pytest.fixture(scope='module')
def two_workers(data_dir):
    port = free_port()
    env = dict(os.environ, BUDGETQA_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO), BUDGETQA_API_RATE='20',
               BUDGETQA_EMBEDDING_CACHE=str(OUTPUT / 'embeddings.db'))
    process = subprocess.Popen([sys.executable, '-m', 'qa', 'serve', '--port', str(port), '--workers', '2'],
                               cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_for_port(port, process, 'qa serve --workers 2', seconds=180)
    url = f'http://127.0.0.1:{port}'
    deadline = time.time() + 180                 # the port opens before both workers have loaded the stores
    while time.time() < deadline and len(workers_of(process.pid)) < 2:
        time.sleep(0.5)
    _wait_until_answering(url)
    yield url, process
    process.terminate()
    process.wait(timeout=60)


def _wait_until_answering(url: str) -> None:
    for _ in range(240):
        try:
            if httpx.get(url + '/documents', timeout=30).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)


def workers_of(pid: int) -> list[int]:
    """The uvicorn worker processes: children of the server that run the spawned worker's main."""
    children = Path(f'/proc/{pid}/task/{pid}/children').read_text().split()
    return [int(c) for c in children if b'spawn_main' in Path(f'/proc/{c}/cmdline').read_bytes()]


def cpu_ticks(pid: int) -> int:
    fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()
    return int(fields[11]) + int(fields[12])           # utime + stime


def fresh_post(url: str, path: str, body: dict) -> httpx.Response:
    """Each request on a new connection, so the kernel hands it to either worker."""
    with httpx.Client(base_url=url, timeout=120) as client:
        return client.post(path, json=body)


def test_two_workers_share_follow_ups_and_feedback_under_load(two_workers):
    url, process = two_workers
    workers = workers_of(process.pid)
    assert len(workers) == 2
    before = {w: cpu_ticks(w) for w in workers}
    pairs = [('克州工信局2024年三公经费是多少', '那2025年呢？', '13.80', ['单位', '事项']),
             ('州政府办2024年人员经费多少', '公用经费呢？', '191.06', ['单位', '年份']),
             ('克州工信局2025年三公经费是多少', '那2024年呢？', '10.00', ['单位', '事项'])] * 6

    def conversation(n: int) -> tuple[dict, dict]:
        first, follow, *_ = pairs[n]
        time.sleep(n * 0.12)                             # paced below the rate limit (20 a second)
        asked = fresh_post(url, '/ask', {'question': first, 'session': f'load-{n}'})
        followed = fresh_post(url, '/ask', {'question': follow, 'session': f'load-{n}'})
        assert asked.status_code == followed.status_code == 200, (asked.text, followed.text)
        return asked.json(), followed.json()

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(conversation, range(len(pairs))))
    assert len(answers) == 18
    for (asked, followed), (_, _, value, carried) in zip(answers, pairs):
        assert followed['plan']['carried'] == carried and followed['plan']['orgs'] == asked['plan']['orgs']
        assert followed['value'] == value, followed
    feedback = [fresh_post(url, '/feedback', {'answer_id': a['id'], 'rating': 'up'}) for a, _ in answers[:6]]
    assert all(r.json() == {'stored': True} for r in feedback)
    grew = {w: cpu_ticks(w) - before[w] for w in workers}
    assert all(ticks > 0 for ticks in grew.values()), f'a worker answered nothing: {grew}'


def test_two_workers_share_the_rate_limit(two_workers):
    """20 a second for both workers together: over a burst that took E seconds at most 20 x (E rounded down + 1)
    requests get through, however busy the machine (two limits of one process each would let twice as many)."""
    url, _ = two_workers
    time.sleep(1.1)

    def hits(_):
        with httpx.Client(base_url=url, timeout=30) as client:
            return [client.get('/nothing-here').status_code for _ in range(15)]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = [code for batch in pool.map(hits, range(8)) for code in batch]
    took = time.perf_counter() - started
    allowed = codes.count(404)
    assert allowed + codes.count(429) == 120
    assert allowed <= 20 * (int(took) + 1), (allowed, took)
    assert took >= 6 or codes.count(429), (allowed, took)      # sent faster than 20 a second: some were refused


def test_the_docs_render_with_the_network_blocked(two_workers):
    if not Path(CHROMIUM).exists():
        pytest.skip('Debian chromium is not installed (make test installs it)')
    from playwright.sync_api import sync_playwright
    url, _ = two_workers
    time.sleep(1.1)
    blocked, refused_by_policy = [], []

    def only_this_server(route):
        if route.request.url.startswith(url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    OUTPUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, chromium_sandbox=False)
        page = browser.new_page(viewport={'width': 1280, 'height': 900})
        page.route('**/*', only_this_server)
        page.on('console', lambda m: refused_by_policy.append(m.text) if 'Content Security Policy' in m.text else None)
        page.goto(url + '/docs', wait_until='domcontentloaded')
        page.locator('.swagger-ui .opblock-summary-path', has_text='/ask').first.wait_for(timeout=60_000)
        page.get_by_text('提问：返回核对过的答案、出处和理解').first.wait_for(timeout=10_000)
        page.screenshot(path=str(OUTPUT / 'api_docs_offline.png'))
        page.goto(url + '/redoc', wait_until='domcontentloaded')
        page.get_by_text('提问：返回核对过的答案、出处和理解').first.wait_for(timeout=60_000)
        browser.close()
    assert not blocked, blocked                       # nothing even tried to leave the machine
    assert all('img-src' in m for m in refused_by_policy), refused_by_policy   # at most ReDoc's footer logo
