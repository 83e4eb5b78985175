"""The evaluation's arithmetic, the planted generator's promises and the item-to-item scoring (no services)."""

import math
from collections import Counter
from datetime import datetime, timedelta

import pytest

from recommendations.evaluation import evaluate, hit, ndcg, split_by_time, top
from recommendations.planted import PlantedOrder, PlantedShop
from recommendations.scoring import item_to_item, padded

DAY = datetime(2026, 1, 1)


def test_hit_rate_and_ndcg_reward_a_relevant_product_higher_up():
    assert hit([3, 1, 2], {1}, k=10) == 1.0 and hit([3, 1, 2], {1}, k=1) == 0.0
    assert ndcg([1, 3], {1}, k=10) == 1.0
    assert ndcg([3, 1], {1}, k=10) == pytest.approx(1 / math.log2(3))
    assert ndcg([1, 2, 9], {1, 2}, k=10) == 1.0
    assert ndcg([9, 8], {1}, k=10) == 0.0


def test_evaluate_averages_over_shoppers_and_counts_the_catalogue_shown():
    lists = {1: [10, 11], 2: [10, 12]}

    scores = evaluate(lambda shopper: lists[shopper], {1: {11}, 2: {99}}, catalogue_size=10, k=2)

    assert scores.hit_rate == 0.5 and scores.coverage == 0.3 and scores.shoppers == 2
    assert scores.ndcg == pytest.approx((1 / math.log2(3)) / 2)


def test_the_time_split_keeps_shoppers_with_a_past_and_something_new_after_it():
    orders = [
        PlantedOrder(shopper=1, at=DAY, products=(1, 2)),
        PlantedOrder(shopper=1, at=DAY + timedelta(days=9), products=(2, 3)),  # 2 again: not new
        PlantedOrder(shopper=2, at=DAY + timedelta(days=9), products=(4,)),  # no past
        PlantedOrder(shopper=3, at=DAY, products=(5,)),
        PlantedOrder(shopper=3, at=DAY + timedelta(days=9), products=(5,)),  # nothing new
    ]

    history, targets = split_by_time(orders, DAY + timedelta(days=5))

    assert targets == {1: {3}}
    assert history == {1: [(1, 2)], 3: [(5,)]}


def test_top_breaks_ties_by_id_and_leaves_out_what_it_is_told():
    assert top({5: 1.0, 3: 1.0, 9: 2.0, 1: 0.5}, 3, exclude={9}) == [3, 5, 1]


def test_item_to_item_adds_up_the_rules_of_what_was_bought_and_never_offers_it():
    rules = {1: [(2, 0.5), (3, 0.4)], 4: [(3, 0.3), (1, 0.9), (5, 0.4)]}

    assert item_to_item([1, 4], rules, limit=10) == [3, 2, 5]
    assert item_to_item([], rules, limit=10) == []
    assert padded([3, 2], [2, 7, 8, 9], limit=4, exclude={8}) == [3, 2, 7, 9]


@pytest.fixture
def shop() -> PlantedShop:
    return PlantedShop.build([(product, 1 + product % 5) for product in range(1, 101)], segments=3, per_segment=2)


def test_the_plant_has_kits_inside_categories_and_tastes_over_them(shop):
    category = {product: 1 + product % 5 for product in range(1, 101)}
    for anchor, accessories in shop.kits.items():
        assert 1 <= len(accessories) <= 2
        assert {category[item] for item in accessories} == {category[anchor]}
        for accessory in accessories:
            assert anchor in shop.complements_of(accessory)
    assert all(len(taste) == 2 for taste in shop.segments)


def test_planted_orders_follow_the_kits_and_the_tastes(shop):
    orders = shop.orders(shoppers=60, orders=900, start=DAY, end=DAY + timedelta(days=90))

    assert len(orders) == 900
    together = Counter()
    for order in orders:
        for anchor, accessories in shop.kits.items():
            if anchor in order.products:
                together["anchor"] += 1
                together["with an accessory"] += any(item in order.products for item in accessories)
    assert together["with an accessory"] / together["anchor"] > 0.55  # 0.6 or 0.84 per kit, less repeats
    in_taste = sum(
        any(1 + product % 5 in shop.segments[shop.segment_of(order.shopper)] for product in order.products)
        for order in orders
    )
    assert in_taste / len(orders) > 0.8


def test_the_planted_truth_ranks_a_pending_accessory_first_and_never_what_was_bought(shop):
    anchor, accessories = next((a, items) for a, items in shop.kits.items() if items)

    scores = shop.truth_scores(7, [(anchor,)])

    assert anchor not in scores
    assert top(scores, len(accessories)) == sorted(accessories, key=lambda item: (-scores[item], item))
