"""Recommended for you: implicit-feedback matrix factorisation (Spark MLlib's ALS with implicitPrefs).

Input, from the warehouse, over the training window (spark_jobs.training_window):
what each signed-in shopper did with each product. A view counts VIEW, a cart
addition CART, a purchase of an order that was not cancelled PURCHASE; ALS turns
log(1 + their sum) into its confidence, 1 + ALPHA × that. Shoppers who were not
signed in (user 0) are left out: nothing here reads session keys.

Output: each shopper's TOP products by the model's score, leaving out what they
bought already, in `user_recommendations` under this run's version, then the model
recorded in `recommendation_models`. The parameters were chosen on planted data
of another seed than the one the evaluation reports (docs/recommendations.md);
a fixed seed and input sorted by key make a re-run on the same input give the
same lists.

Not in the hourly chain: on the evaluation, item-to-item from product_affinity
ranks a shopper's next purchases better, so that is what the storefront shows
(recommendations.selectors). `manage.py analytics_run --job user_recommendations`
trains it, and the benchmark measures it beside the others.
"""

import sys
from pathlib import Path

if __name__ == "__main__":  # `spark-submit spark_jobs/<job>.py`: run it as the pipeline does (recorded, locked), exit
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from spark_jobs.submit import submit

    submit(Path(__file__).stem)


from collections import Counter

from django.utils.translation import gettext

from recommendations import models_table
from spark_jobs import sink
from spark_jobs.context import JobContext, JobResult
from spark_jobs.frames import from_rows
from spark_jobs.training_window import Window, already_trained, fingerprint, purchased_lines

NAME = models_table.USER_RECOMMENDATIONS
USES_SPARK = True
TOP = 30
VIEW, CART, PURCHASE = 1, 3, 5
RANK, REG_PARAM, ALPHA, ITERATIONS, SEED = 16, 0.1, 1.0, 10, 42


def parameters() -> dict:
    return {
        "weights": [VIEW, CART, PURCHASE],
        "strength": "log1p",
        "rank": RANK,
        "reg_param": REG_PARAM,
        "alpha": ALPHA,
        "iterations": ITERATIONS,
        "seed": SEED,
        "top": TOP,
    }


def interactions_sql(window: Window) -> str:
    """(user_id, product_id, strength, bought) per signed-in shopper and product."""
    return (
        "SELECT user_id, product_id, sum(weight) AS strength, max(purchase) AS bought FROM ("
        f"SELECT user_id, visitParamExtractUInt(payload, 'product_id') AS product_id, "
        f"if(type = 'product_viewed', {VIEW}, {CART}) AS weight, 0 AS purchase "
        "FROM raw_events FINAL WHERE type IN ('product_viewed', 'cart_item_added') AND user_id != 0 "
        f"AND {window.on('occurred_at')} "
        f"UNION ALL SELECT buyer_id AS user_id, product_id, {PURCHASE} AS weight, 1 AS purchase "
        f"FROM ({purchased_lines(window)})"
        ") WHERE product_id != 0 AND user_id < 2147483648 AND product_id < 2147483648 "
        "GROUP BY user_id, product_id"
    )


def run(context: JobContext) -> JobResult:
    window = Window.for_job(context.options)
    sql = interactions_sql(window)
    rows, print_ = fingerprint(sql, "user_id, product_id, strength", **parameters())
    skipped = already_trained(NAME, print_, context, window)
    if skipped:
        return skipped
    interactions = read_interactions(sql)
    written = 0
    if interactions:
        written = sink.write(recommend(context.spark, interactions), NAME, version=context.version)
    shoppers = len({user for user, _, _, _ in interactions})
    details = {"interactions": rows, "shoppers": shoppers, **window.describe(), **parameters()}
    models_table.record(
        NAME, version=context.version, input_rows=rows, output_rows=written, fingerprint=print_, details=details
    )
    context.say(
        gettext("%(job)s: %(written)d recommendations for %(shoppers)d shoppers from %(rows)d interactions")
        % {"job": NAME, "written": written, "shoppers": shoppers, "rows": rows}
    )
    return JobResult(rows={NAME: written}, details={"model_version": context.version, **details})


def read_interactions(sql: str) -> list[tuple[int, int, float, int]]:
    from analytics.warehouse import warehouse

    found = warehouse().query(sql)
    return sorted(
        (int(row["user_id"]), int(row["product_id"]), float(row["strength"]), int(row["bought"])) for row in found
    )


def recommend(spark, interactions: list[tuple[int, int, float, int]]):
    """A DataFrame of (user_id, product_id, rank, score): each shopper's TOP products they have not bought."""
    from pyspark.ml.recommendation import ALS
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window as SparkWindow

    frame = from_rows(spark, interactions, "user_id int, product_id int, strength float, bought int")
    frame = frame.withColumn("strength", F.log1p("strength"))
    # ALS splits users and products into blocks, a task each per iteration: one per 100k interactions
    # (ten tasks for a few thousand rows cost ten times what the work does).
    blocks = max(1, min(10, len(interactions) // 100_000))
    model = ALS(
        userCol="user_id",
        itemCol="product_id",
        ratingCol="strength",
        implicitPrefs=True,
        rank=RANK,
        regParam=REG_PARAM,
        alpha=ALPHA,
        maxIter=ITERATIONS,
        seed=SEED,
        coldStartStrategy="drop",
        numUserBlocks=blocks,
        numItemBlocks=blocks,
    ).fit(frame)
    bought = frame.where(F.col("bought") == 1).select("user_id", "product_id")
    purchases = Counter(user for user, _, _, bought_it in interactions if bought_it)
    most_bought = max(purchases.values(), default=0)
    products = len({product for _, product, _, _ in interactions})
    candidates = (
        model.recommendForAllUsers(min(products, TOP + most_bought))
        .select("user_id", F.explode("recommendations").alias("item"))
        .select("user_id", F.col("item.product_id").alias("product_id"), F.col("item.rating").alias("score"))
        .join(bought, ["user_id", "product_id"], "left_anti")
    )
    best_first = SparkWindow.partitionBy("user_id").orderBy(F.desc("score"), "product_id")
    return (
        candidates.withColumn("rank", F.row_number().over(best_first))
        .where(F.col("rank") <= TOP)
        .select(
            F.col("user_id").cast("long"),
            F.col("product_id").cast("long"),
            "rank",
            F.col("score").cast("double"),
        )
    )
