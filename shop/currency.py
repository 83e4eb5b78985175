"""The shop's currency, SHOP_CURRENCY (an ISO 4217 code): the default of every price's currency.

A callable rather than the setting's value, so that it is read when a row is made and not frozen
into the models and their migrations at import time (a shop started with SHOP_CURRENCY=RUB writes
RUB, and makemigrations sees nothing to do).
"""

from django.conf import settings


def shop_currency() -> str:
    return settings.SHOP_CURRENCY
