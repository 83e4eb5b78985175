"""Orders in tests are made the real way: fill a cart, then check out."""

from cart.services import add_to_cart, user_cart
from orders.services import place_order


def order_for(buyer, *products_and_quantities, **checkout):
    """Place an order for `buyer` of (product, quantity) pairs through the services."""
    cart = user_cart(buyer)
    for product, quantity in products_and_quantities:
        add_to_cart(cart, product, quantity)
    order, _ = place_order(buyer, **checkout)
    return order
