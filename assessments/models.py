"""Question banks, quizzes and attempts.

A question lives in a course's bank. A quiz (one per lesson of kind ``quiz``) is a list of slots:
a fixed question, or "N random questions from bank X with tag Y". When an attempt starts, its
questions are drawn and copied into ``AttemptQuestion`` rows (kind, text, points and data as
they were), so editing a question later never changes an attempt already taken, and grading
reads only the attempt's own rows.
"""

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .engine.kinds import QuestionKind


class QuestionBank(models.Model):
    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="question_banks"
    )
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        ordering = ("course", "title", "id")

    def __str__(self) -> str:
        return self.title


class QuestionTag(models.Model):
    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("question tag")
        verbose_name_plural = _("question tags")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(fields=["bank", "name"], name="question_tag_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    text = models.TextField(_("question (Markdown)"), max_length=10000)
    points = models.DecimalField(
        _("points"),
        max_digits=7,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    # The kind's stored form (assessments.engine.data): options, answers, pairs, ...
    data = models.JSONField(_("data"), default=dict)
    feedback = models.TextField(_("general feedback"), blank=True, max_length=5000)
    category = models.CharField(_("category"), max_length=200, blank=True)
    tags = models.ManyToManyField(QuestionTag, blank=True, related_name="questions")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ("bank", "category", "id")

    def __str__(self) -> str:
        return self.name or self.text[:60]


class Quiz(models.Model):
    class Behaviour(models.TextChoices):
        DEFERRED = "deferred", _("Deferred feedback: graded when submitted")
        IMMEDIATE = "immediate", _("Immediate feedback: check each answer, retries cost marks")

    class GradingMethod(models.TextChoices):
        HIGHEST = "highest", _("Highest attempt")
        LAST = "last", _("Last attempt")
        AVERAGE = "average", _("Average of attempts")
        FIRST = "first", _("First attempt")

    class Review(models.TextChoices):
        IMMEDIATELY = "immediately", _("After submitting")
        AFTER_CLOSE = "after_close", _("After the quiz closes")
        NEVER = "never", _("Never")

    lesson = models.OneToOneField("courses.Lesson", on_delete=models.CASCADE, related_name="quiz")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="quizzes")
    instructions = models.TextField(_("instructions (Markdown)"), blank=True, max_length=10000)
    behaviour = models.CharField(
        _("behaviour"), max_length=12, choices=Behaviour.choices, default=Behaviour.DEFERRED
    )
    retry_penalty = models.DecimalField(
        _("penalty per wrong try"),
        max_digits=10,
        decimal_places=7,
        default=Decimal("0.3333333"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    max_tries = models.PositiveSmallIntegerField(
        _("tries per question (immediate feedback)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed (0: unlimited)"), default=1
    )
    grading_method = models.CharField(
        _("grade from"), max_length=8, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    time_limit = models.PositiveIntegerField(_("time limit (seconds, 0: none)"), default=0)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    questions_per_page = models.PositiveSmallIntegerField(
        _("questions per page (0: all on one page)"), default=1
    )
    pass_percent = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(50),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    review_score = models.CharField(
        _("students see their score"), max_length=12, choices=Review.choices, default="immediately"
    )
    review_correctness = models.CharField(
        _("students see right/wrong"), max_length=12, choices=Review.choices, default="immediately"
    )
    review_right_answers = models.CharField(
        _("students see the right answers"),
        max_length=12,
        choices=Review.choices,
        default=Review.AFTER_CLOSE,
    )
    review_feedback = models.CharField(
        _("students see feedback"), max_length=12, choices=Review.choices, default="immediately"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="quiz_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return str(self.lesson_id)


class QuizSlot(models.Model):
    """One place in a quiz: a fixed question, or ``count`` drawn from a bank (and tag)."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveIntegerField(_("position"), default=0)
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="slots"
    )
    bank = models.ForeignKey(
        QuestionBank, null=True, blank=True, on_delete=models.CASCADE, related_name="slots"
    )
    tag = models.ForeignKey(
        QuestionTag, null=True, blank=True, on_delete=models.SET_NULL, related_name="slots"
    )
    count = models.PositiveSmallIntegerField(
        _("questions drawn"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("quiz slot")
        verbose_name_plural = _("quiz slots")
        ordering = ("quiz", "position", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(question__isnull=False, bank__isnull=True)
                | Q(question__isnull=True, bank__isnull=False),
                name="quiz_slot_question_or_bank",
            )
        ]

    def __str__(self) -> str:
        return f"{self.quiz_id}#{self.position}"

    @property
    def label(self) -> str:
        """What the editor calls the slot: its question's name (or text), or its bank."""
        if self.question is not None:
            return self.question.name or self.question.text
        return self.bank.title if self.bank is not None else ""


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted, being graded")
        NEEDS_GRADING = "needs_grading", _("Waiting for a mentor's grade")
        GRADED = "graded", _("Graded")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt"), default=1)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.IN_PROGRESS
    )
    seed = models.CharField(max_length=32)
    started_at = models.DateTimeField(_("started"))
    # Fixed when the attempt starts (time limit, capped by the quiz's closing): the server
    # refuses answers after it and a Celery job submits the attempt at it.
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    auto_submitted = models.BooleanField(_("submitted at the deadline"), default=False)
    graded_at = models.DateTimeField(_("graded"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("out of"), max_digits=7, decimal_places=2, default=Decimal(0))
    current_page = models.PositiveSmallIntegerField(default=0)
    # Taken by the course's instructors or staff to try the quiz out: counts for no grade.
    is_preview = models.BooleanField(_("preview"), default=False)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ("quiz", "student", "number")
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "student", "number"], name="attempt_unique_number"
            ),
            models.UniqueConstraint(
                fields=["quiz", "student"],
                condition=Q(state="in_progress"),
                name="attempt_one_open_per_student",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["quiz", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.quiz_id}/{self.student_id}#{self.number}"


class AttemptQuestion(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    page = models.PositiveSmallIntegerField(default=0)
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A copy of the question as it was when the attempt started.
    kind = models.CharField(max_length=16, choices=QuestionKind.choices)
    text = models.TextField()
    points = models.DecimalField(max_digits=7, decimal_places=2)
    data = models.JSONField(default=dict)
    feedback = models.TextField(blank=True)
    response = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    tries = models.PositiveSmallIntegerField(default=0)
    wrong_tries = models.PositiveSmallIntegerField(default=0)
    # Immediate feedback: the question is done (right, or out of tries) and keeps its answer.
    locked = models.BooleanField(default=False)
    state = models.CharField(max_length=16, blank=True)
    fraction = models.DecimalField(max_digits=10, decimal_places=7, null=True, blank=True)
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    outcome_feedback = models.JSONField(default=list, blank=True)
    comment = models.TextField(_("grader's comment"), blank=True, max_length=10000)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("attempt question")
        verbose_name_plural = _("attempt questions")
        ordering = ("attempt", "position")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="attempt_question_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}"


class GradeChange(models.Model):
    """The audit trail of marks: one row when the grading worker grades a quiz attempt, one for
    each mark a mentor gives or changes on an attempt's answer or an assignment submission, and
    one for each gradebook override set or cleared (who, when, old and new score, why)."""

    attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.CASCADE, related_name="grade_changes"
    )
    submission = models.ForeignKey(
        "Submission",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grade_changes",
    )
    attempt_question = models.ForeignKey(
        AttemptQuestion,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grade_changes",
    )
    entry = models.ForeignKey(
        "GradeEntry",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grade_changes",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    old_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    new_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    reason = models.CharField(_("why"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("grade change")
        verbose_name_plural = _("grade changes")
        ordering = ("attempt", "created_at", "id")
        constraints = [
            # The grading worker grades an attempt once: a second row would be a double grading.
            models.UniqueConstraint(
                fields=["attempt"],
                condition=Q(attempt_question__isnull=True, changed_by__isnull=True),
                name="grade_change_one_automatic_grading",
            ),
            models.CheckConstraint(
                condition=Q(attempt__isnull=False)
                | Q(submission__isnull=False)
                | Q(entry__isnull=False),
                name="grade_change_of_something",
            ),
        ]

    def __str__(self) -> str:
        target = self.attempt_id or self.submission_id or self.entry_id
        return f"{target}: {self.old_score} -> {self.new_score}"


class Rubric(models.Model):
    """Criteria x levels, each level with its points and what it looks like; reusable across
    a course's assignments."""

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="rubrics")
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering = ("course", "title", "id")

    def __str__(self) -> str:
        return self.title


class RubricCriterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("criterion"), max_length=200)

    class Meta:
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")
        ordering = ("rubric", "position", "id")

    def __str__(self) -> str:
        return self.title


class RubricLevel(models.Model):
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="levels")
    points = models.DecimalField(
        _("points"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    title = models.CharField(_("level"), max_length=200)

    class Meta:
        verbose_name = _("rubric level")
        verbose_name_plural = _("rubric levels")
        ordering = ("criterion", "points", "id")

    def __str__(self) -> str:
        return f"{self.title} ({self.points})"


def submission_upload_to(instance: "Submission", filename: str) -> str:
    """Private: served only through signed /files/ links that check who asks."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return (
        f"private/assignments/{instance.assignment_id}/{instance.student_id}/"
        f"{uuid.uuid4().hex}.{extension[:8]}"
    )


class Assignment(models.Model):
    """Work students hand in for a lesson of kind ``assignment``: text, a file, or both; due
    and cut-off dates in the course's time zone; a penalty per day late up to a cap."""

    lesson = models.OneToOneField(
        "courses.Lesson", on_delete=models.CASCADE, related_name="assignment"
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="assignments"
    )
    instructions = models.TextField(_("instructions (Markdown)"), blank=True, max_length=20000)
    accepts_text = models.BooleanField(_("students write an answer"), default=True)
    accepts_file = models.BooleanField(_("students upload a file"), default=False)
    file_kinds = models.JSONField(
        _("file types"), default=list, blank=True, help_text=_("document, image, audio")
    )
    max_file_mb = models.PositiveSmallIntegerField(
        _("largest file (MB)"), default=10, validators=[MinValueValidator(1)]
    )
    points = models.DecimalField(
        _("points"),
        max_digits=7,
        decimal_places=2,
        default=Decimal(100),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    cutoff_at = models.DateTimeField(
        _("cut-off"), null=True, blank=True, help_text=_("No work is accepted after it.")
    )
    penalty_per_day = models.DecimalField(
        _("late penalty per day (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    penalty_cap = models.DecimalField(
        _("largest late penalty (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(100),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    allow_resubmission = models.BooleanField(_("resubmission until the due date"), default=True)
    speaking = models.BooleanField(
        _("speaking assignment"),
        default=False,
        help_text=_(
            "Students record their answer in the browser (or upload audio); a transcript is made."
        ),
    )
    rubric = models.ForeignKey(
        Rubric,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
        verbose_name=_("rubric"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__isnull=True)
                | Q(cutoff_at__isnull=True)
                | Q(cutoff_at__gte=models.F("due_at")),
                name="assignment_cutoff_after_due",
            ),
            models.CheckConstraint(
                condition=Q(accepts_text=True) | Q(accepts_file=True),
                name="assignment_accepts_something",
            ),
        ]

    def __str__(self) -> str:
        return str(self.lesson_id)


class Extension(models.Model):
    """More time for one student: their own due date (and cut-off)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignment_extensions"
    )
    due_at = models.DateTimeField(_("due"))
    cutoff_at = models.DateTimeField(_("cut-off"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"], name="extension_one_per_student"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}/{self.student_id}"


class TranscriptState(models.TextChoices):
    NONE = "none", _("No recording")
    PENDING = "pending", _("Being transcribed")
    READY = "ready", _("Ready")
    NO_SPEECH = "no_speech", _("No speech found")
    UNAVAILABLE = "unavailable", _("Transcription is not available for this language")
    FAILED = "failed", _("Transcription failed")


class Submission(models.Model):
    """One version of a student's work; a resubmission adds a version and keeps the others.
    ``is_latest`` marks the version that counts. Its mark stays hidden from the student until
    the grade is released."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        GRADED = "graded", _("Graded")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignment_submissions"
    )
    version = models.PositiveSmallIntegerField(default=1)
    is_latest = models.BooleanField(default=True)
    text = models.TextField(_("answer"), blank=True, max_length=100000)
    file = models.FileField(_("file"), upload_to=submission_upload_to, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    # Spoken work: made by the transcription job (assessments/jobs.py) for the grader.
    transcript = models.TextField(_("transcript"), blank=True)
    transcript_state = models.CharField(
        _("transcript"), max_length=12, choices=TranscriptState.choices, default="none"
    )
    submitted_at = models.DateTimeField(_("submitted"))
    days_late = models.PositiveSmallIntegerField(_("days late"), default=0)
    state = models.CharField(max_length=12, choices=State.choices, default=State.SUBMITTED)
    score = models.DecimalField(_("mark"), max_digits=7, decimal_places=2, null=True, blank=True)
    penalty_percent = models.DecimalField(
        _("late penalty (%)"), max_digits=5, decimal_places=2, default=Decimal(0)
    )
    final_score = models.DecimalField(
        _("mark after penalty"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    feedback = models.TextField(_("feedback"), blank=True, max_length=20000)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(_("grade released"), null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ("assignment", "student", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student", "version"], name="submission_unique_version"
            ),
            models.UniqueConstraint(
                fields=["assignment", "student"],
                condition=Q(is_latest=True),
                name="submission_one_latest",
            ),
        ]
        indexes = [models.Index(fields=["assignment", "is_latest", "state"])]

    def __str__(self) -> str:
        return f"{self.assignment_id}/{self.student_id} v{self.version}"


class RubricScore(models.Model):
    """The level a grader chose for one criterion of one submission."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="rubric_scores"
    )
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="+")
    level = models.ForeignKey(RubricLevel, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("rubric score")
        verbose_name_plural = _("rubric scores")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "criterion"], name="rubric_score_one_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}/{self.criterion_id}"


def certificate_upload_to(instance: "Certificate", filename: str) -> str:
    return f"private/certificates/{instance.code}.pdf"


class Certificate(models.Model):
    """Proof a student completed a course with a passing grade: a PDF with a verification code
    and a QR code to its public page. Revoked, it stays on record and its page says so."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="certificates"
    )
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    name = models.CharField(_("name on the certificate"), max_length=200)
    course_title = models.CharField(max_length=200)
    instructors = models.CharField(max_length=500, blank=True)
    issued_at = models.DateTimeField(_("issued"))
    pdf = models.FileField(upload_to=certificate_upload_to, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.VALID)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_reason = models.CharField(_("why revoked"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ("-issued_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["student", "course"],
                condition=Q(status="valid"),
                name="certificate_one_valid_per_course",
            )
        ]

    def __str__(self) -> str:
        return self.code


# --- the gradebook ---------------------------------------------------------------------------

DEFAULT_SCALE: list[dict[str, Any]] = [
    {"letter": "A", "min": 90},
    {"letter": "B", "min": 80},
    {"letter": "C", "min": 70},
    {"letter": "D", "min": 60},
    {"letter": "F", "min": 0},
]


def default_scale() -> list[dict[str, Any]]:
    return [dict(step) for step in DEFAULT_SCALE]


class GradebookSettings(models.Model):
    """A course's pass mark and letter scale (made with the defaults on first use)."""

    course = models.OneToOneField(
        "courses.Course", on_delete=models.CASCADE, related_name="gradebook_settings"
    )
    pass_percent = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(60),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    # [{"letter": "A", "min": 90}, ...], highest first, the last one from 0
    scale = models.JSONField(_("letter scale"), default=default_scale)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gradebook settings")
        verbose_name_plural = _("gradebook settings")

    def __str__(self) -> str:
        return str(self.course_id)


class GradeCategory(models.Model):
    """A group of items with its weight in the course total; the lowest ``drop_lowest`` items
    of a learner in it do not count (at least one always does)."""

    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="grade_categories"
    )
    name = models.CharField(_("name"), max_length=100)
    weight = models.DecimalField(
        _("weight (%)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1000))],
    )
    drop_lowest = models.PositiveSmallIntegerField(
        _("drop the lowest"), default=0, validators=[MaxValueValidator(50)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("grade category")
        verbose_name_plural = _("grade categories")
        ordering = ("course", "position", "id")
        constraints = [
            models.UniqueConstraint(fields=["course", "name"], name="grade_category_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class GradeItem(models.Model):
    """One column of the gradebook: a quiz or an assignment of the course (kept in step by
    their services)."""

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    quiz = models.OneToOneField(
        Quiz, null=True, blank=True, on_delete=models.CASCADE, related_name="grade_item"
    )
    assignment = models.OneToOneField(
        Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="grade_item"
    )
    max_points = models.DecimalField(
        _("out of"), max_digits=7, decimal_places=2, default=Decimal(0)
    )
    category = models.ForeignKey(
        GradeCategory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
        verbose_name=_("category"),
    )
    extra_credit = models.BooleanField(
        _("extra credit"),
        default=False,
        help_text=_("Its points add to the category; its maximum does not."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    # Missing work counts as 0 after this (the quiz's closing, the assignment's due date).
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # The course's grades were refreshed after ``due_at`` passed (the due sweep's mark).
    due_counted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("grade item")
        verbose_name_plural = _("grade items")
        ordering = ("course", "position", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(quiz__isnull=False, assignment__isnull=True)
                | Q(quiz__isnull=True, assignment__isnull=False),
                name="grade_item_quiz_or_assignment",
            )
        ]
        indexes = [models.Index(fields=["due_counted", "due_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def lesson(self) -> Any:
        source = self.quiz if self.quiz_id else self.assignment
        return source.lesson if source is not None else None

    @property
    def title(self) -> str:
        lesson = self.lesson
        return lesson.title if lesson is not None else str(self.pk)


class GradeEntry(models.Model):
    """A learner's mark for one item: ``points`` from their attempts (by the quiz's grading
    method) or their latest submission; ``released`` when they may see it; a mentor's
    ``override_points`` (with a reason, kept in ``GradeChange``) replaces it."""

    item = models.ForeignKey(GradeItem, on_delete=models.CASCADE, related_name="entries")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grade_entries"
    )
    points = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    # Work was handed in (an attempt submitted, a submission made): not missing.
    submitted = models.BooleanField(default=False)
    released = models.BooleanField(default=False)
    override_points = models.DecimalField(
        _("override"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    override_reason = models.CharField(_("why"), max_length=500, blank=True)
    # The learner's own due date (an extension), instead of the item's.
    due_at = models.DateTimeField(null=True, blank=True)
    due_counted = models.BooleanField(default=False)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("grade entry")
        verbose_name_plural = _("grade entries")
        constraints = [
            models.UniqueConstraint(fields=["item", "student"], name="grade_entry_unique")
        ]
        indexes = [models.Index(fields=["student", "item"])]

    def __str__(self) -> str:
        return f"{self.item_id}/{self.student_id}"


class CourseGrade(models.Model):
    """A learner's course total, kept by one SQL statement (``services.gradebook_sql``) after
    each of their grade changes and for the whole course after a settings change. Two views:
    the mentors' (every mark, held ones too) and the learner's (released marks only)."""

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_grades"
    )
    percent = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    letter = models.CharField(max_length=8, blank=True)
    passed = models.BooleanField(default=False)
    released_percent = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    released_letter = models.CharField(max_length=8, blank=True)
    released_passed = models.BooleanField(default=False)
    # Items counted as 0 because their due date passed with nothing handed in.
    missing = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("course grade")
        verbose_name_plural = _("course grades")
        constraints = [
            models.UniqueConstraint(fields=["course", "student"], name="course_grade_unique")
        ]
        indexes = [
            models.Index(fields=["course", "percent"]),
            models.Index(fields=["course", "released_percent"]),
        ]

    def __str__(self) -> str:
        return f"{self.course_id}/{self.student_id}: {self.percent}"


# Badges live in their own module (assessments/badges/models.py); imported here so Django
# registers them with the app's models.
from .badges.models import BadgeAward, BadgeClass  # noqa: E402, F401
