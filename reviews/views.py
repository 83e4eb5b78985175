"""Posting a review from the product page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog import selectors as catalog_selectors
from reviews import services
from reviews.forms import ReviewForm
from shop.errors import DomainError


@login_required
@require_POST
def post_review(request, pk: int):
    product = get_object_or_404(catalog_selectors.visible_products(), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a rating from 1 to 5 (and keep the text under 5,000 characters)."))
        return redirect(product)
    try:
        services.post_review(author=request.user, product=product, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you for your review."))
    return redirect(f"{product.get_absolute_url()}#reviews")
