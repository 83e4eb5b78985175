"""The demo data command: idempotent, and it prints the logins."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from catalog.models import Product
from orders.models import Order
from reviews.models import Review
from shop import demo_data

pytestmark = pytest.mark.django_db

SMALL = ["--products", "30", "--buyers", "3", "--orders", "5", "--reviews", "8", "-v", "0"]


@pytest.fixture(autouse=True)
def developer_machine(settings, monkeypatch):
    """`make run` seeds with DEBUG on; the production rules have tests of their own below."""
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.DEBUG = True


def _counts() -> tuple[int, int, int, int]:
    return User.objects.count(), Product.objects.count(), Order.objects.count(), Review.objects.count()


def test_seed_demo_loads_data_and_prints_logins():
    out = StringIO()

    call_command("seed_demo", *SMALL, stdout=out)

    users, products, orders, reviews = _counts()
    assert (users, products) == (1 + 4 + 3, 30)
    assert 0 < orders <= 5 and reviews == 8
    assert "admin@example.com" in out.getvalue() and "bazaar-demo-2026" in out.getvalue()
    assert all(order.total == sum(line.line_total for line in order.lines.all()) for order in Order.objects.all())


def test_running_it_twice_duplicates_nothing():
    call_command("seed_demo", *SMALL, stdout=StringIO())
    first = _counts()

    call_command("seed_demo", *SMALL, stdout=StringIO())

    assert _counts() == first


def test_a_larger_catalogue_tops_up_the_products():
    call_command("seed_demo", *SMALL, stdout=StringIO())

    call_command("seed_demo", *[("60" if arg == "30" else arg) for arg in SMALL], stdout=StringIO())

    assert Product.objects.count() == 60


def test_with_a_search_engine_the_demo_catalogue_is_indexed(search_index):
    from shop import search_engine

    call_command("seed_demo", *SMALL, stdout=StringIO())

    assert search_index.count(index=search_engine.index_name("products"))["count"] == Product.objects.count() == 30
    assert search_index.count(index=search_engine.index_name("sellers"))["count"] == 4


def test_demo_orders_spread_over_weeks_with_the_views_that_led_to_them():
    from shop.models import OutboxEvent

    call_command("seed_demo", *SMALL, stdout=StringIO())

    days = {order.created_at.date() for order in Order.objects.all()}
    assert len(days) > 1
    assert OutboxEvent.objects.filter(type="product_viewed").count() >= 2 * Order.objects.count()
    oldest_view = OutboxEvent.objects.filter(type="product_viewed").order_by("occurred_at").first()
    assert oldest_view.occurred_at.date() == min(days)


def test_demo_orders_plant_products_bought_together_and_a_trend():
    """Kits of complements and taste segments (recommendations.planted), so the shelves have
    something true to show; and a recent burst of views for Trending."""
    from collections import Counter
    from datetime import timedelta
    from itertools import combinations

    from django.utils import timezone

    from orders.models import OrderLine
    from shop.models import OutboxEvent

    shop = ["--products", "40", "--buyers", "6", "--orders", "50", "--no-pictures", "-v", "0"]
    call_command("seed_demo", *shop, stdout=StringIO())

    baskets: dict[int, set[int]] = {}
    for order_id, product_id in OrderLine.objects.values_list("order_id", "product_id"):
        baskets.setdefault(order_id, set()).add(product_id)
    pairs = Counter(pair for basket in baskets.values() for pair in combinations(sorted(basket), 2))
    assert sum(count >= 3 for count in pairs.values()) >= 5
    recent = OutboxEvent.objects.filter(type="product_viewed", occurred_at__gte=timezone.now() - timedelta(hours=2))
    assert recent.values("payload__product_id").distinct().count() == 3


def test_every_demo_product_gets_pictures_drawn_here_and_stored_like_a_sellers():
    from catalog.models import ProductImage

    call_command("seed_demo", *SMALL, stdout=StringIO())
    call_command("seed_demo", *SMALL, stdout=StringIO())  # tops up: no second set

    images = ProductImage.objects.select_related("product")
    assert set(Product.objects.filter(images__isnull=True)) == set()
    assert 30 <= images.count() <= 60
    for image in images:
        assert image.image.name.startswith(f"products/{image.product_id}/") and image.image.name.endswith(".jpg")
        assert (image.width, image.height) == (800, 600) and set(image.thumbnails) == {"320", "640"}
    first = images.first()
    assert first.is_primary and first.alt_text == first.product.title


def test_pictures_differ_by_department_colour_and_title():
    from shop.demo_pictures import picture

    kettle = picture("Classic Kettle (red) #1", "Home", "red", 1)
    phone = picture("Classic Phone (red) #2", "Electronics", "red", 1)
    blue = picture("Classic Phone (blue) #2", "Electronics", "blue", 1)

    assert len({kettle, phone, blue}) == 3
    assert kettle[:3] == b"\xff\xd8\xff"  # a JPEG


def test_a_russian_demo_shop_speaks_russian(settings):
    """`seed_demo --language ru` (what `make run LANG=ru` runs): Russian products, shops, categories,
    reviews and buyers, every category also named in English, Russian accounts, slugs in Latin."""
    import re

    from accounts.models import SellerProfile
    from catalog.models import Category, CategoryTranslation

    settings.SHOP_CURRENCY = "RUB"
    out = StringIO()

    call_command("seed_demo", *SMALL, "--language", "ru", stdout=out)

    cyrillic = re.compile("[а-яё]", re.IGNORECASE)
    assert all(cyrillic.search(title) for title in Product.objects.values_list("title", flat=True))
    assert all(cyrillic.search(name) for name in SellerProfile.objects.values_list("shop_name", flat=True))
    assert all(cyrillic.search(name) for name in Category.objects.values_list("name", flat=True))
    assert all(cyrillic.search(text) for text in Review.objects.values_list("text", flat=True))
    assert CategoryTranslation.objects.filter(language="en").count() == Category.objects.count()
    assert set(User.objects.filter(is_superuser=False).values_list("language", flat=True)) == {"ru"}
    assert all(re.fullmatch(r"[a-z0-9-]+", slug) for slug in Product.objects.values_list("slug", flat=True))
    # priced in roubles at a rouble's size (a kettle costs thousands), not dollar figures with a ₽
    assert set(Product.objects.values_list("currency", flat=True)) == {"RUB"}
    assert min(Product.objects.values_list("price", flat=True)) >= Decimal("1.99") * demo_data.PRICE_SCALE["RUB"]
    assert "Демонстрационные данные готовы" in out.getvalue()


def test_the_russian_demo_shop_tops_up_without_duplicating():
    call_command("seed_demo", *SMALL, "--language", "ru", stdout=StringIO())
    first = _counts()

    call_command("seed_demo", *SMALL, "--language", "ru", stdout=StringIO())

    assert _counts() == first


def test_seeding_in_russian_leaves_the_callers_language_as_it_was():
    from django.utils import translation

    with translation.override("en"):
        call_command("seed_demo", *SMALL, "--language", "ru", stdout=StringIO())

        assert translation.get_language() == "en"


def test_risk_seed_demo_in_production_creates_a_superuser_with_the_published_password(settings, capsys):
    from django.core.management.base import CommandError

    settings.DEBUG = False

    with pytest.raises(CommandError, match="--demo-accounts"):
        call_command("seed_demo", *SMALL, stdout=StringIO())
    assert not User.objects.exists()

    out = StringIO()
    call_command("seed_demo", *SMALL, "--demo-accounts", stdout=out)
    admin = User.objects.get(email="admin@example.com")
    assert admin.is_superuser and not admin.check_password("bazaar-demo-2026")
    assert "bazaar-demo-2026" not in out.getvalue()
    printed = out.getvalue().split("accounts created now: ")[1].split(")")[0]
    assert len(printed) >= 20 and admin.check_password(printed)
    assert User.objects.get(email="north@example.com").check_password(printed)


def test_in_production_demo_password_takes_a_chosen_one_but_not_the_published_one(settings, monkeypatch):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    monkeypatch.setenv("DEMO_PASSWORD", "bazaar-demo-2026")
    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        call_command("seed_demo", *SMALL, "--demo-accounts", stdout=StringIO())

    monkeypatch.setenv("DEMO_PASSWORD", "a-rehearsal-only-password")
    call_command("seed_demo", *SMALL, "--demo-accounts", stdout=StringIO())
    assert User.objects.get(email="buyer1@example.com").check_password("a-rehearsal-only-password")
