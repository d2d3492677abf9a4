"""Queries compiled once per process, for the few requests everyone makes.

Django builds a QuerySet's SQL again each time it is evaluated. For the
queries of the reply link, which every unit of the province opens and posts
in conference week, building the SQL and the select-related machinery cost
several times what PostgreSQL takes to run them (benchmarks/README.md). A
:class:`CompiledQuery` compiles its QuerySet once per database alias, with a
placeholder for the one value that changes (an id), then runs that SQL with
the value and builds the results the way Django's own iterables do: model
instances with their ``select_related`` relations and annotations, or the
tuples of ``values_list()``, through the same converters.

It relies on the compiler's results (``select``, ``klass_info``, the
converters) and on ``RelatedPopulator``: Django internals.
``tests/invitations/test_compiled.py`` compares its results with the QuerySet's, so an
upgrade of Django that changes them fails there, not in production.

A ``select_for_update()`` query must run in a transaction, as with the ORM
(checked here when it runs, as Django checks when it compiles).

On PostgreSQL the SQL is also prepared on the server, once per connection
(``PREPARE``, then ``EXECUTE`` with the values): PostgreSQL then neither
parses nor, after its first few runs, plans it again. Planning the reply
link's query (four tables and the delegates' subquery) took four times as long
as running it. A statement that PostgreSQL cannot prepare (a parameter whose
type it cannot infer) runs as plain SQL; prepared statements live as long as
the connection, and a new connection prepares them again. :class:`Prepared`
does the same for SQL written by hand (the reply's write, invitations.services).
"""

from __future__ import annotations

import itertools
import re
import threading
import weakref
from collections.abc import Callable
from contextlib import nullcontext

from django.db import ProgrammingError, connections, transaction
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

# The value the QuerySet is built with, found again in the compiled parameters.
PLACEHOLDER = -2_147_483_641

_names = itertools.count(1)
_PARAMETER = re.compile(r"%[s%]")


def _numbered(sql: str) -> str:
    """psycopg2's ``%s`` parameters as PostgreSQL's ``$1, $2 …`` (and ``%%`` as ``%``)."""
    numbers = itertools.count(1)
    return _PARAMETER.sub(lambda match: "%" if match.group() == "%%" else f"${next(numbers)}", sql)


class Prepared:
    """SQL (with psycopg2's ``%s`` parameters) prepared on PostgreSQL once per
    connection; elsewhere, or when PostgreSQL cannot prepare it, run as it is."""

    def __init__(self, sql: str, *, using: str = "default"):
        self.sql, self.db = sql, using
        self.name = f"prepared_{next(_names)}"
        count = sum(1 for match in _PARAMETER.finditer(sql) if match.group() == "%s")
        self.execute_sql = f"EXECUTE {self.name}({', '.join(['%s'] * count)})" if count else f"EXECUTE {self.name}"
        self.enabled = connections[using].vendor == "postgresql"
        self.prepared_on = weakref.WeakSet()  # the driver's connections that have it

    def execute(self, cursor, params) -> None:
        """Run on ``cursor`` (a cursor of this statement's database) with ``params``."""
        prepared = self.enabled and self._prepared(connections[self.db], cursor)
        cursor.execute(self.execute_sql if prepared else self.sql, params)

    def _prepared(self, connection, cursor) -> bool:
        """Whether the statement is prepared on the connection of ``cursor``
        (opened already: a connection found broken is replaced when a cursor is
        opened): prepared now if it is not yet, in a savepoint inside a
        transaction so that a failure leaves the transaction usable."""
        raw = connection.connection
        if raw in self.prepared_on:
            return True
        try:
            with transaction.atomic(using=self.db) if not connection.get_autocommit() else nullcontext():
                cursor.execute(f"PREPARE {self.name} AS {_numbered(self.sql)}")
        except ProgrammingError:  # e.g. a parameter whose type PostgreSQL cannot infer
            self.enabled = False  # plain SQL from now on
            return False
        self.prepared_on.add(raw)
        return True


class _Plan:
    def __init__(self, queryset: QuerySet):
        self.db = queryset.db
        self.kind = queryset._iterable_class
        if self.kind not in (ModelIterable, ValuesListIterable) or queryset.query.extra:
            raise ValueError("CompiledQuery takes model instances or a plain values_list().")
        if self.kind is ValuesListIterable and queryset.query.annotation_select:
            raise ValueError("CompiledQuery takes a values_list() of fields only.")
        self.for_update = queryset.query.select_for_update
        self.fetch_mode = queryset._fetch_mode
        compiler = queryset.query.get_compiler(using=self.db)
        self.sql, params = compiler.as_sql()  # select_for_update(): in a transaction only, as it must run
        params = list(params)
        if params.count(PLACEHOLDER) != 1:
            raise ValueError("The QuerySet must use the placeholder exactly once.")
        self.params = params
        self.index = params.index(PLACEHOLDER)
        self.compiler = compiler
        self.converters = compiler.get_converters([column[0] for column in compiler.select])
        if self.kind is ModelIterable:
            info = compiler.klass_info
            self.model = info["model"]
            start, end = info["select_fields"][0], info["select_fields"][-1] + 1
            self.model_slice = slice(start, end)
            self.init_list = [column[0].target.attname for column in compiler.select[start:end]]
        self.statement = Prepared(self.sql, using=self.db)

    def run(self, value) -> list:
        connection = connections[self.db]
        if self.for_update and connection.get_autocommit():
            raise transaction.TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        params = list(self.params)
        params[self.index] = value
        with connection.cursor() as cursor:
            self.statement.execute(cursor, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = [tuple(row) for row in self.compiler.apply_converters(rows, self.converters)]
        if self.kind is ValuesListIterable:
            return rows
        instances = []
        for row in rows:
            instance = self.model.from_db(self.db, self.init_list, row[self.model_slice], fetch_mode=self.fetch_mode)
            for populator in get_related_populators(self.compiler.klass_info, self.compiler.select, self.db, self.fetch_mode):
                populator.populate(row, instance)
            for name, position in self.compiler.annotation_col_map.items():
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances


class CompiledQuery:
    """``CompiledQuery(lambda value: Model.objects.filter(pk=value)…)``: the
    function builds the QuerySet from the placeholder; ``run(value)`` gives
    its results (a list) for that value, ``first(value)`` the first or None.
    Keep the QuerySet's order explicit (``order_by()``), as for any query."""

    def __init__(self, build: Callable[[int], QuerySet]):
        self.build = build
        self._plans: dict[str | None, _Plan] = {}
        self._lock = threading.Lock()

    def _plan(self, using: str | None) -> _Plan:
        plan = self._plans.get(using)
        if plan is None:
            with self._lock:
                plan = self._plans.get(using)
                if plan is None:
                    queryset = self.build(PLACEHOLDER)
                    plan = self._plans[using] = _Plan(queryset if using is None else queryset.using(using))
        return plan

    def run(self, value: int, *, using: str | None = None) -> list:
        return self._plan(using).run(value)

    def first(self, value: int, *, using: str | None = None):
        rows = self.run(value, using=using)
        return rows[0] if rows else None
