-- day: orders that were not cancelled and their revenue, counted once each (the
-- category and seller grain of daily_sales_aggregation counts an order once per
-- group it touched). Read by the dashboard's unfiltered revenue-and-orders chart.
CREATE TABLE IF NOT EXISTS daily_orders_aggregation (
    day Date,
    orders UInt64,
    revenue Decimal(18, 2),
    version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(day)
ORDER BY day;
