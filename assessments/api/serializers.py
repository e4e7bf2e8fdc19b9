"""Shapes of the quiz API. Outputs render ``assessments.selectors.attempt_view``, the one place
that decides what a viewer may see; nothing here reads a question's stored data."""

from rest_framework import serializers

from kalpla.api.serializers import InputSerializer, StrictCharField

from ..models import Quiz, Submission, TranscriptState


class QuizOptionOut(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()


class QuizItemOut(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()


class QuizCheckedOut(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["correct", "partial", "incorrect"], help_text="How the last try went."
    )
    tries = serializers.IntegerField()
    finished = serializers.BooleanField(help_text="Right, or out of tries: the answer is kept.")
    feedback = serializers.ListField(child=serializers.CharField())
    score = serializers.CharField(allow_null=True, help_text="Points earned, once finished.")


class AttemptReviewOut(serializers.Serializer):
    """Only the parts the quiz's review options show now are present."""

    score = serializers.CharField(required=False)
    state = serializers.ChoiceField(
        choices=["correct", "partial", "incorrect", "needs_grading", "unanswered"], required=False
    )
    feedback = serializers.ListField(child=serializers.CharField(), required=False)
    comment = serializers.CharField(required=False, help_text="The grader's comment.")
    right_answer = serializers.JSONField(required=False, help_text="null for essays.")


class AttemptQuestionOut(serializers.Serializer):
    position = serializers.IntegerField(help_text="Address the question by this number.")
    page = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField(help_text="Markdown.")
    points = serializers.CharField()
    response = serializers.JSONField(allow_null=True, help_text="The saved answer.")
    options = QuizOptionOut(many=True, required=False, help_text="Choice questions.")
    prompts = QuizItemOut(many=True, required=False, help_text="Matching: the left column.")
    choices = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Matching: the answers to pick."
    )
    items = QuizItemOut(many=True, required=False, help_text="Ordering, shown shuffled.")
    units = serializers.ListField(child=serializers.CharField(), required=False)
    min_words = serializers.IntegerField(required=False)
    max_words = serializers.IntegerField(required=False)
    response_template = serializers.CharField(required=False, allow_blank=True)
    checked = QuizCheckedOut(required=False, allow_null=True, help_text="Immediate feedback.")
    review = AttemptReviewOut(required=False)


class AttemptReviewShowsOut(serializers.Serializer):
    score = serializers.BooleanField()
    correctness = serializers.BooleanField()
    right_answers = serializers.BooleanField()
    feedback = serializers.BooleanField()


class AttemptOut(serializers.Serializer):
    id = serializers.IntegerField()
    quiz_id = serializers.IntegerField()
    lesson_id = serializers.IntegerField()
    number = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["in_progress", "submitted", "needs_grading", "graded"])
    is_preview = serializers.BooleanField()
    behaviour = serializers.ChoiceField(choices=Quiz.Behaviour.choices)
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    auto_submitted = serializers.BooleanField()
    seconds_left = serializers.IntegerField(
        allow_null=True, help_text="Until the deadline, as the server counts; null: no limit."
    )
    pages = serializers.IntegerField()
    current_page = serializers.IntegerField()
    max_score = serializers.CharField()
    score = serializers.CharField(allow_null=True)
    review = AttemptReviewShowsOut(
        allow_null=True, help_text="What the review shows (after submit)."
    )
    questions = AttemptQuestionOut(many=True)


class AttemptSummaryOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    state = serializers.CharField()
    started_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    score = serializers.CharField(allow_null=True)


class QuizOut(serializers.Serializer):
    id = serializers.IntegerField()
    lesson_id = serializers.IntegerField()
    title = serializers.CharField()
    instructions_html = serializers.CharField()
    behaviour = serializers.ChoiceField(choices=Quiz.Behaviour.choices)
    time_limit = serializers.IntegerField(help_text="Seconds; 0: none.")
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    time_zone = serializers.CharField(help_text="The course's time zone (dates are shown in it).")
    attempts_allowed = serializers.IntegerField(help_text="0: unlimited.")
    attempts_left = serializers.IntegerField(allow_null=True, help_text="null: unlimited.")
    grading_method = serializers.CharField()
    questions = serializers.IntegerField()
    max_score = serializers.CharField()
    pass_percent = serializers.CharField()
    grade = serializers.CharField(allow_null=True, help_text="Your grade (points), when graded.")
    open_attempt_id = serializers.IntegerField(allow_null=True)
    can_start = serializers.BooleanField()
    refusal = serializers.CharField(allow_null=True, help_text="Why you cannot start now.")
    attempts = AttemptSummaryOut(many=True)


class AnswerIn(InputSerializer):
    position = serializers.IntegerField(min_value=0, max_value=9999)
    response = serializers.JSONField(
        allow_null=True,
        help_text=(
            "An option id, a list of option ids, true/false, text, {prompt id: choice} or a "
            "list of item ids in order; null clears the answer."
        ),
    )


class AnswersIn(InputSerializer):
    answers = serializers.ListField(
        child=AnswerIn(),
        max_length=500,
        help_text="Answers by question position; a position sent twice keeps the last.",
    )
    page = serializers.IntegerField(
        required=False, min_value=0, max_value=1000, help_text="The page the student is on."
    )


class CheckIn(InputSerializer):
    response = serializers.JSONField(help_text="The answer to check (as in answers).")


class AnswersSavedOut(serializers.Serializer):
    saved = serializers.IntegerField(help_text="How many answers were saved.")
    seconds_left = serializers.IntegerField(allow_null=True)


# --- assignments ------------------------------------------------------------------------------


class SubmissionOut(serializers.Serializer):
    """One version of the work; the mark and feedback only once released (editors see all)."""

    id = serializers.IntegerField(help_text="The receipt number.")
    version = serializers.IntegerField()
    is_latest = serializers.BooleanField(help_text="The version that counts.")
    text = serializers.CharField(allow_blank=True)
    file_name = serializers.CharField(allow_blank=True)
    file_url = serializers.CharField(allow_blank=True, help_text="A signed link; ask again later.")
    submitted_at = serializers.DateTimeField()
    days_late = serializers.IntegerField()
    state = serializers.ChoiceField(choices=Submission.State.choices)
    score = serializers.CharField(allow_null=True)
    penalty_percent = serializers.CharField(allow_null=True)
    final_score = serializers.CharField(allow_null=True)
    feedback = serializers.CharField(allow_blank=True)
    released_at = serializers.DateTimeField(allow_null=True)
    is_audio = serializers.BooleanField()
    transcript = serializers.CharField(allow_blank=True, help_text="Spoken work, once made.")
    transcript_state = serializers.ChoiceField(choices=TranscriptState.choices)


class AssignmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    lesson_id = serializers.IntegerField()
    title = serializers.CharField()
    instructions_html = serializers.CharField(allow_blank=True)
    accepts_text = serializers.BooleanField()
    accepts_file = serializers.BooleanField()
    file_kinds = serializers.ListField(child=serializers.CharField())
    max_file_mb = serializers.IntegerField()
    points = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True, help_text="Yours (extensions count).")
    cutoff_at = serializers.DateTimeField(allow_null=True)
    time_zone = serializers.CharField()
    penalty_per_day = serializers.CharField()
    penalty_cap = serializers.CharField()
    allow_resubmission = serializers.BooleanField()
    speaking = serializers.BooleanField(help_text="Record the answer (or upload audio).")
    submissions = SubmissionOut(many=True, help_text="Your versions, newest first.")


class SubmissionIn(InputSerializer):
    text = StrictCharField(required=False, allow_blank=True, max_length=100000)
    file = serializers.FileField(required=False, help_text="Checked by type and size.")


class CertificateOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text="The verification code printed on it.")
    name = serializers.CharField()
    course_title = serializers.CharField()
    course_id = serializers.IntegerField()
    issued_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=["valid", "revoked"])
    pdf_url = serializers.CharField(allow_blank=True, help_text="Empty while it is being made.")
    verify_url = serializers.CharField(help_text="The public page that checks it.")
