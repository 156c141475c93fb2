"""Querysets put together the same way on every request, compiled to SQL once.

The call log's counts per state are one query whose shape depends only on the
filters in the address and the schools of who is asking; its only changing value
is the time ("breached" and "at risk" are measured against now). Building it
through the ORM — the filter set's filters applied again, the target conditions'
expressions resolved and compiled — costs several times what PostgreSQL takes to
run it. `rows` keeps the compiled statement per process, keyed by what shapes it,
with the request's time as its one moving parameter, and runs it again with the
new time. Nothing about the result is kept: every request reads the database.

A statement is kept only when it is safe to run without the ORM:
- on PostgreSQL, where the time stays a parameter of its own (elsewhere it is
  written into the parameters as text);
- when the time appears in its parameters only as itself (compiled with a stand-in
  moment far in the past, replaced on each run), never inlined nor derived.
Otherwise the queryset is evaluated as usual, every time. The values read are put
through the same converters as the ORM's.
"""

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from datetime import UTC, datetime
from threading import Lock
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import BooleanField, Model, Q, QuerySet
from django.db.models.expressions import RawSQL

# What a statement is compiled with in place of the values that move from one run to
# the next: a moment no real time is anywhere near, and a list of ids that is only
# ever itself (found in the parameters by identity).
STAND_IN = datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
STAND_IN_IDS: list[int] = [-1]
KEPT = 512  # statements per process, the least recently used dropped first

_statements: OrderedDict[Hashable, "Statement | None"] = OrderedDict()
_lock = Lock()


def any_of(model: type[Model], column: str, ids: list[int], db: str) -> Q | RawSQL:
    """`column IN ids` as one array parameter on PostgreSQL (`= ANY(%s)`): a list of
    ids is then one value to send, and a statement for fifty ids is the statement
    for any number of them."""
    if connections[db].vendor != "postgresql":
        return Q(**{f"{column}__in": ids})
    ops = connections[db].ops
    # The table and column are the model's own; the ids one bound parameter.
    sql = f"{ops.quote_name(model._meta.db_table)}.{ops.quote_name(column)} = ANY(%s)"
    return RawSQL(sql, (ids,), output_field=BooleanField())  # noqa: S611


class Statement:
    """One compiled queryset: its SQL, parameters, where the moving values go in
    them, and the converters of its columns (as `SQLCompiler.apply_converters`
    uses them)."""

    def __init__(self, queryset: QuerySet, moving: Iterable[str]) -> None:
        compiler = queryset.query.get_compiler(using=queryset.db)
        self.db = queryset.db
        self.sql, params = compiler.as_sql()
        self.params = tuple(params)
        self.converters = compiler.get_converters([column for column, _, _ in compiler.select])
        self.positions = {
            name: tuple(i for i, value in enumerate(self.params) if _is_stand_in(name, value))
            for name in moving
        }

    @property
    def safe(self) -> bool:
        """Each moving value is a parameter of its own wherever it is used: nowhere
        written into the SQL, nothing worked out from it in Python."""
        if str(STAND_IN.year) in self.sql or not all(self.positions.values()):
            return False
        for value in self.params:
            if isinstance(value, datetime) and value.year < 1950 and value != STAND_IN:
                return False
            if isinstance(value, str) and str(STAND_IN.year) in value:
                return False
        return True

    def run(self, moving: dict[str, Any]) -> list[tuple]:
        values = list(self.params)
        for name, positions in self.positions.items():
            for index in positions:
                values[index] = moving[name]
        connection = connections[self.db]
        with _server_binding_cursor(connection) as cursor:
            cursor.execute(self.sql, values)
            found = cursor.fetchall()
        if not self.converters:
            return found
        rows = []
        for row in found:
            row = list(row)
            for index, (functions, expression) in self.converters.items():
                value = row[index]
                for function in functions:
                    value = function(value, expression, connection)
                row[index] = value
            rows.append(tuple(row))
        return rows


def _server_binding_cursor(connection: BaseDatabaseWrapper) -> CursorWrapper:
    """A cursor that sends the parameters apart from the statement (psycopg's own
    binding, not the client-side one Django uses), wrapped as Django wraps its own
    (so it is counted and logged alike). The statement's text is then the same on
    every run, and psycopg prepares it on a connection once it has run a few
    times there: PostgreSQL stops planning it afresh for every request."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    connection.validate_thread_sharing()
    # django-stubs know only the psycopg 2 cursor's signature.
    raw: Any = ServerBindingCursor(connection.connection)  # type: ignore[call-arg]
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


def _is_stand_in(name: str, value: Any) -> bool:
    if name == "now":
        return isinstance(value, datetime) and value == STAND_IN
    return value is STAND_IN_IDS


def _compile(queryset: QuerySet, moving: Iterable[str]) -> Statement | None:
    if connections[queryset.db].vendor != "postgresql":
        return None
    try:
        statement = Statement(queryset, moving)
    except EmptyResultSet:  # nothing to read, whatever the moving values
        return None
    return statement if statement.safe else None


def rows(key: Hashable, build: Callable[..., QuerySet], **moving: Any) -> list[tuple]:
    """The rows of `build(**moving)` (a `values_list` queryset), compiled once per `key`.

    `moving` are the values that change from one run to the next: `now` (a
    datetime) and `ids` (a list of ids, which `build` filters with `any_of`).
    `key` must name everything else the queryset's SQL depends on: the caller's
    filters, the person and their schools."""
    with _lock:
        kept = _statements.get(key, False)
        if kept is not False:
            _statements.move_to_end(key)
    if kept is False:
        stand_ins = {name: STAND_IN if name == "now" else STAND_IN_IDS for name in moving}
        kept = _compile(build(**stand_ins), moving)
        with _lock:
            _statements[key] = kept
            while len(_statements) > KEPT:
                _statements.popitem(last=False)
    if kept is None:
        return list(build(**moving))
    return kept.run(moving)


def forget() -> None:
    """Drop every kept statement (the tests, after changing what shapes one)."""
    with _lock:
        _statements.clear()
