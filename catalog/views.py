"""Storefront catalogue pages and the seller's own product pages."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from accounts.models import SellerProfile
from catalog import product_pages, selectors, services, view_counting
from catalog.api.search import SearchQuerySerializer
from catalog.filters import UNFILTERED, StorefrontProductFilter
from catalog.forms import ProductForm, ProductImageForm
from catalog.models import ProductImage
from catalog.search import pages as search_pages
from catalog.search import queries
from catalog.search.results import SearchParams
from orders.selectors import has_bought
from recommendations import selectors as recommendations
from reviews import selectors as review_selectors
from reviews.forms import ReviewForm
from shop.errors import DomainError, StaleStock
from shop.pagination import paginate, querystring_without_page
from shop.sessions import session_pseudonym


def product_list(request):
    if any(name in request.GET for name in StorefrontProductFilter.base_filters):
        product_filter = StorefrontProductFilter(request.GET, queryset=selectors.visible_products())
        queryset = product_filter.qs
    else:  # the catalogue's most requested page (any page number): no form to build and validate
        product_filter = UNFILTERED
        queryset = selectors.order_products(selectors.visible_products(), None)
    return render(
        request,
        "catalog/product_list.html",
        {
            "filter": product_filter,
            "filter_options": selectors.filter_options(),
            "page": paginate(request, queryset, shared_count=True),
            "querystring": querystring_without_page(request),
        },
    )


def product_detail(request, pk: int, slug: str | None = None):
    kept = product_pages.look_up(pk)
    if kept.row is not None:  # the parts every visitor sees are current: no need for the product's query
        product = product_pages.stand_in(kept.row)
    else:
        product = get_object_or_404(selectors.with_seller_details(selectors.products_for_viewer(request.user)), pk=pk)
    if slug != product.slug and product.slug:
        return redirect(product, permanent=True)
    view_counting.count_view(request, product)
    own_review = review_selectors.user_review(request.user, product.pk)
    rendered: dict[str, str] = {}
    response = render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "shared_parts": kept.parts,
            "rendered_parts": rendered,
            # rating_count is the number of visible reviews, kept with them (reviews.services)
            "reviews": paginate(
                request,
                review_selectors.visible_reviews(product.pk) if product.rating_count else [],
                per_page=10,
                count=product.rating_count,
            ),
            "own_review": own_review,
            "review_form": ReviewForm() if own_review is None and request.user.is_authenticated else None,
            "has_bought": has_bought(request.user, product.pk),
            "can_manage": services.can_manage_product(request.user, product),
            "bought_together": recommendations.bought_together(product),
        },
    )
    if kept.row is None:
        product_pages.store(kept, product, rendered)
    return response


def seller_detail(request, slug: str):
    try:
        profile = account_selectors.seller_by_slug(slug)
    except SellerProfile.DoesNotExist as exc:
        raise Http404(_("No such shop.")) from exc
    products = selectors.order_products(selectors.seller_products(profile.user), request.GET.get("ordering"))
    return render(
        request,
        "catalog/seller_detail.html",
        {"seller": profile, "page": paginate(request, products, shared_count=True)},
    )


def _require_seller(request):
    if not (request.user.is_staff or request.user.is_seller):
        raise Http404(_("Only sellers have a shop."))


def _own_product(request, pk: int):
    product = get_object_or_404(selectors.all_products(), pk=pk)
    if not services.can_manage_product(request.user, product):
        raise Http404(_("No such product in your shop."))
    return product


@login_required
def my_products(request):
    _require_seller(request)
    products = selectors.seller_products(request.user, include_inactive=True).order_by("-created_at", "-id")
    return render(request, "catalog/my_products.html", {"page": paginate(request, products, per_page=50)})


@login_required
def product_create(request):
    _require_seller(request)
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.create_product(seller=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("“%(title)s” is listed. Add a photo below.") % {"title": product.title})
            return redirect("catalog:product-edit", pk=product.pk)
    return render(request, "catalog/product_form.html", {"form": form, "product": None})


@login_required
def product_edit(request, pk: int):
    product = _own_product(request, pk)
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.update_product(product, by=request.user, expected_stock=form.stock_seen(), **changes)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
            if isinstance(exc, StaleStock):
                form.show_current_stock(exc.current)
        else:
            messages.success(request, _("Saved."))
            return redirect("catalog:product-edit", pk=product.pk)
    return render(
        request,
        "catalog/product_form.html",
        {"form": form, "product": product, "image_form": ProductImageForm()},
    )


@login_required
@require_POST
def product_toggle(request, pk: int):
    product = _own_product(request, pk)
    services.update_product(product, by=request.user, is_active=not product.is_active)
    message = _("“%(title)s” is on sale.") if product.is_active else _("“%(title)s” is off sale.")
    messages.success(request, message % {"title": product.title})
    return redirect("catalog:my-products")


@login_required
@require_POST
def product_image_upload(request, pk: int):
    product = _own_product(request, pk)
    form = ProductImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_product_image(
                product, by=request.user, upload=form.cleaned_data["file"], alt_text=form.cleaned_data["alt_text"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Image added."))
    else:
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
    return redirect("catalog:product-edit", pk=product.pk)


def _own_image(request, pk: int, image_id: int) -> ProductImage:
    return get_object_or_404(selectors.images_of(_own_product(request, pk)), pk=image_id)


@login_required
@require_POST
def product_image_primary(request, pk: int, image_id: int):
    services.update_product_image(_own_image(request, pk, image_id), by=request.user, is_primary=True)
    messages.success(request, _("Primary image changed."))
    return redirect("catalog:product-edit", pk=pk)


@login_required
@require_POST
def product_image_delete(request, pk: int, image_id: int):
    services.delete_product_image(_own_image(request, pk, image_id), by=request.user)
    messages.success(request, _("Image deleted."))
    return redirect("catalog:product-edit", pk=pk)


FACET_PARAMETERS = {"category": "category", "seller": "seller", "in_stock": "in_stock"}
FILTER_PARAMETERS = ("category", "seller", "in_stock", "min_price", "max_price")


def _facet_links(request, facets: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Each facet value with the URL that narrows the current search to it."""
    current = {name: values for name, values in request.GET.lists() if name != "page"}
    linked = {}
    for name, values in facets.items():
        if name != "price" and name not in FACET_PARAMETERS:
            continue
        links = []
        for facet in values:
            params = dict(current)
            if name == "price":
                low, _dash, high = str(facet["value"]).partition("-")
                params["min_price"] = [low or "0"]
                if high:
                    params["max_price"] = [high]
                else:
                    params.pop("max_price", None)
            else:
                params[FACET_PARAMETERS[name]] = [str(facet["value"]).lower()]
            links.append({**facet, "url": f"?{urlencode(params, doseq=True)}"})
        if links:
            linked[name] = links
    return linked


def search_page(request):
    query = SearchQuerySerializer(data=request.GET)
    if not query.is_valid():
        return render(
            request, "catalog/search.html", {"errors": query.errors, "q": request.GET.get("q", "")}, status=400
        )
    params = SearchParams(**query.validated_data)
    kept = search_pages.look_up(request.GET)
    context = {"q": params.q, "params": params, "shared_parts": kept.parts, "rendered_parts": {}}
    if kept.parts is not None:  # this search's results, as the index still answers them
        count, engine = kept.count, "search"
    else:
        page = queries.search(params)
        count, engine = page.count, page.engine
        context.update(_results(request, params, page))
    services.record_search(
        q=params.q,
        kind=params.type,
        results=count,
        user=request.user,
        session_key=session_pseudonym(request),
    )
    response = render(request, "catalog/search.html", context)
    if kept.parts is None and engine == "search":
        search_pages.store(kept, context["rendered_parts"], count)
    return response


def _results(request, params: SearchParams, page) -> dict:
    """What the page's results part shows: the hits, their facets as links, the pages."""
    last_page = max(1, -(-page.count // params.page_size))
    base = request.GET.copy()
    base.pop("page", None)
    return {
        "page": page,
        "facets": _facet_links(request, page.facets),
        "previous_page": params.page - 1 if params.page > 1 else None,
        "next_page": params.page + 1 if params.page < last_page else None,
        "last_page": last_page,
        "querystring": base.urlencode(),
        "filtered": any(name in request.GET for name in ("category", "seller", "in_stock", "min_price", "max_price")),
    }
