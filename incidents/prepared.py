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
from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from threading import Lock

from django.db import connections
from django.db.models import QuerySet

# The moment a statement is compiled with: no real time is anywhere near it.
STAND_IN = datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
KEPT = 512  # statements per process, the least recently used dropped first

_statements: OrderedDict[Hashable, "Statement | None"] = OrderedDict()
_lock = Lock()


class Statement:
    """One compiled queryset: its SQL, parameters, where the time goes in them, and
    the converters of its columns (as `SQLCompiler.apply_converters` uses them)."""

    def __init__(self, queryset: QuerySet) -> None:
        compiler = queryset.query.get_compiler(using=queryset.db)
        self.db = queryset.db
        self.sql, params = compiler.as_sql()
        self.params = tuple(params)
        self.converters = compiler.get_converters([column for column, _, _ in compiler.select])
        self.positions = tuple(
            index
            for index, value in enumerate(self.params)
            if isinstance(value, datetime) and value == STAND_IN
        )

    @property
    def safe(self) -> bool:
        """The time is a parameter of its own wherever it is used: nowhere written
        into the SQL, no moment worked out from it in Python."""
        if str(STAND_IN.year) in self.sql:
            return False
        for value in self.params:
            if isinstance(value, datetime) and value.year < 1950 and value != STAND_IN:
                return False
            if isinstance(value, str) and str(STAND_IN.year) in value:
                return False
        return True

    def run(self, now: datetime) -> list[tuple]:
        values = list(self.params)
        for index in self.positions:
            values[index] = now
        connection = connections[self.db]
        with connection.cursor() as cursor:
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


def _compile(queryset: QuerySet) -> Statement | None:
    if connections[queryset.db].vendor != "postgresql":
        return None
    statement = Statement(queryset)
    return statement if statement.safe else None


def rows(key: Hashable, build: Callable[[datetime], QuerySet], now: datetime) -> list[tuple]:
    """The rows of `build(now)` (a `values_list` queryset), compiled once per `key`.

    `key` must name everything the queryset's SQL depends on but the time: the
    caller's filters, the person and their schools."""
    with _lock:
        kept = _statements.get(key, False)
        if kept is not False:
            _statements.move_to_end(key)
    if kept is False:
        kept = _compile(build(STAND_IN))
        with _lock:
            _statements[key] = kept
            while len(_statements) > KEPT:
                _statements.popitem(last=False)
    if kept is None:
        return list(build(now))
    return kept.run(now)


def forget() -> None:
    """Drop every kept statement (the tests, after changing what shapes one)."""
    with _lock:
        _statements.clear()
