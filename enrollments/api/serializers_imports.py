"""Serializers of the enrollment imports API (input and output separate)."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import UserSummaryOut
from enrollments.imports.selectors import enrollment_import_state
from enrollments.models import EnrollmentImport

ERRORS_SHOWN = 100


class EnrollmentImportIn(serializers.Serializer):
    file = serializers.FileField(
        help_text="A UTF-8 CSV with a header row: email, course (slug), optional cohort "
        "(name) and name. At most 4 MB and 50,000 rows."
    )


class ImportCountsOut(serializers.Serializer):
    enrolled = serializers.IntegerField(source="enrolled_count")
    invited = serializers.IntegerField(
        source="invited_count", help_text="Accounts created for unknown addresses (invited)."
    )
    skipped = serializers.IntegerField(
        source="skipped_count", help_text="Rows of people already enrolled."
    )
    failed = serializers.IntegerField(source="failed_count", help_text="Rows with errors.")


class RowErrorOut(serializers.Serializer):
    row = serializers.IntegerField(help_text="Data row number, 1 = the first under the header.")
    error = serializers.CharField()


class EnrollmentImportOut(serializers.Serializer):
    id = serializers.IntegerField()
    file_name = serializers.CharField()
    status = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()
    total_rows = serializers.IntegerField()
    processed_rows = serializers.IntegerField()
    progress_percent = serializers.IntegerField()
    counts = ImportCountsOut(source="*")
    uploaded_by = UserSummaryOut(source="created_by", allow_null=True)
    error_report_url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(
        serializers.ChoiceField(choices=EnrollmentImport.Status.choices),
    )
    def get_status(self, obj: EnrollmentImport) -> str:
        return enrollment_import_state(obj)[0]

    @extend_schema_field(serializers.CharField(help_text="Why the import stopped, if it did."))
    def get_error(self, obj: EnrollmentImport) -> str:
        return enrollment_import_state(obj)[1]

    @extend_schema_field(
        serializers.URLField(
            allow_null=True, help_text="The failed rows as CSV; null while none failed."
        )
    )
    def get_error_report_url(self, obj: EnrollmentImport) -> str | None:
        if not obj.failed_count:
            return None
        path = reverse("api:enrollment-import-errors", kwargs={"import_id": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class EnrollmentImportDetailOut(EnrollmentImportOut):
    failed_rows = serializers.SerializerMethodField()

    @extend_schema_field(RowErrorOut(many=True, help_text="The first 100 rows that failed."))
    def get_failed_rows(self, obj: EnrollmentImport) -> list[dict[str, Any]]:
        return list(obj.errors[:ERRORS_SHOWN])
