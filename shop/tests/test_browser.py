"""A shopper's whole journey in a real browser: sign up, add to cart, check out, see the order."""

import os
import shutil

import pytest
from django.core import mail
from django.db import connections

from accounts.tests.factories import CONFIRMATION_LINK
from catalog.tests.factories import ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def page():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: `scripts/stack browser` installs it (make test runs it).")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # test makes between browser steps are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone-sized screen
        yield context.new_page()
        browser.close()
        # ORM calls made inside Playwright's block run in its greenlet, with a
        # connection of their own: close it, or it outlives the test database.
        connections.close_all()


def test_signup_add_to_cart_checkout_and_order_history(page, live_server):
    product = ProductFactory(title="Cast iron teapot", stock=3)

    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Email").fill("walker@example.com")
    page.get_by_label("Password").fill("a-long-secret-42")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(f"{live_server.url}/accounts/signup/sent/")
    assert page.get_by_role("heading", name="Check your inbox").is_visible()
    page.goto(live_server.url + CONFIRMATION_LINK.search(mail.outbox[-1].body).group(0))  # the mailed link
    page.get_by_label("Password").fill("a-long-secret-42")
    page.get_by_role("button", name="Confirm and log in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.get_by_role("searchbox", name="Search products").fill("teapot")
    page.get_by_role("button", name="Search").first.click()
    assert page.get_by_text("1 result for “teapot”").is_visible()
    page.get_by_role("link", name="Cast iron teapot").click()
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    assert "Added 2 × Cast iron teapot" in page.content()

    page.get_by_test_id("cart-link").click()
    assert page.get_by_test_id("cart-total").inner_text() == "$20.00"  # written by Babel for an English page
    page.get_by_role("link", name="Check out").click()
    page.get_by_label("Full name").fill("Walker Test")
    page.get_by_label("Address").fill("1 Browser Road")
    page.get_by_role("button", name="Place order").click()

    assert page.get_by_test_id("order-status").inner_text() == "Placed"
    page.get_by_role("link", name="My orders").first.click()
    assert page.get_by_role("cell", name="$20.00").is_visible()
    product.refresh_from_db()
    assert product.stock == 1


def test_pages_run_under_the_content_security_policy(page, live_server, staff):
    """Swagger UI, the storefront, the admin dashboard and the periodic-task form work with no CSP violation."""
    from django_celery_beat.models import CrontabSchedule

    from accounts.tests.factories import PASSWORD

    staff.is_superuser = True  # the periodic-task form is the superuser's
    staff.save()
    crontab = CrontabSchedule.objects.create(minute="5", hour="*")
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )

    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock-tag", timeout=20_000)  # Swagger UI rendered the operations
    page.goto(f"{live_server.url}/products/")
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/analytics/")
    page.goto(f"{live_server.url}/admin/django_celery_beat/periodictask/add/")
    page.locator("#id_crontab").select_option(str(crontab.pk))

    assert "Translation: At 5 minutes past the hour" in page.locator(".field-crontab .help").inner_text()
    assert violations == []


def test_in_russian_signup_add_to_cart_checkout_and_order_history(page, live_server, settings):
    """The same journey by a browser that asks for Russian: the shop answers in Russian from the
    first page, prices in roubles, and the mail, the pages and the order history stay Russian."""
    settings.SHOP_CURRENCY = "RUB"
    product = ProductFactory(title="Чугунный заварочный чайник", stock=3, price="1234.50", currency="RUB")
    page.context.set_extra_http_headers({"Accept-Language": "ru-RU,ru;q=0.9"})

    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/ru/")  # the browser's language leads to the Russian pages
    page.get_by_role("link", name="Регистрация").click()
    page.get_by_label("Эл. почта").fill("putnik@example.com")
    page.get_by_label("Пароль").fill("a-long-secret-42")
    page.get_by_role("button", name="Зарегистрироваться").click()
    page.wait_for_url(f"{live_server.url}/ru/accounts/signup/sent/")
    assert page.get_by_role("heading", name="Проверьте почту").is_visible()
    message = mail.outbox[-1]
    assert message.subject == "Подтвердите учётную запись в Bazaar" and "/ru/accounts/signup/confirm/" in message.body
    page.goto(live_server.url + "/ru" + CONFIRMATION_LINK.search(message.body).group(0))
    page.get_by_label("Пароль").fill("a-long-secret-42")
    page.get_by_role("button", name="Подтвердить и войти").click()
    page.wait_for_url(f"{live_server.url}/ru/")

    page.get_by_role("searchbox", name="Поиск товаров").fill("чайник")
    page.get_by_role("button", name="Найти").first.click()
    assert page.get_by_text("1 результат по запросу «чайник»").is_visible()
    page.get_by_role("link", name="Чугунный заварочный чайник").click()
    page.get_by_label("Количество").fill("2")
    page.get_by_role("button", name="В корзину").click()
    assert "В корзину добавлено: 2 × Чугунный заварочный чайник." in page.content()

    page.get_by_test_id("cart-link").click()
    assert page.get_by_test_id("cart-total").inner_text() == "2\u00a0469,00\u00a0₽"
    page.get_by_role("link", name="Оформить заказ").click()
    page.get_by_label("Имя и фамилия").fill("Путник Тестовый")
    page.get_by_label("Адрес").fill("Москва, ул. Браузерная, д. 1")
    page.get_by_role("button", name="Оформить заказ (2\u00a0469,00\u00a0₽)").click()

    assert page.get_by_test_id("order-status").inner_text() == "Оформлен"
    to_the_buyer = [message.subject for message in mail.outbox if message.to == ["putnik@example.com"]]
    assert to_the_buyer[-1].startswith("Ваш заказ №")  # in the buyer's language (the seller's in the seller's)
    page.get_by_role("link", name="Мои заказы").first.click()
    page.wait_for_url(f"{live_server.url}/ru/orders/")
    assert page.get_by_role("cell", name="2\u00a0469,00\u00a0₽").is_visible()
    assert page.locator("html").get_attribute("lang") == "ru"
    product.refresh_from_db()
    assert product.stock == 1
