"""Pipeline runs, their jobs and watermarks in the back-office, plus the analytics dashboard."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _

from analytics import admin_views, tasks
from analytics.models import JobRun, PipelineRun, Watermark
from shop.admin_permissions import StaffOnlyAdmin

admin.site.register_page(
    "analytics/", admin_views.dashboard, name="analytics-dashboard", title=_("Analytics dashboard")
)
admin.site.register_page("analytics/live/", admin_views.live, name="analytics-live", title=_("Live"), listed=False)


class JobRunInline(admin.TabularInline):
    model = JobRun
    extra = 0
    can_delete = False
    fields = ["job", "status", "started_at", "finished_at", "rows", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PipelineRun)
class PipelineRunAdmin(StaffOnlyAdmin):
    list_display = ["id", "kind", "trigger", "status", "started_at", "finished_at", "duration", "short_error"]
    list_filter = ["status", "kind", "trigger", ("started_at", admin.DateFieldListFilter)]
    date_hierarchy = "started_at"
    readonly_fields = ["kind", "trigger", "status", "started_at", "finished_at", "error"]
    inlines = [JobRunInline]
    change_list_template = "admin/analytics/pipelinerun_change_list.html"

    @admin.display(description=_("seconds"))
    def duration(self, run: PipelineRun):
        seconds = run.duration_seconds
        return None if seconds is None else round(seconds, 1)

    @admin.display(description=_("error"))
    def short_error(self, run: PipelineRun) -> str:
        return run.error[:120]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        own = [
            path("run-sync/", self.admin_site.admin_view(self.run_sync), name="analytics_run_sync"),
            path("run-migration/", self.admin_site.admin_view(self.run_migration), name="analytics_run_migration"),
        ]
        return own + super().get_urls()

    def run_sync(self, request):
        return self._start(
            request, tasks.run_sync_chain, _("The sync chain was started; its run appears below (reload to follow it).")
        )

    def run_migration(self, request):
        return self._start(
            request,
            tasks.run_historical_migration,
            _("The historical migration was started; its run appears below (reload to follow it)."),
        )

    def _start(self, request, task, what: str):
        if request.method != "POST" or not self.has_module_permission(request):
            return redirect("admin:analytics_pipelinerun_changelist")
        task.delay(trigger="admin")
        messages.info(request, what)
        return redirect("admin:analytics_pipelinerun_changelist")


@admin.register(Watermark)
class WatermarkAdmin(StaffOnlyAdmin):
    list_display = ["name", "value", "version", "updated_at"]
    readonly_fields = ["name", "value", "version", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False
