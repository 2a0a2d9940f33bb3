"""Field encryption at rest.

Keys come from settings.YORISOI_FIELD_KEYS ("id:key,id:key"): the first encrypts, every key decrypts,
so a new key can be put in front and `manage.py rotate_keys` re-encrypts rows while the site runs.
Each ciphertext is stored as "<key id>$<fernet token>" so the key that made it is known.

Nothing here puts key material, plaintext or stored values into an exception message, and the functions
that hold them are marked with `sensitive_variables` so Django's error reports hide their local variables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.views.decorators.debug import sensitive_variables

from .text import CleanTextField

# A key id is short and plain, so it can be printed by rotate_keys --check and compared exactly in SQL.
_KEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,32}")
# "<key id>$" then a Fernet token: version byte 0x80 and a 64-bit timestamp start every token with "gAAAAA".
_STORED = re.compile(r"([A-Za-z0-9_.-]{1,32})\$gAAAAA[A-Za-z0-9_=-]+")

_passthrough: ContextVar[bool] = ContextVar("yorisoi_ciphertext_passthrough", default=False)


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key (the message holds no data)."""


@lru_cache(maxsize=8)
@sensitive_variables()
def _keyring(spec: str) -> tuple[str, dict[str, Fernet]]:
    keys: dict[str, Fernet] = {}
    primary = ""
    for position, item in enumerate(spec.split(","), start=1):
        item = item.strip()
        if not item:
            continue
        key_id, sep, key = item.partition(":")
        key_id, key = key_id.strip(), key.strip()
        if not sep or not _KEY_ID.fullmatch(key_id):
            raise ImproperlyConfigured(
                f"YORISOI_FIELD_KEYS の {position} 番目の指定が正しくありません。"
                "「鍵ID:鍵」をカンマで区切って指定してください（鍵IDは英数字・_・-・. の32文字以内）。"
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"YORISOI_FIELD_KEYS で鍵ID {key_id} が重複しています。")
        try:
            keys[key_id] = Fernet(key.encode())
        except (ValueError, TypeError):
            # `from None`: the original error and its traceback must not carry the key towards a log.
            raise ImproperlyConfigured(
                f"YORISOI_FIELD_KEYS の鍵 {key_id} は Fernet 鍵（URL安全な base64 で 32 バイト）ではありません。"
            ) from None
        primary = primary or key_id
    if not keys:
        raise ImproperlyConfigured("YORISOI_FIELD_KEYS が設定されていません。")
    return primary, keys


def keyring() -> tuple[str, dict[str, Fernet]]:
    """(primary key id, {key id: Fernet}). Cached per settings string, so override_settings just works."""
    return _keyring(settings.YORISOI_FIELD_KEYS)


@sensitive_variables()
def encrypt(plain: str) -> str:
    primary, keys = keyring()
    return f"{primary}${keys[primary].encrypt(plain.encode()).decode()}"


@sensitive_variables()
def decrypt(stored: str) -> str:
    key_id, sep, token = stored.partition("$")
    _, keys = keyring()
    if not sep or key_id not in keys:
        raise DecryptionError("unknown key id")
    try:
        return keys[key_id].decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError("invalid token") from None


def key_id_of(stored: str | None) -> str | None:
    """The key id a stored value was encrypted with, or None when the value is empty or not in our format
    (so a stray plaintext value is never echoed back as if it were a key id)."""
    if not stored:
        return None
    match = _STORED.fullmatch(stored)
    return match.group(1) if match else None


@contextmanager
def ciphertext_passthrough() -> Iterator[None]:
    """Within this block EncryptedTextField reads and writes the stored ciphertext unchanged.

    For maintenance commands only (rotate_keys, backup, restore): they move ciphertext around without ever
    decrypting it. Writing anything that is not already ciphertext raises ValueError, so plaintext can
    never reach the database by way of this switch.
    """
    token = _passthrough.set(True)
    try:
        yield
    finally:
        _passthrough.reset(token)


def encrypted_fields() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every concrete model (historical tables included) with its own encrypted columns, in a stable order."""
    from django.apps import apps

    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        fields = [f for f in meta.local_concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return sorted(found, key=lambda pair: pair[0]._meta.label)


class EncryptedTextField(CleanTextField):
    """A TextField whose value is encrypted in the database. Not searchable or sortable, by design. Cleaned and
    bounded like every free text (yorisoi.common.text) before it is encrypted."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "" or _passthrough.get():
            return value
        return decrypt(value)

    @sensitive_variables()
    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if _passthrough.get():
            if key_id_of(value) is None:
                raise ValueError("暗号化されていない値は暗号文のまま保存するモードでは保存できません。")
            return value
        return encrypt(value)
