"""A class-data archive for the Spark driver's JVM: Spark's classes read, checked and laid out once.

A fresh driver loads some eighteen thousand classes before its first query answers, twelve
thousand of them out of pyspark's 280 jars, and parses and verifies each one: on two cores, half
of Spark's 5 s start and part of a job's first query. Java's class-data sharing maps them instead
from an archive that a training run of the same session wrote (`-XX:ArchiveClassesAtExit`), the
way the JDK maps its own classes (docs/benchmarks.md has the figures).

    python manage.py spark_class_archive      (`scripts/stack spark` runs it)

The archive only holds what the jars hold: the JVM checks it against its own build and every jar
on the class path and, when one differs, says so in one line and reads the jars the usual way. A
fingerprint written beside it (the Java that runs the driver and every jar's size and time) keeps
a session from even trying a stale one; `scripts/stack spark` makes it again.

The JVM refuses an archive when a directory on the class path holds files, and Spark puts its
configuration folder there: a session that uses the archive points SPARK_CONF_DIR at an empty
folder and names its logging configuration itself (it sets everything else spark-defaults.conf
holds), for its launch only. A session that spark-submit started, or whose SPARK_CONF_DIR the
environment sets, runs without the archive.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext


def archive_file() -> Path | None:
    """Where the archive lives (SPARK_CLASS_ARCHIVE); None when the setting is empty."""
    return Path(settings.SPARK_CLASS_ARCHIVE) if settings.SPARK_CLASS_ARCHIVE else None


def empty_configuration(archive: Path) -> Path:
    """The empty folder that stands in for Spark's configuration folder on the class path."""
    return archive.with_name(archive.name + ".conf")


def fingerprint_file(archive: Path) -> Path:
    return archive.with_name(archive.name + ".key")


def java_binary() -> Path | None:
    """The `java` that pyspark's launcher runs the driver with: JAVA_HOME's, else the first on PATH."""
    if os.environ.get("JAVA_HOME"):
        candidate = Path(os.environ["JAVA_HOME"]) / "bin" / "java"
        return candidate.resolve() if candidate.exists() else None
    found = shutil.which("java")
    return Path(found).resolve() if found else None


def class_path(jdbc_jars: list[str]) -> list[Path]:
    """The jars on the driver's class path: ours (JDBC drivers, the warehouse writer), then Spark's."""
    import pyspark

    spark_jars = sorted((Path(pyspark.__file__).parent / "jars").glob("*.jar"))
    return [Path(jar) for jar in jdbc_jars] + spark_jars


def fingerprint(jdbc_jars: list[str]) -> str | None:
    """What the archive was made for: the driver's Java and each jar's name, size and time."""
    java = java_binary()
    if java is None:
        return None
    digest = hashlib.sha256()
    for path in [java, *class_path(jdbc_jars)]:
        status = path.stat()
        digest.update(f"{path}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def driver_setup(jdbc_jars: list[str]) -> tuple[list[str], dict[str, str]]:
    """The driver JVM's options that map the archive and the environment its launcher needs (an empty
    SPARK_CONF_DIR, see the module's docstring), when the archive is there and fits; else nothing.

    The environment is for the launch alone: a `spark-submit` this process starts later must find
    Spark's configuration folder where it always is."""
    archive = archive_file()
    if archive is None or not is_current(jdbc_jars) or not _speakable(archive):
        return [], {}
    configuration = str(empty_configuration(archive))
    if os.environ.get("SPARK_CONF_DIR", configuration) != configuration:  # the environment's own folder
        return [], {}
    return [f"-XX:SharedArchiveFile={archive}", *logging_options()], {"SPARK_CONF_DIR": configuration}


def _speakable(archive: Path) -> bool:
    """Whether the JVM reads the path as one: `:` separates two archives in SharedArchiveFile, and `,`
    two files in log4j2's configurationFile."""
    return not any(mark in str(path) for path in (archive, *_logging_file()) for mark in ":,")


def logging_options() -> list[str]:
    """Spark's logging configuration (warnings and errors, spark_jobs/spark_home.py), named directly
    since its folder is no longer on the class path."""
    return [f"-Dlog4j2.configurationFile={configuration}" for configuration in _logging_file()]


def _logging_file() -> list[Path]:
    from spark_jobs.spark_home import pyspark_home

    configuration = pyspark_home() / "conf" / "log4j2.properties"
    return [configuration] if configuration.is_file() else []


def build(jdbc_jars: list[str], say: Callable[[str], object] = print) -> Path:
    """Make the archive: a training session in a fresh process writes it when its JVM exits
    (spark_jobs/archive_training.py)."""
    archive = archive_file()
    if archive is None:
        raise RuntimeError("SPARK_CLASS_ARCHIVE is empty: there is no archive to make")
    key = fingerprint(jdbc_jars)
    if key is None:
        raise RuntimeError("No `java` to run Spark's driver with (JAVA_HOME, or PATH)")
    archive.parent.mkdir(parents=True, exist_ok=True)
    configuration = empty_configuration(archive)
    configuration.mkdir(exist_ok=True)
    if any(configuration.iterdir()):
        raise RuntimeError(f"{configuration} stands in for Spark's configuration folder and must stay empty")
    partial = archive.with_name(f"{archive.name}.{uuid.uuid4().hex}.partial")  # unique across containers too
    # A local session whatever SPARK_MASTER says: the archive is for drivers, which run here. It
    # serves on loopback only, and so needs no name for this machine (a host or container whose own
    # name does not resolve would fail Spark's start otherwise).
    environment = {
        **os.environ,
        "SPARK_CONF_DIR": str(configuration),
        "SPARK_MASTER": "",
        "SPARK_LOCAL_IP": "127.0.0.1",
    }
    training = gettext("Training a Spark session to archive its classes in %(path)s (about half a minute)")
    say(training % {"path": archive})
    try:
        done = subprocess.run(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "spark_jobs.archive_training", str(partial)],
            cwd=settings.BASE_DIR,
            env=environment,
        )
        if done.returncode:
            raise RuntimeError(f"The training session failed (exit status {done.returncode}, above)")
        if not partial.is_file() or partial.stat().st_size == 0:
            raise RuntimeError(f"The training session's JVM wrote no archive at {partial}")
        partial.replace(archive)
    finally:
        partial.unlink(missing_ok=True)
    written = archive.with_name(f"{archive.name}.key.{uuid.uuid4().hex}.partial")
    written.write_text(key + "\n")
    written.replace(fingerprint_file(archive))
    made = gettext("Spark's class archive: %(path)s (%(size)d MiB)")
    say(made % {"path": archive, "size": archive.stat().st_size >> 20})
    return archive


def is_current(jdbc_jars: list[str]) -> bool:
    """The archive is there, made for this Java and these jars."""
    archive = archive_file()
    try:
        return (
            archive is not None
            and archive.is_file()
            and fingerprint_file(archive).read_text().strip() == fingerprint(jdbc_jars)
        )
    except OSError:
        return False
