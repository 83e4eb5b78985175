"""Mail an order sends: a confirmation to the buyer, a notice to each seller it buys from."""

from decimal import Decimal

import pytest
from django.core import mail

from catalog.tests.factories import ProductFactory
from orders.tests.factories import order_for

pytestmark = pytest.mark.django_db(transaction=True)  # the mails leave once the order has committed


def test_a_purchase_mails_the_buyer_and_each_seller_their_own_lines(api_as, buyer, seller, other_seller):
    kettle = ProductFactory(seller=seller, title="Kettle", price=Decimal("19.99"), stock=5)
    book = ProductFactory(seller=other_seller, title="Atlas", price=Decimal("30.00"), stock=5)
    client = api_as(buyer)
    for product, quantity in ((kettle, 2), (book, 1)):
        assert client.post("/api/v1/cart", {"product": product.pk, "quantity": quantity}).status_code == 201

    order_id = client.post("/api/v1/purchases").json()["id"]

    by_address = {message.to[0]: message for message in mail.outbox}
    assert len(mail.outbox) == 3
    to_buyer = by_address[buyer.email]
    assert to_buyer.subject == f"Your Bazaar order #{order_id}"
    assert "2 × Kettle at $19.99 = $39.98" in to_buyer.body and "1 × Atlas" in to_buyer.body
    assert "Total: $69.98" in to_buyer.body
    to_seller = by_address[seller.email]
    assert to_seller.subject == f"New order #{order_id} on Bazaar: 1 line to ship"
    assert "2 × Kettle" in to_seller.body and "Atlas" not in to_seller.body
    assert "Your part: $39.98" in to_seller.body
    to_other = by_address[other_seller.email]
    assert "1 × Atlas" in to_other.body and "Kettle" not in to_other.body


def test_a_retried_purchase_does_not_mail_again(api_as, buyer, product):
    client = api_as(buyer)
    client.post("/api/v1/cart", {"product": product.pk, "quantity": 1})

    first = client.post("/api/v1/purchases", HTTP_IDEMPOTENCY_KEY="retry-1")
    again = client.post("/api/v1/purchases", HTTP_IDEMPOTENCY_KEY="retry-1")

    assert first.json()["id"] == again.json()["id"]
    assert len(mail.outbox) == 2  # the buyer's and the seller's, once


def test_a_refused_purchase_mails_nobody(buyer, product):
    from shop.errors import DomainError

    product_stock = product.stock
    with pytest.raises(DomainError):
        order_for(buyer, (product, product_stock + 1))

    assert mail.outbox == []


def test_the_order_mails_go_through_the_worker_task(buyer, product, monkeypatch):
    from orders import tasks

    queued = []
    monkeypatch.setattr(tasks.mail_order_placed, "delay", lambda order_id: queued.append(order_id))

    order = order_for(buyer, (product, 1))

    assert queued == [order.pk] and mail.outbox == []  # nothing is sent by the request itself
