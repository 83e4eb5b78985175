"""Queries that never change, turned into SQL once per process: their rows are read fresh every time.

Django builds a query's SQL anew each time it is evaluated. For a page that runs the same query on
every request that work is repeated for nothing, and it can cost more than the database: the home
page's two shelves took 1.5 ms of CPU to read, 1.05 ms of it building their SQL (docs/benchmarks.md).
A FixedQuery builds it on its first call (per arguments and database) and keeps it, with what
Django's compiler learnt while building it (which columns go to which model and annotation); later
calls hand both to Django, which runs the SQL and builds the model instances as it always does.

Only for a query fixed by its arguments: nothing a request adds (a filter, a limit) may change its
SQL, so a FixedQuery is called, never refined. Values bound at build time stay bound (no "now").
It keeps the SQL of a few argument sets (`most`, 8 unless told): arguments past those (a caller
that passed a value from a request, say) get the usual way, each call, rather than a process
whose memory grows with every value a client sends.
`shop/tests/test_fixed_queries.py` holds its rows to those of the same queryset run the usual way,
so a Django upgrade that changes the compiler's bookkeeping fails there, not on a page.
"""

import threading
from collections.abc import Callable, Hashable

from django.db.models import QuerySet

# What SQLCompiler.execute_sql and ModelIterable read from the compiler after as_sql built the SQL.
_COMPILER_STATE = ("select", "klass_info", "annotation_col_map", "col_count", "has_extra_select")


class FixedQuery:
    """`FixedQuery(build)(*args)` is `list(build(*args))`, with the SQL built once per `args` and database."""

    def __init__(self, build: Callable[..., QuerySet], *, most: int = 8) -> None:
        self._build = build
        self._most = most
        self._querysets: dict[tuple, QuerySet] = {}
        self._compiled: dict[tuple, tuple] = {}
        self._lock = threading.Lock()

    def __call__(self, *args: Hashable) -> list:
        if args not in self._querysets and len(self._querysets) >= self._most:
            return list(self._build(*args))  # past the few it keeps: built and run the usual way
        queryset = self._queryset(args).all()  # a clone per call: its result cache is the call's own
        compiler = queryset.query.get_compiler(using=queryset.db)
        key = (args, queryset.db)
        compiled = self._compiled.get(key)
        if compiled is None:
            sql = compiler.as_sql()
            compiled = self._compiled.setdefault(key, (sql, tuple(getattr(compiler, name) for name in _COMPILER_STATE)))
        else:
            for name, value in zip(_COMPILER_STATE, compiled[1], strict=True):
                setattr(compiler, name, value)
        sql = compiled[0]
        compiler.as_sql = lambda *_, **__: sql
        queryset.query.get_compiler = lambda *_, **__: compiler
        return list(queryset)

    def _queryset(self, args: tuple) -> QuerySet:
        queryset = self._querysets.get(args)
        if queryset is None:
            with self._lock:
                queryset = self._querysets.setdefault(args, self._build(*args))
        return queryset
