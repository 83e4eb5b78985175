"""The back-office analytics dashboard: charts, the tables behind them, and CSV exports.

Staff see the whole shop; a seller sees the same page restricted to their own
products (and no shop-wide figures such as active users or other sellers).
A warehouse that does not answer gives a page that says so, not an error.
"""

import csv
import logging

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics import selectors
from analytics.forms import AnalyticsFilterForm
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
}


def column_label(name: str) -> str:
    """A column's name for people; a column without one is shown as its key, spaced out."""
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


def visible_charts(request) -> dict:
    return {key: chart for key, chart in CHARTS.items() if is_back_office_staff(request.user) or not chart[2]}


def dashboard(request):
    form = AnalyticsFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "admin/analytics/dashboard.html", _context(request, form, status=None), status=400)
    if not request.GET:
        form = AnalyticsFilterForm({})
        form.is_valid()
    scope = scope_for(request, form)
    charts = visible_charts(request)
    export = request.GET.get("export")
    if export:
        if export not in charts:
            return HttpResponse(
                _("No table called “%(name)s” here.") % {"name": export}, status=404, content_type="text/plain"
            )
        return _csv(export, charts[export][1](scope), scope)
    try:
        tables = {key: {"title": title, "rows": fetch(scope)} for key, (title, fetch, _) in charts.items()}
    except Exception as error:  # the warehouse is down or unreachable
        log.warning("analytics warehouse unavailable: %s", error)
        return render(request, "admin/analytics/dashboard.html", _context(request, form, status=str(error)), status=503)
    context = _context(request, form, status=None)
    context.update(
        tables=tables,
        chart_data={key: table["rows"] for key, table in tables.items()},
        chart_labels=chart_labels(),
        scope=scope,
    )
    return render(request, "admin/analytics/dashboard.html", context)


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
