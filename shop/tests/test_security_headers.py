"""Security matrix: the headers every response carries, and CSRF on storefront forms."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/products/", "/api/v1/products", "/api/docs/", "/admin/login/"])
def test_risk_missing_security_headers(client, path):
    response = client.get(path)

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_risk_inline_script_in_our_pages(client, product):
    """No page of ours needs an inline script (the CSP would block it)."""
    import re

    for path in ("/", "/products/", f"/products/{product.pk}/", "/cart/", "/api/docs/"):
        html = client.get(path, follow=True).content.decode()
        scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", html)
        assert scripts == [], (path, scripts)


def test_risk_inline_script_in_the_periodic_task_form(client, staff):
    """django-celery-beat's form carried an inline script; ours (templates/admin/djcelery) loads a file."""
    import re

    staff.is_superuser = True  # schedules are the superuser's to edit
    staff.save()
    client.force_login(staff)
    response = client.get("/admin/django_celery_beat/periodictask/add/")

    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", html) == []
    assert "js/periodic-task-crontab" in html and 'id="readable-crontabs"' in html


def test_risk_csrf_on_storefront_forms(buyer, product):
    from django.test import Client

    from cart.models import CartItem

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(buyer)

    refused = strict.post("/cart/add/", {"product": product.pk, "quantity": 1})
    token = strict.get("/products/").cookies["csrftoken"].value
    accepted = strict.post("/cart/add/", {"product": product.pk, "quantity": 1, "csrfmiddlewaretoken": token})

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert CartItem.objects.filter(cart__user=buyer, product=product).get().quantity == 1  # only the second one counted
