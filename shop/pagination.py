"""Pagination: a page and its total in one query, and a total shared between requests for the
public catalogue."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import models
from django.db.models.query import ModelIterable
from django.utils.functional import cached_property

TOTAL = "page_total"  # the annotation a page's rows carry their list's total in, while it is read
# Rows a page may skip in the one-query path; deeper pages count first, as Django's Paginator does, so
# a page number far past the end costs a count, not a walk through every row with its subqueries.
ONE_QUERY_DEPTH = 2_000


class RowCount(models.Expression):
    """How many rows `queryset` matches, as a column: `(SELECT COUNT(*) FROM (…))`.

    Uncorrelated, so the database counts once for the whole statement (PostgreSQL's InitPlan), not
    once a row; the inner query selects the key alone, so joins and annotations it does not filter
    on are left out, and the count reads the same indexes COUNT(*) alone would.
    """

    output_field = models.BigIntegerField()
    empty_result_set_value = 0

    def get_group_by_cols(self):
        return []  # one value for the whole statement: a grouped list (sellers and their counts) is not grouped by it

    def __init__(self, queryset: models.QuerySet) -> None:
        super().__init__()
        self.counted = queryset.order_by().values("pk")

    def as_sql(self, compiler, connection):
        inner, params = self.counted.query.get_compiler(connection=connection).as_sql()
        return f"(SELECT COUNT(*) FROM ({inner}) counted_rows)", params  # noqa: S608 (compiled by the ORM)


def with_total(queryset: models.QuerySet, counted: models.QuerySet) -> models.QuerySet:
    """`queryset` with each row carrying the number of rows `counted` matches."""
    return queryset.annotate(**{TOTAL: RowCount(counted)})


def take_total(rows: list) -> int | None:
    """The total the rows of `with_total` carry (None when there are none), taken off them: a row
    looks as it would have without it (product cards key their cache on every loaded value)."""
    totals = [row.__dict__.pop(TOTAL) for row in rows]
    return totals[0] if totals else None


class CountingPaginator(Paginator):
    """Fetches a page and the list's total in one query, where Django's Paginator sends two.

    Under load a query's round trip costs about as much as counting ten thousand rows (the worker
    sleeps, the database wakes, the worker wakes again); with its images in the same query too
    (catalog.image_rows), the API list went from 0.73× to 0.88× of a bare DRF list on two cores
    (docs/benchmarks.md). The total and the rows come from one snapshot, too. An empty page past
    the first still counts on its own, to tell "no such page" (404, or the last page on the
    storefront) from an empty list; a page deeper than ONE_QUERY_DEPTH rows, or one whose total is
    known, is Django's (the total first).
    """

    _asked_for_total = False

    def page(self, number) -> Page:
        number = _whole_number(number, self.error_messages)
        bottom = (number - 1) * self.per_page
        if bottom > ONE_QUERY_DEPTH or self._total_known():
            return super().page(number)  # the total first, as Django does: a page past the end is not read
        rows, _ = self.rows_and_count(self.object_list, bottom, bottom + self.per_page + self.orphans)
        if not rows and number > 1:  # past the end, or the rows went since: the total decides
            return super().page(number)
        number = self.validate_number(number)  # a page of orphans only is past the last one
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(rows[: top - bottom], number, self)

    def get_page(self, number) -> Page:
        """As Django's: a page that is not a number shows the first, one out of range the last."""
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def rows_and_count(self, rows: models.QuerySet, bottom: int, top: int) -> tuple[list, int]:
        """`rows[bottom:top]` (rows drawn from this paginator's list: the list itself, or the rows
        after a cursor) and the list's total, in one query unless the total is known already."""
        if self._total_known() or not _is_model_queryset(rows):
            return list(rows[bottom:top]), self.count
        fetched = list(with_total(rows, counted=self.object_list)[bottom:top])
        total = take_total(fetched)
        if total is None and bottom == 0 and rows is self.object_list:  # no row at all: an empty list
            total = 0
        if total is None:  # no row to carry it (past the end, or nothing after the cursor)
            return fetched, self.count
        self.count = total
        self.counted(total)
        return fetched, total

    def _total_known(self) -> bool:
        """Whether the total is known without counting (set by a caller, or shared: asked once)."""
        if "count" not in self.__dict__ and not self._asked_for_total:
            self._asked_for_total = True
            known = self.known_count()
            if known is not None:
                self.count = known
        return "count" in self.__dict__

    def known_count(self) -> int | None:
        """A total known without counting (none here)."""
        return None

    def counted(self, total: int) -> None:
        """Told the total a page's query counted."""


class SharedCountPaginator(CountingPaginator):
    """Counts the matching rows once per CATALOGUE_COUNT_SECONDS for every request that asks
    the same query.

    On a large catalogue, counting every visible product costs PostgreSQL more than fetching
    the page (about 20 ms for 100k products, docs/benchmarks.md, Load), and the catalogue
    lists are the most requested pages. Their total may lag changes by those seconds; the
    items on the page are always fresh. Lists a person checks after their own change (a
    seller's products, a cart) keep the exact count of the plain Paginator.
    """

    @cached_property
    def count(self) -> int:
        if self._total_known():
            return self.__dict__["count"]
        count = super().count
        self.counted(count)
        return count

    def known_count(self) -> int | None:
        key = self._key
        return None if key is None else cache.get(key)

    def counted(self, total: int) -> None:
        if self._key is not None:
            cache.set(self._key, total, settings.CATALOGUE_COUNT_SECONDS)

    @cached_property
    def _key(self) -> str | None:
        """The cache key of this query's total, named by the SQL of what is counted (the rows'
        keys under the list's filters: a sixth of the cost of the whole list's SQL, which brings
        its joins, annotations and order); None when the total is not shared."""
        if not settings.CATALOGUE_COUNT_SECONDS or not isinstance(self.object_list, models.QuerySet):
            return None
        try:
            sql = repr(self.object_list.order_by().values("pk").query.sql_with_params())  # parameters apart
        except EmptyResultSet:  # `.none()` has no SQL to name it by
            return None
        return "catalogue-count:" + hashlib.sha256(sql.encode()).hexdigest()


def _is_model_queryset(object_list) -> bool:
    """A queryset of model instances that a column can be added to (not a union, not sliced)."""
    return (
        isinstance(object_list, models.QuerySet)
        and issubclass(object_list._iterable_class, ModelIterable)
        and not object_list.query.combinator
        and not object_list.query.is_sliced
    )


def _whole_number(number, messages: dict) -> int:
    """Django's Paginator.validate_number, short of the upper bound (which needs the total)."""
    try:
        if isinstance(number, float) and not number.is_integer():
            raise ValueError
        number = int(number)
    except (TypeError, ValueError):
        raise PageNotAnInteger(messages["invalid_page"]) from None
    if number < 1:
        raise EmptyPage(messages["min_page"])
    return number


def paginate(request, queryset, per_page: int = 24, *, shared_count: bool = False, count: int | None = None) -> Page:
    """The requested page; a page number out of range shows the nearest real page.

    `shared_count`: a public catalogue list, whose total may be CATALOGUE_COUNT_SECONDS old.
    `count`: the total, when a row already keeps it (a product's visible reviews): no count query."""
    paginator = (SharedCountPaginator if shared_count else CountingPaginator)(queryset, per_page)
    if count is not None:
        paginator.count = count
    return paginator.get_page(request.GET.get("page"))


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
