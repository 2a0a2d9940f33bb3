"""Retention: how long each kind of record is kept after the person's last case closed (rules.py, kinds.py),
and the anonymisation that follows (anonymise.py, `manage.py anonymise_expired`)."""
