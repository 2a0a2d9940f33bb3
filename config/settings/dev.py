"""Local development and the demo started by `make run`: SQLite under var/, a local secret."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = env_bool("DEBUG", True)  # noqa: F405


def _local_secret(name: str, make) -> str:
    """A per-checkout secret kept in var/ (ignored by git) so sessions and ciphertexts survive restarts."""
    path = VAR_DIR / name
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


if not SECRET_KEY:  # noqa: F405
    from django.core.management.utils import get_random_secret_key

    SECRET_KEY = _local_secret("secret_key", get_random_secret_key)
if not YORISOI_FIELD_KEYS:  # noqa: F405
    from cryptography.fernet import Fernet

    YORISOI_FIELD_KEYS = os.environ.get("YORISOI_FIELD_KEYS") or _local_secret(
        "field_keys", lambda: "k1:" + Fernet.generate_key().decode()
    )
