"""Ranking products from association rules: the pure functions the storefront and the evaluation share."""

from collections.abc import Iterable, Mapping, Sequence


def item_to_item(history: Iterable[int], rules: Mapping[int, Sequence[tuple[int, float]]], *, limit: int) -> list[int]:
    """Products bought together with what the shopper bought, by the summed confidence of the rules
    leading to them; never what they already have. Ties: lower id first."""
    had = set(history)
    scores: dict[int, float] = {}
    for product in had:
        for other, confidence in rules.get(product, ()):
            if other not in had:
                scores[other] = scores.get(other, 0.0) + confidence
    return sorted(scores, key=lambda other: (-scores[other], other))[:limit]


def padded(first: Sequence[int], then: Iterable[int], *, limit: int, exclude: Iterable[int] = ()) -> list[int]:
    """`first`, then `then` in its order, without repeats or `exclude`, up to `limit`."""
    skip = set(exclude)
    result: list[int] = []
    for product in (*first, *then):
        if product not in skip:
            skip.add(product)
            result.append(product)
            if len(result) == limit:
                break
    return result
