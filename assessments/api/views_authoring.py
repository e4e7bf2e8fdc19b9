"""The mentors' quiz API: question banks and questions (with GIFT/Aiken import and export),
quiz settings and slots, and grading by hand. Only the course's editors (its instructors with
the Mentor role, and staff) may use it: others get 403."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.selectors.authoring import course_get_for_editing, lesson_get_for_editing
from kalpla.api.pagination import PageNumberPagination
from kalpla.api.serializers import ErrorSerializer
from kalpla.exceptions import NotFound, ValidationError

from .. import selectors
from ..services import assignments as assignment_services
from ..services import banks as bank_services
from ..services import grading as grading_services
from ..services import quizzes as quiz_services
from ..services import rubrics as rubric_services
from .serializers_authoring import (
    BankIn,
    BankOut,
    ExportOut,
    ExtensionIn,
    ExtensionOut,
    GradedOut,
    GradeIn,
    ImportIn,
    ImportOut,
    QuestionEditOut,
    QuestionIn,
    QuizSettingsSerializer,
    ReleasedOut,
    ReleaseIn,
    SlotIn,
    SlotOrderIn,
    SlotOut,
    SubmissionGradeIn,
    SubmissionRowOut,
)

TAGS = ["quiz authoring"]
REFUSED = {
    403: OpenApiResponse(ErrorSerializer, description="Not an editor of the course"),
    404: OpenApiResponse(ErrorSerializer, description="No such object"),
}
INVALID = {400: OpenApiResponse(ErrorSerializer, description="Invalid input, per field")}


def _course_ref(course: Any) -> dict[str, Any]:
    return {"id": course.pk, "slug": course.slug, "title": course.title}


def _bank_out(bank: Any) -> dict[str, Any]:
    return BankOut(
        {
            "id": bank.pk,
            "title": bank.title,
            "course": _course_ref(bank.course),
            "question_count": getattr(bank, "question_count", 0),
            "created_at": bank.created_at,
        }
    ).data


class CourseBanksApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="course_question_banks_list",
        summary="The course's question banks",
        responses={200: BankOut(many=True), **REFUSED},
    )
    def get(self, request: Request, slug: str) -> Response:
        course = course_get_for_editing(slug=slug, user=request.user)
        banks = selectors.bank_list(course=course, user=request.user)
        return Response([_bank_out(b) for b in banks])

    @extend_schema(
        tags=TAGS,
        operation_id="course_question_banks_create",
        summary="Add a question bank",
        request=BankIn,
        responses={201: BankOut, **INVALID, **REFUSED},
    )
    def post(self, request: Request, slug: str) -> Response:
        course = course_get_for_editing(slug=slug, user=request.user)
        s = BankIn(data=request.data)
        s.is_valid(raise_exception=True)
        bank = bank_services.bank_create(user=request.user, course=course, **s.validated_data)
        bank = selectors.bank_get_for_editing(bank_id=bank.pk, user=request.user)
        return Response(_bank_out(bank), status=status.HTTP_201_CREATED)


class BankQuestionsApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAGS,
        operation_id="question_bank_questions_list",
        summary="The bank's questions (with their right answers)",
        responses={200: QuestionEditOut(many=True), **REFUSED},
    )
    def get(self, request: Request, bank_id: int) -> Response:
        bank = selectors.bank_get_for_editing(bank_id=bank_id, user=request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.bank_questions(bank=bank), request, self)
        return paginator.get_paginated_response(QuestionEditOut(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="question_bank_questions_create",
        summary="Write a question",
        request=QuestionIn,
        responses={201: QuestionEditOut, **INVALID, **REFUSED},
        examples=[
            OpenApiExample(
                "Single choice",
                value={
                    "kind": "single_choice",
                    "text": "What is the capital of France?",
                    "points": "1.00",
                    "data": {
                        "options": [
                            {"text": "Paris", "fraction": "1", "feedback": "Right."},
                            {"text": "Lyon", "fraction": "0"},
                        ]
                    },
                    "tags": ["geography"],
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, bank_id: int) -> Response:
        bank = selectors.bank_get_for_editing(bank_id=bank_id, user=request.user)
        s = QuestionIn(data=request.data)
        s.is_valid(raise_exception=True)
        question = bank_services.question_create(user=request.user, bank=bank, **s.validated_data)
        return Response(QuestionEditOut(question).data, status=status.HTTP_201_CREATED)


class QuestionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="question_retrieve",
        summary="A question",
        responses={200: QuestionEditOut, **REFUSED},
    )
    def get(self, request: Request, question_id: int) -> Response:
        question = selectors.question_get_for_editing(question_id=question_id, user=request.user)
        return Response(QuestionEditOut(question).data)

    @extend_schema(
        tags=TAGS,
        operation_id="question_update",
        summary="Change a question (attempts already started keep their copy)",
        request=QuestionIn,
        responses={200: QuestionEditOut, **INVALID, **REFUSED},
    )
    def put(self, request: Request, question_id: int) -> Response:
        question = selectors.question_get_for_editing(question_id=question_id, user=request.user)
        s = QuestionIn(data=request.data)
        s.is_valid(raise_exception=True)
        question = bank_services.question_update(
            user=request.user, question=question, **s.validated_data
        )
        return Response(QuestionEditOut(question).data)

    @extend_schema(
        tags=TAGS,
        operation_id="question_destroy",
        summary="Delete a question",
        responses={204: None, **REFUSED},
    )
    def delete(self, request: Request, question_id: int) -> Response:
        question = selectors.question_get_for_editing(question_id=question_id, user=request.user)
        bank_services.question_delete(user=request.user, question=question)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BankImportApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="question_bank_import",
        summary="Import questions from GIFT or Aiken text",
        description=(
            "All or nothing: with any bad line nothing is saved, and the 400 answer names "
            'every problem by line (`errors`: {"line 3": [...]}, code `import_failed`).'
        ),
        request=ImportIn,
        responses={201: ImportOut, **INVALID, **REFUSED},
        examples=[
            OpenApiExample(
                "GIFT",
                value={"format": "gift", "text": "What is 2+2? {=4 ~3 ~5}"},
                request_only=True,
            ),
            OpenApiExample(
                "Bad lines",
                value={
                    "message": "Nothing was imported: the file has 1 problems.",
                    "code": "import_failed",
                    "errors": {"line 3": ["Each question needs exactly one {…} answer block."]},
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request: Request, bank_id: int) -> Response:
        bank = selectors.bank_get_for_editing(bank_id=bank_id, user=request.user)
        s = ImportIn(data=request.data)
        s.is_valid(raise_exception=True)
        report = bank_services.bank_import(
            user=request.user,
            bank=bank,
            fmt=s.validated_data["format"],
            text=s.validated_data["text"],
        )
        body = {
            "saved": len(report.saved),
            "question_ids": report.saved,
            "warnings": [{"line": line, "message": m} for line, m in report.warnings],
        }
        return Response(ImportOut(body).data, status=status.HTTP_201_CREATED)


class BankExportApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="question_bank_export",
        summary="The bank as GIFT or Aiken text",
        parameters=[
            OpenApiParameter(
                "fmt", str, OpenApiParameter.PATH, enum=["gift", "aiken"], description="The format."
            )
        ],
        responses={200: ExportOut, **REFUSED},
    )
    def get(self, request: Request, bank_id: int, fmt: str) -> Response:
        bank = selectors.bank_get_for_editing(bank_id=bank_id, user=request.user)
        result = bank_services.bank_export(user=request.user, bank=bank, fmt=fmt)
        return Response(
            ExportOut({"format": fmt, "text": result.text, "skipped": result.skipped}).data
        )


class QuizSettingsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="lesson_quiz_settings_retrieve",
        summary="A quiz's settings (made on first use for a quiz lesson)",
        responses={200: QuizSettingsSerializer, **REFUSED},
    )
    def get(self, request: Request, lesson_id: int) -> Response:
        quiz = _editable_quiz(request, lesson_id)
        return Response(QuizSettingsSerializer(quiz).data)

    @extend_schema(
        tags=TAGS,
        operation_id="lesson_quiz_settings_update",
        summary="Change a quiz's settings",
        request=QuizSettingsSerializer,
        responses={200: QuizSettingsSerializer, **INVALID, **REFUSED},
    )
    def patch(self, request: Request, lesson_id: int) -> Response:
        quiz = _editable_quiz(request, lesson_id)
        s = QuizSettingsSerializer(quiz, data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        quiz = quiz_services.quiz_update(user=request.user, quiz=quiz, **s.validated_data)
        return Response(QuizSettingsSerializer(quiz).data)


def _editable_quiz(request: Request, lesson_id: int) -> Any:
    lesson = lesson_get_for_editing(lesson_id=lesson_id, user=request.user)
    if lesson.kind != "quiz":
        raise NotFound(_("This lesson is not a quiz."))
    quiz = quiz_services.quiz_ensure(user=request.user, lesson=lesson)
    return selectors.quiz_get_for_editing(quiz=quiz, user=request.user)


class QuizSlotsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="lesson_quiz_slots_list",
        summary="The quiz's questions and random draws, in order",
        responses={200: SlotOut(many=True), **REFUSED},
    )
    def get(self, request: Request, lesson_id: int) -> Response:
        quiz = _editable_quiz(request, lesson_id)
        return Response(SlotOut(selectors.quiz_slots(quiz=quiz), many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="lesson_quiz_slots_create",
        summary="Add a question, or N random questions from a bank (and tag)",
        request=SlotIn,
        responses={201: SlotOut, **INVALID, **REFUSED},
    )
    def post(self, request: Request, lesson_id: int) -> Response:
        quiz = _editable_quiz(request, lesson_id)
        s = SlotIn(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        if "question_id" in data:
            question = selectors.question_get_for_editing(
                question_id=data["question_id"], user=request.user
            )
            slot = quiz_services.slot_add_question(user=request.user, quiz=quiz, question=question)
        else:
            bank = selectors.bank_get_for_editing(bank_id=data["bank_id"], user=request.user)
            tag = selectors.bank_tag(bank=bank, name=data["tag"]) if data.get("tag") else None
            slot = quiz_services.slot_add_random(
                user=request.user, quiz=quiz, bank=bank, tag=tag, count=data.get("count", 1)
            )
        return Response(SlotOut(slot).data, status=status.HTTP_201_CREATED)


class QuizSlotOrderApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="lesson_quiz_slots_reorder",
        summary="Put the quiz's slots in a new order",
        request=SlotOrderIn,
        responses={200: SlotOut(many=True), **INVALID, **REFUSED},
    )
    def post(self, request: Request, lesson_id: int) -> Response:
        quiz = _editable_quiz(request, lesson_id)
        s = SlotOrderIn(data=request.data)
        s.is_valid(raise_exception=True)
        quiz_services.slots_reorder(
            user=request.user, quiz=quiz, slot_ids=s.validated_data["slot_ids"]
        )
        return Response(SlotOut(selectors.quiz_slots(quiz=quiz), many=True).data)


class QuizSlotApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="quiz_slot_destroy",
        summary="Remove a slot from its quiz",
        responses={204: None, **REFUSED},
    )
    def delete(self, request: Request, slot_id: int) -> Response:
        slot = selectors.slot_get_for_editing(slot_id=slot_id, user=request.user)
        quiz_services.slot_remove(user=request.user, slot=slot)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttemptQuestionGradeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="attempt_question_grade",
        summary="Grade one answer by hand (essays), or regrade it",
        request=GradeIn,
        responses={
            200: GradedOut,
            **INVALID,
            **REFUSED,
            409: OpenApiResponse(ErrorSerializer, description="`not_graded`: still being graded"),
        },
    )
    def post(self, request: Request, attempt_question_id: int) -> Response:
        aq = selectors.attempt_question_get_for_grading(
            attempt_question_id=attempt_question_id, user=request.user
        )
        s = GradeIn(data=request.data)
        s.is_valid(raise_exception=True)
        aq = grading_services.attempt_question_grade(
            grader=request.user,
            attempt_question_id=aq.pk,
            score=s.validated_data["score"],
            comment=s.validated_data.get("comment"),
            reason=s.validated_data.get("reason", ""),
        )
        return Response(GradedOut(aq).data)


# --- assignments ------------------------------------------------------------------------------


def _editable_assignment(request: Request, lesson_id: int) -> Any:
    lesson = lesson_get_for_editing(lesson_id=lesson_id, user=request.user)
    if lesson.kind != "assignment":
        raise NotFound(_("This lesson is not an assignment."))
    return assignment_services.assignment_ensure(user=request.user, lesson=lesson)


class AssignmentSubmissionsApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=["assignments"],
        operation_id="lesson_assignment_submissions_list",
        summary="Each student's latest work (mentors), oldest hand-in first",
        parameters=[
            OpenApiParameter("state", str, enum=["submitted", "graded"], required=False),
            OpenApiParameter("late", bool, required=False, description="Only late, or on time."),
        ],
        responses={200: SubmissionRowOut(many=True), **REFUSED},
    )
    def get(self, request: Request, lesson_id: int) -> Response:
        assignment = _editable_assignment(request, lesson_id)
        state = request.query_params.get("state", "")
        late_param = request.query_params.get("late", "")
        if state not in ("", "submitted", "graded") or late_param not in ("", "true", "false"):
            raise ValidationError(_("Check the filters."), errors={"state": [_("Unknown value.")]})
        late = {"true": True, "false": False}.get(late_param)
        rows = selectors.assignment_submissions(assignment=assignment, state=state, late=late)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, self)
        return paginator.get_paginated_response(SubmissionRowOut(page, many=True).data)


class SubmissionGradeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["assignments"],
        operation_id="submission_grade",
        summary="Mark a submission (a score, or the rubric's levels); the late penalty applies",
        request=SubmissionGradeIn,
        responses={200: SubmissionRowOut, **INVALID, **REFUSED},
    )
    def post(self, request: Request, submission_id: int) -> Response:
        submission = selectors.submission_get_for_grading(
            submission_id=submission_id, user=request.user
        )
        s = SubmissionGradeIn(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        if data.get("levels"):
            submission = rubric_services.submission_grade_with_rubric(
                grader=request.user,
                submission=submission,
                level_ids={c["criterion_id"]: c["level_id"] for c in data["levels"]},
                feedback=data.get("feedback"),
                reason=data.get("reason", ""),
            )
        else:
            submission = assignment_services.submission_grade(
                grader=request.user,
                submission=submission,
                score=data["score"],
                feedback=data.get("feedback"),
                reason=data.get("reason", ""),
            )
        return Response(SubmissionRowOut(submission).data)


class AssignmentReleaseApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["assignments"],
        operation_id="lesson_assignment_release",
        summary="Show graded marks to their students (each is told once)",
        request=ReleaseIn,
        responses={200: ReleasedOut, **INVALID, **REFUSED},
    )
    def post(self, request: Request, lesson_id: int) -> Response:
        assignment = _editable_assignment(request, lesson_id)
        s = ReleaseIn(data=request.data)
        s.is_valid(raise_exception=True)
        count = assignment_services.grades_release(
            user=request.user,
            assignment=assignment,
            submission_ids=s.validated_data.get("submission_ids"),
        )
        return Response(ReleasedOut({"released": count}).data)


class AssignmentExtensionsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["assignments"],
        operation_id="lesson_assignment_extension_grant",
        summary="Give one student more time (replaces their earlier extension)",
        request=ExtensionIn,
        responses={200: ExtensionOut, **INVALID, **REFUSED},
    )
    def post(self, request: Request, lesson_id: int) -> Response:
        assignment = _editable_assignment(request, lesson_id)
        s = ExtensionIn(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        student = selectors.course_student(course=assignment.course, user_id=data["student_id"])
        extension = assignment_services.extension_grant(
            user=request.user,
            assignment=assignment,
            student=student,
            due_at=data["due_at"],
            cutoff_at=data.get("cutoff_at"),
            reason=data.get("reason", ""),
        )
        return Response(ExtensionOut(extension).data)
