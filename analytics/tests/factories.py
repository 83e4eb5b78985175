"""Warehouse rows as the pipeline writes them, for tests that put them there directly."""

import json
import uuid
from datetime import datetime


def raw_event(kind: str, payload: dict, at: datetime, *, user_id: int = 0) -> dict:
    """A `raw_events` row as the Kafka consumer stores it (naive UTC times, compact JSON payload)."""
    return {
        "event_id": str(uuid.uuid4()),
        "type": kind,
        "version": 1,
        "occurred_at": at,
        "user_id": user_id,
        "session": "",
        "payload": json.dumps(payload, separators=(",", ":")),
        "received_at": at,
    }
