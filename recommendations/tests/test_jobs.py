"""The recommendation jobs on a small planted shop: FPGrowth finds the planted kits, ALS the tastes.

On Spark in local mode, against the ClickHouse 18.16 server and chdb (the `warehouse` fixture).
"""

from collections import Counter

import pytest

from analytics import pipeline
from analytics.models import JobRun, PipelineRun
from recommendations import models_table

pytestmark = pytest.mark.django_db


def _run(*jobs: str, **options) -> PipelineRun:
    run = pipeline.run_jobs(list(jobs), trigger="test", options=options)
    assert run.status == PipelineRun.Status.SUCCEEDED, run.error
    return run


def _rules(store) -> list[tuple]:
    rows = store.query(
        "SELECT product_id, other_id, rank, round(confidence, 6) AS confidence, round(lift, 6) AS lift, pair_orders "
        f"FROM product_affinity WHERE version = {models_table.current_version('product_affinity')} "
        "ORDER BY product_id, rank"
    )
    return [tuple(float(value) for value in row.values()) for row in rows]


def _recommendations(store) -> dict[int, list[int]]:
    rows = store.query(
        "SELECT user_id, product_id FROM user_recommendations "
        f"WHERE version = {models_table.current_version('user_recommendations')} ORDER BY user_id, rank"
    )
    lists: dict[int, list[int]] = {}
    for row in rows:
        lists.setdefault(int(row["user_id"]), []).append(int(row["product_id"]))
    return lists


def test_bought_together_puts_the_planted_complements_first(planted_warehouse, spark):
    store, shop = planted_warehouse["store"], planted_warehouse["shop"]

    _run("product_affinity")

    rules = _rules(store)
    first: dict[int, list[int]] = {}
    for product, other, *_ in rules:
        first.setdefault(int(product), []).append(int(other))
    sold = Counter(product for order in planted_warehouse["orders"] for product in order.products)
    checked = 0
    for anchor, accessories in shop.kits.items():
        if sold[anchor] < 30:
            continue  # too rare in 600 orders to ask anything of
        checked += 1
        assert set(first[anchor][: len(accessories)]) == set(accessories), (anchor, first[anchor], accessories)
        for accessory in accessories:
            assert first[accessory][0] in shop.complements_of(accessory)
    assert checked >= 5
    assert all(lift > 1 and pair_orders >= 3 for *_, lift, pair_orders in rules)
    model = models_table.newest("product_affinity")
    assert model["output_rows"] == len(rules) and model["input_rows"] == len(planted_warehouse["orders"])


def test_re_running_the_jobs_changes_nothing(planted_warehouse, spark):
    store = planted_warehouse["store"]
    _run("product_affinity", "user_recommendations")
    rules, lists = _rules(store), _recommendations(store)
    first_versions = {model: models_table.newest(model)["version"] for model in models_table.MODELS}

    again = _run("product_affinity", "user_recommendations")  # same input: not trained again
    assert all(job.details["skipped"] for job in JobRun.objects.filter(run=again))
    assert {model: models_table.newest(model)["version"] for model in models_table.MODELS} == first_versions

    _run("product_affinity", "user_recommendations", rebuild=True)  # trained again on the same input

    assert models_table.newest("product_affinity")["version"] > first_versions["product_affinity"]
    assert _rules(store) == rules
    assert _recommendations(store) == lists


def test_recommended_for_you_follows_each_shoppers_taste_and_leaves_out_what_they_bought(planted_warehouse, spark):
    shop, orders = planted_warehouse["shop"], planted_warehouse["orders"]

    _run("user_recommendations")

    lists = _recommendations(planted_warehouse["store"])
    bought: dict[int, set[int]] = {}
    for order in orders:
        bought.setdefault(order.shopper, set()).update(order.products)
    assert set(lists) == set(bought)
    category = dict(_catalogue(shop))
    shown = chance = 0.0
    for shopper, products in lists.items():
        assert not set(products) & bought[shopper]
        assert len(products) == len(set(products)) <= 30
        favoured = shop.segments[shop.segment_of(shopper)]
        left = [product for product in category if product not in bought[shopper]]
        shown += sum(category[product] in favoured for product in products[:5]) / len(products[:5])
        chance += sum(category[product] in favoured for product in left) / len(left)
    assert shown / len(lists) > chance / len(lists) + 0.2


def _catalogue(shop) -> list[tuple[int, int]]:
    pairs = []
    for category, anchors in shop.categories.items():
        for anchor in anchors:
            pairs += [(anchor, category), *((item, category) for item in shop.kits[anchor])]
    return pairs
