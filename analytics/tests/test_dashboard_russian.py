"""The dashboard in Russian, with real figures in the warehouse: titles, columns, chart labels,
cells and CSV headers speak Russian, and no English word of ours is left on the page."""

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from analytics.tests.factories import raw_event
from analytics.tests.test_dashboard import _activity, _sales
from analytics.tests.test_live_cohorts_funnel import _order
from catalog.models import CategoryTranslation
from catalog.tests.factories import CategoryFactory, ProductFactory
from shop.tests.english import english_in, english_words, visible_text

pytestmark = pytest.mark.django_db

URL = "/ru/admin/analytics/"


@pytest.fixture
def russian_figures(warehouse, seller, other_seller, staff):
    today = timezone.now().date()
    # a Russian shop's people have Russian names: a random English one ("Mark") is a word of ours
    for person, name in ((staff, "Ольга"), (seller, "Иван"), (other_seller, "Пётр")):
        person.first_name = name
        person.save(update_fields=["first_name"])
    kitchen = CategoryFactory(name="Kitchen")
    CategoryTranslation.objects.create(category=kitchen, language="ru", name="Кухня")
    for shop, name in ((seller, "Лавка"), (other_seller, "Мастерская")):
        shop.seller_profile.shop_name = name
        shop.seller_profile.save()
    kettle = ProductFactory(seller=seller, category=kitchen, title="Чайник")
    pan = ProductFactory(seller=other_seller, category=kitchen, title="Сковорода")
    _sales(
        warehouse,
        (today, kitchen.pk, seller.pk, 2, 3, "5997.50"),
        (today, kitchen.pk, other_seller.pk, 1, 1, "1234.56"),
        (today - timedelta(days=1), kitchen.pk, seller.pk, 1, 1, "1999.00"),
    )
    _activity(warehouse, (today, kettle, 40, 8, 2, "5997.50"), (today, pan, 10, 2, 1, "1234.56"))
    warehouse.insert(
        "user_activity_aggregation",
        [
            {"day": today, "user_id": staff.pk, "views": 3, "searches": 1, "cart_adds": 1, "purchases": 1,
             "conversion": 1.0, "version": 1},
        ],
    )  # fmt: skip
    # the live panel's last hour, and two weeks of orders for the cohorts
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    warehouse.insert(
        "raw_events",
        [
            raw_event("product_viewed", {"product_id": kettle.pk, "seller_id": seller.pk}, now - timedelta(minutes=5)),
            raw_event("cart_item_added", {"product_id": kettle.pk}, now - timedelta(minutes=4)),
            raw_event(
                "order_placed",
                {"order_id": 1, "lines": [{"product_id": kettle.pk, "seller_id": seller.pk}]},
                now - timedelta(minutes=3),
            ),
        ],
    )
    placed = [_order(1, staff, kettle, 3), _order(2, staff, pan, 2), _order(3, seller, kettle, 2)]
    warehouse.insert("orders", [order for order, _ in placed])
    warehouse.insert("order_lines", [line for _, line in placed])
    staff.language = "ru"
    staff.save()
    return {"today": today}


@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_the_dashboard_with_figures_speaks_russian(client, staff, russian_figures, period):
    client.force_login(staff)

    response = client.get(URL, {"period": period})

    assert response.status_code == 200 and response["Content-Language"] == "ru"
    page = response.content.decode()
    assert "Выручка и заказы" in page and "Кухня" in page and "Чайник" in page
    assert "7\u00a0232,06" in page or period != "day"  # today's revenue, with Russian separators
    leftover = english_in(visible_text(page), english_words())
    assert not leftover, leftover
    labels = json.loads(
        re.search(r'<script id="analytics-labels" type="application/json">(.*?)</script>', page).group(1)
    )
    assert labels["revenue"] == "Выручка"
    assert not english_in(" ".join(labels.values()), english_words()), labels
    words = json.loads(re.search(r'<script id="live-words"[^>]*>(.*?)</script>', page).group(1))
    placeholders = re.sub(r"%\(\w+\)s", " ", " ".join(words.values()))  # the script fills %(count)s in
    assert words["events"] == "События" and not english_in(placeholders, english_words()), words
    assert "Воронка по товарам" in page and "Удержание когорт" in page and "Неделя 1" in page
    data = json.loads(re.search(r'<script id="analytics-data"[^>]*>(.*?)</script>', page).group(1))
    assert [row["step"] for row in data["funnel"]] == ["Просмотры товаров", "Добавлено в корзину", "Куплено"]


@pytest.mark.parametrize(
    "table",
    [
        "sales_over_time",
        "sales_by_category",
        "top_products",
        "top_sellers",
        "funnel",
        "active_users",
        "product_funnel",
        "cohorts",
    ],
)
def test_every_csv_download_has_russian_headers(client, staff, russian_figures, table):
    client.force_login(staff)

    response = client.get(URL, {"export": table})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response.status_code == 200 and rows, table
    assert not english_in(" ".join(rows[0]), english_words()), rows[0]
    assert all(re.search("[а-яё]", header) for header in rows[0]), rows[0]
    # the cells stay machine-readable (decimal points, ISO dates) for spreadsheets in any locale
    assert not any("," in cell and re.fullmatch(r"[\d\s\u00a0]+,\d+", cell) for row in rows[1:] for cell in row)
