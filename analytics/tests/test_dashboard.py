"""The back-office analytics pages: charts for staff, the same restricted to a seller, CSV, failures."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

URL = "/admin/analytics/"


def _sales(store, *rows) -> None:
    store.insert(
        "daily_sales_aggregation",
        [
            {
                "day": day,
                "category_id": category,
                "seller_id": seller,
                "orders": orders,
                "units": units,
                "revenue": Decimal(revenue),
                "average_order_value": Decimal(revenue) / orders,
                "version": 1,
            }
            for day, category, seller, orders, units, revenue in rows
        ],
    )


def _activity(store, *rows) -> None:
    store.insert(
        "product_activity_aggregation",
        [
            {
                "day": day,
                "product_id": product.pk,
                "seller_id": product.seller_id,
                "category_id": product.category_id,
                "views": views,
                "cart_adds": adds,
                "orders": orders,
                "units": orders,
                "revenue": Decimal(revenue),
                "version": 1,
            }
            for day, product, views, adds, orders, revenue in rows
        ],
    )


@pytest.fixture
def figures(warehouse, seller, other_seller):
    today = timezone.now().date()
    kitchen = CategoryFactory(name="Kitchen")
    mine = ProductFactory(seller=seller, category=kitchen, title="Seller's kettle")
    theirs = ProductFactory(seller=other_seller, category=kitchen, title="=Other's mower")
    _sales(
        warehouse,
        (today, kitchen.pk, seller.pk, 2, 3, "59.97"),
        (today, kitchen.pk, other_seller.pk, 1, 1, "1234.56"),
        (today - timedelta(days=1), kitchen.pk, seller.pk, 1, 1, "19.99"),
    )
    _activity(warehouse, (today, mine, 40, 8, 2, "59.97"), (today, theirs, 10, 2, 1, "1234.56"))
    return {"today": today, "mine": mine, "theirs": theirs, "kitchen": kitchen}


def test_staff_see_every_chart_with_the_whole_shops_figures(client, staff, figures):
    client.force_login(staff)

    response = client.get(URL)

    assert response.status_code == 200
    tables = response.context["tables"]
    assert set(tables) == {
        "sales_over_time",
        "sales_by_category",
        "top_products",
        "top_sellers",
        "funnel",
        "active_users",
    }
    today = next(row for row in tables["sales_over_time"]["rows"] if row["period"] == figures["today"].isoformat())
    assert today["revenue"] == Decimal("1294.53")
    assert [row["product"] for row in tables["top_products"]["rows"]] == ["=Other's mower", "Seller's kettle"]
    assert [step["count"] for step in tables["funnel"]["rows"]] == [50, 10, 3]
    assert tables["funnel"]["rows"][1]["rate_from_previous_percent"] == 20.0
    assert b"chart.umd.min.js" in response.content


def test_a_seller_sees_only_their_own_products_figures(client, seller, figures):
    client.force_login(seller)

    response = client.get(URL)

    assert response.status_code == 200
    tables = response.context["tables"]
    assert "top_sellers" not in tables and "active_users" not in tables
    revenue = {row["period"]: row["revenue"] for row in tables["sales_over_time"]["rows"]}
    assert revenue[figures["today"].isoformat()] == Decimal("59.97")
    assert [row["product"] for row in tables["top_products"]["rows"]] == ["Seller's kettle"]
    assert [step["count"] for step in tables["funnel"]["rows"]] == [40, 8, 2]
    assert b"1234.56" not in response.content and b"mower" not in response.content


def test_a_seller_cannot_export_another_sellers_table(client, seller, figures):
    client.force_login(seller)

    assert client.get(URL, {"export": "top_sellers"}).status_code == 404
    exported = client.get(URL, {"export": "top_products"})
    assert b"mower" not in exported.content


def test_every_chart_exports_its_table_as_csv_with_formulas_defused(client, staff, figures):
    client.force_login(staff)

    for key in ("sales_over_time", "sales_by_category", "top_products", "top_sellers", "funnel", "active_users"):
        response = client.get(URL, {"export": key, "period": "week"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(client.get(URL, {"export": "top_products"}).content.decode())))
    assert rows[0] == ["product", "revenue", "units", "views"]
    assert rows[1][0] == "'=Other's mower"


def test_the_category_and_date_filters_narrow_the_figures(client, staff, figures):
    client.force_login(staff)
    other = CategoryFactory(name="Garden")

    empty = client.get(URL, {"category": other.pk})
    yesterday = (figures["today"] - timedelta(days=1)).isoformat()
    one_day = client.get(URL, {"start": yesterday, "end": yesterday})

    assert empty.context["tables"]["sales_by_category"]["rows"] == []
    assert b"Nothing in this range and category yet" in empty.content
    assert [row["revenue"] for row in one_day.context["tables"]["sales_over_time"]["rows"]] == [Decimal("19.99")]


def test_bad_filters_answer_400_with_what_to_fix(client, staff, figures):
    client.force_login(staff)

    response = client.get(URL, {"start": "2026-02-01", "end": "2026-01-01"})

    assert response.status_code == 400
    assert b"The start date is after the end date" in response.content


def test_a_warehouse_that_does_not_answer_gives_a_plain_page_not_an_error(client, staff, settings):
    settings.CLICKHOUSE_URL = "clickhouse://127.0.0.1:1/nowhere"
    client.force_login(staff)

    response = client.get(URL)

    assert response.status_code == 503
    assert b"The analytics warehouse is not answering" in response.content
    assert b"The shop itself is not affected" in response.content


def test_buyers_and_visitors_are_kept_out(client, buyer):
    assert client.get(URL).status_code == 302
    client.force_login(buyer)
    assert client.get(URL).status_code == 302


def test_the_back_office_index_links_the_dashboard(client, seller):
    client.force_login(seller)

    response = client.get(reverse("admin:index"))

    assert reverse("admin:analytics-dashboard").encode() in response.content


def test_a_date_range_defaults_to_the_last_thirty_days(client, staff, figures):
    client.force_login(staff)

    scope = client.get(URL).context["scope"]

    assert (scope.end - scope.start).days == 29 and scope.end == timezone.now().date()


def test_rows_left_by_an_older_aggregation_of_a_day_are_not_shown(client, staff, figures, warehouse):
    gone = CategoryFactory(name="Discontinued")
    stale = {
        "day": figures["today"],
        "category_id": gone.pk,
        "seller_id": staff.pk,
        "orders": 9,
        "units": 9,
        "revenue": Decimal("999.00"),
        "average_order_value": Decimal("111.00"),
        "version": 0,  # an earlier run wrote it; the newest run of that day no longer has the group
    }
    warehouse.insert("daily_sales_aggregation", [stale])
    client.force_login(staff)

    categories = client.get(URL).context["tables"]["sales_by_category"]["rows"]

    assert [row["category"] for row in categories] == ["Kitchen"]
