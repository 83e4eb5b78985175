"""Spark's class archive (spark_jobs/class_archive.py): made by a real training run, mapped by the
next driver, and never handed to a driver it was not made for."""

import os
import subprocess
import sys
import textwrap

import pytest

from shop.testing import ROOT
from spark_jobs import class_archive
from spark_jobs.session import jdbc_jars

SESSION_WITH_CLASS_LOG = textwrap.dedent("""
    import os, sys
    import django
    django.setup()
    from spark_jobs import class_archive, session
    offered = class_archive.driver_setup

    def with_a_class_log(jars):
        options, environment = offered(jars)
        assert options, "the archive was not offered to the driver"
        return [*options, f"-Xlog:class+load=info:file={sys.argv[1]}"], environment

    class_archive.driver_setup = with_a_class_log
    spark = session.start_session("archive-check")
    assert spark.range(1000).selectExpr("sum(id)").collect()[0][0] == 499500
    # for the launch only: a spark-submit started from here later finds Spark's own configuration
    print("SPARK_CONF_DIR after the start:", os.environ.get("SPARK_CONF_DIR"))
""")


def _environment(**extra) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **extra}


def test_a_driver_maps_sparks_classes_from_the_archive_a_training_run_made(settings, tmp_path, monkeypatch):
    archive = tmp_path / "driver.jsa"
    settings.SPARK_CLASS_ARCHIVE = str(archive)
    monkeypatch.delenv("SPARK_CONF_DIR", raising=False)

    class_archive.build(jdbc_jars(), say=lambda message: None)
    assert archive.stat().st_size > 50 * 2**20
    assert class_archive.is_current(jdbc_jars())
    assert not list(class_archive.empty_configuration(archive).iterdir())

    loaded = tmp_path / "classes.log"
    done = subprocess.run(
        [sys.executable, "-c", SESSION_WITH_CLASS_LOG, str(loaded)],
        cwd=ROOT, env=_environment(SPARK_CLASS_ARCHIVE=str(archive)), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "SPARK_CONF_DIR after the start: None" in done.stdout
    # Spark's own classes, each read from a jar or mapped from the archive (lambdas and generated code
    # are made at run time, from neither)
    spark_classes = [
        line for line in loaded.read_text().splitlines() if " org.apache.spark." in line and "$$Lambda" not in line
    ]
    from_jars = [line for line in spark_classes if "source: file:" in line or "source: jar:" in line]
    from_archive = [line for line in spark_classes if "source: shared objects file (top)" in line]
    assert len(spark_classes) > 2000
    assert len(from_archive) > 0.95 * len(spark_classes), (len(from_archive), len(spark_classes))
    assert len(from_jars) < 0.05 * len(spark_classes), from_jars[:20]


@pytest.fixture
def current_archive(settings, tmp_path, monkeypatch):
    """A stand-in archive file with the fingerprint of these jars and this Java."""
    jars = tmp_path / "jars"
    jars.mkdir()
    (jars / "driver.jar").write_bytes(b"PK\x05\x06" + bytes(18))
    settings.SPARK_JARS_DIR = jars
    settings.SPARK_CLASS_ARCHIVE = str(tmp_path / "driver.jsa")
    monkeypatch.delenv("SPARK_CONF_DIR", raising=False)
    archive = tmp_path / "driver.jsa"
    archive.write_bytes(b"archive")
    class_archive.empty_configuration(archive).mkdir()
    class_archive.fingerprint_file(archive).write_text(class_archive.fingerprint(jdbc_jars()) + "\n")
    return archive


def test_a_current_archive_is_offered_with_an_empty_configuration_folder_for_the_launch(current_archive):
    options, environment = class_archive.driver_setup(jdbc_jars())

    assert options[0] == f"-XX:SharedArchiveFile={current_archive}"
    assert environment == {"SPARK_CONF_DIR": str(class_archive.empty_configuration(current_archive))}
    assert "SPARK_CONF_DIR" not in os.environ  # offered, not set: the session sets it around the launch


def test_an_archive_made_for_other_jars_is_not_offered(current_archive, settings):
    jar = settings.SPARK_JARS_DIR / "driver.jar"
    jar.write_bytes(jar.read_bytes() + b"\0")  # a new version of the driver: another size and time

    assert class_archive.driver_setup(jdbc_jars()) == ([], {})
    assert not class_archive.is_current(jdbc_jars())


def test_an_archive_made_for_another_java_is_not_offered(current_archive, monkeypatch):
    monkeypatch.setattr(class_archive, "java_binary", lambda: current_archive.with_name("another-java"))
    current_archive.with_name("another-java").write_bytes(b"java")

    assert class_archive.driver_setup(jdbc_jars()) == ([], {})


def test_a_fingerprint_left_without_its_archive_is_not_current(current_archive):
    current_archive.unlink()  # `--if-stale` makes it again rather than calling it current

    assert not class_archive.is_current(jdbc_jars())
    assert class_archive.driver_setup(jdbc_jars()) == ([], {})


def test_a_configuration_folder_the_environment_names_keeps_the_archive_out(current_archive, monkeypatch, tmp_path):
    monkeypatch.setenv("SPARK_CONF_DIR", str(tmp_path / "my-spark-conf"))

    assert class_archive.driver_setup(jdbc_jars()) == ([], {})


def test_a_path_the_jvm_would_read_as_two_keeps_the_archive_out(current_archive, settings, tmp_path):
    odd = tmp_path / "a:b" / "driver.jsa"
    odd.parent.mkdir()
    current_archive.rename(odd)
    class_archive.fingerprint_file(current_archive).rename(class_archive.fingerprint_file(odd))
    settings.SPARK_CLASS_ARCHIVE = str(odd)

    assert class_archive.is_current(jdbc_jars())
    assert class_archive.driver_setup(jdbc_jars()) == ([], {})


def test_an_empty_setting_means_no_archive(settings):
    settings.SPARK_CLASS_ARCHIVE = ""

    assert class_archive.driver_setup(jdbc_jars()) == ([], {})
    assert class_archive.archive_file() is None
