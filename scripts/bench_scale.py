"""Scale benchmark: corpora of N disclosures made from the samples, ingested and asked.

    .venv/bin/python scripts/bench_scale.py --sizes 15 200 1000 [--vectors] [--keep DIR]

Each copy of a sample gets its own place name (so it is its own organisation),
figures as printed. For each size it prints: ingest seconds per document
(without vectors; with them when --vectors), store MB per document beyond the
text, the memory and time of one cold `qa ask`, and warm p50/p95 of fact and
retrieval answers, separately for the first question about a document and a
second one about the same document. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from index.facts_store import FactStore  # noqa: E402
from index.pipeline import IngestOptions, ingest_paths  # noqa: E402
from index.runtime import open_vectors  # noqa: E402
from settings import Settings  # noqa: E402

SAMPLES = sorted((REPO / 'data' / 'samples').glob('*.txt'))
# the place names each sample is written with, longest first, and what a copy's place replaces them with
PLACES = ('克孜勒苏柯尔克孜自治州', '昌吉回族自治州', '克孜勒苏州', '库尔勒', '昌吉州', '克州', '昌吉')
SYLLABLES = '安宁和平长乐永定丰泰兴华嘉禾明远清河瑞金东阳西宁南山北川新城古浪白水青田'
QUESTIONS = ('{org}{year}年三公经费是多少', '{org}{year}年基本支出是多少', '{org}{year}年机关运行经费是多少',
             '{org}{year}年一般公共预算比上年增加了多少', '{org}{year}年有没有政府性基金预算支出',
             '{org}{year}年人员经费是多少')
RETRIEVAL = ('{org}负责哪些工作', '{org}的主要职能是什么')


def place_name(i: int) -> str:
    a, b = SYLLABLES[i % len(SYLLABLES)], SYLLABLES[(i // len(SYLLABLES) + i) % len(SYLLABLES)]
    c = SYLLABLES[(i // (len(SYLLABLES) ** 2) + 2 * i) % len(SYLLABLES)]
    return f'{a}{b}{c}县'


def make_corpus(n: int, folder: Path) -> list[tuple[str, str]]:
    """N files; returns (file name, place) for each."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(n):
        sample = SAMPLES[i % len(SAMPLES)]
        place = place_name(i)
        text = sample.read_text(encoding='utf-8')
        for name in PLACES:
            text = text.replace(name, place)
        target = folder / f'{i:05d}_{sample.name}'
        target.write_text(text, encoding='utf-8')
        made.append((target.name, place))
    return made


def text_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob('*.txt'))


def ingest(folder: Path, data_dir: Path, vectors: bool) -> float:
    settings = Settings.from_env({'BUDGETQA_DATA_DIR': str(data_dir),
                                  'BUDGETQA_EMBEDDING_CACHE': str(data_dir.parent / 'embeddings.db')})
    store = FactStore(settings.facts_db)
    started = time.perf_counter()
    refused = ingest_paths([folder], store, open_vectors(settings) if vectors else None,
                           IngestOptions(settings=settings)).refused
    assert not refused, refused
    return time.perf_counter() - started


# the peak of the asking process itself (VmHWM: ru_maxrss would carry the benchmark's own peak across exec)
ASK = ("import re, sys; from service.cli import main; code = main(['ask', sys.argv[1]]); "
       "print('PEAK', re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1), file=sys.stderr); "
       "sys.exit(code)")


def cold_ask(data_dir: Path, question: str) -> tuple[float, float]:
    """Seconds and peak MB of one `python -m qa ask` in a fresh process (its own peak, measured inside it)."""
    env = dict(os.environ, BUDGETQA_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO),
               BUDGETQA_EMBEDDING_CACHE=str(data_dir.parent / 'embeddings.db'))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, '-c', ASK, question], cwd=REPO, env=env, capture_output=True, text=True,
                          check=True)
    seconds = time.perf_counter() - started
    peak = int(re.search(r'PEAK (\d+)', done.stderr).group(1)) / 1024
    return seconds, peak


def warm(data_dir: Path, made, rounds: int = 30) -> dict[str, list[float]]:
    """Milliseconds per answer in one warm process, for each kind of question: the first question about a
    document (its catalogue is read from the store then) and a second question about the same document."""
    from qa.answer import answer
    from service.cli import ready_context
    settings = Settings.from_env({'BUDGETQA_DATA_DIR': str(data_dir),
                                  'BUDGETQA_EMBEDDING_CACHE': str(data_dir.parent / 'embeddings.db')})
    ctx = ready_context(settings)
    orgs = {d.doc: (d.org_key, d.year) for d in ctx.documents}
    rng = random.Random(3)
    unseen = [doc for doc, _ in made]
    rng.shuffle(unseen)
    timings: dict[str, list[float]] = {}
    seen: set[str] = set()
    for kind, templates in (('facts', QUESTIONS), ('retrieval', RETRIEVAL)):
        for _ in range(rounds):
            doc = unseen.pop() if unseen else rng.choice(made)[0]
            org, year = orgs[doc]
            for _twice in range(2):
                when = 'again' if doc in seen else 'first'
                seen.add(doc)
                question = rng.choice(templates).format(org=org, year=year)
                started = time.perf_counter()
                answer(question, ctx)
                timings.setdefault(f'{kind} ({when})', []).append((time.perf_counter() - started) * 1000)
    return timings


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(p * len(values))) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--sizes', type=int, nargs='+', default=[15, 200, 1000])
    parser.add_argument('--vectors', action='store_true', help='also ingest with vectors (slow: embeds everything)')
    parser.add_argument('--keep', type=Path, help='keep the corpora and data directories here')
    args = parser.parse_args()
    root = Path(args.keep or tempfile.mkdtemp(prefix='bench_scale_'))
    for n in args.sizes:
        folder, data_dir = root / f'corpus_{n}', root / f'data_{n}'
        shutil.rmtree(data_dir, ignore_errors=True)
        made = make_corpus(n, folder)
        seconds = ingest(folder, data_dir, vectors=False)
        size = (data_dir / 'facts.db').stat().st_size + sum(
            p.stat().st_size for p in data_dir.glob('facts.db-*'))
        beyond = (size - text_bytes(folder)) / n / 2 ** 20
        print(f'N={n:5d}  ingest without vectors {seconds / n:.3f} s/doc ({seconds:.1f}s)   '
              f'store {size / n / 2 ** 20:.2f} MB/doc, {beyond:.2f} MB/doc beyond the text')
        if args.vectors:
            vector_seconds = ingest(folder, data_dir, vectors=True)
            print(f'         embedding and writing vectors {vector_seconds / n:.3f} s/doc ({vector_seconds:.1f}s)')
        org_doc = made[len(made) // 2]
        question = f'{org_doc[1]}{_body(org_doc[0])}2024年三公经费是多少'
        cold, peak = cold_ask(data_dir, question)
        print(f'         one cold `qa ask` {cold:.2f}s, peak memory {peak:.0f} MB')
        timings = warm(data_dir, made)
        for kind, values in timings.items():
            print(f'         warm {kind:17s} p50 {statistics.median(values):6.1f} ms  '
                  f'p95 {percentile(values, 0.95):6.1f} ms')
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


def _body(name: str) -> str:
    kinds = {'000': '工信局', '001': '工信局', '002': '政府办', '003': '工信局', '004': '开发区'}
    return kinds[re.sub(r'^\d+_', '', name)[:3]]


if __name__ == '__main__':
    main()
