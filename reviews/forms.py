from django import forms

from reviews.services import MAX_REVIEW_LENGTH

RATING_CHOICES = [
    (n, f"{n} – {label}") for n, label in [(5, "excellent"), (4, "good"), (3, "fair"), (2, "poor"), (1, "bad")]
]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(choices=RATING_CHOICES, coerce=int, label="Your rating")
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_REVIEW_LENGTH, required=False, label="Your review"
    )
