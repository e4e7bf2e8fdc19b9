"""Shapes of the mentors' quiz API: banks, questions, import/export, quiz settings, slots and
hand grading. Editors see a question's whole data (right answers included)."""

from decimal import Decimal

from rest_framework import serializers

from kalpla.api.serializers import InputSerializer, StrictCharField

from ..engine.kinds import QuestionKind
from ..models import Quiz, Submission

KIND_HELP = (
    "The kind's data (see the README's question formats): options with fractions for choice "
    "questions, accepted answers, numeric answers with tolerances and units, pairs, items in "
    "the right order, or essay limits."
)


class CourseRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class BankOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    course = CourseRefOut()
    question_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class BankIn(InputSerializer):
    title = StrictCharField(max_length=200)


class QuestionEditOut(serializers.Serializer):
    id = serializers.IntegerField()
    bank_id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    name = serializers.CharField(allow_blank=True)
    text = serializers.CharField()
    points = serializers.DecimalField(max_digits=7, decimal_places=2)
    data = serializers.JSONField(help_text=KIND_HELP)  # type: ignore[assignment]
    feedback = serializers.CharField(allow_blank=True)
    category = serializers.CharField(allow_blank=True)
    tags = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField()

    def get_tags(self, question: object) -> list[str]:
        return [t.name for t in question.tags.all()]  # type: ignore[attr-defined]


class QuestionIn(InputSerializer):
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = StrictCharField(max_length=10000)
    points = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal(1000),
        required=False,
    )
    data = serializers.DictField(help_text=KIND_HELP)  # type: ignore[assignment]
    name = StrictCharField(max_length=200, required=False, allow_blank=True)
    feedback = StrictCharField(max_length=5000, required=False, allow_blank=True)
    category = StrictCharField(max_length=200, required=False, allow_blank=True)
    tags = serializers.ListField(
        child=StrictCharField(max_length=50), max_length=20, required=False
    )


class ImportIn(InputSerializer):
    format = serializers.ChoiceField(choices=["gift", "aiken"])
    text = StrictCharField(max_length=1_000_000, help_text="The file's text (UTF-8).")


class LineMessageOut(serializers.Serializer):
    line = serializers.IntegerField()
    message = serializers.CharField()


class ImportOut(serializers.Serializer):
    saved = serializers.IntegerField()
    question_ids = serializers.ListField(child=serializers.IntegerField())
    warnings = LineMessageOut(many=True, help_text="Skipped parts (descriptions).")


class ExportOut(serializers.Serializer):
    format = serializers.ChoiceField(choices=["gift", "aiken"])
    text = serializers.CharField(allow_blank=True)
    skipped = serializers.ListField(
        child=serializers.CharField(), help_text="Questions the format cannot hold."
    )


class QuizSettingsSerializer(serializers.ModelSerializer):
    """A quiz's settings: read in full, and written whole or in part (PATCH)."""

    class Meta:
        model = Quiz
        fields = (
            "id",
            "instructions",
            "behaviour",
            "retry_penalty",
            "max_tries",
            "attempts_allowed",
            "grading_method",
            "time_limit",
            "opens_at",
            "closes_at",
            "shuffle_questions",
            "questions_per_page",
            "pass_percent",
            "review_score",
            "review_correctness",
            "review_right_answers",
            "review_feedback",
        )
        read_only_fields = ("id",)


class SlotQuestionOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(allow_blank=True)
    kind = serializers.CharField()
    points = serializers.DecimalField(max_digits=7, decimal_places=2)


class SlotBankOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class SlotOut(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    question = SlotQuestionOut(allow_null=True)
    bank = SlotBankOut(allow_null=True)
    tag = serializers.CharField(allow_null=True, source="tag.name", default=None)
    count = serializers.IntegerField()


class SlotIn(InputSerializer):
    question_id = serializers.IntegerField(
        required=False, min_value=1, help_text="A fixed question; or bank_id with count."
    )
    bank_id = serializers.IntegerField(required=False, min_value=1)
    tag = StrictCharField(max_length=50, required=False, help_text="Draw only with this tag.")
    count = serializers.IntegerField(required=False, min_value=1, max_value=100)

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        if ("question_id" in attrs) == ("bank_id" in attrs):
            raise serializers.ValidationError(
                {"question_id": ["Give a question_id, or a bank_id with a count."]}
            )
        return attrs


class SlotOrderIn(InputSerializer):
    slot_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=200)


class GradeIn(InputSerializer):
    score = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=Decimal(0))
    comment = StrictCharField(
        max_length=10000, required=False, allow_blank=True, help_text="Shown to the student."
    )
    reason = StrictCharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="Why a mark changes (kept in the audit trail, not shown to the student).",
    )


class GradedOut(serializers.Serializer):
    id = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=7, decimal_places=2)
    state = serializers.CharField()
    comment = serializers.CharField(allow_blank=True)
    attempt_state = serializers.CharField(source="attempt.state")
    attempt_score = serializers.DecimalField(
        max_digits=7, decimal_places=2, source="attempt.score", allow_null=True
    )


# --- assignments ------------------------------------------------------------------------------


class StudentRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(allow_blank=True)
    email = serializers.EmailField()


class SubmissionRowOut(serializers.Serializer):
    id = serializers.IntegerField()
    student = StudentRefOut()
    version = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    days_late = serializers.IntegerField()
    state = serializers.ChoiceField(choices=Submission.State.choices)
    score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    final_score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    released_at = serializers.DateTimeField(allow_null=True)


# --- the grading queue -------------------------------------------------------------------------


class LessonRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class GradingAnswerOut(serializers.Serializer):
    """A quiz answer in the grading queue (grade it with attempt-questions/{id}/grade/)."""

    id = serializers.IntegerField()
    student = StudentRefOut(source="attempt.student")
    course = CourseRefOut(source="attempt.quiz.course")
    lesson = LessonRefOut(source="attempt.quiz.lesson")
    attempt_id = serializers.IntegerField()
    attempt_number = serializers.IntegerField(source="attempt.number")
    submitted_at = serializers.DateTimeField(source="attempt.submitted_at", allow_null=True)
    position = serializers.IntegerField()
    kind = serializers.CharField()
    points = serializers.DecimalField(max_digits=7, decimal_places=2)
    score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    state = serializers.CharField(allow_blank=True)


class GradingSubmissionOut(SubmissionRowOut):
    """A student's latest assignment work in the grading queue (grade it with
    submissions/{id}/grade/)."""

    course = CourseRefOut(source="assignment.course")
    lesson = LessonRefOut(source="assignment.lesson")


class RubricChoiceIn(InputSerializer):
    criterion_id = serializers.IntegerField(min_value=1)
    level_id = serializers.IntegerField(min_value=1)


class SubmissionGradeIn(InputSerializer):
    score = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=Decimal(0), required=False,
        help_text="The mark before the late penalty; or give `levels` of the rubric.",
    )  # fmt: skip
    levels = serializers.ListField(
        child=RubricChoiceIn(), required=False, max_length=20, help_text="One level per criterion."
    )
    feedback = StrictCharField(max_length=20000, required=False, allow_blank=True)
    reason = StrictCharField(max_length=500, required=False, allow_blank=True)

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        if ("score" in attrs) == bool(attrs.get("levels")):
            raise serializers.ValidationError({"score": ["Give a score, or the rubric's levels."]})
        return attrs


class ReleaseIn(InputSerializer):
    submission_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=1000,
        help_text="Only these; leave out to release every graded mark.",
    )


class ReleasedOut(serializers.Serializer):
    released = serializers.IntegerField()


class ExtensionIn(InputSerializer):
    student_id = serializers.IntegerField(min_value=1)
    due_at = serializers.DateTimeField()
    cutoff_at = serializers.DateTimeField(required=False, allow_null=True)
    reason = StrictCharField(max_length=500, required=False, allow_blank=True)


class ExtensionOut(serializers.Serializer):
    id = serializers.IntegerField()
    student_id = serializers.IntegerField()
    due_at = serializers.DateTimeField()
    cutoff_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
