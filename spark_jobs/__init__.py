"""The analytics ETL as plain PySpark jobs.

Each job is a module with `run(context) -> JobResult`, runnable alone with
spark-submit (`spark-submit spark_jobs/incremental_sync.py`) or chained by
analytics.pipeline (`manage.py analytics_run`, Celery beat). Settings come from
Django's, so a job reads the same database and writes the same warehouse as the site.
"""
