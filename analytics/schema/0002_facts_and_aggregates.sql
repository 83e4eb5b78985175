-- Copies of the shop's tables (written by spark_jobs.historical_migration and
-- spark_jobs.incremental_sync) and the aggregates the back-office reads
-- (written by spark_jobs.data_aggregation).
--
-- Every table is a ReplacingMergeTree whose version is the run that wrote the
-- row (microseconds since the epoch): re-reading a row that changed (an order's
-- status) or re-running a day's aggregation replaces the older copy, and reads
-- use FINAL, so nothing is counted twice. Written for ClickHouse 18.16 and current
-- ClickHouse alike: Decimal, DateTime, no LowCardinality, no window functions.

CREATE TABLE IF NOT EXISTS orders (
    order_id UInt64,
    buyer_id UInt64,
    status String,
    total Decimal(14, 2),
    currency String,
    created_at DateTime,
    updated_at DateTime,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(created_at)
ORDER BY order_id;

CREATE TABLE IF NOT EXISTS order_lines (
    line_id UInt64,
    order_id UInt64,
    product_id UInt64,
    seller_id UInt64,
    category_id UInt64,
    title String,
    unit_price Decimal(12, 2),
    quantity UInt32,
    line_total Decimal(14, 2),
    order_created_at DateTime,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(order_created_at)
ORDER BY (order_id, line_id);

CREATE TABLE IF NOT EXISTS products (
    product_id UInt64,
    seller_id UInt64,
    category_id UInt64,
    title String,
    price Decimal(12, 2),
    is_active UInt8,
    created_at DateTime,
    updated_at DateTime,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY product_id;

CREATE TABLE IF NOT EXISTS categories (
    category_id UInt64,
    parent_id UInt64,
    name String,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY category_id;

CREATE TABLE IF NOT EXISTS sellers (
    seller_id UInt64,
    shop_name String,
    slug String,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY seller_id;

-- No e-mail addresses or names: the warehouse needs who did what, not who they are.
CREATE TABLE IF NOT EXISTS users (
    user_id UInt64,
    role String,
    date_joined DateTime,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY user_id;

-- day × category × seller, for orders that were not cancelled.
CREATE TABLE IF NOT EXISTS daily_sales_aggregation (
    day Date,
    category_id UInt64,
    seller_id UInt64,
    orders UInt64,
    units UInt64,
    revenue Decimal(18, 2),
    average_order_value Decimal(18, 2),
    version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(day)
ORDER BY (day, category_id, seller_id);

-- day × user (0: shoppers who were not signed in), from the raw events.
CREATE TABLE IF NOT EXISTS user_activity_aggregation (
    day Date,
    user_id UInt64,
    views UInt64,
    searches UInt64,
    cart_adds UInt64,
    purchases UInt64,
    conversion Float64,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(day)
ORDER BY (day, user_id);

-- day × product: the funnel and the top products, also per seller.
CREATE TABLE IF NOT EXISTS product_activity_aggregation (
    day Date,
    product_id UInt64,
    seller_id UInt64,
    category_id UInt64,
    views UInt64,
    cart_adds UInt64,
    orders UInt64,
    units UInt64,
    revenue Decimal(18, 2),
    version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(day)
ORDER BY (day, product_id);
