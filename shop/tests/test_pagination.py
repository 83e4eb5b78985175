"""A page and its list's total come in one query, with Django's Paginator's answers: the same
pages, the same errors, and a total no row keeps once it is read."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from shop.pagination import CountingPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def products():
    ProductFactory.create_batch(7)
    return Product.objects.order_by("id")


def _page(paginator_class, queryset, per_page, number, **options):
    paginator = paginator_class(queryset, per_page, **options)
    with CaptureQueriesContext(connection) as sent:
        page = paginator.page(number)
    return page, len(sent.captured_queries)


@pytest.mark.parametrize(
    ("per_page", "number", "orphans"), [(3, 1, 0), (3, 2, 0), (3, 3, 0), (7, 1, 0), (3, 2, 1), (5, 1, 2)]
)
def test_every_page_is_django_s_page_in_one_query(products, per_page, number, orphans):
    ours, queries = _page(CountingPaginator, products, per_page, number, orphans=orphans)
    django_s, _ = _page(Paginator, products, per_page, number, orphans=orphans)

    assert queries == 1
    assert [p.pk for p in ours] == [p.pk for p in django_s]
    assert ours.paginator.count == django_s.paginator.count == 7
    assert (ours.has_next(), ours.has_previous(), ours.paginator.num_pages) == (
        django_s.has_next(),
        django_s.has_previous(),
        django_s.paginator.num_pages,
    )
    assert not any("page_total" in vars(product) for product in ours)


def test_the_total_is_the_list_s_not_the_page_s(products):
    page, _ = _page(CountingPaginator, products.filter(pk__gt=products[1].pk), 2, 2)

    assert page.paginator.count == 5 and len(page) == 2


def test_an_empty_list_has_an_empty_first_page_in_one_query():
    page, queries = _page(CountingPaginator, Product.objects.order_by("id"), 5, 1)

    assert (list(page), page.paginator.count, queries) == ([], 0, 1)


@pytest.mark.parametrize(
    ("number", "error"), [(4, EmptyPage), (0, EmptyPage), ("x", PageNotAnInteger), (1.5, PageNotAnInteger)]
)
def test_pages_that_are_not_there_are_refused_as_django_refuses_them(products, number, error):
    for paginator_class in (CountingPaginator, Paginator):
        with pytest.raises(error):
            paginator_class(products, 3).page(number)


def test_a_page_of_orphans_only_is_past_the_end(products):
    with pytest.raises(EmptyPage):
        CountingPaginator(products, 3, orphans=1).page(3)  # its one row went to page 2


def test_get_page_falls_back_as_django_s_does(products):
    paginator = CountingPaginator(products, 3)

    assert [paginator.get_page(n).number for n in ("x", 9, -1, "2")] == [1, 3, 3, 2]


def test_a_known_total_is_not_counted_again(products):
    paginator = CountingPaginator(products, 3)
    paginator.count = 7

    with CaptureQueriesContext(connection) as sent:
        list(paginator.page(2))

    assert not any("COUNT(" in query["sql"] for query in sent.captured_queries)


def test_a_list_that_is_not_a_model_queryset_pages_as_django_s(products):
    ids = list(products.values_list("pk", flat=True))

    assert list(CountingPaginator(ids, 3).page(3)) == ids[6:]
    assert list(CountingPaginator(products.values("pk"), 3).page(1)) == [{"pk": pk} for pk in ids[:3]]


def test_the_api_list_and_its_cursor_carry_the_list_s_total_in_one_query(client, settings):
    settings.CATALOGUE_COUNT_SECONDS = 0
    ProductFactory.create_batch(5)

    queries = []
    with CaptureQueriesContext(connection) as sent:
        first = client.get("/api/v1/products?page_size=2").json()
    queries.append(len(sent.captured_queries))  # read now: the next request empties the log
    with CaptureQueriesContext(connection) as sent:
        second = client.get(f"/api/v1/products?page_size=2&cursor={first['next_cursor']}").json()
    queries.append(len(sent.captured_queries))
    last = client.get("/api/v1/products?page_size=2&page=3").json()
    past = client.get("/api/v1/products?page_size=2&page=4")

    assert queries == [1, 1]
    assert first["count"] == second["count"] == last["count"] == 5
    assert len(second["results"]) == 2 and len(last["results"]) == 1 and last["next"] is None
    assert past.status_code == 404


def test_an_empty_page_after_a_cursor_keeps_the_list_s_total(client, settings):
    settings.CATALOGUE_COUNT_SECONDS = 30  # shared, as deployed: a wrong total would stay for everyone
    ProductFactory.create_batch(3)
    first = client.get("/api/v1/products?page_size=3").json()
    last_cursor = keyset_after_last(first)
    from django.core.cache import cache

    cache.clear()  # the total is not known when the empty cursor page is read

    after_the_end = client.get(f"/api/v1/products?page_size=3&cursor={last_cursor}").json()
    again = client.get("/api/v1/products?page_size=1&page=3")

    assert after_the_end["results"] == [] and after_the_end["count"] == 3
    assert again.status_code == 200 and again.json()["count"] == 3


def keyset_after_last(answer: dict) -> str:
    """A cursor after the answer's last row (the API gives none at the end of the list)."""
    from catalog.models import Product
    from shop.api import cursor as keyset

    last = Product.objects.get(pk=answer["results"][-1]["id"])
    ordering = keyset.ordering_of(Product.objects.order_by("-created_at", "-id"))
    return keyset.encode(last, ordering, keyset.scope_of("/api/v1/products", []))


def test_a_page_number_far_past_the_end_is_a_404_or_the_last_page(client, settings):
    settings.CATALOGUE_COUNT_SECONDS = 0
    ProductFactory.create_batch(3)

    with CaptureQueriesContext(connection) as sent:
        refused = client.get("/api/v1/products?page=10000000000000000000")
    queries = [query["sql"] for query in sent.captured_queries]  # read now: the next request empties the log
    shown = client.get("/products/?page=10000000000000000000")

    assert refused.status_code == 404
    assert ["COUNT(" in sql and "OFFSET" not in sql for sql in queries] == [True]  # counted, not walked
    assert shown.status_code == 200 and shown.context["page"].number == 1


def test_a_shared_total_is_read_from_the_cache_and_the_page_is_one_query(client, settings):
    settings.CATALOGUE_COUNT_SECONDS = 30
    ProductFactory.create_batch(5)

    sent = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            answer = client.get("/api/v1/products?page_size=2&page=2").json()
        sent.append([query["sql"] for query in captured.captured_queries])

    assert answer["count"] == 5 and len(answer["results"]) == 2
    assert [len(queries) for queries in sent] == [1, 1]
    assert "COUNT(" in sent[0][0] and "COUNT(" not in sent[1][0]  # counted once, then shared


def test_grouped_and_combined_lists_page_as_django_s(products):
    from django.db.models import Count

    from accounts.models import User

    grouped = User.objects.annotate(products_sold=Count("products")).order_by("pk")
    combined = products.filter(pk__lte=products[2].pk).union(products.filter(pk__gte=products[5].pk)).order_by("pk")

    for queryset in (grouped, combined):
        ours, django_s = CountingPaginator(queryset, 2).page(2), Paginator(queryset, 2).page(2)
        assert [getattr(row, "pk", row) for row in ours] == [getattr(row, "pk", row) for row in django_s]
        assert ours.paginator.count == django_s.paginator.count
