"""Errors an operator can act on: Japanese messages that never hold data or keys."""


class BackupError(Exception):
    """A refusal or failure an operator can act on. Messages are Japanese and never hold data or keys."""


class BackupKeyError(BackupError):
    pass
