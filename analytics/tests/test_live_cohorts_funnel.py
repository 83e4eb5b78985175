"""The dashboard's live panel, cohort retention and per-product funnel: right figures, each seller's own only."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import BuyerFactory
from analytics import selectors
from analytics.tests.factories import raw_event
from analytics.tests.test_dashboard import _activity
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

URL = "/admin/analytics/"
LIVE = "/admin/analytics/live/"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _event(kind: str, payload: dict, minutes_ago: float) -> dict:
    return raw_event(kind, payload, _now() - timedelta(minutes=minutes_ago))


@pytest.fixture
def goods(seller, other_seller):
    return {"mine": ProductFactory(seller=seller, title="My kettle"), "theirs": ProductFactory(seller=other_seller)}


@pytest.fixture
def pulse(warehouse, goods):
    mine, theirs = goods["mine"], goods["theirs"]

    def viewed(product, minutes_ago):
        return _event("product_viewed", {"product_id": product.pk, "seller_id": product.seller_id}, minutes_ago)

    def ordered(product, minutes_ago):
        lines = [{"product_id": product.pk, "seller_id": product.seller_id}]
        return _event("order_placed", {"order_id": 1, "lines": lines}, minutes_ago)

    warehouse.insert(
        "products",
        [
            {
                "product_id": product.pk,
                "seller_id": product.seller_id,
                "category_id": product.category_id,
                "title": product.title,
                "price": product.price,
                "is_active": 1,
                "created_at": _now(),
                "updated_at": _now(),
                "version": 1,
            }
            for product in (mine, theirs)
        ],
    )
    warehouse.insert(
        "raw_events",
        [
            viewed(mine, 0.2),
            viewed(mine, 5),
            _event("cart_item_added", {"product_id": mine.pk}, 5),
            ordered(mine, 4),
            viewed(theirs, 1),
            viewed(theirs, 2),
            _event("cart_item_added", {"product_id": theirs.pk}, 2),
            _event("search_performed", {"q": "kettle"}, 3),
            viewed(mine, 90),  # older than the hour
        ],
    )
    return warehouse


def test_the_live_panel_counts_the_last_hour_per_minute_and_says_how_fresh(client, staff, pulse):
    client.force_login(staff)

    figures = client.get(LIVE).json()

    assert len(figures["minutes"]) == len(figures["events"]) == 60
    assert figures["totals"] == {"events": 8, "cart_additions": 2, "orders": 1}
    assert sum(figures["events"][-2:]) >= 1  # the view a few seconds ago
    assert 0 <= figures["newest_event_age_seconds"] < 60
    page = client.get(URL)
    assert page.status_code == 200 and b"analytics-live.js" in page.content
    assert b'data-live-url="/admin/analytics/live/"' in page.content


def test_a_seller_sees_only_the_live_events_about_their_own_products(client, seller, pulse):
    client.force_login(seller)

    figures = client.get(LIVE).json()

    assert figures["totals"] == {"events": 4, "cart_additions": 1, "orders": 1}


def test_the_page_and_its_live_script_keep_to_the_strict_csp(client, staff, pulse):
    client.force_login(staff)

    page = client.get(URL)

    scripts = re.findall(rb"<script([^>]*)>", page.content)
    assert scripts and all(b"src=" in attributes or b'type="application/json"' in attributes for attributes in scripts)
    assert "'unsafe-inline'" not in page["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    assert client.get("/static/js/analytics-live.js").status_code == 200


def test_the_live_endpoint_is_for_the_back_office_only(client, buyer, warehouse):
    assert client.get(LIVE).status_code == 302
    client.force_login(buyer)
    assert client.get(LIVE).status_code == 302


def _order(order_id: int, buyer, product, weeks_ago: int, *, status: str = "delivered") -> tuple[dict, dict]:
    monday = timezone.now().date() - timedelta(days=timezone.now().date().weekday())
    at = datetime.combine(monday - timedelta(weeks=weeks_ago), datetime.min.time()) + timedelta(hours=10)
    order = {
        "order_id": order_id,
        "buyer_id": buyer.pk,
        "status": status,
        "total": Decimal("10.00"),
        "currency": "USD",
        "created_at": at,
        "updated_at": at,
        "version": 1,
    }
    line = {
        "line_id": order_id,
        "order_id": order_id,
        "product_id": product.pk,
        "seller_id": product.seller_id,
        "category_id": product.category_id,
        "title": product.title,
        "unit_price": Decimal("10.00"),
        "quantity": 1,
        "line_total": Decimal("10.00"),
        "order_created_at": at,
        "version": 1,
    }
    return order, line


@pytest.fixture
def cohorts(warehouse, goods):
    mine, theirs = goods["mine"], goods["theirs"]
    ann, bob, cai, dee = (BuyerFactory() for _ in range(4))
    placed = [
        _order(1, ann, mine, 3),  # ann: first in week -3, again 1 and 2 weeks later
        _order(2, ann, mine, 2),
        _order(3, ann, theirs, 1),
        _order(4, bob, mine, 3),  # bob: once
        _order(5, cai, theirs, 3),  # cai: first with the other seller, then with mine
        _order(6, cai, mine, 2),
        _order(7, dee, mine, 2, status="cancelled"),  # cancelled: not a purchase
    ]
    warehouse.insert("orders", [order for order, _ in placed])
    warehouse.insert("order_lines", [line for _, line in placed])
    return {"ann": ann, "bob": bob, "cai": cai}


def _cohort_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_cohorts_group_shoppers_by_their_first_week_and_count_who_came_back(client, staff, cohorts):
    client.force_login(staff)

    rows = client.get(URL).context["reports"]["cohorts"]["rows"]

    assert [(row["shoppers"], row["week_1"], row["week_2"], row["week_3"]) for row in rows] == [(3, 66.7, 33.3, 0.0)]
    assert rows[0]["week_4"] is None  # still to come (week 3 is this week, so far)
    exported = _cohort_rows(client.get(URL, {"export": "cohorts"}))
    assert exported[0]["shoppers"] == "3" and exported[0]["week 1"] == "66.7"  # headers are for people


def test_a_seller_sees_the_cohorts_of_their_own_customers_only(client, seller, cohorts):
    client.force_login(seller)

    rows = client.get(URL).context["reports"]["cohorts"]["rows"]

    # mine: ann and bob first bought in week -3 (ann again in week -2); cai first bought from me in week -2
    assert [(row["shoppers"], row["week_1"]) for row in rows] == [(2, 50.0), (1, 0.0)]
    assert [row["shoppers"] for row in _cohort_rows(client.get(URL, {"export": "cohorts"}))] == ["2", "1"]


def _scope(seller, *, category_ids) -> selectors.Scope:
    today = timezone.now().date()
    return selectors.Scope(
        start=today - timedelta(days=60), end=today, category_ids=tuple(category_ids), seller_id=seller.pk
    )


def test_lines_copied_twice_count_once_for_the_seller_and_follow_the_newest_copy_by_category(
    client, seller, warehouse, cohorts, goods
):
    """A later sync writes every line again under a newer version: the seller's cohorts are the same
    (their orders are found without FINAL), and a category narrows by the line's newest copy."""
    lines = warehouse.query("SELECT * FROM order_lines")
    warehouse.insert("order_lines", [{**line, "version": 2} for line in lines])
    client.force_login(seller)

    rows = client.get(URL).context["reports"]["cohorts"]["rows"]
    assert [(row["shoppers"], row["week_1"]) for row in rows] == [(2, 50.0), (1, 0.0)]

    # The seller's product moved to a new category since: its newest copies say so.
    moved = goods["mine"].category_id + 1000
    warehouse.insert(
        "order_lines",
        [{**line, "category_id": moved, "version": 3} for line in lines if line["seller_id"] == seller.pk],
    )
    by_old_category = selectors.cohort_retention(_scope(seller, category_ids=[goods["mine"].category_id]))
    by_new_category = selectors.cohort_retention(_scope(seller, category_ids=[moved]))
    assert by_old_category == []
    assert [(row["shoppers"], row["week_1"]) for row in by_new_category] == [(2, 50.0), (1, 0.0)]


def _funnel(store, *rows) -> None:
    """(product, views, cart additions, purchases) today."""
    today = timezone.now().date()
    _activity(store, *((today, product, views, adds, bought, "0") for product, views, adds, bought in rows))


def test_the_per_product_funnel_sorts_to_show_the_listings_that_leak(client, seller, warehouse, goods):
    leaky = ProductFactory(seller=seller, title="Leaky lamp")
    _funnel(warehouse, (goods["mine"], 100, 20, 10), (leaky, 300, 30, 1), (goods["theirs"], 50, 5, 5))
    client.force_login(seller)

    by_views = client.get(URL).context["reports"]["product_funnel"]["rows"]
    leaks = client.get(URL, {"funnel_sort": "view_to_purchase", "funnel_order": "asc"})

    assert [row["product"] for row in by_views] == ["Leaky lamp", "My kettle"]
    assert by_views[1]["view_to_cart_percent"] == 20.0 and by_views[1]["cart_to_purchase_percent"] == 50.0
    assert [row["product"] for row in leaks.context["reports"]["product_funnel"]["rows"]] == ["Leaky lamp", "My kettle"]
    assert b'aria-sort="ascending"' in leaks.content
    exported = _cohort_rows(client.get(URL, {"export": "product_funnel"}))
    assert {row["product"] for row in exported} == {"Leaky lamp", "My kettle"}
    assert client.get(URL, {"funnel_sort": "price"}).status_code == 400


def test_staff_see_every_products_funnel(client, staff, warehouse, goods):
    _funnel(warehouse, (goods["mine"], 100, 20, 10), (goods["theirs"], 50, 5, 5))
    client.force_login(staff)

    rows = client.get(URL, {"funnel_sort": "purchases"}).context["reports"]["product_funnel"]["rows"]

    assert [row["purchases"] for row in rows] == [10, 5]
