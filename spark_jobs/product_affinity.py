"""Bought together: association rules between products, mined from orders by Spark MLlib's FPGrowth.

Input: the products of every order that was not cancelled in the training window
(spark_jobs.training_window), read from the warehouse's synced facts. FPGrowth
finds the sets of products that appear together in at least MIN_PAIR_ORDERS
orders, and their rules; we keep the rules from one product to one other that
lift the other's chance above its base rate (lift > 1), ranked per product by
confidence (the share of the product's orders that also hold the other), then
lift, then id, and store the first TOP of them in `product_affinity` under this
run's version. The run is recorded in `recommendation_models` last, so the
storefront switches to the new rules in one step.

An input whose fingerprint matches the current model's is not trained again
(`--rebuild` forces it); training the same input twice gives the same rules.
"""

import sys
from pathlib import Path

if __name__ == "__main__":  # `spark-submit spark_jobs/<job>.py`: run it as the pipeline does (recorded, locked), exit
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from spark_jobs.submit import submit

    submit(Path(__file__).stem)


from django.conf import settings
from django.utils.translation import gettext

from recommendations import models_table
from spark_jobs import sink
from spark_jobs.context import JobContext, JobResult
from spark_jobs.frames import from_rows
from spark_jobs.training_window import Window, already_trained, fingerprint, purchased_lines

NAME = models_table.PRODUCT_AFFINITY
USES_SPARK = True
TOP = 20


def parameters() -> dict:
    return {"min_pair_orders": settings.RECOMMENDATIONS_MIN_PAIR_ORDERS, "top": TOP, "rule": "confidence>lift>id"}


def run(context: JobContext) -> JobResult:
    window = Window.for_job(context.options)
    lines = purchased_lines(window)
    rows, print_ = fingerprint(lines, "order_id, product_id", **parameters())
    skipped = already_trained(NAME, print_, context, window)
    if skipped:
        return skipped
    baskets = read_baskets(lines)
    written = 0
    if len(baskets) >= settings.RECOMMENDATIONS_MIN_PAIR_ORDERS:  # fewer orders cannot hold a pair that often
        written = sink.write(mine(context.spark, baskets), "product_affinity", version=context.version)
    details = {"orders": len(baskets), "lines": rows, **window.describe(), **parameters()}
    models_table.record(
        NAME, version=context.version, input_rows=len(baskets), output_rows=written, fingerprint=print_, details=details
    )
    context.say(
        gettext("product_affinity: %(rules)d rules from %(orders)d orders") % {"rules": written, "orders": len(baskets)}
    )
    return JobResult(rows={"product_affinity": written}, details={"model_version": context.version, **details})


def read_baskets(lines_sql: str) -> list[tuple[int, list[int]]]:
    """(order id, its distinct products) for every order in the window, from the warehouse."""
    from analytics.warehouse import warehouse

    found = warehouse().query(
        f"SELECT order_id, groupUniqArray(product_id) AS items FROM ({lines_sql}) GROUP BY order_id"
    )
    return sorted((int(row["order_id"]), sorted(int(item) for item in row["items"])) for row in found)


def mine(spark, baskets: list[tuple[int, list[int]]]):
    """A DataFrame of (product_id, other_id, rank, confidence, lift, support, pair_orders), TOP per product."""
    from pyspark.ml.fpm import FPGrowth
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window as SparkWindow

    orders = len(baskets)
    least = settings.RECOMMENDATIONS_MIN_PAIR_ORDERS
    frame = from_rows(spark, baskets, "order_id long, items array<long>")
    model = FPGrowth(itemsCol="items", minSupport=least / orders, minConfidence=0.0).fit(frame)
    pairs = (
        model.associationRules.where(F.size("antecedent") == 1)
        .select(
            F.col("antecedent")[0].alias("product_id"),
            F.col("consequent")[0].alias("other_id"),
            "confidence",
            "lift",
            "support",
            F.round(F.col("support") * orders).cast("long").alias("pair_orders"),
        )
        .where((F.col("lift") > 1.0) & (F.col("pair_orders") >= least))
    )
    best_first = SparkWindow.partitionBy("product_id").orderBy(F.desc("confidence"), F.desc("lift"), "other_id")
    ranked = pairs.withColumn("rank", F.row_number().over(best_first)).where(F.col("rank") <= TOP)
    return ranked.select("product_id", "other_id", "rank", "confidence", "lift", "support", "pair_orders")
