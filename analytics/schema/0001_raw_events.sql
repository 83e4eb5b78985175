-- Every domain event, as the consumer received it from Kafka (docs/events.md).
-- ReplacingMergeTree keyed on the event id is the second line of defence against
-- duplicates; the consumer already skips ids it has stored.
CREATE TABLE IF NOT EXISTS raw_events (
    event_id UUID,
    type String,
    version UInt16,
    occurred_at DateTime,
    user_id UInt64,
    session String,
    payload String,
    received_at DateTime
) ENGINE = ReplacingMergeTree(received_at)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (type, occurred_at, event_id)
