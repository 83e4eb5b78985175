-- What the storefront learns from the warehouse (recommendations/, docs/recommendations.md).
--
-- A model is trained whole by one run and its rows carry that run's version; the
-- run records itself in recommendation_models only after its rows are in, so a
-- reader that takes the newest recorded version never sees half a model. The
-- tables are keyed by the pair, not the version: a pair that the next run finds
-- again replaces its older copy when parts merge. Written for ClickHouse 18.16 and
-- current ClickHouse alike (no LowCardinality, no window functions).

-- "Bought together": association rules product → other_id mined by Spark MLlib's
-- FPGrowth (spark_jobs.product_affinity), ranked per product (1 = shown first).
CREATE TABLE IF NOT EXISTS product_affinity (
    product_id UInt64,
    other_id UInt64,
    rank UInt16,
    confidence Float64,
    lift Float64,
    support Float64,
    pair_orders UInt64,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (product_id, other_id);

-- "Recommended for you": each shopper's top products from implicit-feedback ALS
-- (spark_jobs.user_recommendations), without what they have bought already.
CREATE TABLE IF NOT EXISTS user_recommendations (
    user_id UInt64,
    product_id UInt64,
    rank UInt16,
    score Float64,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (user_id, product_id);

-- One row per trained model: which version readers use, what it was trained on
-- (`fingerprint` of the input, so an hourly run with nothing new skips training).
CREATE TABLE IF NOT EXISTS recommendation_models (
    model String,
    version UInt64,
    trained_at DateTime,
    input_rows UInt64,
    output_rows UInt64,
    fingerprint UInt64,
    details String
) ENGINE = MergeTree
ORDER BY (model, version);
