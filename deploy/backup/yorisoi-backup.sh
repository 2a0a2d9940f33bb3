#!/bin/sh
# The nightly logical backups of yorisoi (deploy/systemd/yorisoi-backup.timer; docs/deployment.md: バックアップ).
#  1. pg_dump -Fc of the whole database, encrypted with gpg (passphrase: YORISOI_BACKUP_KEY), for a restore to a
#     fresh PostgreSQL server (pg_restore); WAL archiving gives point-in-time recovery between these.
#  2. manage.py backup: the application's own encrypted backup (tables, change history, access log, uploads),
#     portable across database servers; its run is written to the access log.
# Files older than KEEP_DAYS are removed. Run as the yorisoi user with /etc/yorisoi/yorisoi.env loaded.
set -eu
BACKUP_DIR=${BACKUP_DIR:-/var/backups/yorisoi}
KEEP_DAYS=${KEEP_DAYS:-14}
APP_DIR=${APP_DIR:-/srv/yorisoi}
: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${YORISOI_BACKUP_KEY:?YORISOI_BACKUP_KEY is not set}"
stamp=$(date +%Y%m%d-%H%M)
umask 077
mkdir -p "$BACKUP_DIR"

printf '%s' "$YORISOI_BACKUP_KEY" > "$BACKUP_DIR/.passphrase"
trap 'rm -f "$BACKUP_DIR/.passphrase"' EXIT
pg_dump --format=custom --no-owner --dbname="$DATABASE_URL" \
  | gpg --batch --yes --symmetric --cipher-algo AES256 --passphrase-file "$BACKUP_DIR/.passphrase" \
        --output "$BACKUP_DIR/yorisoi-$stamp.pgdump.gpg"

"$APP_DIR/.venv/bin/python" "$APP_DIR/manage.py" backup --output "$BACKUP_DIR/yorisoi-$stamp.backup"

find "$BACKUP_DIR" -maxdepth 1 -name 'yorisoi-*' -mtime "+$KEEP_DAYS" -delete
