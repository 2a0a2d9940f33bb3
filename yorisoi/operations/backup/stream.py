"""The backup key (YORISOI_BACKUP_KEY) and the chunked AES-256-GCM stream the archive is written through."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import struct
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from .errors import BackupError, BackupKeyError

FORMAT = "yorisoi-backup"
FORMAT_VERSION = 1
MAGIC = b"YORISOI-BACKUP\n"
KDF_HKDF, KDF_SCRYPT = 1, 2
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 17, 8, 1  # 128 MiB, about half a second: slow to guess, fine once
SALT_BYTES, NONCE_PREFIX_BYTES = 16, 7
HEADER = struct.Struct(f">{len(MAGIC)}sBBBBB{SALT_BYTES}s{NONCE_PREFIX_BYTES}s")
CHUNK_SIZE = 1 << 20
TAG_BYTES = 16
MIN_PASSPHRASE = 16
ENV_KEY = "YORISOI_BACKUP_KEY"
_FERNET_KEY = re.compile(r"[A-Za-z0-9_-]{43}=")


# --- the key -------------------------------------------------------------------------------------------------

def backup_secret() -> str:
    secret = os.environ.get(ENV_KEY, "").strip()
    if not secret:
        raise BackupKeyError(
            f"環境変数 {ENV_KEY} が設定されていません。バックアップ用の鍵（Fernet 鍵、または"
            f" {MIN_PASSPHRASE} 文字以上のパスフレーズ）を設定してから実行してください。"
            "この鍵がないとバックアップを復元できません。"
        )
    return secret


def _derive(secret: str, kdf: int, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    if kdf == KDF_HKDF:
        if not _FERNET_KEY.fullmatch(secret):
            raise BackupKeyError(
                f"このバックアップは Fernet 鍵で暗号化されています。{ENV_KEY} に作成時の Fernet 鍵を設定してください。"
            )
        material = base64.urlsafe_b64decode(secret)
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"yorisoi-backup-v1").derive(material)
    if kdf == KDF_SCRYPT:
        if log2_n > 22 or r > 32 or p > 16:  # a forged header must not make us allocate gigabytes
            raise BackupError("バックアップファイルの形式が正しくありません。")
        passphrase = unicodedata.normalize("NFC", secret).encode()
        return Scrypt(salt=salt, length=32, n=1 << log2_n, r=r, p=p).derive(passphrase)
    raise BackupError("バックアップファイルの形式が正しくありません（未対応の鍵導出方式）。")


def new_header(secret: str) -> tuple[bytes, bytes]:
    if _FERNET_KEY.fullmatch(secret):
        kdf = KDF_HKDF
    elif len(secret) >= MIN_PASSPHRASE:
        kdf = KDF_SCRYPT
    else:
        raise BackupKeyError(
            f"{ENV_KEY} は Fernet 鍵か、{MIN_PASSPHRASE} 文字以上のパスフレーズにしてください。"
        )
    salt, prefix = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(NONCE_PREFIX_BYTES)
    header = HEADER.pack(MAGIC, FORMAT_VERSION, kdf, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, salt, prefix)
    return header, _derive(secret, kdf, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)


def read_header(raw, secret: str) -> tuple[bytes, bytes]:
    header = raw.read(HEADER.size)
    if len(header) != HEADER.size or not header.startswith(MAGIC):
        raise BackupError("yorisoi のバックアップファイルではありません。")
    _, version, kdf, log2_n, r, p, salt, _ = HEADER.unpack(header)
    if version != FORMAT_VERSION:
        raise BackupError(f"このバックアップファイルの形式（版 {version}）には対応していません。")
    return header, _derive(secret, kdf, salt, log2_n, r, p)


# --- the encrypted stream ------------------------------------------------------------------------------------

def _nonce(header: bytes, counter: int, last: bool) -> bytes:
    if counter >= 1 << 32:
        raise BackupError("バックアップが大きすぎます。")
    return header[-NONCE_PREFIX_BYTES:] + struct.pack(">I?", counter, last)


class EncryptingWriter:
    """File-like sink for tarfile: buffers plaintext and writes length-prefixed AES-GCM chunks."""

    def __init__(self, raw, key: bytes, header: bytes):
        self._raw, self._aead, self._header = raw, AESGCM(key), header
        self._buffer = bytearray()
        self._counter = 0
        self.sha256 = hashlib.sha256()
        self._out(header)

    def _out(self, data: bytes) -> None:
        self._raw.write(data)
        self.sha256.update(data)

    def _emit(self, plain: bytes, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._header, self._counter, last), plain, self._header)
        self._out(struct.pack(">I", len(sealed)))
        self._out(sealed)
        self._counter += 1

    def write(self, data) -> int:
        self._buffer += data
        # Keep at least one byte back: the chunk written by finish() must be the one flagged "last".
        while len(self._buffer) > CHUNK_SIZE:
            self._emit(bytes(self._buffer[:CHUNK_SIZE]), last=False)
            del self._buffer[:CHUNK_SIZE]
        return len(data)

    def flush(self) -> None:
        pass

    def finish(self) -> None:
        self._emit(bytes(self._buffer), last=True)
        self._buffer.clear()


class DecryptingReader:
    """File-like source for tarfile: reads and authenticates chunks, refusing a cut or altered stream."""

    def __init__(self, raw, key: bytes, header: bytes):
        self._raw, self._aead, self._header = raw, AESGCM(key), header
        self._counter = 0
        self._buffer = bytearray()
        self._done = False
        self._next = self._frame()

    def _frame(self) -> bytes | None:
        size = self._raw.read(4)
        if not size:
            return None
        if len(size) != 4:
            raise BackupError("バックアップファイルが途中で切れているか壊れています。")
        (length,) = struct.unpack(">I", size)
        sealed = self._raw.read(length) if length <= CHUNK_SIZE + TAG_BYTES else b""
        if len(sealed) != length or length < TAG_BYTES:
            raise BackupError("バックアップファイルが途中で切れているか壊れています。")
        return sealed

    def _fill(self) -> bool:
        if self._done:
            return False
        sealed = self._next
        if sealed is None:
            raise BackupError("バックアップファイルが途中で切れているか壊れています。")
        self._next = self._frame()
        last = self._next is None
        try:
            plain = self._aead.decrypt(_nonce(self._header, self._counter, last), sealed, self._header)
        except InvalidTag:
            if self._counter == 0:
                raise BackupKeyError(
                    f"バックアップを復号できません。{ENV_KEY} が作成時の鍵と違うか、ファイルが壊れています。"
                ) from None
            raise BackupError("バックアップファイルが途中で切れているか壊れています。") from None
        self._counter += 1
        self._done = last
        self._buffer += plain
        return True

    def read(self, size: int = -1) -> bytes:
        while (size < 0 or len(self._buffer) < size) and self._fill():
            pass
        if size < 0:
            size = len(self._buffer)
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out

    def drain(self) -> None:
        """Read to the end, so the last chunk's flag is checked and nothing follows it."""
        while self._fill():
            self._buffer.clear()
