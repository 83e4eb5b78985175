"""Offline evaluation of recommenders, by time split (docs/recommendations.md).

Train on what happened before a cut-off; for every shopper who bought before and
after it, rank products and see whether the ones they went on to buy (and had
not bought before) are near the top. Three figures per recommender:

- hit rate@k: the share of shoppers with at least one of their next purchases in the top k;
- NDCG@k: the same, rewarding a hit at rank 1 more than at rank k (binary relevance);
- coverage: the share of the catalogue that appears in anybody's top k (a recommender that
  shows everyone the same ten products covers little of a long tail).
"""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Scores:
    hit_rate: float
    ndcg: float
    coverage: float
    shoppers: int

    def as_row(self) -> dict[str, float]:
        return {"hit_rate": self.hit_rate, "ndcg": self.ndcg, "coverage": self.coverage}


def hit(ranked: list[int], relevant: set[int], k: int) -> float:
    return 1.0 if any(item in relevant for item in ranked[:k]) else 0.0


def ndcg(ranked: list[int], relevant: set[int], k: int) -> float:
    """Discounted cumulative gain of the top k over the best possible (all relevant items first)."""
    gain = sum(1 / math.log2(rank + 2) for rank, item in enumerate(ranked[:k]) if item in relevant)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(k, len(relevant))))
    return gain / ideal if ideal else 0.0


def evaluate(
    recommend: Callable[[int], list[int]],
    targets: dict[int, set[int]],
    *,
    catalogue_size: int,
    k: int = 10,
) -> Scores:
    """`recommend(shopper)` ranks products for each shopper in `targets` (shopper → next purchases)."""
    hits = gains = 0.0
    shown: set[int] = set()
    for shopper, relevant in targets.items():
        ranked = recommend(shopper)[:k]
        shown.update(ranked)
        hits += hit(ranked, relevant, k)
        gains += ndcg(ranked, relevant, k)
    count = len(targets)
    return Scores(
        hit_rate=hits / count if count else 0.0,
        ndcg=gains / count if count else 0.0,
        coverage=len(shown) / catalogue_size if catalogue_size else 0.0,
        shoppers=count,
    )


def split_by_time(orders: Iterable, cut_off) -> tuple[dict[int, list[tuple[int, ...]]], dict[int, set[int]]]:
    """(history before the cut-off per shopper, oldest first; next purchases after it, minus what they had).

    Only shoppers with a history and something new afterwards are kept as targets.
    """
    history: dict[int, list[tuple[int, ...]]] = {}
    later: dict[int, set[int]] = {}
    for order in sorted(orders, key=lambda order: order.at):
        if order.at < cut_off:
            history.setdefault(order.shopper, []).append(tuple(order.products))
        else:
            later.setdefault(order.shopper, set()).update(order.products)
    targets = {}
    for shopper, products in later.items():
        had = {product for basket in history.get(shopper, []) for product in basket}
        new = products - had
        if had and new:
            targets[shopper] = new
    return history, targets


def top(scores: dict[int, float], k: int, exclude: set[int] = frozenset()) -> list[int]:
    """The k best-scored products not in `exclude`, ties broken by product id."""
    ranked = sorted((item for item in scores if item not in exclude), key=lambda item: (-scores[item], item))
    return ranked[:k]
