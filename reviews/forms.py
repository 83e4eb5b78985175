from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.services import MAX_REVIEW_LENGTH

RATING_CHOICES = [
    (5, _("5 – excellent")),
    (4, _("4 – good")),
    (3, _("3 – fair")),
    (2, _("2 – poor")),
    (1, _("1 – bad")),
]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(choices=RATING_CHOICES, coerce=int, label=_("Your rating"))
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_REVIEW_LENGTH, required=False, label=_("Your review")
    )
