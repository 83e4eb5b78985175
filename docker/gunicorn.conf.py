"""gunicorn in the container: workers from the environment, metrics shared across workers.

PROMETHEUS_MULTIPROC_DIR (set in the image) makes every worker write its counters
to files that /metrics adds up; a worker that exits is marked dead so its gauges go.
"""

import os
import shutil

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
accesslog = "-"
# the access log never carries the tokens of mailed links, query secrets, cookies or Authorization
logger_class = "shop.access_log.RedactingLogger"
errorlog = "-"
# The proxies whose X-Forwarded-Proto (the scheme) gunicorn believes: the app's own trusted
# proxies (TRUSTED_PROXY_NETWORKS, shop/client_address.py), so the two never disagree; empty,
# nobody. FORWARDED_ALLOW_IPS, when set, overrides it.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or os.environ.get("TRUSTED_PROXY_NETWORKS", "")


def on_starting(server) -> None:
    """Start from an empty metrics folder: files left by a previous run would be added in."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
