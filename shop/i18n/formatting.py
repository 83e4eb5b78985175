"""Money, numbers and dates as people read them in the active language, by Babel (CLDR data).

Pages and mails use these (through the `shop_format` template filters); the API keeps machine
formats (decimal strings, ISO dates) and never comes here.
"""

from datetime import date, datetime
from decimal import Decimal
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal, get_currency_symbol
from django.conf import settings
from django.utils import timezone, translation


@cache
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language, sep="-")
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


def current_locale() -> Locale:
    return _locale(translation.get_language() or settings.LANGUAGE_CODE)


def money(amount, currency: str | None = None) -> str:
    """`1 234,50 ₽` on a Russian page, `$1,234.50` on an English one. A currency the locale has no
    symbol for is written by its code, apart from the figure (`RUB 1,234.50`)."""
    if amount is None or amount == "":
        return ""
    currency = (currency or settings.SHOP_CURRENCY).upper()
    locale = current_locale()
    value = Decimal(str(amount))
    if get_currency_symbol(currency, locale=locale) == currency:
        pattern = locale.currency_formats["standard"].pattern
        spaced = pattern.replace("¤#", "¤\u00a0#").replace("0¤", "0\u00a0¤")
        return format_currency(value, currency, format=spaced, locale=locale, currency_digits=True)
    return format_currency(value, currency, locale=locale)


def number(value, digits: int | None = None) -> str:
    """A number with the locale's separators (`4,5` in Russian, `4.5` in English)."""
    if value is None or value == "":
        return ""
    fmt = None if digits is None else "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(Decimal(str(value)), format=fmt, locale=current_locale())


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def day(value: date | datetime | None) -> str:
    """`5 мая 2026 г.` / `May 5, 2026`."""
    if not value:
        return ""
    value = _local(value)
    return format_date(value.date() if isinstance(value, datetime) else value, "long", locale=current_locale())


def moment(value: datetime | None) -> str:
    """`5 мая 2026 г., 14:03` / `May 5, 2026, 2:03 PM`, in the shop's time zone."""
    if not value:
        return ""
    value = _local(value)
    return f"{day(value)}, {format_time(value.time(), 'short', locale=current_locale())}"
