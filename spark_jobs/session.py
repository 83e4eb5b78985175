"""The Spark session every job runs in, configured from Django's settings."""

import contextlib
import logging
import os
import shlex
import sys
from collections.abc import Iterator

from django.conf import settings

from spark_jobs import class_archive


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


def forget_a_dead_session() -> bool:
    """Whether a kept session had died, which is then forgotten so the next start makes a new one.

    pyspark keeps its JVM for the life of the process and hands back its session as long as Python
    has not stopped it. In a worker that keeps its session that would fail every later run: when the
    driver's JVM has exited (killed, out of memory), or has stopped the context itself (a cluster's
    master that restarted and dropped the application)."""
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    process = getattr(SparkContext._gateway, "proc", None)  # None under spark-submit: its JVM runs us
    if process is not None and process.poll() is not None:
        if SparkContext._active_spark_context is not None:
            with contextlib.suppress(Exception):  # its Python side (the accumulators' server); the JVM is gone
                SparkContext._active_spark_context.stop()
        SparkContext._gateway = SparkContext._jvm = SparkContext._active_spark_context = None
        SparkSession._instantiatedSession = SparkSession._activeSession = None
        return True
    context = SparkContext._active_spark_context
    if context is not None and context._jsc is not None and context._jsc.sc().isStopped():
        (SparkSession._instantiatedSession or context).stop()  # Python's side of what the JVM stopped
        return True
    return False


@contextlib.contextmanager
def _environment_for_launch(values: dict[str, str]) -> Iterator[None]:
    """`values` in the environment while pyspark launches the driver (it hands the launcher a copy
    of ours), and the environment as it was afterwards."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def submitted_by_spark_submit() -> bool:
    """This Python is the driver of `spark-submit spark_jobs/<job>.py`: the JVM already runs, on the
    master and with the driver's memory and classpath that spark-submit was given (its --master, or
    MASTER from conf/spark-env.sh, see spark_jobs/spark_home.py)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def master() -> str:
    """Where the jobs run: under spark-submit, the master it was given; else SPARK_MASTER, else local[*]."""
    if submitted_by_spark_submit():
        from pyspark import SparkConf, SparkContext

        SparkContext._ensure_initialized()  # spark-submit's JVM, whose conf holds its --master
        return SparkConf().get("spark.master", None) or "local[*]"
    return settings.SPARK_MASTER or "local[*]"


def cluster_options(master_url: str) -> dict[str, str]:
    """What executors on a standalone cluster need besides the project on their Python path: their
    memory and, when set, the address they reach the driver at; and the driver's status UI (its REST
    API lists each executor's tasks) when SPARK_UI_PORT names a port."""
    if not master_url.startswith("spark://"):
        return {"spark.ui.enabled": "false"}
    options = {
        "spark.executor.memory": settings.SPARK_EXECUTOR_MEMORY,
        "spark.ui.enabled": "true" if settings.SPARK_UI_PORT else "false",
    }
    if settings.SPARK_UI_PORT:
        options["spark.ui.port"] = str(settings.SPARK_UI_PORT)
    if settings.SPARK_DRIVER_HOST:
        options["spark.driver.host"] = settings.SPARK_DRIVER_HOST
        options["spark.driver.bindAddress"] = settings.SPARK_DRIVER_HOST
    return options


def start_session(app_name: str = "bazaar-analytics", *, java_options: list[str] | None = None):
    """A session on SPARK_MASTER (local[*] by default), or on spark-submit's master.

    Time is UTC everywhere (JVM, SQL session), so a timestamp read from the shop's
    database lands in the warehouse as the same instant. Python workers run this
    interpreter, which has the project's dependencies, and import the project's
    modules from its folder (the same path on every machine of the cluster: the
    compose services share one image).

    A driver this starts maps Spark's classes from the class archive when there is a current one
    (spark_jobs/class_archive.py); `java_options` replaces that choice with options of its own.
    """
    from pyspark.sql import SparkSession

    logging.getLogger("py4j").setLevel(logging.WARNING)  # its INFO lines land after stderr closes at exit
    if forget_a_dead_session():
        logging.getLogger(__name__).warning("The kept Spark session had ended; starting a new one.")

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    drivers = jdbc_jars()
    jars = ",".join(drivers)
    master_url = master()
    builder = SparkSession.builder.appName(app_name)
    driver_options, launcher_environment = ["-Duser.timezone=UTC"], {}
    if not submitted_by_spark_submit():
        archive_options, launcher_environment = (
            class_archive.driver_setup(drivers) if java_options is None else (java_options, {})
        )
        driver_options += archive_options
        builder = (
            builder.master(master_url)
            .config("spark.driver.extraClassPath", jars.replace(",", os.pathsep))
            .config("spark.driver.memory", settings.SPARK_DRIVER_MEMORY)
        )
    for key, value in cluster_options(master_url).items():
        builder = builder.config(key, value)
    builder = (
        builder.config("spark.jars", jars)
        .config("spark.executorEnv.PYTHONPATH", str(settings.BASE_DIR))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", " ".join(map(shlex.quote, driver_options)))
        .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.sql.shuffle.partitions", str(settings.SPARK_SHUFFLE_PARTITIONS))
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "50000")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.showConsoleProgress", "false")
    )
    with _environment_for_launch(launcher_environment):
        session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
