"""The trained models' ledger in the warehouse (`recommendation_models`): which version readers use.

A job writes a model's rows under its run's version first and records the model
here last, so readers (`current_version`) switch to the new model in one step and
never see half of one. The ledger also keeps a fingerprint of what the model was
trained on: an hourly run whose input has not changed skips training.
"""

import json
from datetime import UTC, datetime

from analytics.warehouse import warehouse

PRODUCT_AFFINITY = "product_affinity"
USER_RECOMMENDATIONS = "user_recommendations"
MODELS = (PRODUCT_AFFINITY, USER_RECOMMENDATIONS)


def current_version(model: str) -> str:
    """SQL for the version readers use: the newest recorded model (0, matching nothing, before the first)."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}")
    return f"(SELECT max(version) FROM recommendation_models WHERE model = '{model}')"


def newest(model: str) -> dict | None:
    """The newest recorded model: version, trained_at, rows, fingerprint and details, or None."""
    rows = warehouse().query(
        "SELECT version, toString(trained_at) AS trained_at, input_rows, output_rows, "
        f"toString(fingerprint) AS fingerprint, details FROM recommendation_models WHERE model = '{_known(model)}' "
        "ORDER BY version DESC LIMIT 1"
    )
    if not rows:
        return None
    row = rows[0]
    return {
        "version": int(row["version"]),
        "trained_at": row["trained_at"],
        "input_rows": int(row["input_rows"]),
        "output_rows": int(row["output_rows"]),
        "fingerprint": int(row["fingerprint"]),
        "details": json.loads(row["details"] or "{}"),
    }


def record(model: str, *, version: int, input_rows: int, output_rows: int, fingerprint: int, details: dict) -> None:
    warehouse().insert(
        "recommendation_models",
        [
            {
                "model": _known(model),
                "version": int(version),
                "trained_at": datetime.now(UTC).replace(tzinfo=None, microsecond=0),
                "input_rows": int(input_rows),
                "output_rows": int(output_rows),
                "fingerprint": int(fingerprint),
                "details": json.dumps(details, sort_keys=True),
            }
        ],
    )


def _known(model: str) -> str:
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}")
    return model
