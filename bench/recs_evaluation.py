"""The offline evaluation of the recommenders on planted data (docs/recommendations.md).

Run by bench.recs in a process of its own, with the benchmark's database and warehouse:

1. plants a shop (recommendations.planted): RECS_PRODUCTS products in 13 categories,
   kits of complements, 6 taste segments; RECS_SHOPPERS shoppers place RECS_ORDERS
   orders over 180 days, with the views and cart additions that led to them;
2. puts them in the warehouse as the pipeline would (orders, order_lines, raw_events);
3. trains the shipped jobs (product_affinity, user_recommendations) through the
   pipeline on what happened before the cut-off, 30 days before the end;
4. ranks products for every shopper who bought before and after the cut-off, and for
   every product of every later order of two or more, and scores the rankings
   against what happened after it (recommendations.evaluation).

Prints the Markdown tables.
"""

import os
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

PRODUCTS = int(os.environ.get("RECS_PRODUCTS", "1000"))
SHOPPERS = int(os.environ.get("RECS_SHOPPERS", "10000"))
ORDERS = int(os.environ.get("RECS_ORDERS", "100000"))
CATEGORIES = 13
DAYS, TEST_DAYS, K = 180, 30, 10


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from recommendations.planted import PlantedShop

    catalogue = [(product, 1 + product % CATEGORIES) for product in range(1, PRODUCTS + 1)]
    shop = PlantedShop.build(catalogue, segments=6, per_segment=3, seed=int(os.environ.get("RECS_SEED", "7")))
    end = datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(hours=1)
    cut_off = end - timedelta(days=TEST_DAYS)
    orders = shop.orders(shoppers=SHOPPERS, orders=ORDERS, start=end - timedelta(days=DAYS), end=end)
    _load(orders, catalogue)
    timings = _train(cut_off)
    rules, lists = _read_models()
    _report(shop, orders, cut_off, rules, lists, timings, catalogue)


def _load(orders, catalogue) -> None:
    from analytics import schema
    from analytics.warehouse import warehouse
    from recommendations.planted import warehouse_rows

    schema.migrate()
    rows = warehouse_rows(orders, sellers={product: 1 for product, _ in catalogue}, categories=dict(catalogue))
    store = warehouse()
    for table, table_rows in rows.items():
        for start in range(0, len(table_rows), 50_000):
            store.insert(table, table_rows[start : start + 50_000])
        print(f"[bench] recs: {len(table_rows):,} rows in {table}", flush=True)


def _train(cut_off: datetime) -> dict[str, float]:
    from analytics import pipeline
    from analytics.models import JobRun

    started = time.monotonic()
    run = pipeline.run_jobs(
        list(pipeline.RECOMMENDATION_JOBS),
        trigger="bench",
        options={"until": cut_off.replace(tzinfo=UTC), "rebuild": True},
        say=lambda message: print(f"[bench] recs: {message}", flush=True),
    )
    if run.status != run.Status.SUCCEEDED:
        raise SystemExit(f"training failed: {run.error}")
    timings = {"command": time.monotonic() - started}
    for job in JobRun.objects.filter(run=run):
        timings[job.job] = (job.finished_at - job.started_at).total_seconds()
    return timings


def _read_models() -> tuple[dict[int, list[tuple[int, float]]], dict[int, list[int]]]:
    from analytics.warehouse import warehouse
    from recommendations import models_table

    store = warehouse()
    rules: dict[int, list[tuple[int, float]]] = {}
    for row in store.query(
        "SELECT product_id, other_id, confidence FROM product_affinity "
        f"WHERE version = {models_table.current_version(models_table.PRODUCT_AFFINITY)} ORDER BY product_id, rank"
    ):
        rules.setdefault(int(row["product_id"]), []).append((int(row["other_id"]), float(row["confidence"])))
    lists: dict[int, list[int]] = {}
    for row in store.query(
        "SELECT user_id, product_id FROM user_recommendations "
        f"WHERE version = {models_table.current_version(models_table.USER_RECOMMENDATIONS)} ORDER BY user_id, rank"
    ):
        lists.setdefault(int(row["user_id"]), []).append(int(row["product_id"]))
    return rules, lists


def _report(shop, orders, cut_off, rules, lists, timings, catalogue) -> None:
    from recommendations.evaluation import evaluate, split_by_time, top
    from recommendations.scoring import item_to_item, padded

    history, targets = split_by_time(orders, cut_off)
    had = {shopper: {p for basket in baskets for p in basket} for shopper, baskets in history.items()}
    sold = Counter(product for order in orders if order.at < cut_off for product in order.products)
    popular = top(sold, 200)

    def most_popular(shopper: int) -> list[int]:
        return padded([], popular, limit=K, exclude=had[shopper])

    def bought_together(shopper: int) -> list[int]:
        return padded(item_to_item(had[shopper], rules, limit=K), popular, limit=K, exclude=had[shopper])

    def als(shopper: int) -> list[int]:
        return padded(lists.get(shopper, []), popular, limit=K, exclude=had[shopper])

    def truth(shopper: int) -> list[int]:
        return top(shop.truth_scores(shopper, history[shopper]), K)

    size = len(catalogue)
    shoppers = {
        "most popular (baseline)": evaluate(most_popular, targets, catalogue_size=size, k=K),
        "bought together (item-to-item from product_affinity)": evaluate(
            bought_together, targets, catalogue_size=size, k=K
        ),
        "ALS (user_recommendations)": evaluate(als, targets, catalogue_size=size, k=K),
        "planted truth (the generator's own probabilities)": evaluate(truth, targets, catalogue_size=size, k=K),
    }
    baskets = _basket_task(shop, orders, cut_off, rules, sold, dict(catalogue))
    print("\n## Recommendations: offline evaluation\n")
    print(
        f"{PRODUCTS:,} products · {SHOPPERS:,} shoppers · {len(orders):,} orders over {DAYS} days · "
        f"trained on the first {DAYS - TEST_DAYS} days · k = {K}\n"
    )
    print(f"### Next purchases: {len(targets):,} shoppers who bought before and after the cut-off\n")
    _table(shoppers)
    print(f"\n### The product page: {baskets['queries']:,} products of later orders of two or more\n")
    _table(baskets["scores"])
    print("\n### What the jobs found of the plant\n")
    planted = {(a, b) for a in shop.kits for b in shop.complements_of(a)}
    planted |= {(b, a) for a, b in planted}
    mined = {(product, other) for product, others in rules.items() for other, _ in others}
    firsts = {(product, others[0][0]) for product, others in rules.items() if others}
    print(f"- planted complement pairs (both ways): {len(planted):,}; rules mined: {len(mined):,}")
    print(f"- planted pairs among the rules: {len(planted & mined):,} ({len(planted & mined) / len(planted):.1%})")
    print(f"- each product's first rule is a planted complement: {len(firsts & planted) / max(1, len(firsts)):.1%}")
    print("\n### Training time (this machine, inside the run)\n")
    for name, seconds in timings.items():
        print(f"- {name}: {seconds:.1f} s")


def _basket_task(shop, orders, cut_off, rules, sold, category_of) -> dict:
    """For each product of a later order with two or more: do the others appear in its shelf?"""
    from recommendations.evaluation import evaluate, top
    from recommendations.scoring import padded

    queries: dict[int, set[int]] = {}
    products: dict[int, int] = {}
    shoppers: dict[int, int] = {}
    for order in orders:
        if order.at < cut_off or len(order.products) < 2:
            continue
        for product in order.products:
            key = len(queries)
            queries[key] = set(order.products) - {product}
            products[key], shoppers[key] = product, order.shopper
    popular = top(sold, 200)
    by_category: dict[int, list[int]] = {}
    for product in popular + top(sold, len(sold)):
        if product not in by_category.setdefault(category_of[product], []):
            by_category[category_of[product]].append(product)
    tastes = [top(shop.anchor_probabilities(segment), 200) for segment in range(len(shop.segments))]

    def shelf(first):
        return lambda key: padded(first(products[key]), [], limit=K, exclude={products[key]})

    def fallback(product):
        return by_category[category_of[product]]

    def together(product):
        found = [other for other, _ in rules.get(product, [])]
        return found if found else fallback(product)

    def truth(key):
        product = products[key]
        taste = tastes[shop.segment_of(shoppers[key])]
        return padded([*shop.complements_of(product), *taste], [], limit=K, exclude={product})

    size = len(category_of)
    scores = {
        "most popular (baseline)": evaluate(shelf(lambda product: popular), queries, catalogue_size=size, k=K),
        "best sellers of the category (the fallback)": evaluate(shelf(fallback), queries, catalogue_size=size, k=K),
        "bought together (product_affinity; fallback when no rule)": evaluate(
            shelf(together), queries, catalogue_size=size, k=K
        ),
        "planted truth (the product's kit, then the shopper's taste)": evaluate(
            truth, queries, catalogue_size=size, k=K
        ),
    }
    return {"queries": len(queries), "scores": scores}


def _table(scores: dict) -> None:
    best = max(score.hit_rate for score in scores.values())
    print("| recommender | hit rate@10 | NDCG@10 | coverage | hit rate / ceiling |")
    print("|---|---:|---:|---:|---:|")
    ceiling = list(scores.values())[-1].hit_rate or best
    for name, score in scores.items():
        print(
            f"| {name} | {score.hit_rate:.3f} | {score.ndcg:.3f} | {score.coverage:.1%} | "
            f"{score.hit_rate / ceiling:.0%} |"
        )


if __name__ == "__main__":
    main()
