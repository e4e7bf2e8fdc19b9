from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jobs.models import ProcessingJob
from jobs.services import job_rerun


@admin.register(ProcessingJob)
class ProcessingJobAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "status",
        "attempts",
        "target_display",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "kind", "content_type")
    search_fields = ("kind", "key", "object_id", "external_id", "error")
    readonly_fields = [f.name for f in ProcessingJob._meta.fields]
    list_select_related = ("content_type",)
    date_hierarchy = "created_at"
    actions = ["run_again"]

    @admin.display(description=_("target"))
    def target_display(self, job: ProcessingJob) -> str:
        return f"{job.content_type.model} #{job.object_id}" if job.content_type else "-"

    @admin.action(description=_("Run selected jobs again"))
    def run_again(self, request: HttpRequest, queryset: QuerySet[ProcessingJob]) -> None:
        count = 0
        for job in queryset:
            job_rerun(job=job)
            count += 1
        self.message_user(request, gettext("%(count)d jobs queued again.") % {"count": count})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
