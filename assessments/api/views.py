"""Quiz API for students (site JavaScript and the mobile apps): the same server-side timing
rules as the site. A quiz is addressed by its lesson, an attempt by its id.

Refusals: 401 not signed in; 403 ``not_enrolled``, ``not_released``, ``quiz_not_open``,
``quiz_closed``; 404 for a lesson that is not a quiz or an attempt that is not yours; 409
``no_attempts_left``, ``attempt_closed``, ``time_up``, ``question_finished``.
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.markdown import render_markdown
from courses.selectors.lessons import lesson_get
from kalpla.api.serializers import ErrorSerializer
from kalpla.exceptions import NotFound

from .. import selectors
from ..models import Quiz
from ..services import attempts as attempt_services
from .serializers import AnswersIn, AnswersSavedOut, AttemptOut, CheckIn, QuizCheckedOut, QuizOut

TAGS = ["quizzes"]
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
        attempt = attempt_services.attempt_get(attempt_id=attempt.pk, user=request.user)
        return Response(_attempt_out(request, attempt))
