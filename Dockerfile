# Bazaar: the web app, the Celery workers and beat, the event relay and consumer all
# run this image (docker-compose.yml picks the command). Spark's driver runs inside the
# analytics worker, its executors in local mode or on the cluster SPARK_MASTER names, so the image carries
# Java 17, the JDBC drivers and the warehouse writer.

# --- JDBC drivers for the Spark jobs, fetched by our pom from Maven Central ---------
FROM maven:3.9-eclipse-temurin-17 AS jars
COPY scripts/java/spark/pom.xml /build/pom.xml
RUN cd /build && mvn -q -B dependency:copy-dependencies -DoutputDirectory=/build/lib

# --- Python dependencies, built once into wheels ---------------------------------------
FROM python:3.12-slim-bookworm AS wheels
COPY requirements/base.txt /build/requirements.txt
RUN pip wheel --no-cache-dir --wheel-dir /build/wheels -r /build/requirements.txt

# --- The warehouse writer (spark_jobs/jvm), compiled against the Spark that pyspark brings ---
FROM python:3.12-slim-bookworm AS writer
RUN apt-get update \
    && apt-get install -y --no-install-recommends openjdk-17-jdk-headless \
    && rm -rf /var/lib/apt/lists/*
COPY --from=wheels /build/wheels /tmp/wheels
RUN pip install --no-cache-dir --no-deps /tmp/wheels/pyspark-*.whl
COPY scripts/build-warehouse-writer /build/scripts/build-warehouse-writer
COPY spark_jobs/jvm /build/spark_jobs/jvm
RUN /build/scripts/build-warehouse-writer python /build/bazaar-warehouse-writer.jar

# --- The runtime image ------------------------------------------------------------------
FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    SPARK_JARS_DIR=/opt/spark-jdbc \
    PROMETHEUS_MULTIPROC_DIR=/tmp/bazaar-metrics \
    METRICS_BIND_ADDRESS=0.0.0.0 \
    PORT=8000
RUN apt-get update \
    && apt-get install -y --no-install-recommends openjdk-17-jre-headless curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 bazaar
COPY --from=wheels /build/wheels /tmp/wheels
RUN pip install --no-cache-dir /tmp/wheels/* && rm -rf /tmp/wheels
COPY --from=jars /build/lib /opt/spark-jdbc
COPY --from=writer /build/bazaar-warehouse-writer.jar /opt/spark-jdbc/
WORKDIR /app
COPY --chown=bazaar:bazaar . /app
# `spark-submit spark_jobs/<job>.py` runs on this Python with the JDBC drivers (spark_jobs/spark_home.py)
RUN python -m spark_jobs.spark_home /opt/spark-jdbc
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" python manage.py collectstatic --noinput -v0 \
    && SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" python manage.py compile_translations \
    && mkdir -p /app/media /tmp/bazaar-metrics && chown -R bazaar:bazaar /app/media /tmp/bazaar-metrics
USER bazaar
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PORT}/health/live" || exit 1
CMD ["gunicorn", "config.wsgi:application", "--config", "docker/gunicorn.conf.py"]
