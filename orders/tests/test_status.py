"""The status machine, checked on its own."""

import pytest

from orders.status import TRANSITIONS, OrderStatus, can_transition, next_statuses


def test_every_status_has_a_rule():
    assert set(TRANSITIONS) == set(OrderStatus.values)


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        ("placed", "paid", True),
        ("placed", "cancelled", True),
        ("placed", "shipped", False),
        ("paid", "shipped", True),
        ("paid", "cancelled", True),
        ("shipped", "delivered", True),
        ("shipped", "cancelled", False),
        ("delivered", "cancelled", False),
        ("cancelled", "placed", False),
        ("cancelled", "paid", False),
    ],
)
def test_transitions(current, new, allowed):
    assert can_transition(current, new) is allowed


def test_terminal_statuses_have_no_next():
    assert next_statuses("delivered") == [] and next_statuses("cancelled") == []
