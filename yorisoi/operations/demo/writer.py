"""Fast bulk inserts for the demo generator: rows as dicts, one `executemany` per table, history rows beside.

Why not `bulk_create`: measured on this 2-core machine, Django's per-field preparation in `bulk_create`
(plus building a model instance per row and per history row) ran at about 60 persons per second, ten
times below the target. This writer keeps Django's schema knowledge (columns, defaults, value adaptation
for SQLite and PostgreSQL) but prepares each column with one precomputed function, and it:

- assigns primary keys itself, inside the chunk's transaction: on SQLite from the table's maximum and
  `sqlite_sequence` (the IMMEDIATE transaction holds the write lock), on PostgreSQL from the column's
  sequence with `nextval`, so concurrent writers never collide and the sequence stays ahead;
- encrypts each EncryptedTextField value once with `yorisoi.common.crypto.encrypt` (cryptography's Fernet, the
  one cryptographic implementation of the project) and stores the same ciphertext in the row and in its "+"
  history row (never plaintext);
- writes the initial "+" history row (django-simple-history) of every object, dated and signed as the object.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence

from django.db import models
from django.db.models.fields import NOT_PROVIDED

from yorisoi.common.crypto import EncryptedTextField, encrypt

UTC = dt.UTC


def _datetime_converter(suffix: str) -> Callable:
    """Datetimes as text: "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC, as Django stores them on SQLite (suffix ""),
    or with "+00:00" for PostgreSQL's COPY (text is also cheaper than datetimes to send from the child process
    that builds the rows). The generator gives naive UTC datetimes (formatting an aware one costs twice as much);
    an aware one is converted to UTC first.

    Remembers the last value: rows often carry the same datetime object twice (created_at, updated_at).
    """
    last = [None, None]

    def convert(value):
        if value is None:
            return None
        if value is last[0]:
            return last[1]
        naive = value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)
        text = naive.isoformat(" ") + suffix
        last[0], last[1] = value, text
        return text
    return convert


def _date(value):
    return None if value is None else value.isoformat()


def _encrypt(value):
    """A column of an EncryptedTextField: the project's one implementation (`crypto.encrypt`, cryptography's Fernet
    under the primary field key); empty stays empty, as EncryptedTextField stores it. Called in the child process
    that builds the rows too: it needs only the settings, no database connection."""
    if value is None or value == "":
        return value
    return encrypt(value)


class _Column:
    __slots__ = ("attname", "column", "constant", "convert", "default")

    def __init__(self, attname: str, column: str, convert: Callable | None, default: Callable, constant: bool):
        self.attname, self.column, self.convert, self.default = attname, column, convert, default
        self.constant = constant  # the default is one value (else `default` is called per row)


class Table:
    """How to turn a dict of attname → Python value into the database row of one model.

    Per row: the constant defaults are merged under the dict and the columns picked with one itemgetter (both
    in C); only the columns that need it (dates, datetimes, encrypted text) go through a Python converter.
    """

    def __init__(self, model: type[models.Model], connection, encrypter: Callable | None = None):
        self.model = model
        self.connection = connection
        self.encrypter = encrypter or _encrypt
        self.db_table = model._meta.db_table
        self.pk_column = model._meta.pk.column
        # Shared by the columns, so its one-value memory hits.
        self._datetime = _datetime_converter("" if connection.vendor == "sqlite" else "+00:00")
        self.columns = [self._column(f) for f in model._meta.concrete_fields
                        if not (f.primary_key and isinstance(f, models.AutoField))
                        and not (f.db_default is not NOT_PROVIDED and not f.has_default())]
        self.getter = operator.itemgetter(*[c.attname for c in self.columns])
        self.constant_defaults = {c.attname: c.default() for c in self.columns if c.constant}
        self.dynamic_defaults = [(c.attname, c.default) for c in self.columns if not c.constant]
        self.conversions = [(i + 1, c.convert) for i, c in enumerate(self.columns) if c.convert is not None]
        self.positions = {c.attname: i + 1 for i, c in enumerate(self.columns)}  # in a prepared row
        self.sql = self._insert_sql([self.pk_column, *[c.column for c in self.columns]])
        history = getattr(model, "history", None)
        self.history = HistoryTable(history.model, self) if history is not None else None

    def _insert_sql(self, columns: Sequence[str], table: str | None = None) -> str:
        """INSERT … VALUES for SQLite (executemany); COPY … FROM STDIN for PostgreSQL, several times faster."""
        quote = self.connection.ops.quote_name
        target = f"{quote(table or self.db_table)} ({', '.join(quote(c) for c in columns)})"
        if self.connection.vendor == "postgresql":
            return f"COPY {target} FROM STDIN"
        return f"INSERT INTO {target} VALUES ({', '.join(['%s'] * len(columns))})"

    def _column(self, field: models.Field) -> _Column:
        default, constant = self._default(field)
        return _Column(field.attname, field.column, self._converter(field), default, constant)

    def _converter(self, field: models.Field) -> Callable | None:
        if isinstance(field, EncryptedTextField):
            return self.encrypter
        if isinstance(field, models.DateTimeField):
            return self._datetime
        if isinstance(field, models.DateField):
            return _date
        if isinstance(field, (models.CharField, models.TextField, models.IntegerField, models.BooleanField,
                              models.ForeignKey)):
            return None
        connection = self.connection
        return lambda v: field.get_db_prep_save(v, connection)

    def _default(self, field: models.Field) -> tuple[Callable, bool]:
        """The value of a column the generator did not fill (e.g. a field another app added since)."""
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return (lambda: dt.datetime.now(UTC)), False
        if field.has_default():
            if callable(field.default):
                return field.get_default, False
            value = field.get_default()
            return (lambda: value), True
        if field.null:
            return (lambda: None), True
        if isinstance(field, (models.CharField, models.TextField)):
            return (lambda: ""), True
        label = f"{self.model._meta.label}.{field.name}"

        def required():
            raise ValueError(f"seed_demo does not fill the required field {label}; add it to the generator.")
        return required, False

    def prepare(self, rows: list[dict], *, later: Sequence[str] = ()) -> tuple[list[list], list]:
        """Database values of each row, with a place for the primary key in front, and each row's history
        user ("_history_user"; keys that are no column are ignored). The columns named in `later` (foreign
        keys to rows not written yet) are left empty for `BulkWriter.insert`. Needs no database connection."""
        getter, conversions = self.getter, self.conversions
        defaults = {**self.constant_defaults, **dict.fromkeys(later)}
        dynamic = [(attname, default) for attname, default in self.dynamic_defaults if attname not in later]
        prepared = []
        for row in rows:
            for attname, default in dynamic:
                if attname not in row:
                    row[attname] = default()
            values = [None, *getter({**defaults, **row})]
            for i, convert in conversions:
                values[i] = convert(values[i])
            prepared.append(values)
        return prepared, [row.get("_history_user") for row in rows]


class HistoryTable:
    """The simple-history table of a model, columns ordered as: the object's id, the tracked columns taken
    from the object's prepared row, history_date, history_type, history_change_reason, history_user_id, and
    any other column with its default."""

    SPECIAL = ("history_date", "history_type", "history_change_reason", "history_user_id")

    def __init__(self, model: type[models.Model], main: Table):
        positions = main.positions
        pk_attname = main.model._meta.pk.attname
        fields = [f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]
        by_attname = {f.attname: f for f in fields}
        tracked = [f for f in fields if f.attname in positions and f.attname != pk_attname]
        others = [f for f in fields if f.attname not in positions and f.attname != pk_attname
                  and f.attname not in self.SPECIAL]
        columns = [by_attname[pk_attname].column, *[f.column for f in tracked],
                   *[by_attname[a].column for a in self.SPECIAL], *[f.column for f in others]]
        self.sql = main._insert_sql(columns, model._meta.db_table)
        self.getter = operator.itemgetter(*[positions[f.attname] for f in tracked])
        # The history row is dated like the object: its created_at (every demo model has one).
        self.created_at = positions["created_at"]
        self.others = [main._column(f) for f in others]

    def row(self, values: list, user_id) -> tuple:
        row = (values[0], *self.getter(values), values[self.created_at], "+", None, user_id)
        if self.others:
            row += tuple(c.default() if c.convert is None else c.convert(c.default()) for c in self.others)
        return row


class BulkWriter:
    def __init__(self, connection):
        self.connection = connection
        self.tables: dict[type, Table] = {}
        self.encrypter = _encrypt

    def table(self, model) -> Table:
        if model not in self.tables:
            self.tables[model] = Table(model, self.connection, self.encrypter)
        return self.tables[model]

    def allocate_ids(self, model, count: int) -> list[int]:
        """`count` new primary keys; call inside the transaction that inserts the rows."""
        if count == 0:
            return []
        table = self.table(model)
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                               [quote(table.db_table), table.pk_column, count])
                return [row[0] for row in cursor.fetchall()]
            if self.connection.vendor != "sqlite":
                raise NotImplementedError("seed_demo supports SQLite and PostgreSQL")
            cursor.execute(f"SELECT COALESCE(MAX({quote(table.pk_column)}), 0) FROM {quote(table.db_table)}")
            highest = cursor.fetchone()[0]
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table.db_table])
            row = cursor.fetchone()
            start = max(highest, row[0] if row else 0) + 1
            return list(range(start, start + count))

    def insert(self, model, prepared: tuple[list[list], list], *, ids: list[int],
               parents: dict[str, list[int]] | None = None) -> None:
        """Insert prepared rows with the given ids and foreign keys ({attname: value per row}), and for a model
        with history the initial "+" history row of each, dated and signed as the object."""
        rows, users = prepared
        if not rows:
            return
        table = self.table(model)
        for attname, values in (parents or {}).items():
            position = table.positions[attname]
            for row, value in zip(rows, values, strict=True):
                row[position] = value
        for row, pk in zip(rows, ids, strict=True):
            row[0] = pk
        with self.connection.cursor() as cursor:
            write = self._copy if self.connection.vendor == "postgresql" else cursor.executemany
            write(table.sql, rows)
            if table.history is not None:
                history_row = table.history.row
                write(table.history.sql, [history_row(row, user) for row, user in zip(rows, users, strict=True)])

    def _copy(self, sql: str, rows: list) -> None:
        """PostgreSQL's COPY through psycopg (the cursor under Django's wrapper); values are plain Python
        str, int, bool, date and aware datetime, which psycopg writes in COPY's text format."""
        with self.connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
