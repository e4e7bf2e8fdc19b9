"""Catalogue, course detail, categories and reviews under /api/v1/."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsModerator
from accounts.selectors import signed_in_user
from activity.tracking import ObjectRef
from activity.verbs import Verb
from activity.visitor import track_view
from courses.api.serializers import (
    CategoryOut,
    CourseCardOut,
    CourseDetailOut,
    ReviewHideIn,
    ReviewIn,
    ReviewModerationOut,
    ReviewOut,
    ReviewReplyIn,
    ReviewReportIn,
    ReviewReportOut,
)
from courses.filters import CourseCatalogueFilter
from courses.models import Category, Course, Review
from courses.selectors import catalogue as selectors
from courses.selectors.cached import catalogue_page, catalogue_page_recent, course_outline
from courses.services import reviews as review_services
from kalpla.api.serializers import ErrorSerializer
from kalpla.api.throttling import LocalCounts, Window, throttle_windows

TAGS = ["courses"]

RECENT_COUNTS = LocalCounts()
"""Throttle counts of the catalogue pages answered from this process's memory."""

ERROR_400 = OpenApiResponse(ErrorSerializer, description="Invalid input")
ERROR_401 = OpenApiResponse(ErrorSerializer, description="Not signed in")
ERROR_403 = OpenApiResponse(ErrorSerializer, description="Not allowed")
ERROR_404 = OpenApiResponse(ErrorSerializer, description="No such course or review")

USER_EXAMPLE = {"id": 12, "name": "Meera Mentor", "avatar_url": None}
CARD_EXAMPLE: dict[str, Any] = {
    "id": 3,
    "slug": "python-for-data",
    "title": "Python for Data",
    "subtitle": "From lists to pandas in six weeks",
    "level": "beginner",
    "language": "en",
    "category": {"slug": "programming", "name": "Programming"},
    "tags": [{"slug": "python", "name": "python"}],
    "instructors": [USER_EXAMPLE],
    "price": {"amount": "49.00", "currency": "INR"},
    "is_free": False,
    "rating": {"average": "4.60", "count": 25},
    "enrollment_count": 310,
    "lesson_count": 24,
    "duration": 14400,
    "thumbnail_url": "https://kalpla.example/media/public/courses/3-480.webp",
    "published_at": "2026-11-01T09:30:00Z",
}
DETAIL_EXAMPLE: dict[str, Any] = {
    **CARD_EXAMPLE,
    "description": "Learn **Python** by analysing real data.",
    "description_html": "<p>Learn <strong>Python</strong> by analysing real data.</p>",
    "prerequisites": [{"slug": "computer-basics", "title": "Computer basics"}],
    "modules": [
        {
            "id": 10,
            "title": "Getting started",
            "description": "",
            "duration": 900,
            "lessons": [
                {
                    "id": 101,
                    "title": "Welcome",
                    "kind": "video",
                    "duration": 300,
                    "is_preview": True,
                },
                {"id": 102, "title": "Setup", "kind": "text", "duration": 600, "is_preview": False},
            ],
        }
    ],
    "is_enrolled": False,
    "enroll_state": "enroll",
    "status": "published",
}
REVIEW_EXAMPLE: dict[str, Any] = {
    "id": 41,
    "rating": 5,
    "text": "Clear explanations and good exercises.",
    "user": {"id": 7, "name": "Asha Student", "avatar_url": None},
    "reply": {"text": "Thank you, Asha!", "by": USER_EXAMPLE, "at": "2026-11-03T10:00:00Z"},
    "held": False,
    "created_at": "2026-11-02T18:20:00Z",
    "updated_at": "2026-11-03T10:00:00Z",
}


def _page(items: list[dict[str, Any]], count: int | None = None) -> dict[str, Any]:
    return {
        "count": count if count is not None else len(items),
        "next": None,
        "previous": None,
        "results": items,
    }


class CourseListApi(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = CourseCardOut
    filterset_class = CourseCatalogueFilter

    def get_queryset(self) -> QuerySet[Course]:
        return selectors.course_catalogue_base()

    _windows: list[Window] | None = None

    def _cached(self, request: Request) -> bool:
        # Browsing pages are the same for everyone: their JSON is cached (edits of the courses
        # they show retire them). Searches are too varied to be worth caching; the browsable
        # API (debug only) renders as usual.
        return not request.query_params.get("search") and request.accepted_renderer.format == "json"

    def check_throttles(self, request: Request) -> None:
        # A cached page counts the throttles' windows in its read's round trip (list()).
        if request.method in ("GET", "HEAD") and self._cached(request):
            self._windows = throttle_windows(self.get_throttles(), request, self)
        if self._windows is None:
            super().check_throttles(request)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        recent = self._recent_answer(request)
        if recent is not None:
            return recent
        return super().dispatch(request, *args, **kwargs)

    def _recent_answer(self, request: HttpRequest) -> HttpResponse | None:
        """An anonymous client's browsing page that this process served within the last
        ``KALPLA_CATALOGUE_MEMORY_SECONDS``, answered before DRF with no round trip: the
        same bytes and headers as list() gives, the view tracked as there, the client's
        throttle counted in batches (``LocalCounts``: near its limit, or for anything else,
        the request takes the usual way)."""
        meta = request.META  # not request.headers: that builds a dict of every header
        if (
            request.method != "GET"
            or meta.get("HTTP_ACCEPT", "") not in ("", "*/*", "application/json")
            or request.GET.get("format", "json") != "json"
            or "search" in request.GET
            or "HTTP_AUTHORIZATION" in meta
            or "HTTP_X_SESSION_TOKEN" in meta
            or request.user.is_authenticated
        ):
            return None
        raw = (
            request.scheme,
            meta.get("HTTP_HOST"),
            meta.get("HTTP_X_FORWARDED_HOST"),
            meta.get("SERVER_NAME"),
            meta.get("SERVER_PORT"),
            get_language(),
            meta.get("QUERY_STRING", ""),
        )  # what the variant is made of (the host was checked by CommonMiddleware)
        body = catalogue_page_recent(variant=lambda: self._variant(request, request.GET), raw=raw)
        if body is None:
            return None
        windows = throttle_windows(self.get_throttles(), request, self)  # type: ignore[arg-type]
        if windows is None or not RECENT_COUNTS.take(windows):
            return None
        self._track(request)
        response = HttpResponse(body, content_type="application/json")
        headers = self.default_response_headers  # as DRF's finalize_response sets them
        if vary := headers.pop("Vary", None):
            patch_vary_headers(response, [vary])
        for name, value in headers.items():
            response[name] = value
        return response

    @staticmethod
    def _variant(request: HttpRequest, params: QueryDict) -> str:
        return (
            f"api|{request.scheme}|{request.get_host()}|{get_language()}|{sorted(params.lists())}"
        )

    @staticmethod
    def _track(request: HttpRequest) -> None:
        track_view(
            request, verb=Verb.CATALOGUE_VIEWED, object=ObjectRef("catalogue"), platform="api"
        )

    def list(  # type: ignore[override]  # cached pages answer with their stored JSON bytes
        self, request: Request, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        self._track(request)
        windows = self._windows
        if not self._cached(request):
            return super().list(request, *args, **kwargs)

        def build() -> tuple[list[int] | None, bytes | HttpResponseBase]:
            response = super(CourseListApi, self).list(request, *args, **kwargs)
            if response.status_code != status.HTTP_200_OK:
                return None, response  # not cached
            ids = [card["id"] for card in response.data["results"]]
            return ids, JSONRenderer().render(response.data)

        def counted(counts: list[int]) -> None:
            for window, count in zip(windows or [], counts, strict=True):
                RECENT_COUNTS.note(window, count)
            waits = [
                wait
                for window, count in zip(windows or [], counts, strict=True)
                if (wait := window.throttle.counted(window, count)) is not None
            ]
            if waits:
                self.throttled(request, max(waits))

        body = catalogue_page(
            variant=self._variant(request, request.query_params),
            build=build,
            counters={window.key: window.timeout for window in windows or []},
            counted=counted,
            remember=True,
        )
        if isinstance(body, HttpResponseBase):
            return body
        return HttpResponse(body, content_type="application/json")

    @extend_schema(
        tags=TAGS,
        operation_id="courses_list",
        summary="Search and browse the catalogue",
        description=(
            "Published courses, 20 a page (`page_size` up to 100). `search` uses web search "
            'syntax ("exact phrase", -exclude, or); with a search the default order is '
            "relevance, otherwise newest. Anonymous access is allowed."
        ),
        responses={200: CourseCardOut(many=True), 400: ERROR_400},
        examples=[
            OpenApiExample("A page of courses", value=_page([CARD_EXAMPLE]), response_only=True)
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CourseDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        operation_id="courses_retrieve",
        summary="A course with its outline",
        description=(
            "The outline lists every module and lesson (titles, kinds, durations, preview "
            "flags), never lesson content. `is_enrolled` and `enroll_state` describe the "
            "signed-in user (anonymous: false / sign_in). Courses that are not published "
            "answer 404 except to their instructors and staff."
        ),
        responses={200: CourseDetailOut, 404: ERROR_404},
        examples=[OpenApiExample("Course", value=DETAIL_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, slug: str) -> Response:
        course = selectors.course_detail_get(slug=slug, user=request.user)
        track_view(
            request, verb=Verb.COURSE_VIEWED, object=ObjectRef("course", course.pk), platform="api"
        )
        access = selectors.viewer_access(user=request.user, course=course)
        context = {
            "request": request,
            "outline": course_outline(course=course),
            "is_enrolled": access.enrollment is not None,
            "enroll_state": selectors.enroll_state(user=request.user, course=course, access=access),
        }
        return Response(CourseDetailOut(course, context=context).data)


class CategoryListApi(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = CategoryOut
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Category]:
        return selectors.category_list().select_related("parent")

    @extend_schema(
        tags=TAGS,
        operation_id="categories_list",
        summary="Course categories",
        description="Every category with its parent and its number of published courses.",
        examples=[
            OpenApiExample(
                "Categories",
                value=_page(
                    [
                        {
                            "slug": "programming",
                            "name": "Programming",
                            "parent": None,
                            "course_count": 12,
                        },
                        {
                            "slug": "python",
                            "name": "Python",
                            "parent": "programming",
                            "course_count": 5,
                        },
                    ]
                ),
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CourseReviewListApi(ListAPIView):
    serializer_class = ReviewOut
    filter_backends: list[Any] = []

    def get_permissions(self) -> list[Any]:
        if self.request.method == "GET":
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Review]:
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        course = selectors.course_detail_get(slug=self.kwargs["slug"], user=self.request.user)
        user = self.request.user
        return selectors.course_review_list(
            course=course, author_id=user.pk if user.is_authenticated else None
        )

    @extend_schema(
        tags=TAGS,
        operation_id="courses_reviews_list",
        summary="Reviews of a course",
        description=(
            "Newest first; reviews hidden by moderators are left out, and so are reviews held "
            "for moderation, except the signed-in user's own (`held` true)."
        ),
        responses={200: ReviewOut(many=True), 404: ERROR_404},
        examples=[OpenApiExample("Reviews", value=_page([REVIEW_EXAMPLE]), response_only=True)],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        operation_id="courses_reviews_create",
        summary="Write or update my review of a course",
        description=(
            "One review per student and course: posting again updates it (200) instead of "
            "creating one (201). Only enrolled students may review (403, code `not_enrolled`). "
            "Sentiment is analysed in the background."
        ),
        request=ReviewIn,
        responses={
            200: ReviewOut,
            201: ReviewOut,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
            404: ERROR_404,
        },
        examples=[
            OpenApiExample(
                "Review", value={"rating": 5, "text": "Clear and practical."}, request_only=True
            ),
            OpenApiExample(
                "Not enrolled",
                value={
                    "message": "Only students enrolled in this course can review it.",
                    "code": "not_enrolled",
                },
                response_only=True,
                status_codes=["403"],
            ),
            OpenApiExample(
                "Saved", value=REVIEW_EXAMPLE, response_only=True, status_codes=["200", "201"]
            ),
        ],
    )
    def post(self, request: Request, slug: str) -> Response:
        s = ReviewIn(data=request.data)
        s.is_valid(raise_exception=True)
        user = signed_in_user(request)
        course = selectors.course_detail_get(slug=slug, user=user)
        existed = selectors.review_of_user(user=user, course=course) is not None
        review = review_services.review_create_or_update(
            user=user,
            course=course,
            rating=s.validated_data["rating"],
            text=s.validated_data["text"],
        )
        return Response(
            ReviewOut(review, context={"request": request}).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class ReviewReplyApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="reviews_reply",
        summary="Reply to a review (course instructors)",
        description="Sets the instructor reply shown under the review; an empty text removes it.",
        request=ReviewReplyIn,
        responses={200: ReviewOut, 400: ERROR_400, 401: ERROR_401, 403: ERROR_403, 404: ERROR_404},
        examples=[
            OpenApiExample("Reply", value={"text": "Thank you, Asha!"}, request_only=True),
            OpenApiExample("Replied", value=REVIEW_EXAMPLE, response_only=True),
        ],
    )
    def post(self, request: Request, review_id: int) -> Response:
        s = ReviewReplyIn(data=request.data)
        s.is_valid(raise_exception=True)
        review = selectors.review_get(review_id=review_id)
        review = review_services.review_reply(
            review=review, by=signed_in_user(request), text=s.validated_data["text"]
        )
        return Response(ReviewOut(review, context={"request": request}).data)


class ReviewHideApi(APIView):
    permission_classes = [IsModerator]

    @extend_schema(
        tags=TAGS,
        operation_id="reviews_hide",
        summary="Hide or show a review (moderators)",
        description="A hidden review leaves the course page and the course's rating.",
        request=ReviewHideIn,
        responses={
            200: ReviewModerationOut,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
            404: ERROR_404,
        },
        examples=[
            OpenApiExample("Hide", value={"hidden": True}, request_only=True),
            OpenApiExample(
                "Hidden", value={**REVIEW_EXAMPLE, "is_hidden": True}, response_only=True
            ),
        ],
    )
    def post(self, request: Request, review_id: int) -> Response:
        s = ReviewHideIn(data=request.data)
        s.is_valid(raise_exception=True)
        review = review_services.review_hide(
            review=selectors.review_get(review_id=review_id),
            by=signed_in_user(request),
            hidden=s.validated_data["hidden"],
        )
        return Response(ReviewModerationOut(review, context={"request": request}).data)


class ReviewReportApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="reviews_report",
        summary="Report a review to the moderators",
        description=(
            "Puts the review in the moderation queue with the reason (later reports add "
            "theirs to the same item). Not for one's own review (400); 409 once it is hidden."
        ),
        request=ReviewReportIn,
        responses={
            202: ReviewReportOut,
            400: ERROR_400,
            401: ERROR_401,
            404: ERROR_404,
            409: OpenApiResponse(ErrorSerializer, description="Already hidden"),
        },
        examples=[
            OpenApiExample(
                "Report", value={"reason": "Insults another student."}, request_only=True
            ),
            OpenApiExample("Reported", value={"reported": True}, response_only=True),
        ],
    )
    def post(self, request: Request, review_id: int) -> Response:
        s = ReviewReportIn(data=request.data)
        s.is_valid(raise_exception=True)
        review_services.review_report(
            review=selectors.review_get(review_id=review_id),
            by=signed_in_user(request),
            reason=s.validated_data["reason"],
        )
        return Response({"reported": True}, status=status.HTTP_202_ACCEPTED)
