"""Who may change the documents: one admin password, stored only as a salted scrypt hash.

    python -m qa admin password            # asks twice, writes <data dir>/admin.json
    python -m qa admin password --hash     # prints the hash for BUDGETQA_ADMIN_PASSWORD_HASH instead

Readers ask, browse and download; uploading and removing documents need the
password. With no password set, nobody can change documents from the page.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from pathlib import Path

from errors import PasswordTooShort

SCRYPT = {'n': 2 ** 14, 'r': 8, 'p': 1}
MIN_LENGTH = 8


def hash_password(password: str, salt: bytes | None = None) -> str:
    if len(password) < MIN_LENGTH:
        raise PasswordTooShort(min=MIN_LENGTH)
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **SCRYPT)
    return 'scrypt$' + base64.b64encode(salt).decode() + '$' + base64.b64encode(digest).decode()


def matches(password: str, stored: str) -> bool:
    try:
        scheme, salt, digest = stored.split('$')
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), dklen=len(expected), **SCRYPT)
    except (ValueError, TypeError):
        return False
    return scheme == 'scrypt' and hmac.compare_digest(actual, expected)


def stored_hash(settings) -> str | None:
    """The environment's hash wins over the data directory's file."""
    if settings.admin_password_hash:
        return settings.admin_password_hash
    path: Path = settings.admin_file
    if path.exists():
        return json.loads(path.read_text(encoding='utf-8')).get('password')
    return None


def set_password(settings, password: str) -> Path:
    settings.admin_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = settings.admin_file.with_suffix('.tmp')
    tmp.write_text(json.dumps({'password': hash_password(password)}), encoding='utf-8')
    os.chmod(tmp, 0o600)
    tmp.replace(settings.admin_file)
    return settings.admin_file


def is_admin(settings, password: str) -> bool:
    stored = stored_hash(settings)
    return bool(stored and password and matches(password, stored))
