from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from courses.models import Course
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory
from enrollments import selectors, services
from enrollments.models import Enrollment, LessonProgress
from enrollments.signals import course_completed
from enrollments.tests.factories import EnrollmentFactory
from kalpla.exceptions import ApplicationError, NotFound, PaymentRequired, PermissionDenied

pytestmark = pytest.mark.django_db


def _count(course: Course) -> int:
    course.refresh_from_db(fields=["enrollment_count"])
    return course.enrollment_count


# --- enrollment_create / enrollment_cancel ------------------------------------------------


def test_enrollment_create_free_course_counts_the_student(student):
    course = CourseFactory()

    enrollment = services.enrollment_create(user=student, course=course)

    assert enrollment.status == Enrollment.Status.ACTIVE
    assert enrollment.source == Enrollment.Source.FREE
    assert _count(course) == 1
    assert selectors.enrollment_get(user=student, course=course) == enrollment


def test_enrollment_count_changes_show_on_the_cached_catalogue(
    student, api_client, django_capture_on_commit_callbacks
):
    # given a catalogue page cached with nobody enrolled
    course = CourseFactory(slug="counted")

    def shown() -> int:
        body = api_client.get("/api/v1/courses/").json()
        return next(c["enrollment_count"] for c in body["results"] if c["slug"] == "counted")

    assert shown() == 0
    # when a student enrolls, then leaves
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = services.enrollment_create(user=student, course=course)
    # then the catalogue shows each change at once, not a cached count
    assert shown() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_cancel(enrollment=enrollment)
    assert shown() == 0


def test_enrollment_create_is_idempotent(student):
    course = CourseFactory()
    first = services.enrollment_create(user=student, course=course)

    again = services.enrollment_create(user=student, course=course)

    assert again.pk == first.pk
    assert Enrollment.objects.count() == 1
    assert _count(course) == 1


def test_enrollment_create_paid_course_requires_payment(student):
    course = CourseFactory(price=Decimal("499.00"))

    with pytest.raises(ApplicationError) as exc:
        services.enrollment_create(user=student, course=course)

    assert isinstance(exc.value, PaymentRequired)
    assert exc.value.code == "payment_required"
    assert not Enrollment.objects.exists()


def test_enrollment_create_paid_source_is_allowed(student):
    course = CourseFactory(price=Decimal("499.00"))

    enrollment = services.enrollment_create(user=student, course=course, source="paid")

    assert enrollment.source == Enrollment.Source.PAID


def test_enrollment_create_refuses_unverified_email():
    user = UserFactory(verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    with pytest.raises(ApplicationError) as exc:
        services.enrollment_create(user=user, course=CourseFactory())

    assert isinstance(exc.value, PermissionDenied)
    assert exc.value.code == "email_unverified"


@pytest.mark.parametrize("status", [Course.Status.DRAFT, Course.Status.REVIEW, "archived"])
def test_enrollment_create_unpublished_course_is_not_found(student, status):
    course = CourseFactory(status=status)

    with pytest.raises(ApplicationError) as exc:
        services.enrollment_create(user=student, course=course)

    assert isinstance(exc.value, NotFound)


def test_enrollment_create_requires_completed_prerequisites(student):
    basics = CourseFactory(title="Basics")
    advanced = CourseFactory()
    advanced.prerequisites.add(basics)

    with pytest.raises(ApplicationError) as exc:
        services.enrollment_create(user=student, course=advanced)
    assert isinstance(exc.value, PermissionDenied)
    assert exc.value.code == "prerequisite_required"
    assert "Basics" in exc.value.message

    # An active (not completed) enrollment in the prerequisite is not enough.
    services.enrollment_create(user=student, course=basics)
    with pytest.raises(ApplicationError):
        services.enrollment_create(user=student, course=advanced)

    Enrollment.objects.filter(course=basics).update(status=Enrollment.Status.COMPLETED)
    assert services.enrollment_create(user=student, course=advanced).course == advanced


def test_enrollment_cancel_then_enroll_again_reactivates(student):
    course = CourseFactory()
    enrollment = services.enrollment_create(user=student, course=course)
    lesson = LessonFactory(module=ModuleFactory(course=course))
    services.lesson_complete(enrollment=enrollment, lesson=lesson)

    services.enrollment_cancel(enrollment=enrollment)
    services.enrollment_cancel(enrollment=enrollment)  # idempotent

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CANCELLED
    assert enrollment.cancelled_at is not None
    assert _count(course) == 0
    assert selectors.enrollment_get(user=student, course=course) is None

    again = services.enrollment_create(user=student, course=course)
    assert again.pk == enrollment.pk
    assert again.status == Enrollment.Status.ACTIVE
    assert again.cancelled_at is None
    assert _count(course) == 1
    assert LessonProgress.objects.filter(enrollment=again).count() == 1  # progress kept


def test_enrollment_get_is_none_for_anonymous_users():
    from django.contrib.auth.models import AnonymousUser

    course = CourseFactory()
    assert selectors.enrollment_get(user=AnonymousUser(), course=course) is None


# --- progress -----------------------------------------------------------------------------


@pytest.fixture
def course_with_lessons():
    """Three required lessons and one optional one, in two modules."""
    course = CourseFactory()
    first, second = ModuleFactory(course=course, order=0), ModuleFactory(course=course, order=1)
    lessons = [
        LessonFactory(module=first, order=0),
        LessonFactory(module=first, order=1),
        LessonFactory(module=second, order=0),
        LessonFactory(module=second, order=1, is_required=False),
    ]
    return course, lessons


def test_lesson_progress_update_is_one_upsert(student, course_with_lessons):
    course, lessons = course_with_lessons
    enrollment = EnrollmentFactory(user=student, course=course)

    with CaptureQueriesContext(connection) as queries:
        services.lesson_progress_update(
            enrollment=enrollment, lesson=lessons[0], position_seconds=12.5
        )
    assert len(queries) == 1
    services.lesson_progress_update(enrollment=enrollment, lesson=lessons[0], position_seconds=42)
    services.lesson_progress_update(enrollment=enrollment, lesson=lessons[1], position_seconds=-3)

    rows = {p.lesson_id: p for p in LessonProgress.objects.filter(enrollment=enrollment)}
    assert rows[lessons[0].pk].position_seconds == 42
    assert rows[lessons[1].pk].position_seconds == 0
    assert len(rows) == 2


def test_lesson_progress_update_keeps_completion(student, course_with_lessons):
    course, lessons = course_with_lessons
    enrollment = EnrollmentFactory(user=student, course=course)
    services.lesson_complete(enrollment=enrollment, lesson=lessons[0])

    services.lesson_progress_update(enrollment=enrollment, lesson=lessons[0], position_seconds=5)

    progress = LessonProgress.objects.get(enrollment=enrollment, lesson=lessons[0])
    assert progress.completed_at is not None
    assert progress.position_seconds == 5


def test_enrollment_lesson_open_remembers_where_to_resume(student, course_with_lessons):
    course, lessons = course_with_lessons
    enrollment = EnrollmentFactory(user=student, course=course)
    services.lesson_progress_update(enrollment=enrollment, lesson=lessons[1], position_seconds=30)

    services.enrollment_lesson_open(enrollment=enrollment, lesson=lessons[1])

    enrollment.refresh_from_db()
    assert enrollment.last_lesson == lessons[1]
    assert enrollment.last_viewed_at is not None
    assert LessonProgress.objects.get(lesson=lessons[1]).position_seconds == 30
    recent = selectors.recently_viewed_lessons(user=student)
    assert [p.lesson_id for p in recent] == [lessons[1].pk]


def test_lesson_complete_percent_counts_required_lessons_only(student, course_with_lessons):
    course, lessons = course_with_lessons
    enrollment = EnrollmentFactory(user=student, course=course)

    services.lesson_complete(enrollment=enrollment, lesson=lessons[3])  # optional
    assert enrollment.progress_percent == 0
    services.lesson_complete(enrollment=enrollment, lesson=lessons[0])
    assert enrollment.progress_percent == 33
    services.lesson_complete(enrollment=enrollment, lesson=lessons[0])  # idempotent
    assert enrollment.progress_percent == 33
    services.lesson_complete(enrollment=enrollment, lesson=lessons[1])
    assert enrollment.progress_percent == 66
    assert enrollment.status == Enrollment.Status.ACTIVE

    enrollment.refresh_from_db()
    assert enrollment.progress_percent == 66


def test_lesson_complete_last_required_lesson_completes_course_and_signals_once(
    student, course_with_lessons, django_capture_on_commit_callbacks
):
    course, lessons = course_with_lessons
    enrollment = EnrollmentFactory(user=student, course=course)
    received = []

    def receiver(sender, enrollment, **kwargs):
        received.append((enrollment.pk, enrollment.status, enrollment.completed_at))

    course_completed.connect(receiver, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in lessons[:2]:
                services.lesson_complete(enrollment=enrollment, lesson=lesson)
        assert received == []

        # The optional lesson is not needed: the last required one completes the course.
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.lesson_complete(enrollment=enrollment, lesson=lessons[2])
        assert received == []  # not before the commit
        for callback in callbacks:  # the completion signal, and the dashboard cache's refresh
            callback()
        enrollment.refresh_from_db()
        assert enrollment.status == Enrollment.Status.COMPLETED
        assert enrollment.progress_percent == 100
        assert received == [(enrollment.pk, "completed", enrollment.completed_at)]

        # Completing more lessons, or the same again, sends nothing new.
        with django_capture_on_commit_callbacks(execute=True):
            services.lesson_complete(enrollment=enrollment, lesson=lessons[2])
            services.lesson_complete(enrollment=enrollment, lesson=lessons[3])
        assert len(received) == 1
    finally:
        course_completed.disconnect(receiver)


def test_lesson_complete_failing_receiver_does_not_break_completion(
    student, course_with_lessons, django_capture_on_commit_callbacks
):
    course, lessons = course_with_lessons
    enrollment = EnrollmentFactory(user=student, course=course)

    def broken(sender, **kwargs):
        raise RuntimeError("boom")

    course_completed.connect(broken, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in lessons[:3]:
                services.lesson_complete(enrollment=enrollment, lesson=lesson)
    finally:
        course_completed.disconnect(broken)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED


def test_lesson_complete_refuses_cancelled_enrollment(student, course_with_lessons):
    course, lessons = course_with_lessons
    enrollment = EnrollmentFactory(user=student, course=course, status="cancelled")

    with pytest.raises(ApplicationError) as exc:
        services.lesson_complete(enrollment=enrollment, lesson=lessons[0])
    assert exc.value.code == "not_enrolled"


def test_learning_list_continue_lesson_is_last_or_first(student, course_with_lessons):
    course, lessons = course_with_lessons
    other = CourseFactory()
    other_first = LessonFactory(module=ModuleFactory(course=other, order=0), order=0)
    LessonFactory(module=ModuleFactory(course=other, order=1), order=0)
    enrollment = EnrollmentFactory(user=student, course=course)
    EnrollmentFactory(user=student, course=other)
    services.enrollment_lesson_open(enrollment=enrollment, lesson=lessons[2])

    enrollments = selectors.learning_list(user=student)

    by_course = {e.course_id: e.continue_lesson_id for e in enrollments}
    assert by_course == {course.pk: lessons[2].pk, other.pk: other_first.pk}
    assert enrollments[0].course_id == course.pk  # most recently viewed first
