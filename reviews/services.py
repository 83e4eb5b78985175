"""Writes for reviews. The product's rating summary is refreshed here and nowhere else."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from catalog.models import Product, SearchQueueEntry
from catalog.search.indexer import enqueue
from orders.selectors import has_bought
from reviews.models import Review
from shop import events
from shop.errors import Conflict, DomainError, Forbidden

MAX_REVIEW_LENGTH = 5000


def refresh_product_rating(product_id: int) -> None:
    """Recompute the product's rating from its reviews, in the caller's transaction.

    The product row is locked first: two reviews posted at once would otherwise each count
    from a snapshot without the other's, and the last to write would drop one. Once the lock
    is ours, the count below (a new statement) sees every review committed before us. A
    no-key lock, because inserting a review holds a key-share lock on the product.
    """
    Product.objects.select_for_update(no_key=True).filter(pk=product_id).values_list("pk").first()
    summary = Review.objects.filter(product_id=product_id, is_hidden=False).aggregate(
        average=Avg("rating"), count=Count("id")
    )
    average = Decimal(str(summary["average"] or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    Product.objects.filter(pk=product_id).update(rating_average=average, rating_count=summary["count"])
    enqueue(SearchQueueEntry.Kind.PRODUCT, [product_id])


@transaction.atomic
def post_review(*, author, product: Product, rating: int, text: str = "") -> Review:
    """One review per user per product; marked verified when the author bought the product."""
    if not author.is_authenticated:
        raise Forbidden(_("Log in to review a product."))
    if product.seller_id == author.id:
        raise Forbidden(_("Sellers cannot review their own products."))
    if not product.is_active:
        raise Conflict(_("This product is no longer on sale; it cannot be reviewed."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(_("The rating must be a whole number from 1 to 5."), field="rating")
    if len(text) > MAX_REVIEW_LENGTH:
        raise DomainError(
            _("A review may be at most %(count)d characters.") % {"count": MAX_REVIEW_LENGTH}, field="text"
        )
    if Review.objects.filter(product=product, author=author).exists():
        raise Conflict(_("You have already reviewed this product."))
    try:
        with transaction.atomic():
            review = Review.objects.create(
                product=product,
                author=author,
                rating=rating,
                text=text.strip(),
                is_verified_purchase=has_bought(author, product.pk),
            )
    except IntegrityError as exc:
        raise Conflict(_("You have already reviewed this product.")) from exc
    enqueue(SearchQueueEntry.Kind.COMMENT, [review.pk])
    refresh_product_rating(product.pk)
    events.record(
        "review_posted",
        user=author,
        review_id=review.pk,
        product_id=product.pk,
        rating=rating,
        verified_purchase=review.is_verified_purchase,
    )
    return review


@transaction.atomic
def set_hidden(review: Review, *, hidden: bool, by) -> Review:
    """Staff hide a review (it leaves the page and the average) or show it again."""
    if not by.is_staff:
        raise Forbidden(_("Only staff may hide or show reviews."))
    review.is_hidden = hidden
    review.save(update_fields=["is_hidden", "updated_at"])
    enqueue(SearchQueueEntry.Kind.COMMENT, [review.pk])
    refresh_product_rating(review.product_id)
    return review


@transaction.atomic
def delete_review(review: Review, *, by) -> None:
    if not (by.is_staff or review.author_id == by.id):
        raise Forbidden(_("Only the author or staff may delete a review."))
    product_id = review.product_id
    enqueue(SearchQueueEntry.Kind.COMMENT, [review.pk])
    review.delete()
    refresh_product_rating(product_id)
