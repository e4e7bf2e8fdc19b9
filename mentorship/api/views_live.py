"""Live classes (``/api/v1/live-classes/``): list mine, schedule, read, change, start, end,
cancel, rotate the stream key, link a recording, read attendance.

Viewers (enrolled students, the course's instructors) and staff get playback details only; the
host also gets ``ingest_url`` and ``stream_key``. A class the user may not watch is a 404."""

from collections.abc import Callable
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from courses.selectors.activity import course_in_bulk
from kalpla.api.pagination import PageNumberPagination
from kalpla.api.serializers import ErrorSerializer
from kalpla.exceptions import NotFound
from mentorship.models import LiveClass
from mentorship.selectors.live import (
    live_class_attendance_list,
    live_class_get_for_user,
    live_class_list,
)
from mentorship.services import live as services

from .serializers_live import (
    LiveClassAttendanceOut,
    LiveClassHostOut,
    LiveClassOut,
    LiveClassRecordingIn,
    LiveClassScheduleIn,
    LiveClassUpdateIn,
    live_class_out,
)

TAGS = ["mentorship"]
ERROR_400 = OpenApiResponse(ErrorSerializer, description="Invalid input (`errors` per field)")
ERROR_403 = OpenApiResponse(ErrorSerializer, description="Not the host of the class")
ERROR_404 = OpenApiResponse(
    ErrorSerializer, description="No such class (or course), or not one of your courses"
)
ERROR_409 = OpenApiResponse(
    ErrorSerializer,
    description=(
        "Not possible in the class's state: `live_class_scheduled`, `live_class_live`, "
        "`live_class_ended`, `live_class_cancelled`, `live_class_too_early`"
    ),
    examples=[
        OpenApiExample(
            "Too early",
            value={
                "message": "You can go live from 15 minutes before the start.",
                "code": "live_class_too_early",
            },
        )
    ],
)
ERROR_503 = OpenApiResponse(
    ErrorSerializer, description="`live_video_unavailable`: the video service did not answer"
)

VIEWER_EXAMPLE: dict[str, Any] = {
    "id": 7,
    "course": {"id": 3, "slug": "python-basics", "title": "Python basics"},
    "host": {"id": 12, "name": "Asha Rao"},
    "title": "Office hours: loops",
    "description": "Bring your questions.",
    "starts_at": "2026-12-09T14:00:00Z",
    "duration_minutes": 60,
    "status": "scheduled",
    "provider": "ivs",
    "playback_url": "https://abc.us-east-1.playback.live-video.net/api/video/v1/x.m3u8",
    "signalling_url": "",
    "chat_room_id": 41,
    "recording_url": "",
    "started_at": None,
    "ended_at": None,
}
HOST_EXAMPLE: dict[str, Any] = {
    **VIEWER_EXAMPLE,
    "ingest_url": "rtmps://abc.global-contribute.live-video.net:443/app/",
    "stream_key": "sk_us-east-1_secret",
}


class LiveClassFilter(django_filters.FilterSet):
    course = django_filters.NumberFilter(
        field_name="course_id", min_value=1, max_value=2**63 - 1, help_text="A course's id."
    )
    status = django_filters.ChoiceFilter(choices=LiveClass.Status.choices)

    class Meta:
        model = LiveClass
        fields = ["course", "status"]


def _view(request: Request, live_class_id: int) -> Any:
    return live_class_get_for_user(live_class_id=live_class_id, user=signed_in_user(request))


def _answer(request: Request, live: LiveClass, status: int = 200) -> Response:
    """The stream key is the host's alone: staff, who may manage the class, never get it."""
    is_host = signed_in_user(request).pk == live.host_id
    return Response(live_class_out(live, with_key=is_host), status=status)


class LiveClassListApi(ListAPIView):
    serializer_class = LiveClassOut
    pagination_class = PageNumberPagination
    filterset_class = LiveClassFilter

    def get_queryset(self) -> QuerySet[LiveClass]:
        if getattr(self, "swagger_fake_view", False):
            return LiveClass.objects.none()
        return live_class_list(user=signed_in_user(self.request))

    @extend_schema(
        tags=TAGS,
        operation_id="live_classes_list",
        summary="My live classes",
        description=(
            "Classes I host and classes of the courses I study or teach, soonest first. "
            "Playback details only: the host reads the stream key from the class itself."
        ),
        responses={200: LiveClassOut(many=True)},
        examples=[
            OpenApiExample(
                "A page",
                value={"count": 1, "next": None, "previous": None, "results": [VIEWER_EXAMPLE]},
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        operation_id="live_classes_schedule",
        summary="Schedule a live class",
        description=(
            "For a course I teach (or any course, for staff). Creates the video channel "
            "(IVS with the aws backend) and tells the course's students."
        ),
        request=LiveClassScheduleIn,
        responses={
            201: LiveClassHostOut,
            400: ERROR_400,
            403: ERROR_403,
            404: ERROR_404,
            503: ERROR_503,
        },
        examples=[
            OpenApiExample(
                "Schedule",
                value={
                    "course": 3,
                    "title": "Office hours: loops",
                    "starts_at": "2036-01-15T14:00:00Z",
                    "duration_minutes": 60,
                },
                request_only=True,
            ),
            OpenApiExample("Scheduled", value=HOST_EXAMPLE, response_only=True),
        ],
    )
    def post(self, request: Request) -> Response:
        data = LiveClassScheduleIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        user = signed_in_user(request)
        course = course_in_bulk(course_ids=[values["course"]]).get(values.pop("course"))
        if course is None:
            raise NotFound(_("No such course."), code="course_not_found")
        live = services.live_class_schedule(course=course, host=user, **values)
        return _answer(request, live, status=201)


class LiveClassDetailApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="live_classes_retrieve",
        summary="A live class",
        description="The host (only) also gets `ingest_url` and `stream_key`.",
        responses={200: LiveClassHostOut, 404: ERROR_404},
        examples=[
            OpenApiExample("As a viewer", value=VIEWER_EXAMPLE, response_only=True),
            OpenApiExample("As the host", value=HOST_EXAMPLE, response_only=True),
        ],
    )
    def get(self, request: Request, live_class_id: int) -> Response:
        return _answer(request, _view(request, live_class_id).live)

    @extend_schema(
        tags=TAGS,
        operation_id="live_classes_update",
        summary="Change a scheduled class",
        description="Title, description, start and length; only while it is scheduled.",
        request=LiveClassUpdateIn,
        responses={
            200: LiveClassHostOut,
            400: ERROR_400,
            403: ERROR_403,
            404: ERROR_404,
            409: ERROR_409,
        },
        examples=[
            OpenApiExample("Move", value={"starts_at": "2036-01-16T14:00:00Z"}, request_only=True),
        ],
    )
    def patch(self, request: Request, live_class_id: int) -> Response:
        data = LiveClassUpdateIn(data=request.data)
        data.is_valid(raise_exception=True)
        live = services.live_class_update(
            live_class=_view(request, live_class_id).live,
            by=signed_in_user(request),
            **data.validated_data,
        )
        return _answer(request, live)


def _action_schema(operation: str, summary: str, description: str, **extra: Any) -> Any:
    return extend_schema(
        tags=TAGS,
        operation_id=f"live_classes_{operation}",
        summary=summary,
        description=description,
        request=extra.pop("request", None),
        responses={
            200: LiveClassHostOut,
            400: ERROR_400,
            403: ERROR_403,
            404: ERROR_404,
            409: ERROR_409,
            **extra.pop("responses", {}),
        },
        examples=[OpenApiExample("Done", value=HOST_EXAMPLE, response_only=True)],
        **extra,
    )


class LiveClassActionApi(APIView):
    """A POST without input that runs ``service(live_class=..., by=...)`` on the class."""

    service: Callable[..., LiveClass]

    def post(self, request: Request, live_class_id: int) -> Response:
        live = type(self).service(
            live_class=_view(request, live_class_id).live, by=signed_in_user(request)
        )
        return _answer(request, live)


@extend_schema_view(
    post=_action_schema(
        "start",
        "Go live",
        "The host only, from 15 minutes before the start; the students are told.",
    )
)
class LiveClassStartApi(LiveClassActionApi):
    service = staticmethod(services.live_class_start)


@extend_schema_view(
    post=_action_schema("end", "End the class", "A live class ends; its video channel is deleted.")
)
class LiveClassEndApi(LiveClassActionApi):
    service = staticmethod(services.live_class_end)


@extend_schema_view(
    post=_action_schema(
        "cancel", "Cancel the class", "Only before it starts; the students are told."
    )
)
class LiveClassCancelApi(LiveClassActionApi):
    service = staticmethod(services.live_class_cancel)


@extend_schema_view(
    post=_action_schema(
        "stream_key_regenerate",
        "New stream key",
        "The old key stops working. With IVS the ingest and playback URLs may change too: "
        "read them again from the answer.",
        responses={503: ERROR_503},
    )
)
class LiveClassStreamKeyApi(LiveClassActionApi):
    service = staticmethod(services.live_class_stream_key_regenerate)


class LiveClassRecordingApi(APIView):
    @_action_schema(
        "recording",
        "Link the recording",
        "Once the class has ended: where its recording can be watched.",
        request=LiveClassRecordingIn,
    )
    def post(self, request: Request, live_class_id: int) -> Response:
        data = LiveClassRecordingIn(data=request.data)
        data.is_valid(raise_exception=True)
        live = services.live_class_set_recording(
            live_class=_view(request, live_class_id).live,
            by=signed_in_user(request),
            url=data.validated_data["url"],
        )
        return _answer(request, live)


class LiveClassAttendanceApi(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAGS,
        operation_id="live_classes_attendance",
        summary="Who attended",
        description="The host and staff only; first join and last seen of each viewer.",
        responses={200: LiveClassAttendanceOut(many=True), 403: ERROR_403, 404: ERROR_404},
        examples=[
            OpenApiExample(
                "A page",
                value={
                    "count": 1,
                    "next": None,
                    "previous": None,
                    "results": [
                        {
                            "user": {"id": 31, "name": "Ravi Kumar"},
                            "joined_at": "2026-12-09T14:01:12Z",
                            "last_seen_at": "2026-12-09T14:58:40Z",
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, live_class_id: int) -> Response:
        view = _view(request, live_class_id)
        if not view.manage:
            raise services.host_only()
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            live_class_attendance_list(live_class=view.live), request, self
        )
        return paginator.get_paginated_response(LiveClassAttendanceOut(page, many=True).data)
