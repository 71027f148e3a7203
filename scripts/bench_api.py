"""API load check: a real `python -m qa serve` on 127.0.0.1, 8 concurrent clients x 100 fact questions (httpx).

    .venv/bin/python scripts/bench_api.py [--clients 8] [--questions 100]   # BUDGETQA_DATA_DIR, ingested beforehand

Prints p50/p95/max latency and throughput. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = ['州政府办2024年三公经费是多少', '克州工信局2025年三公经费是多少', '昌吉州工信局2023年三公经费是多少',
             '库尔勒开发区2024年三公经费是多少', '州政府办2024年编制多少人', '州政府办2024年人员经费多少？',
             '克州工信局2025年一般公共预算拨款收入是多少', '克州工信局2025年比2024年三公经费多了多少']


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--clients', type=int, default=8)
    parser.add_argument('--questions', type=int, default=100, help='per client')
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, '-m', 'qa', 'serve', '--port', str(port)], cwd=REPO,
                              env=dict(os.environ, PYTHONPATH=str(REPO), BUDGETQA_API_RATE='100000'),
                              stderr=subprocess.DEVNULL)   # every client is 127.0.0.1: no rate limit here
    try:
        url = f'http://127.0.0.1:{port}'
        for _ in range(240):
            try:
                httpx.get(f'{url}/documents', timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.5)

        def client(n: int) -> list[float]:
            timings = []
            with httpx.Client(base_url=url, timeout=60) as http:
                for i in range(args.questions):
                    question = QUESTIONS[(n + i) % len(QUESTIONS)]
                    started = time.perf_counter()
                    reply = http.post('/ask', json={'question': question})
                    reply.raise_for_status()
                    timings.append((time.perf_counter() - started) * 1000)
            return timings

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            timings = sorted(t for ts in pool.map(client, range(args.clients)) for t in ts)
        seconds = time.perf_counter() - started
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f'{args.clients} clients x {args.questions} questions: p50 {statistics.median(timings):.0f} ms, '
              f'p95 {p95:.0f} ms, max {timings[-1]:.0f} ms, {len(timings) / seconds:.1f} answers/s')
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == '__main__':
    main()
