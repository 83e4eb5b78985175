"""What the analytics pipeline remembers in the shop's database: its runs, its watermarks, its lock."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PipelineRun(models.Model):
    """One run of a pipeline (the hourly sync chain, or the one-time historical migration)."""

    class Kind(models.TextChoices):
        SYNC = "sync", _("incremental sync → aggregation → quality check")
        MIGRATION = "migration", _("historical migration → aggregation → quality check")

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped (another run was in progress)")

    kind = models.CharField(verbose_name=_("kind"), max_length=16, choices=Kind.choices)
    trigger = models.CharField(verbose_name=_("trigger"), max_length=32, help_text=_("beat, command or admin"))
    status = models.CharField(
        verbose_name=_("status"), max_length=16, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    started_at = models.DateTimeField(verbose_name=_("started at"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(verbose_name=_("finished at"), null=True, blank=True)
    error = models.TextField(verbose_name=_("error"), blank=True)

    class Meta:
        verbose_name = _("pipeline run")
        verbose_name_plural = _("pipeline runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class JobRun(models.Model):
    """One Spark job inside a pipeline run, with the rows it wrote per warehouse table."""

    run = models.ForeignKey(PipelineRun, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("run"))
    job = models.CharField(verbose_name=_("job"), max_length=64)
    status = models.CharField(
        verbose_name=_("status"), max_length=16, choices=PipelineRun.Status.choices, default=PipelineRun.Status.RUNNING
    )
    started_at = models.DateTimeField(verbose_name=_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(verbose_name=_("finished at"), null=True, blank=True)
    rows = models.JSONField(
        verbose_name=_("rows"), default=dict, blank=True, help_text=_("warehouse table → rows written")
    )
    details = models.JSONField(verbose_name=_("details"), default=dict, blank=True)
    error = models.TextField(verbose_name=_("error"), blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["started_at", "id"]
        indexes = [
            # what /metrics reads at every scrape (analytics.metrics): each job's newest success, and
            # the newest data-quality check; the table gains a row per job every hour
            models.Index(fields=["status", "job", "finished_at"], name="jobrun_success_by_job"),
            models.Index(fields=["job", "started_at"], name="jobrun_job_started"),
        ]

    def __str__(self) -> str:
        return f"{self.job} ({self.status})"


class Watermark(models.Model):
    """How far a job has got, kept durably so the next run starts where this one stopped."""

    name = models.CharField(verbose_name=_("name"), max_length=64, primary_key=True)
    value = models.DateTimeField(verbose_name=_("value"), null=True, blank=True)
    version = models.BigIntegerField(
        verbose_name=_("version"), default=0, help_text=_("the warehouse version the job last processed")
    )
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("watermark")
        verbose_name_plural = _("watermarks")

    def __str__(self) -> str:
        return f"{self.name} @ {self.value}"


class PipelineLock(models.Model):
    """Held by the one pipeline run in progress: two runs never overlap.

    Taken with a conditional UPDATE, which is atomic on PostgreSQL and SQLite alike;
    a holder past `expires_at` is presumed dead (a killed worker) and may be replaced.
    """

    name = models.CharField(verbose_name=_("name"), max_length=32, primary_key=True)
    holder = models.ForeignKey(PipelineRun, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("holder"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pipeline lock")
        verbose_name_plural = _("pipeline locks")

    def __str__(self) -> str:
        return f"{self.name}: {'held by run #' + str(self.holder_id) if self.holder_id else 'free'}"
