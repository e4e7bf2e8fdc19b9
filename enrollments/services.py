"""Writes of the enrollments app: enrolling, unenrolling, lesson progress and completion."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.tracking import ActorRef, ObjectRef, track
from activity.verbs import Verb
from courses.selectors.lessons import lesson_visible_list
from courses.services.catalogue import course_enrollment_count_change
from enrollments.access import course_missing_prerequisites
from enrollments.cache import learning_list_invalidate, learning_lists_invalidate
from enrollments.cohorts.seats import cohort_admit, cohort_lock
from enrollments.models import Cohort, Enrollment, LessonProgress
from enrollments.selectors import INACTIVE_STATUSES, access_pass_for
from enrollments.signals import (
    announce_enrollment_change,
    cohort_seat_freed,
    course_completed,
)
from kalpla.exceptions import NotAuthenticated, NotFound, PaymentRequired, PermissionDenied

if TYPE_CHECKING:
    from courses.models import Course, Lesson

logger = logging.getLogger(__name__)

# A player reports positions, not arbitrary numbers: cap what we store.
MAX_POSITION_SECONDS = 24 * 3600.0


def _require_signed_in(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(_("Sign in to enroll."))


def _require_verified_email(user: Any) -> None:
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        raise PermissionDenied(
            _("Verify your email address before enrolling."), code="email_unverified"
        )


def _check_can_enroll(*, user: Any, course: Course, source: str) -> None:
    _require_verified_email(user)
    if source in (Enrollment.Source.FREE, Enrollment.Source.PLAN) and not course.is_free:
        raise PaymentRequired(_("This course is paid: buy it or choose a plan that includes it."))
    missing = course_missing_prerequisites(user=user, course=course)
    if missing:
        raise PermissionDenied(
            _("Complete these courses first: %(titles)s.")
            % {"titles": ", ".join(p.title for p in missing)},
            code="prerequisite_required",
        )


@transaction.atomic
def enrollment_create(
    *, user: Any, course: Course, source: str = "free", cohort: Cohort | None = None
) -> Enrollment:
    """Enroll ``user`` in ``course`` (in ``cohort``, one of its cohorts); idempotent.

    Already enrolled: the existing enrollment comes back unchanged. A cancelled one is
    reactivated (progress kept) in ``cohort``. Refusals: NotAuthenticated for anonymous
    users, NotFound for a course that is not published, PermissionDenied
    ``email_unverified``, PaymentRequired for a paid course with ``source="free"``,
    PermissionDenied ``prerequisite_required``; and the cohort's (``cohort_admit``):
    ValidationError ``cohort_required`` / ``invalid_cohort``, Conflict ``enrollment_closed``
    / ``cohort_full``.
    """
    _require_signed_in(user)
    if not course.is_published:
        raise NotFound(_("Not found."))
    if cohort is not None and cohort.course_id == course.pk:
        # the cohort's lock first, as promotion takes it: one lock order, no deadlock
        cohort_lock(cohort_id=cohort.pk)
    existing = Enrollment.objects.select_for_update().filter(user=user, course=course).first()
    if existing is not None and existing.status not in INACTIVE_STATUSES:
        return existing
    if source == Enrollment.Source.FREE and not course.is_free:
        access_pass = access_pass_for(user=user, course=course)
        if access_pass is not None:
            # A live plan covers this paid course: it enrolls like a free one, held by the pass.
            from enrollments.grants import enrollment_grant

            _check_can_enroll(user=user, course=course, source=Enrollment.Source.STAFF)
            return enrollment_grant(
                user=user,
                course=course,
                source=Enrollment.Source.PLAN,
                reference=f"pass:{access_pass.reference}",
                cohort=cohort_admit(user=user, course=course, cohort=cohort),
            )
    if existing is not None:
        # Someone who paid (or was granted the course) and left may come back for free; a
        # suspended plan enrollment needs its plan (or a purchase) back.
        kept = existing.source if existing.source != Enrollment.Source.FREE else source
        _check_can_enroll(user=user, course=course, source=kept)
        existing.cohort = cohort_admit(user=user, course=course, cohort=cohort)
        existing.status = Enrollment.Status.ACTIVE
        existing.cancelled_at = None
        existing.full_clean()
        existing.save(update_fields=["status", "cancelled_at", "cohort"])
        course_enrollment_count_change(course_id=course.pk, delta=+1)
        announce_enrollment_change(existing, active=True)
        return existing
    _check_can_enroll(user=user, course=course, source=source)
    admitted = cohort_admit(user=user, course=course, cohort=cohort)
    enrollment = Enrollment(user=user, course=course, source=source, cohort=admitted)
    enrollment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            enrollment.save()
    except IntegrityError:
        # A concurrent request enrolled the same user first: answer with its enrollment.
        return Enrollment.objects.get(user=user, course=course)
    course_enrollment_count_change(course_id=course.pk, delta=+1)
    announce_enrollment_change(enrollment, active=True)
    logger.info("user %s enrolled in course %s (%s)", user.pk, course.pk, source)
    return enrollment


@transaction.atomic
def enrollment_cancel(*, enrollment: Enrollment) -> Enrollment:
    """Unenroll: the enrollment is kept (cancelled) with its progress; idempotent. A seat
    it held in a cohort goes to the cohort's waitlist."""
    if enrollment.cohort_id is not None:
        cohort_lock(cohort_id=enrollment.cohort_id)  # before the enrollment's: one lock order
    locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if locked.status == Enrollment.Status.CANCELLED:
        return locked
    was_live = locked.status not in INACTIVE_STATUSES
    locked.status = Enrollment.Status.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["status", "cancelled_at"])
    if locked.cohort_id is not None:
        # the waitlist takes the seat in this transaction; should that fail, the student
        # still leaves (the failure is logged; the beat sweep promotes later)
        for receiver, result in cohort_seat_freed.send_robust(
            sender=Enrollment, cohort_id=locked.cohort_id
        ):
            if isinstance(result, Exception):
                logger.error(
                    "cohort_seat_freed receiver %r failed for cohort %s",
                    receiver,
                    locked.cohort_id,
                    exc_info=result,
                )
    if was_live:
        course_enrollment_count_change(course_id=locked.course_id, delta=-1)
    announce_enrollment_change(locked, active=False)
    enrollment.status, enrollment.cancelled_at = locked.status, locked.cancelled_at
    return locked


def enrollment_lesson_open(*, enrollment: Enrollment, lesson: Lesson) -> None:
    """Remember the lesson as the place to resume from, and as recently viewed.

    Two writes, no reads: the enrollment's last lesson, and the lesson's progress row
    touched (created at position 0 the first time; an existing position is kept).
    """
    now = timezone.now()
    Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson, last_viewed_at=now)
    enrollment.last_lesson, enrollment.last_viewed_at = lesson, now
    learning_list_invalidate(user_id=enrollment.user_id)
    LessonProgress.objects.bulk_create(
        [LessonProgress(enrollment=enrollment, lesson=lesson)],
        update_conflicts=True,
        unique_fields=["enrollment", "lesson"],
        update_fields=["updated_at"],
    )
    track(
        actor=ActorRef(enrollment.user_id),
        verb=Verb.LESSON_VIEWED,
        object=ObjectRef("lesson", lesson.pk, name=lesson.title),
        context={"course": enrollment.course_id},
    )


def lesson_progress_update(
    *, enrollment: Enrollment, lesson: Lesson, position_seconds: float
) -> LessonProgress:
    """Save the playback position: one INSERT ... ON CONFLICT UPDATE, no reads.

    The caller has checked access. The returned object is not reloaded: its
    ``completed_at`` is not known here.
    """
    position = min(max(float(position_seconds), 0.0), MAX_POSITION_SECONDS)
    progress = LessonProgress(enrollment=enrollment, lesson=lesson, position_seconds=position)
    LessonProgress.objects.bulk_create(
        [progress],
        update_conflicts=True,
        unique_fields=["enrollment", "lesson"],
        update_fields=["position_seconds", "updated_at"],
    )
    return progress


@transaction.atomic
def lesson_complete(*, enrollment: Enrollment, lesson: Lesson) -> Enrollment:
    """Mark ``lesson`` done for ``enrollment`` (idempotent) and update the course progress.

    When every required lesson is done, the enrollment becomes completed and
    ``course_completed`` is sent once, after commit. Returns the enrollment, refreshed.
    """
    locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if locked.status in INACTIVE_STATUSES:
        raise PermissionDenied(_("Enroll in this course to open this lesson."), code="not_enrolled")
    now = timezone.now()
    progress, created = LessonProgress.objects.get_or_create(
        enrollment=locked, lesson=lesson, defaults={"completed_at": now}
    )
    first = created
    if not created and progress.completed_at is None:
        progress.completed_at = now
        progress.save(update_fields=["completed_at", "updated_at"])
        first = True
    if first:  # only the first completion of the lesson is an event
        track(
            actor=ActorRef(locked.user_id),
            verb=Verb.LESSON_COMPLETED,
            object=ObjectRef("lesson", lesson.pk, name=lesson.title),
            context={"course": locked.course_id},
            result={"completion": True},
        )
    _progress_recalculate(locked, now=now)
    enrollment.progress_percent = locked.progress_percent
    enrollment.status, enrollment.completed_at = locked.status, locked.completed_at
    return locked


def _required_lessons(course_id: int) -> Any:
    """What progress counts: the course's visible (published) required lessons."""
    return lesson_visible_list().filter(course_id=course_id, is_required=True)


def _progress_recalculate(enrollment: Enrollment, *, now: Any) -> None:
    """Caller holds the enrollment's row lock."""
    required = _required_lessons(enrollment.course_id)
    total = required.count()
    done = LessonProgress.objects.filter(
        enrollment=enrollment, completed_at__isnull=False, lesson__in=required
    ).count()
    percent = 100 if total == 0 else (100 * done) // total
    fields = ["progress_percent"]
    enrollment.progress_percent = percent
    if done >= total and enrollment.status == Enrollment.Status.ACTIVE:
        enrollment.status = Enrollment.Status.COMPLETED
        enrollment.completed_at = now
        fields += ["status", "completed_at"]
        completed_id = enrollment.pk
        transaction.on_commit(lambda: _send_course_completed(completed_id))
        track(
            actor=ActorRef(enrollment.user_id),
            verb=Verb.COURSE_COMPLETED,
            object=ObjectRef("course", enrollment.course_id),
            result={
                "completion": True,
                "duration": max(int((now - enrollment.created_at).total_seconds()), 0),
            },
        )
    enrollment.save(update_fields=fields)


def _send_robust(signal: Any, name: str, enrollment: Enrollment) -> None:
    for receiver, result in signal.send_robust(sender=Enrollment, enrollment=enrollment):
        if isinstance(result, Exception):
            logger.error(
                "%s receiver %r failed for enrollment %s",
                name,
                receiver,
                enrollment.pk,
                exc_info=result,
            )


def _send_course_completed(enrollment_id: int) -> None:
    enrollment = Enrollment.objects.select_related("user", "course").get(pk=enrollment_id)
    _send_robust(course_completed, "course_completed", enrollment)
    logger.info("enrollment %s completed course %s", enrollment.pk, enrollment.course_id)


def course_progress_refresh(*, course_id: int) -> int:
    """Recompute every enrollment's progress in the course against its lessons as they are
    now (after lessons were published, taken back to draft, deleted or made optional).

    One UPDATE for all enrollments. Completion stays recorded: a completed enrollment keeps
    its status and ``completed_at`` and shows less than 100% when lessons were added since
    (``new lessons since you finished``). Active enrollments left with nothing to do are
    completed as if their last lesson had just been finished. Returns the enrollments
    touched.
    """
    required = _required_lessons(course_id)
    total = required.count()
    enrollments = Enrollment.objects.filter(course_id=course_id)
    if total == 0:
        percent: Any = Value(100)
    else:
        done = (
            LessonProgress.objects.filter(
                enrollment=OuterRef("pk"), completed_at__isnull=False, lesson__in=required
            )
            .order_by()
            .values("enrollment")
            .annotate(n=Count("id"))
            .values("n")
        )
        percent = Coalesce(Subquery(done, output_field=IntegerField()), Value(0)) * 100 / total
    with transaction.atomic():
        touched = enrollments.update(progress_percent=percent)
        # A lesson opened last that students can no longer open is no place to resume from.
        enrollments.filter(last_lesson__isnull=False).exclude(
            last_lesson__in=lesson_visible_list()
        ).update(last_lesson=None)
        learning_lists_invalidate(user_ids=list(enrollments.values_list("user_id", flat=True)))
        finished = enrollments.filter(status=Enrollment.Status.ACTIVE, progress_percent__gte=100)
        for enrollment_id in finished.values_list("pk", flat=True):
            locked = Enrollment.objects.select_for_update().get(pk=enrollment_id)
            _progress_recalculate(locked, now=timezone.now())
    return touched
