"""The back-office analytics dashboard: charts, the tables behind them, and CSV exports.

Staff see the whole shop; a seller sees the same page restricted to their own
products (and no shop-wide figures such as active users or other sellers): the
live panel, the per-product funnel and the cohorts included, which count only the
seller's products and customers. A warehouse that does not answer gives a page
that says so, not an error.
"""

import csv
import logging
import re
from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics import live as live_panel
from analytics import selectors
from analytics.forms import AnalyticsFilterForm, FunnelSortForm
from analytics.models import PipelineRun
from shop.admin_permissions import is_back_office_staff

log = logging.getLogger(__name__)

CHARTS = {
    "sales_over_time": (gettext_lazy("Revenue and orders"), selectors.sales_over_time, False),
    "sales_by_category": (gettext_lazy("Sales by category"), selectors.sales_by_category, False),
    "top_products": (gettext_lazy("Top products"), selectors.top_products, False),
    "top_sellers": (gettext_lazy("Top sellers"), selectors.top_sellers, True),
    "funnel": (gettext_lazy("Funnel: view → cart → purchase"), selectors.funnel, False),
    "active_users": (gettext_lazy("Active users"), selectors.active_users, True),
}

# What each table column is called on the page, in the CSV header and on the charts' axes.
COLUMNS = {
    "period": gettext_lazy("period"),
    "revenue": gettext_lazy("revenue"),
    "orders": gettext_lazy("orders"),
    "units": gettext_lazy("units"),
    "average_order_value": gettext_lazy("average order value"),
    "category": gettext_lazy("category"),
    "product": gettext_lazy("product"),
    "views": gettext_lazy("views"),
    "seller": gettext_lazy("seller"),
    "step": gettext_lazy("step"),
    "count": gettext_lazy("count"),
    "rate_from_previous_percent": gettext_lazy("rate from the previous step, %"),
    "active_users": gettext_lazy("active users"),
    "purchases": gettext_lazy("purchases"),
    "cart_adds": gettext_lazy("cart adds"),
    "view_to_cart_percent": gettext_lazy("view → cart, %"),
    "cart_to_purchase_percent": gettext_lazy("cart → purchase, %"),
    "view_to_purchase_percent": gettext_lazy("view → purchase, %"),
    "cohort_week": gettext_lazy("week of first purchase"),
    "shoppers": gettext_lazy("shoppers"),
}
WEEK_COLUMN = re.compile(r"week_(\d+)")  # the cohorts' week_1, week_2, ...


def column_label(name: str) -> str:
    """A column's name for people; a column without one is shown as its key, spaced out."""
    if week := WEEK_COLUMN.fullmatch(name):
        return _("week %(number)s") % {"number": week.group(1)}
    return str(COLUMNS.get(name, name.replace("_", " ")))


def chart_labels() -> dict[str, str]:
    """The words the charts' script draws (axes, series), in the page's language."""
    return {name: column_label(name).capitalize() for name in COLUMNS}


def scope_for(request, form: AnalyticsFilterForm) -> selectors.Scope:
    data = form.cleaned_data
    category = data.get("category")
    return selectors.scope_for(
        request.user,
        start=data["start"],
        end=data["end"],
        period=data["period"],
        category_id=category.pk if category else None,
    )


# Tables without a chart: the per-product funnel (sortable) and the cohorts (a heat map).
REPORTS = {
    "product_funnel": gettext_lazy("Per-product funnel: views → carts → purchases"),
    "cohorts": gettext_lazy("Cohort retention: the share who bought again, by week of first purchase"),
}
HEAT_LEVELS = 5


def visible_charts(request) -> dict:
    return {key: chart for key, chart in CHARTS.items() if is_back_office_staff(request.user) or not chart[2]}


FUNNEL_ROWS_SHOWN, FUNNEL_ROWS_EXPORTED = 50, 5000


def report_rows(scope: selectors.Scope, sort: dict, *, exporting: bool = False) -> dict:
    return {
        "product_funnel": lambda: selectors.product_funnel(
            scope,
            sort=sort["funnel_sort"],
            descending=sort["funnel_order"] == "desc",
            limit=FUNNEL_ROWS_EXPORTED if exporting else FUNNEL_ROWS_SHOWN,
        ),
        "cohorts": lambda: selectors.cohort_retention(scope),
    }


def dashboard(request):
    form = AnalyticsFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "admin/analytics/dashboard.html", _context(request, form, status=None), status=400)
    if not request.GET:
        form = AnalyticsFilterForm({})
        form.is_valid()
    sort = FunnelSortForm(request.GET)
    if not sort.is_valid():
        return HttpResponse(
            _("Sort the funnel by one of: %(columns)s (funnel_order: asc or desc).")
            % {"columns": ", ".join(selectors.FUNNEL_SORTS)},
            status=400,
            content_type="text/plain",
        )
    scope = scope_for(request, form)
    charts = visible_charts(request)
    export = request.GET.get("export")
    reports = report_rows(scope, sort.cleaned_data, exporting=bool(export))
    if export:
        if export in reports:
            return _csv(export, reports[export](), scope)
        if export not in charts:
            return HttpResponse(
                _("No table called “%(name)s” here.") % {"name": export}, status=404, content_type="text/plain"
            )
        return _csv(export, charts[export][1](scope), scope)
    try:
        tables = {key: {"title": title, "rows": fetch(scope)} for key, (title, fetch, _) in charts.items()}
        extra = {key: {"title": REPORTS[key], "rows": fetch()} for key, fetch in reports.items()}
        pulse = live_panel.activity(seller_id=scope.seller_id)
    except Exception as error:  # the warehouse is down or unreachable
        log.warning("analytics warehouse unavailable: %s", error)
        return render(request, "admin/analytics/dashboard.html", _context(request, form, status=str(error)), status=503)
    context = _context(request, form, status=None)
    context.update(
        tables=tables,
        chart_data={key: table["rows"] for key, table in tables.items()},
        chart_labels=chart_labels(),
        scope=scope,
        reports=extra,
        funnel_columns=_funnel_columns(request, sort.cleaned_data),
        cohort_heat=_heat(extra["cohorts"]["rows"]),
        live=pulse,
        live_age=live_panel.describe_age(pulse["newest_event_age_seconds"]),
        live_words=live_words(),
    )
    return render(request, "admin/analytics/dashboard.html", context)


def live_words() -> dict[str, str]:
    """What the live panel's script writes, in the page's language."""
    return {
        **live_panel.age_words(),
        "events": _("Events"),
        "cart_additions": _("Cart additions"),
        "orders": _("Orders"),
        "stale": _("Could not refresh (the warehouse or the site is not answering); trying again."),
    }


def live(request):
    """The live panel's figures as JSON, fetched every few seconds by static/js/analytics-live.js."""
    seller_id = None if is_back_office_staff(request.user) else request.user.pk
    try:
        return JsonResponse(live_panel.activity(seller_id=seller_id))
    except Exception as error:  # the warehouse is down or unreachable
        log.warning("analytics warehouse unavailable: %s", error)
        return JsonResponse({"detail": _("The analytics warehouse is not answering.")}, status=503)


def _funnel_columns(request, sort: dict) -> list[dict]:
    """The funnel's sortable headers: each links to the page sorted by it (again: the other way round)."""
    query = {key: value for key, value in request.GET.items() if key not in ("funnel_sort", "funnel_order", "export")}
    columns = []
    for key, label in (
        ("views", _("Views")),
        ("cart_adds", _("Cart adds")),
        ("purchases", _("Purchases")),
        ("view_to_cart", _("View → cart %")),
        ("cart_to_purchase", _("Cart → purchase %")),
        ("view_to_purchase", _("View → purchase %")),
    ):
        current = sort["funnel_sort"] == key
        order = "asc" if current and sort["funnel_order"] == "desc" else "desc"
        columns.append(
            {
                "label": label,
                "url": "?" + urlencode({**query, "funnel_sort": key, "funnel_order": order}) + "#funnel-title",
                "sorted": sort["funnel_order"] if current else "",
            }
        )
    return columns


def _heat(rows: list[dict]) -> list[dict]:
    """Cohort rows as cells with a heat level (0 to HEAT_LEVELS, relative to the table's highest share)."""
    shares = [value for row in rows for key, value in row.items() if key.startswith("week_") and value]
    highest = max(shares, default=0)
    heated = []
    for row in rows:
        cells = []
        for key, value in row.items():
            if key.startswith("week_"):
                level = round(HEAT_LEVELS * value / highest) if value and highest else 0
                cells.append({"value": value, "level": level})
        heated.append({"cohort_week": row["cohort_week"], "shoppers": row["shoppers"], "cells": cells})
    return heated


def _context(request, form, *, status: str | None) -> dict:
    from django.contrib import admin

    return {
        **admin.site.each_context(request),
        "title": _("Analytics") if is_back_office_staff(request.user) else _("Analytics for your shop"),
        "form": form,
        "warehouse_error": status,
        "last_run": PipelineRun.objects.filter(status=PipelineRun.Status.SUCCEEDED).first(),
        "is_staff": is_back_office_staff(request.user),
        "query": request.GET.urlencode(),
    }


def _csv(name: str, rows: list[dict], scope: selectors.Scope) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}_{scope.start}_{scope.end}.csv"'
    writer = csv.writer(response)
    if rows:
        writer.writerow([column_label(name) for name in rows[0]])
        for row in rows:
            writer.writerow([_safe_cell(value) for value in row.values()])
    return response


def _safe_cell(value) -> str:
    """Text a spreadsheet will not run as a formula (a product title may start with '=')."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
