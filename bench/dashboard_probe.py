"""Times the analytics dashboard in-process, as staff and as a seller: prints `who p50_ms p95_ms`.

Run by bench.pipeline with the benchmark's environment (its database and warehouse).
"""

import os
import statistics
import time

REQUESTS = int(os.environ.get("BENCH_DASHBOARD_REQUESTS", "20"))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User

    start = (timezone.now() - timezone.timedelta(days=364)).date().isoformat()
    query = {"start": start, "period": "day"}
    people = {
        "staff": User.objects.filter(is_staff=True).first(),
        "seller": User.objects.filter(role="seller").first(),
    }
    for who, user in people.items():
        client = Client()
        client.force_login(user)
        assert client.get("/admin/analytics/", query).status_code == 200  # warm
        spent = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = client.get("/admin/analytics/", query)
            spent.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        spent.sort()
        print(who, f"{statistics.median(spent):.1f}", f"{spent[int(len(spent) * 0.95) - 1]:.1f}")


if __name__ == "__main__":
    main()
