"""Encrypted backup and restore of the whole database and of the uploaded files.

The archive, once decrypted, is a gzip'd tar stream:

    header.json                      format, creation time, database vendor, applied migrations, models
    data/<app.model>/<part>.jsonl    rows in primary-key order, one JSON object per line (Django's python
                                     serializer); many-to-many tables are dumped as their own models
    media/<path>                     every file under MEDIA_ROOT
    manifest.json                    rows and sha256 per model, files/bytes/sha256 of media, field key ids used

Encrypted fields are dumped as their stored ciphertext (`ciphertext_passthrough`): a backup never decrypts
personal data and never contains the field keys, so restoring needs YORISOI_FIELD_KEYS as well.

The stream is encrypted with AES-256-GCM in 1 MiB chunks (the STREAM construction: nonce = random prefix,
chunk counter and a last-chunk flag; the file header is authenticated with every chunk), so memory stays
flat and a reordered, cut or altered file is refused. The key is YORISOI_BACKUP_KEY from the environment:
either a Fernet key (expanded with HKDF) or a passphrase of at least 16 characters (stretched with scrypt).
"""

from .dump import BackupSummary, create_backup
from .errors import BackupError, BackupKeyError
from .load import RestoreSummary, database_in_use, restore_backup
from .stream import ENV_KEY, FORMAT, backup_secret
from .tables import backup_models, table_digest

__all__ = [
    "ENV_KEY", "FORMAT", "BackupError", "BackupKeyError", "BackupSummary", "RestoreSummary", "backup_models",
    "backup_secret", "create_backup", "database_in_use", "restore_backup", "table_digest",
]
