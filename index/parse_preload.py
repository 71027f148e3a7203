"""Loaded into the forkserver that parse workers fork from (index/parse_pool.py parse_limited): the parsing code
and the word segmenter are ready before any worker starts."""
from .parse_worker import _tokenizer

_tokenizer()
