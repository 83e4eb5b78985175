"""The Spark session every job runs in, configured from Django's settings."""

import contextlib
import logging
import os
import sys
from collections.abc import Iterator

from django.conf import settings


def jdbc_jars() -> list[str]:
    folder = settings.SPARK_JARS_DIR
    jars = sorted(str(path) for path in folder.glob("*.jar")) if folder.is_dir() else []
    if not jars:
        raise RuntimeError(f"No JDBC drivers in {folder}: run `scripts/stack spark` to fetch them.")
    return jars


@contextlib.contextmanager
def spark_session(app_name: str = "bazaar-analytics") -> Iterator:
    """A session for a `with` block, stopped on the way out."""
    session = start_session(app_name)
    try:
        yield session
    finally:
        session.stop()


def stop_session(session) -> None:
    """Stop a session after a run, unless SPARK_KEEP_SESSION keeps it for the process's next run."""
    if not settings.SPARK_KEEP_SESSION:
        session.stop()


def submitted_by_spark_submit() -> bool:
    """This Python is the driver of `spark-submit spark_jobs/<job>.py`: the JVM already runs, on the
    master and with the driver's memory and classpath that spark-submit was given (its --master, or
    MASTER from conf/spark-env.sh, see spark_jobs/spark_home.py)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def start_session(app_name: str = "bazaar-analytics"):
    """A session on SPARK_MASTER (local[*] by default), or on spark-submit's master.

    Time is UTC everywhere (JVM, SQL session), so a timestamp read from the shop's
    database lands in the warehouse as the same instant. Python workers run this
    interpreter, which has the project's dependencies, and import the project's
    modules from its folder (the same path on every machine of the cluster: the
    compose services share one image).
    """
    from pyspark.sql import SparkSession

    logging.getLogger("py4j").setLevel(logging.WARNING)  # its INFO lines land after stderr closes at exit

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    jars = ",".join(jdbc_jars())
    builder = SparkSession.builder.appName(app_name)
    if not submitted_by_spark_submit():
        builder = (
            builder.master(settings.SPARK_MASTER)
            .config("spark.driver.extraClassPath", jars.replace(",", os.pathsep))
            .config("spark.driver.memory", settings.SPARK_DRIVER_MEMORY)
        )
    session = (
        builder.config("spark.jars", jars)
        .config("spark.executorEnv.PYTHONPATH", str(settings.BASE_DIR))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.sql.shuffle.partitions", str(settings.SPARK_SHUFFLE_PARTITIONS))
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "50000")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session
