"""Drill: ClickHouse stops. The analytics page says so plainly and the rest of the admin works;
the pipeline run fails and is recorded; once ClickHouse is back, the next run catches up.

Stops and starts the project's own ClickHouse (scripts/stack), so it runs with the other drills.
"""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from accounts.tests.factories import BuyerFactory
from analytics.models import PipelineRun
from analytics.tests.test_pipeline import _buy, shop_revenue_by_day, warehouse_revenue_by_day
from shop.testing import stack

pytestmark = [pytest.mark.drill, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("warehouse", ["clickhouse-server"], indirect=True)
def test_clickhouse_down_the_admin_says_so_and_the_next_run_catches_up(warehouse, spark, api_as, client, staff, shop):
    _buy(api_as, BuyerFactory(), (shop["kettle"], 1))
    call_command("analytics_run")
    client.force_login(staff)
    try:
        stack("down", "clickhouse")
        _buy(api_as, BuyerFactory(), (shop["mower"], 1))  # the shop sells on

        dashboard = client.get("/admin/analytics/")
        products = client.get("/admin/catalog/product/")
        with pytest.raises(CommandError, match="failed"):
            call_command("analytics_run")
    finally:
        stack("up", "clickhouse")

    assert dashboard.status_code == 503 and b"The analytics warehouse is not answering" in dashboard.content
    assert products.status_code == 200
    assert PipelineRun.objects.filter(status="failed").count() == 1
    call_command("analytics_run")
    assert warehouse_revenue_by_day(warehouse) == shop_revenue_by_day()
    assert sum(shop_revenue_by_day().values()) == Decimal("19.99") + Decimal("1234.56")
    assert client.get("/admin/analytics/").status_code == 200
