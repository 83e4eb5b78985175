"""Product reviews (the API calls them comments): a 1–5 rating and a text."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.models import Product


class Review(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("product"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("author")
    )
    rating = models.PositiveSmallIntegerField(
        verbose_name=_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(verbose_name=_("text"), blank=True)
    is_verified_purchase = models.BooleanField(_("verified purchase"), default=False)
    is_hidden = models.BooleanField(_("hidden by staff"), default=False, db_index=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "author"], name="reviews_one_per_user_per_product"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="reviews_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return gettext("%(rating)s★ on %(product)s by %(author)s") % {
            "rating": self.rating,
            "product": self.product,
            "author": self.author,
        }
