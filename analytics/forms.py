"""The analytics pages' filters: a date range, a period to group by, a category."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from analytics.selectors import FUNNEL_SORTS, PERIODS
from catalog.models import Category

MAX_DAYS = 3 * 366
PERIOD_LABELS = {"day": _("Day"), "week": _("Week"), "month": _("Month")}


class AnalyticsFilterForm(forms.Form):
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label=_("From"))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label=_("To"))
    period = forms.ChoiceField(
        choices=[(period, PERIOD_LABELS[period]) for period in PERIODS],
        required=False,
        initial="day",
        label=_("Period"),
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.prefetch_related("translations"),
        required=False,
        empty_label=_("All categories"),
        label=_("Category"),
    )

    def clean(self):
        data = super().clean()
        today = timezone.now().date()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or data["end"] - timedelta(days=29)
        data["period"] = data.get("period") or "day"
        if data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date is after the end date: swap them or pick another range."))
        if (data["end"] - data["start"]).days > MAX_DAYS:
            raise forms.ValidationError(_("Pick a range of at most %(days)d days.") % {"days": MAX_DAYS})
        return data


class FunnelSortForm(forms.Form):
    """How the per-product funnel is sorted: a column and a direction (ascending finds the leaks)."""

    funnel_sort = forms.ChoiceField(choices=[(name, name) for name in FUNNEL_SORTS], required=False)
    funnel_order = forms.ChoiceField(choices=[("desc", "descending"), ("asc", "ascending")], required=False)

    def clean(self):
        data = super().clean()
        data["funnel_sort"] = data.get("funnel_sort") or "views"
        data["funnel_order"] = data.get("funnel_order") or "desc"
        return data
