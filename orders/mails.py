"""The mails an order sends: the buyer's confirmation and a notice to each seller it buys from.

The first line of each template is the subject. Each mail speaks its recipient's language: the
buyer's confirmation the buyer's, each seller's notice that seller's. Sellers are written to at their login
address (their public contact address is for shoppers), and see only their own lines.
"""

from django.conf import settings
from django.template.loader import render_to_string

from orders.models import Order
from shop import i18n


def _render(template: str, context: dict, *, to) -> tuple[str, str]:
    """Subject and body in the recipient's language (the one kept on their account)."""
    with i18n.speaking_to(to):
        subject, _sep, body = render_to_string(f"orders/email/{template}.txt", context).partition("\n")
    return subject.strip(), body.strip() + "\n"


def order_placed_mails(order: Order) -> list[tuple[str, str, str]]:
    """(subject, body, address) for the buyer, then for each seller whose products the order holds."""
    lines = list(order.lines.select_related("seller__seller_profile").order_by("id"))
    context = {"order": order, "shop_name": settings.SHOP_NAME}
    mails = [(*_render("order_placed_buyer", {**context, "lines": lines}, to=order.buyer), order.buyer.email)]
    by_seller: dict = {}
    for line in lines:
        if line.seller is not None:
            by_seller.setdefault(line.seller, []).append(line)
    for seller, own_lines in sorted(by_seller.items(), key=lambda item: item[0].pk):
        total = sum(line.line_total for line in own_lines)
        body = _render("new_order_seller", {**context, "lines": own_lines, "total": total}, to=seller)
        mails.append((*body, seller.email))
    return mails
