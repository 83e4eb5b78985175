"""Reading Spark's own status APIs, and submitting a job file, for the cluster tests.

The standalone master's JSON (`/json/`) lists the workers and the applications; each
worker's JSON lists the executors it ran, by application; the driver's REST API
(`/api/v1/applications/<id>/...`, while its session lives) lists each job's stages
and each task's executor and input metrics. A driver started with `event_log_options` also
writes Spark's event log, the record that outlives its session: which executors came and went,
and where each task of each job ran.
"""

import json
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 (loopback URLs of our own servers)
        return json.load(answer)


def spark_submit(job: str, master: str) -> tuple[list[str], dict[str, str]]:
    """The command line (and any extra environment) that runs `spark_jobs/<job>.py` with the
    virtualenv's spark-submit, as the README says, on `master`."""
    command = [str(ROOT / ".venv" / "bin" / "spark-submit"), "--master", master, str(ROOT / "spark_jobs" / f"{job}.py")]
    return command, {}


def workers(status_url: str) -> list[dict]:
    """The workers the master counts on (a killed worker stays listed as DEAD after it rejoins)."""
    return [worker for worker in get_json(status_url)["workers"] if worker["state"] == "ALIVE"]


def executors_by_worker(status_url: str, app_id: str) -> dict[str, int]:
    """worker id → how many executors of `app_id` it ran (running or finished), from each worker's JSON."""
    counts = {}
    for worker in workers(status_url):
        try:
            own = get_json(worker["webuiaddress"].rstrip("/") + "/json/")
        except (OSError, ValueError):  # a worker a drill stopped, or one still starting
            continue
        ran = [item for item in own["executors"] + own["finishedexecutors"] if item["appid"] == app_id]
        counts[worker["id"]] = len(ran)
    return counts


def application(status_url: str, app_id: str) -> dict | None:
    status = get_json(status_url)
    return next((app for app in status["activeapps"] + status["completedapps"] if app["id"] == app_id), None)


def write_tasks(ui_url: str, app_id: str) -> dict[str, dict]:
    """For each `write <table> from the executors` job: the executors its tasks ran on and the rows
    they read over JDBC (the read and the insert run in the same tasks)."""
    base = f"{ui_url.rstrip('/')}/api/v1/applications/{app_id}"
    found: dict[str, dict] = {}
    for job in get_json(f"{base}/jobs"):
        description = job.get("description") or ""
        if not description.startswith("write "):
            continue
        table = description.split()[1]
        entry = found.setdefault(table, {"executors": set(), "records_read": 0, "tasks": 0})
        for stage_id in job["stageIds"]:
            for attempt in get_json(f"{base}/stages/{stage_id}?details=true"):
                for task in (attempt.get("tasks") or {}).values():
                    if task.get("status") != "SUCCESS":
                        continue
                    entry["tasks"] += 1
                    entry["executors"].add(task["executorId"])
                    entry["records_read"] += task["taskMetrics"]["inputMetrics"]["recordsRead"]
    return found


def event_log_options(folder: Path) -> dict[str, str]:
    """The environment that has a pyspark driver write its event log into `folder`, in one
    uncompressed file (pyspark hands PYSPARK_SUBMIT_ARGS to the launcher before any option of the
    session's own; Spark 4 compresses the log and rolls it into a folder of its own by default)."""
    settings = {
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": folder.as_uri(),
        "spark.eventLog.compress": "false",
        "spark.eventLog.rolling.enabled": "false",
    }
    arguments = " ".join(f"--conf {key}={value}" for key, value in settings.items())
    return {"PYSPARK_SUBMIT_ARGS": f"{arguments} pyspark-shell"}


def events(folder: Path) -> list[dict]:
    """The events of the one application whose log is in `folder`, in the order they happened."""
    logs = [path for path in folder.iterdir() if not path.name.endswith(".inprogress")]
    assert len(logs) == 1, (
        f"expected one finished event log in {folder}: {sorted(path.name for path in folder.iterdir())}"
    )
    with logs[0].open() as lines:
        return [json.loads(line) for line in lines if line.strip()]


def executor_loss(events: list[dict]) -> dict:
    """What the event log says about the executors the application lost: how many went, when the
    first went and why, the jobs that were running at that moment, the jobs that started after and
    the executors their tasks ran on, and whether every job succeeded."""
    removed = [event for event in events if event["Event"] == "SparkListenerExecutorRemoved"]
    assert removed, "the application lost no executor"
    lost = removed[0]
    went = lost["Timestamp"]
    started = {
        event["Job ID"]: event["Submission Time"] for event in events if event["Event"] == "SparkListenerJobStart"
    }
    ended = {event["Job ID"]: event for event in events if event["Event"] == "SparkListenerJobEnd"}
    after = {job for job, at in started.items() if at > went}
    stage_jobs = {
        stage["Stage ID"]: event["Job ID"]
        for event in events
        if event["Event"] == "SparkListenerJobStart"
        for stage in event["Stage Infos"]
    }
    executors_after = {
        event["Task Info"]["Executor ID"]
        for event in events
        if event["Event"] == "SparkListenerTaskEnd" and stage_jobs.get(event["Stage ID"]) in after
    }
    return {
        "executors_lost": len(removed),
        "executor": lost["Executor ID"],
        "reason": lost["Removed Reason"],
        "jobs_running_then": sorted(
            job for job, at in started.items() if at < went and job in ended and ended[job]["Completion Time"] > went
        ),
        "jobs_after": len(after),
        "executors_after": executors_after,
        "all_jobs_succeeded": bool(ended)
        and len(ended) == len(started)
        and all(event["Job Result"]["Result"] == "JobSucceeded" for event in ended.values()),
    }
