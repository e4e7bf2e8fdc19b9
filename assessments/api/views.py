"""Quiz API for students (site JavaScript and the mobile apps): the same server-side timing
rules as the site. A quiz is addressed by its lesson, an attempt by its id.

Refusals: 401 not signed in; 403 ``not_enrolled``, ``not_released``, ``quiz_not_open``,
``quiz_closed``; 404 for a lesson that is not a quiz or an attempt that is not yours; 409
``no_attempts_left``, ``attempt_closed``, ``time_up``, ``question_finished``.
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiRequest, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.markdown import render_markdown
from courses.selectors.lessons import lesson_get
from enrollments.access import lesson_access
from files.uploads import UPLOAD_KINDS
from kalpla.api.pagination import PageNumberPagination
from kalpla.api.serializers import ErrorSerializer
from kalpla.exceptions import NotFound

from .. import selectors
from ..file_links import certificate_link, submission_file_link
from ..jobs import certificate_verify_url
from ..models import Quiz
from ..services import assignments as assignment_services
from ..services import attempts as attempt_services
from .serializers import (
    AnswersIn,
    AnswersSavedOut,
    AssignmentOut,
    AttemptOut,
    CertificateOut,
    CheckIn,
    QuizCheckedOut,
    QuizOut,
    SubmissionIn,
    SubmissionOut,
)

TAGS = ["quizzes"]
# What an assignment may accept (each assignment names its own kinds and size).
SUBMISSION_FILE_TYPES = sorted(
    {t for kind in ("document", "image", "audio") for t in UPLOAD_KINDS[kind].content_types}
)
ERRORS = {
    403: OpenApiResponse(ErrorSerializer, description="Not allowed (see the code)"),
    404: OpenApiResponse(ErrorSerializer, description="No such quiz or attempt"),
}
CONFLICT = {
    409: OpenApiResponse(
        ErrorSerializer,
        description="`attempt_closed`, `time_up` (the attempt was submitted at its deadline)",
    )
}
TIME_UP = OpenApiExample(
    "Time is up",
    value={"message": "Time is up: the attempt was submitted.", "code": "time_up"},
    response_only=True,
    status_codes=["409"],
)


def _quiz(lesson_id: int) -> Quiz:
    lesson = lesson_get(lesson_id=lesson_id)
    quiz = selectors.quiz_for_lesson(lesson_id=lesson.pk) if lesson.kind == "quiz" else None
    if quiz is None:
        raise NotFound(_("This lesson has no quiz."))
    return quiz


def _attempt_out(request: Request, attempt: Any) -> dict[str, Any]:
    return AttemptOut(selectors.attempt_view(attempt=attempt, viewer=request.user)).data


class QuizApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="lesson_quiz_retrieve",
        summary="A quiz's rules, my attempts and my grade",
        responses={200: QuizOut, **ERRORS},
    )
    def get(self, request: Request, lesson_id: int) -> Response:
        quiz = _quiz(lesson_id)
        now = timezone.now()
        _preview, refusal = attempt_services.start_refusal(quiz=quiz, user=request.user, now=now)
        if refusal is not None and refusal.code in ("not_found", "not_enrolled", "not_released"):
            raise refusal
        summary = selectors.quiz_summary(quiz=quiz, user=request.user)
        summary["instructions_html"] = str(render_markdown(summary.pop("instructions")))
        summary["can_start"] = refusal is None
        summary["refusal"] = None if refusal is None else refusal.message
        return Response(QuizOut(summary).data)


class AttemptStartApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="lesson_quiz_attempt_start",
        summary="Start an attempt, or resume the open one",
        description=(
            "Answers 201 with a new attempt, or 200 with the attempt already open (on any "
            "device). A time limit starts now: `deadline` and `seconds_left` say when the "
            "server submits the attempt by itself."
        ),
        request=None,
        responses={
            200: AttemptOut,
            201: AttemptOut,
            **ERRORS,
            409: OpenApiResponse(ErrorSerializer, description="`no_attempts_left` or `quiz_empty`"),
        },
    )
    def post(self, request: Request, lesson_id: int) -> Response:
        quiz = _quiz(lesson_id)
        before = selectors.quiz_open_attempt_id(quiz=quiz, user=request.user)
        attempt = attempt_services.attempt_start(quiz=quiz, user=request.user)
        code = status.HTTP_200_OK if attempt.pk == before else status.HTTP_201_CREATED
        return Response(_attempt_out(request, attempt), status=code)


class AttemptApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="attempt_retrieve",
        summary="An attempt: its questions (and, after submitting, what the review shows)",
        description=(
            "Never contains right answers, accepted answers or option scores unless the "
            "quiz's review options show them now. While the attempt is being graded `state` "
            "is `submitted`; poll, or listen for `quiz.attempt_graded` on /ws/notifications/."
        ),
        responses={200: AttemptOut, **ERRORS},
    )
    def get(self, request: Request, attempt_id: int) -> Response:
        attempt = attempt_services.attempt_get_current(attempt_id=attempt_id, user=request.user)
        return Response(_attempt_out(request, attempt))


class AttemptAnswersApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="attempt_answers_save",
        summary="Save answers (autosave)",
        description="Saves only the questions sent. Refused after the deadline (409 `time_up`).",
        request=AnswersIn,
        responses={200: AnswersSavedOut, 400: ErrorSerializer, **ERRORS, **CONFLICT},
        examples=[
            OpenApiExample(
                "Two answers",
                value={
                    "answers": [
                        {"position": 0, "response": "a1b2c3d4"},
                        {"position": 1, "response": ["e5f6a7b8", "c9d0e1f2"]},
                    ],
                    "page": 1,
                },
                request_only=True,
            ),
            TIME_UP,
        ],
    )
    def post(self, request: Request, attempt_id: int) -> Response:
        attempt_services.attempt_get_own(attempt_id=attempt_id, user=request.user)
        s = AnswersIn(data=request.data)
        s.is_valid(raise_exception=True)
        attempt = attempt_services.attempt_answers_save(
            attempt_id=attempt_id,
            user=request.user,
            responses={a["position"]: a["response"] for a in s.validated_data["answers"]},
            page=s.validated_data.get("page"),
        )
        left = None
        if attempt.deadline is not None:
            left = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
        return Response(
            AnswersSavedOut(
                {
                    "saved": len({a["position"] for a in s.validated_data["answers"]}),
                    "seconds_left": left,
                }
            ).data
        )


class AttemptCheckApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="attempt_question_check",
        summary="Check one answer now (quizzes with immediate feedback)",
        description=(
            "Grades the answer and says right or wrong with the author's feedback; each wrong "
            "try costs the quiz's penalty. The question is finished when right or out of tries."
        ),
        request=CheckIn,
        responses={
            200: QuizCheckedOut,
            400: ErrorSerializer,
            **ERRORS,
            409: OpenApiResponse(
                ErrorSerializer,
                description="`not_immediate`, `question_finished`, `manually_graded`, `time_up`",
            ),
        },
    )
    def post(self, request: Request, attempt_id: int, position: int) -> Response:
        attempt_services.attempt_get_own(attempt_id=attempt_id, user=request.user)
        s = CheckIn(data=request.data)
        s.is_valid(raise_exception=True)
        aq = attempt_services.attempt_question_check(
            attempt_id=attempt_id,
            user=request.user,
            position=position,
            response=s.validated_data["response"],
        )
        return Response(QuizCheckedOut(selectors.checked_of(aq)).data)


class AttemptSubmitApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="attempt_submit",
        summary="Submit the attempt for grading",
        description=(
            "Grading runs on the grading worker: the answer usually says `submitted`; the "
            "attempt turns `graded` (or `needs_grading` when a mentor grades essays) within "
            "moments. Submitting again is harmless."
        ),
        request=None,
        responses={200: AttemptOut, **ERRORS},
    )
    def post(self, request: Request, attempt_id: int) -> Response:
        attempt = attempt_services.attempt_submit(attempt_id=attempt_id, user=request.user)
        return Response(_attempt_out(request, attempt))


# --- assignments ------------------------------------------------------------------------------


def _assignment(request: Request, lesson_id: int) -> Any:
    lesson = lesson_get(lesson_id=lesson_id)
    assignment = (
        selectors.assignment_for_lesson(lesson_id=lesson.pk)
        if lesson.kind == "assignment"
        else None
    )
    if assignment is None:
        raise NotFound(_("This lesson has no assignment."))
    access = lesson_access(user=request.user, lesson=lesson)
    if not access.allowed:
        raise access.as_error()
    return assignment


def _submissions_out(request: Request, rows: list[Any]) -> list[dict[str, Any]]:
    return [
        selectors.submission_view(
            submission=s,
            viewer=request.user,
            file_url=_absolute(request, submission_file_link(submission=s)),
        )
        for s in rows
    ]


def _absolute(request: Request, url: str) -> str:
    return request.build_absolute_uri(url) if url else ""


class AssignmentApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["assignments"],
        operation_id="lesson_assignment_retrieve",
        summary="An assignment: its rules, my dates and my work",
        responses={200: AssignmentOut, **ERRORS},
    )
    def get(self, request: Request, lesson_id: int) -> Response:
        assignment = _assignment(request, lesson_id)
        due, cutoff = assignment_services.dates_for(assignment=assignment, student=request.user)
        history = selectors.submission_history(assignment=assignment, student=request.user)
        data = {
            "id": assignment.pk,
            "lesson_id": assignment.lesson_id,
            "title": assignment.lesson.title,
            "instructions_html": str(render_markdown(assignment.instructions)),
            "accepts_text": assignment.accepts_text,
            "accepts_file": assignment.accepts_file,
            "file_kinds": assignment.file_kinds,
            "max_file_mb": assignment.max_file_mb,
            "points": str(assignment.points),
            "due_at": due,
            "cutoff_at": cutoff,
            "time_zone": assignment.course.time_zone,
            "penalty_per_day": str(assignment.penalty_per_day),
            "penalty_cap": str(assignment.penalty_cap),
            "allow_resubmission": assignment.allow_resubmission,
            "speaking": assignment.speaking,
            "submissions": _submissions_out(request, history),
        }
        return Response(AssignmentOut(data).data)


class AssignmentSubmitApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, JSONParser]

    @extend_schema(
        tags=["assignments"],
        operation_id="lesson_assignment_submit",
        summary="Hand in work (text and/or a file); again to resubmit",
        description=(
            "multipart/form-data with `text` and/or `file`, or JSON with `text`. Late work "
            "counts its days late; after the cut-off it is refused (409 `cutoff_passed`); a "
            "resubmission after the due date or once the grade is released is 409."
        ),
        request={
            "multipart/form-data": OpenApiRequest(
                SubmissionIn,
                encoding={"file": {"contentType": ", ".join(SUBMISSION_FILE_TYPES)}},
            ),
            "application/json": SubmissionIn,
        },
        responses={
            201: SubmissionOut,
            400: ErrorSerializer,
            **ERRORS,
            409: OpenApiResponse(
                ErrorSerializer,
                description="`cutoff_passed`, `resubmission_closed`, `already_submitted`, "
                "`already_graded`",
            ),
        },
    )
    def post(self, request: Request, lesson_id: int) -> Response:
        assignment = _assignment(request, lesson_id)
        s = SubmissionIn(data=request.data)
        s.is_valid(raise_exception=True)
        submission = assignment_services.submission_create(
            user=request.user,
            assignment=assignment,
            text=s.validated_data.get("text", ""),
            file=s.validated_data.get("file"),
        )
        return Response(_submissions_out(request, [submission])[0], status=status.HTTP_201_CREATED)


class MyCertificatesApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=["certificates"],
        operation_id="me_certificates_list",
        summary="My certificates, newest first",
        responses={200: CertificateOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.my_certificates(user=request.user), request, self
        )
        rows = [
            {
                "id": c.pk,
                "code": c.code,
                "name": c.name,
                "course_title": c.course_title,
                "course_id": c.course_id,
                "issued_at": c.issued_at,
                "status": c.status,
                "pdf_url": _absolute(request, certificate_link(certificate=c)),
                "verify_url": certificate_verify_url(c),
            }
            for c in page
        ]
        return paginator.get_paginated_response(CertificateOut(rows, many=True).data)
