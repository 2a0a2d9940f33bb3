"""Keeping personal data out of the application log.

Log lines name ids and actions only (the code never writes a name), but an exception's message can carry values
from the request or the database: PostgreSQL's "Key (name)=(…) already exists", a ValueError quoting what was
typed, a template error quoting a variable. `WithholdExceptionMessages` writes the traceback of such an exception
with its frames and exception types, never its message. It is set on the loggers that log exceptions
(django.request for an error 500, django.server, the root handler) in settings.LOGGING, so that every handler,
the console and any other, receives the traceback already cleaned.

Imported by the logging configuration before the apps are ready: no Django models here.
"""

from __future__ import annotations

import logging
import traceback

WITHHELD = "（メッセージは個人情報を含みうるため記録しません / message withheld）"


def _type_name(te: traceback.TracebackException) -> str:
    exc_type = getattr(te, "exc_type", None)
    if exc_type is not None:
        return f"{exc_type.__module__}.{exc_type.__qualname__}"
    return getattr(te, "exc_type_str", "Exception")


def withheld_traceback(exc_info) -> str:
    """The traceback of exc_info (and of the exceptions chained to it) without any exception message."""
    top = traceback.TracebackException(*exc_info, capture_locals=False)
    parts: list[str] = []

    def walk(te: traceback.TracebackException, seen: set[int]) -> None:
        if id(te) in seen:
            return
        seen.add(id(te))
        if te.__cause__ is not None:
            walk(te.__cause__, seen)
            parts.append("\nThe above exception was the direct cause of the following exception:\n\n")
        elif te.__context__ is not None and not te.__suppress_context__:
            walk(te.__context__, seen)
            parts.append("\nDuring handling of the above exception, another exception occurred:\n\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(te.stack.format())
        parts.append(f"{_type_name(te)}: {WITHHELD}\n")

    walk(top, set())
    return "".join(parts).rstrip("\n")


class WithholdExceptionMessages(logging.Filter):
    """Replace the traceback text of a record with one that has no exception messages (always lets it pass)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = withheld_traceback(record.exc_info)
            # Handlers that format exc_info themselves would print the message again: they get the text only.
            record.exc_info = None
        return True
