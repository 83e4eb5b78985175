"""Background tasks of orders. They render and hand over; the rules live in orders.services."""

from celery import shared_task

from orders import mails
from orders.models import Order
from shop.background import run_soon
from shop.tasks import send_mail_message


@shared_task(ignore_result=True)
def mail_order_placed(order_id: int) -> None:
    """The buyer's confirmation and each seller's notice, each queued on its own: a mail server
    that refuses one retries that one, and nobody gets a second copy."""
    order = Order.objects.select_related("buyer").filter(pk=order_id).first()
    if order is None:
        return
    for subject, body, address in mails.order_placed_mails(order):
        run_soon(send_mail_message, subject, body, address)


@shared_task(ignore_result=True)
def expire_unpaid_orders() -> int:
    """Beat's: unpaid orders past ORDER_HOLD_MINUTES give their stock back (orders.services)."""
    from orders import services

    return services.expire_unpaid_orders()
