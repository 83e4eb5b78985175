"""Makes `spark-submit` (the one pyspark installs beside this Python) run the jobs as written.

    python -m spark_jobs.spark_home JARS_DIR

`scripts/stack spark` runs it for the project's virtualenv, the Dockerfile for the image.
Without it, `.venv/bin/spark-submit spark_jobs/<job>.py` from a shell where the venv is not
activated fails twice: its `find-spark-home` asks the system's `python3` where pyspark is
(it is not there), and the driver would run on that `python3`, without Django. So this writes
Spark's own configuration into the SPARK_HOME that pyspark is (its `conf/` folder):

- `spark-env.sh`: drivers and executors run this interpreter; a job given no `--master` goes
  where the project's SPARK_MASTER says (a cluster in docker-compose), else local;
- `log4j2.properties`: warnings and errors, not Spark's INFO chatter;
- `spark-defaults.conf`: the JDBC drivers the jobs read the shop's database with, on the
  driver's classpath (spark-submit starts the driver's JVM before any job code runs) and
  shipped to executors;

and links `<venv>/bin/spark-distribution` to it, the first place `find-spark-home` looks.
"""

import argparse
import os
import sys
from pathlib import Path

ENVIRONMENT = """\
# Written by `python -m spark_jobs.spark_home` (scripts/stack spark, the Dockerfile): the driver
# that spark-submit starts and the executors' Python workers run this interpreter, which has
# the project's packages.
PYSPARK_PYTHON="${{PYSPARK_PYTHON:-{python}}}"
PYSPARK_DRIVER_PYTHON="${{PYSPARK_DRIVER_PYTHON:-{python}}}"
# A job submitted without --master goes where the project's SPARK_MASTER says (spark://host:7077).
if [ -z "${{MASTER:-}}" ] && [ -n "${{SPARK_MASTER:-}}" ]; then MASTER="$SPARK_MASTER"; fi
"""

LOGGING = """\
# Written by `python -m spark_jobs.spark_home`: warnings and errors only, on stderr; a job prints its own progress.
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n
"""

DEFAULTS = """\
# Written by `python -m spark_jobs.spark_home`: the JDBC drivers the jobs read the shop's database with.
spark.jars                    {jars}
spark.driver.extraClassPath   {classpath}
"""


def pyspark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def configure(jars_dir: Path, python: Path | None = None) -> Path:
    """Write the configuration for `jars_dir` and this interpreter; returns SPARK_HOME."""
    home = pyspark_home()
    bin_dir = Path(sys.executable).parent.resolve()  # the venv's own folder (the interpreter itself links out of it)
    python = python or bin_dir / Path(sys.executable).name
    jars = sorted(str(path.resolve()) for path in jars_dir.glob("*.jar"))
    if not jars:
        raise SystemExit(f"No JDBC drivers in {jars_dir}: run `scripts/stack spark` to fetch them.")
    conf = home / "conf"
    conf.mkdir(exist_ok=True)
    (conf / "spark-env.sh").write_text(ENVIRONMENT.format(python=python))
    (conf / "log4j2.properties").write_text(LOGGING)
    (conf / "spark-defaults.conf").write_text(DEFAULTS.format(jars=",".join(jars), classpath=os.pathsep.join(jars)))
    link = bin_dir / "spark-distribution"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(home, target_is_directory=True)
    return home


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("jars_dir", type=Path, help="the folder of the JDBC driver jars")
    arguments = parser.parse_args()
    print(f"spark-submit configured in {configure(arguments.jars_dir.resolve())}")


if __name__ == "__main__":
    main()
