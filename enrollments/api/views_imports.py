"""API of enrollment imports: upload a CSV (multipart), follow its job, download the rows that
failed. Staff and mentors (mentors into the courses they teach); students get 403."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiRequest,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from enrollments.api.serializers_imports import (
    EnrollmentImportDetailOut,
    EnrollmentImportIn,
    EnrollmentImportOut,
)
from enrollments.imports.policies import enrollment_import_can_start
from enrollments.imports.selectors import (
    enrollment_import_error_report,
    enrollment_import_get,
    enrollment_import_list,
)
from enrollments.imports.services import enrollment_import_create
from kalpla.api.pagination import PageNumberPagination
from kalpla.api.serializers import ErrorSerializer
from kalpla.exceptions import PermissionDenied

TAG = "enrollment imports"
REFUSED = {
    401: OpenApiResponse(ErrorSerializer, description="Not signed in"),
    403: OpenApiResponse(ErrorSerializer, description="Not staff or a mentor"),
}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="No such import of yours")}
IMPORT_ID = OpenApiParameter("import_id", int, OpenApiParameter.PATH, description="Import id")
EXAMPLE = OpenApiExample(
    "Import running",
    value={
        "id": 7,
        "file_name": "march-cohort.csv",
        "status": "running",
        "error": "",
        "total_rows": 2400,
        "processed_rows": 1000,
        "progress_percent": 41,
        "counts": {"enrolled": 960, "invited": 310, "skipped": 25, "failed": 15},
        "uploaded_by": {"id": 3, "name": "Asha Verma", "avatar_url": None},
        "error_report_url": "https://kalpla.example/api/v1/enrollment-imports/7/errors/",
        "created_at": "2026-12-01T09:30:00Z",
        "started_at": "2026-12-01T09:30:01Z",
        "finished_at": None,
    },
    response_only=True,
)


def _importer(request: Request) -> object:
    user = signed_in_user(request)
    if not enrollment_import_can_start(user=user):
        raise PermissionDenied(
            _("Only staff and mentors can import enrollments."), code="not_allowed"
        )
    return user


class EnrollmentImportListApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=[TAG],
        operation_id="enrollment_imports_list",
        summary="My enrollment imports",
        description="The imports the signed-in user uploaded (staff: everyone's), newest first.",
        responses={200: EnrollmentImportOut(many=True), **REFUSED},
        examples=[EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        user = _importer(request)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(enrollment_import_list(user=user), request, self)
        data = EnrollmentImportOut(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        tags=[TAG],
        operation_id="enrollment_imports_create",
        summary="Upload a CSV of people to enroll",
        description=(
            "multipart/form-data with `file`: a CSV with the columns `email`, `course` (the "
            "course's slug), and optionally `cohort` (its name) and `name`. 202: the import "
            "is queued as a job; poll `GET /api/v1/enrollment-imports/{id}/` for its progress. "
            "A file that cannot be an import (not UTF-8, no email or course column, no rows, "
            "too large) is a 400 with `errors.file`; the rows are checked during the run, "
            "and the ones that fail are in `error_report_url`. Unknown addresses get invited "
            "accounts (one email with a set-password link); people already enrolled are "
            "skipped, so uploading a file twice enrolls nobody twice."
        ),
        request={
            "multipart/form-data": OpenApiRequest(
                EnrollmentImportIn, encoding={"file": {"contentType": "text/csv"}}
            )
        },
        responses={
            202: EnrollmentImportOut,
            400: OpenApiResponse(ErrorSerializer, description="Not a file that can be imported"),
            **REFUSED,
            415: OpenApiResponse(
                ErrorSerializer, description="The body is not multipart/form-data"
            ),
        },
        examples=[
            EXAMPLE,
            OpenApiExample(
                "Missing columns",
                value={
                    "message": "The header row must name the columns email and course "
                    "(missing: course).",
                    "code": "invalid_file",
                    "errors": {
                        "file": [
                            "The header row must name the columns email and course "
                            "(missing: course)."
                        ]
                    },
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        user = _importer(request)
        s = EnrollmentImportIn(data=request.data)
        s.is_valid(raise_exception=True)
        upload = s.validated_data["file"]
        enrollment_import = enrollment_import_create(
            user=user, file_name=upload.name, data=upload.read()
        )
        data = EnrollmentImportOut(enrollment_import, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED)


class EnrollmentImportDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="enrollment_imports_retrieve",
        summary="An enrollment import's status and progress",
        description=(
            "Poll while `status` is `pending` or `running`: `processed_rows` and the counts "
            "grow batch by batch. `failed_rows` lists the first 100 failed rows."
        ),
        parameters=[IMPORT_ID],
        responses={200: EnrollmentImportDetailOut, **REFUSED, **NOT_FOUND},
    )
    def get(self, request: Request, import_id: int) -> Response:
        enrollment_import = enrollment_import_get(
            user=_importer(request), import_id=import_id, heavy=True
        )
        data = EnrollmentImportDetailOut(enrollment_import, context={"request": request}).data
        return Response(data)


class EnrollmentImportErrorsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="enrollment_imports_errors",
        summary="The rows that failed, as CSV",
        description=(
            "The failed rows as uploaded, plus an `error` column (text/csv). Fix them and "
            "upload the file again: rows that were imported are skipped then."
        ),
        parameters=[IMPORT_ID],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV"),
            **REFUSED,
            **NOT_FOUND,
        },
    )
    def get(self, request: Request, import_id: int) -> HttpResponse:
        enrollment_import = enrollment_import_get(
            user=_importer(request), import_id=import_id, heavy=True
        )
        name, text = enrollment_import_error_report(enrollment_import=enrollment_import)
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
