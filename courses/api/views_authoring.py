"""Authoring endpoints under /api/v1/: direct uploads of course media."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from courses.api.serializers import UploadStartIn, UploadStartOut
from courses.services import media
from kalpla.api.serializers import ErrorSerializer

TAGS = ["courses"]


class UploadStartApi(APIView):
    """The authoring pages' scripts (session and CSRF token) and API clients of mentors."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="uploads_start",
        summary="Start a direct upload of course media",
        description=(
            "For mentors and staff. Answers a form to POST the file to: send `fields` first, "
            "then the file as the last field, named `file`, to `url` (an S3 presigned POST, or "
            "the server's own signed URL). Then confirm the upload by sending `key` to the "
            "lesson's media or the course's cover page. The declared `content_type` must be "
            "one the `kind` accepts and `size` within its limit (else 400 `file_type` or "
            "`file_too_large`); the stored file is checked again on confirmation."
        ),
        request=UploadStartIn,
        responses={
            200: UploadStartOut,
            400: OpenApiResponse(ErrorSerializer, description="Invalid input or file type"),
            401: OpenApiResponse(ErrorSerializer, description="Not signed in"),
            403: OpenApiResponse(ErrorSerializer, description="Not a mentor or staff"),
        },
        examples=[
            OpenApiExample(
                "Lesson video",
                value={
                    "kind": "video",
                    "filename": "welcome.mp4",
                    "content_type": "video/mp4",
                    "size": 10485760,
                },
                request_only=True,
            ),
            OpenApiExample(
                "Upload form",
                value={
                    "url": "https://kalpla-media.s3.amazonaws.com/",
                    "fields": {"key": "uploads/video/12/3f2a.mp4", "policy": "eyJ..."},
                    "key": "uploads/video/12/3f2a.mp4",
                },
                response_only=True,
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        s = UploadStartIn(data=request.data)
        s.is_valid(raise_exception=True)
        upload = media.authoring_upload_start(user=signed_in_user(request), **s.validated_data)
        out = {
            "url": request.build_absolute_uri(upload.url),
            "fields": upload.fields,
            "key": upload.key,
        }
        return Response(UploadStartOut(out).data)
