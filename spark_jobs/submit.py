"""Running one job on its own, as `spark-submit spark_jobs/<job>.py` does.

Sets Django up from the same settings as the site (DJANGO_SETTINGS_MODULE and the
environment), then runs the job through analytics.pipeline, so it is recorded and
never overlaps another run. Exits non-zero when the job fails.
"""

import os
import sys


def submit(job: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.utils import translation

    from analytics import pipeline
    from shop.i18n import operator_language

    translation.activate(operator_language())  # what it prints, in the operator's language

    run = pipeline.run_jobs([job], trigger="spark-submit", say=print)
    print(f"{job}: {run.get_status_display()}" + (f": {run.error}" if run.error else ""))
    sys.exit(0 if run.status == run.Status.SUCCEEDED else 1)
