"""Assignments: settings, submissions (text and files, resubmission with history), lateness,
extensions, grading with the late penalty, and releasing grades to students.

Dates: ``due_at`` and ``cutoff_at`` (a student's extension replaces both for them). Work after
the due date is late by whole days started (1 minute late is 1 day) and costs
``penalty_per_day`` percent per day, at most ``penalty_cap``; after the cut-off nothing is
accepted. A student may hand in again until the due date while the grade is not released;
every version is kept. Marks stay hidden from the student until released.
"""

import math
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.tracking import ObjectRef, track
from activity.verbs import Verb
from enrollments.access import lesson_access
from files.uploads import UPLOAD_KINDS, validate_upload
from jobs.services import job_enqueue
from kalpla.exceptions import Conflict, NotAuthenticated, PermissionDenied, ValidationError

from .. import tasks
from ..models import Assignment, Extension, GradeChange, Submission, TranscriptState
from .gradebook import assignment_grade_changed, extension_due_set, grade_item_for_assignment
from .gradebook_admin import course_grades_refresh_later
from .guards import require_course_editor

CENTS = Decimal("0.01")
# Release notices are sent by Celery, this many submissions per task.
NOTICE_CHUNK = 200
FILE_KINDS = ("document", "image", "audio")
SETTINGS = (
    "instructions",
    "accepts_text",
    "accepts_file",
    "file_kinds",
    "max_file_mb",
    "points",
    "due_at",
    "cutoff_at",
    "penalty_per_day",
    "penalty_cap",
    "allow_resubmission",
    "speaking",
    "rubric",
)


def assignment_ensure(*, user: Any, lesson: Any) -> Assignment:
    """The assignment of a lesson of kind ``assignment`` (made on first use by an editor)."""
    if lesson.kind != "assignment":
        raise ValidationError(
            _("This lesson is not an assignment."), errors={"lesson": [_("Not an assignment.")]}
        )
    assignment = Assignment.objects.filter(lesson=lesson).first()
    if assignment is not None:
        return assignment
    require_course_editor(user, lesson.course)
    assignment, _created = Assignment.objects.get_or_create(
        lesson=lesson, defaults={"course": lesson.course, "file_kinds": ["document"]}
    )
    return assignment


def assignment_update(*, user: Any, assignment: Assignment, **fields: Any) -> Assignment:
    require_course_editor(user, assignment.course)
    unknown = set(fields) - set(SETTINGS)
    if unknown:
        raise ValidationError(
            _("Unknown settings."), errors={name: [_("Unknown field.")] for name in sorted(unknown)}
        )
    for name, value in fields.items():
        setattr(assignment, name, value)
    _validate(assignment)
    with transaction.atomic():
        assignment.save()
        item = grade_item_for_assignment(assignment=assignment)
        course_grades_refresh_later(course_id=assignment.course_id, item_id=item.pk)
    return assignment


def _validate(assignment: Assignment) -> None:
    errors: dict[str, list[str]] = {}
    if assignment.speaking:  # a recording is a file of audio
        assignment.accepts_file = True
        if "audio" not in assignment.file_kinds:
            assignment.file_kinds = [*assignment.file_kinds, "audio"]
    if not (assignment.accepts_text or assignment.accepts_file):
        errors["accepts_text"] = [_("Accept a written answer, a file, or both.")]
    kinds = assignment.file_kinds
    if not isinstance(kinds, list) or not set(kinds) <= set(FILE_KINDS):
        errors["file_kinds"] = [_("Choose among: %(k)s.") % {"k": ", ".join(FILE_KINDS)}]
    elif assignment.accepts_file and not kinds:
        errors["file_kinds"] = [_("Choose at least one file type.")]
    else:
        largest = max((UPLOAD_KINDS[k].limit for k in kinds), default=0) // (1024 * 1024)
        if kinds and assignment.max_file_mb > largest:
            errors["max_file_mb"] = [_("At most %(n)d MB for these types.") % {"n": largest}]
    if assignment.rubric is not None and assignment.rubric.course_id != assignment.course_id:
        errors["rubric"] = [_("Use a rubric of this course.")]
    due, cutoff = assignment.due_at, assignment.cutoff_at
    if due and cutoff and cutoff < due:
        errors["cutoff_at"] = [_("The cut-off cannot come before the due date.")]
    if errors:
        raise ValidationError(_("Check the settings."), errors=errors)
    try:
        assignment.full_clean(exclude=["lesson", "course"])
    except DjangoValidationError as exc:
        raise ValidationError(
            _("Check the settings."),
            errors={k: [str(m) for m in v] for k, v in exc.message_dict.items()},
        ) from exc


def dates_for(*, assignment: Assignment, student: Any) -> tuple[datetime | None, datetime | None]:
    """(due, cut-off) for this student: their extension's when they have one."""
    extension = Extension.objects.filter(assignment=assignment, student=student).first()
    if extension is None:
        return assignment.due_at, assignment.cutoff_at
    cutoff = extension.cutoff_at
    if cutoff is None and assignment.cutoff_at is not None:
        cutoff = max(extension.due_at, assignment.cutoff_at)
    return extension.due_at, cutoff


def days_late(*, due: datetime | None, at: datetime) -> int:
    if due is None or at <= due:
        return 0
    return math.ceil((at - due) / timedelta(days=1))


def late_penalty(*, assignment: Assignment, days: int) -> Decimal:
    """The percent taken off a mark handed in ``days`` late."""
    return min(assignment.penalty_cap, assignment.penalty_per_day * days)


def _check_student(assignment: Assignment, user: Any) -> None:
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(_("Sign in to hand in work."))
    access = lesson_access(user=user, lesson=assignment.lesson)
    if not access.allowed:
        raise access.as_error()
    if access.enrollment is None or access.reason in ("staff", "instructor"):
        raise PermissionDenied(_("Only the course's students hand in work."), code="not_a_student")


def _file_kind(assignment: Assignment, file: Any) -> str:
    """The first allowed upload kind the file's sniffed type belongs to."""
    first_error: DjangoValidationError | None = None
    limit = assignment.max_file_mb * 1024 * 1024
    if getattr(file, "size", 0) > limit:
        raise ValidationError(
            _("The file is too large."),
            errors={"file": [_("At most %(n)d MB.") % {"n": assignment.max_file_mb}]},
        )
    for kind in assignment.file_kinds:
        try:
            info = validate_upload(file, kind=kind)
        except DjangoValidationError as exc:
            first_error = first_error or exc
            continue
        return info.content_type
    message = first_error.messages[0] if first_error else _("This type of file is not accepted.")
    raise ValidationError(message, code="file_type", errors={"file": [message]})


def submission_create(
    *, user: Any, assignment: Assignment, text: str = "", file: Any = None
) -> Submission:
    """Hand in work (a new version when resubmitting)."""
    _check_student(assignment, user)
    now = timezone.now()
    due, cutoff = dates_for(assignment=assignment, student=user)
    if cutoff is not None and now > cutoff:
        raise Conflict(_("The cut-off has passed: no more work is accepted."), code="cutoff_passed")
    text = (text or "").strip()
    errors: dict[str, list[str]] = {}
    if text and not assignment.accepts_text:
        errors["text"] = [_("This assignment takes a file, not a written answer.")]
    if file is not None and not assignment.accepts_file:
        errors["file"] = [_("This assignment takes a written answer, not a file.")]
    if not text and file is None:
        errors["text" if assignment.accepts_text else "file"] = [_("Hand in something.")]
    if len(text) > 100000:
        errors["text"] = [_("At most 100,000 characters.")]
    if errors:
        raise ValidationError(_("Check your work."), errors=errors)
    content_type = _file_kind(assignment, file) if file is not None else ""
    with transaction.atomic():
        latest = (
            Submission.objects.select_for_update()
            .filter(assignment=assignment, student=user, is_latest=True)
            .first()
        )
        if latest is not None:
            if latest.released_at is not None:
                raise Conflict(_("Your work is already graded."), code="already_graded")
            if not assignment.allow_resubmission:
                raise Conflict(_("This assignment takes one submission."), code="already_submitted")
            if due is not None and now > due:
                raise Conflict(
                    _("Resubmission closed at the due date."), code="resubmission_closed"
                )
            latest.is_latest = False
            latest.save(update_fields=["is_latest"])
        version = (
            Submission.objects.filter(assignment=assignment, student=user).aggregate(
                v=Max("version")
            )["v"]
            or 0
        ) + 1
        submission = Submission(
            assignment=assignment,
            student=user,
            version=version,
            text=text,
            submitted_at=now,
            days_late=days_late(due=due, at=now),
            file_name=(getattr(file, "name", "") or "")[-200:] if file is not None else "",
            file_type=content_type,
            file_size=getattr(file, "size", 0) if file is not None else 0,
        )
        if file is not None:
            file.seek(0)
            submission.file.save(submission.file_name or "work", file, save=False)
        if content_type.startswith("audio/"):
            submission.transcript_state = TranscriptState.PENDING
        try:
            submission.save()
        except IntegrityError as exc:  # two submissions at once: the other one won
            raise Conflict(_("Submitted twice at once; reload."), code="conflict") from exc
        if submission.transcript_state == TranscriptState.PENDING:
            job_enqueue(kind="assessments.submission_transcript", target=submission)
        assignment_grade_changed(assignment=assignment, student_id=submission.student_id)
        track(
            actor=user,
            verb=Verb.ASSIGNMENT_SUBMITTED,
            object=ObjectRef("assignment", assignment.pk),
            context={"course": assignment.course_id, "version": version},
        )
    return submission


@transaction.atomic
def submission_grade(
    *, grader: Any, submission: Submission, score: Decimal, feedback: str | None = None,
    reason: str = "",
) -> Submission:  # fmt: skip
    """A mentor's mark (the late penalty is applied to it); a change keeps the old mark, who
    changed it and why in the grade trail. A released grade stays visible with the new mark."""
    assignment = submission.assignment
    require_course_editor(grader, assignment.course)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if score < 0 or score > assignment.points:
        raise ValidationError(
            _("Give between 0 and %(p)s points.") % {"p": assignment.points},
            errors={"score": [_("Out of range.")]},
        )
    old = submission.final_score
    submission.score = score.quantize(CENTS, rounding=ROUND_HALF_UP)
    submission.penalty_percent = late_penalty(assignment=assignment, days=submission.days_late)
    submission.final_score = (
        submission.score * (Decimal(100) - submission.penalty_percent) / Decimal(100)
    ).quantize(CENTS, rounding=ROUND_HALF_UP)
    if feedback is not None:
        submission.feedback = feedback
    submission.state = Submission.State.GRADED
    submission.graded_by = grader
    submission.graded_at = timezone.now()
    submission.save()
    GradeChange.objects.create(
        submission=submission,
        changed_by=grader,
        old_score=old,
        new_score=submission.final_score,
        reason=(reason or ("graded by hand" if old is None else "regraded"))[:500],
    )
    assignment_grade_changed(assignment=assignment, student_id=submission.student_id)
    return submission


def grades_release(
    *, user: Any, assignment: Assignment, submission_ids: list[int] | None = None
) -> int:
    """Show graded work's marks to its students (all graded, or the ones named) and recount
    the gradebook; each student is told once, by Celery in chunks after the commit. Returns
    how many were released."""
    require_course_editor(user, assignment.course)
    with transaction.atomic():
        rows = Submission.objects.select_for_update().filter(
            assignment=assignment,
            is_latest=True,
            state=Submission.State.GRADED,
            released_at__isnull=True,
        )
        if submission_ids is not None:
            rows = rows.filter(pk__in=submission_ids)
        released = list(rows.values_list("pk", flat=True))
        Submission.objects.filter(pk__in=released).update(released_at=timezone.now())
        item = grade_item_for_assignment(assignment=assignment)
        if len(released) == 1:
            only = Submission.objects.get(pk=released[0])
            assignment_grade_changed(assignment=assignment, student_id=only.student_id)
        elif released:
            course_grades_refresh_later(course_id=assignment.course_id, item_id=item.pk)
        for start in range(0, len(released), NOTICE_CHUNK):
            transaction.on_commit(
                partial(
                    tasks.grade_released_notify_task.delay,
                    submission_ids=released[start : start + NOTICE_CHUNK],
                )
            )
    return len(released)


@transaction.atomic
def extension_grant(
    *, user: Any, assignment: Assignment, student: Any, due_at: datetime,
    cutoff_at: datetime | None = None, reason: str = "",
) -> Extension:  # fmt: skip
    require_course_editor(user, assignment.course)
    if cutoff_at is not None and cutoff_at < due_at:
        raise ValidationError(
            _("The cut-off cannot come before the due date."),
            errors={"cutoff_at": [_("After the due date.")]},
        )
    extension, _created = Extension.objects.update_or_create(
        assignment=assignment,
        student=student,
        defaults={
            "due_at": due_at,
            "cutoff_at": cutoff_at,
            "reason": reason[:500],
            "granted_by": user,
        },
    )
    extension_due_set(
        item=grade_item_for_assignment(assignment=assignment),
        student_id=student.pk,
        due_at=due_at,
    )
    return extension
