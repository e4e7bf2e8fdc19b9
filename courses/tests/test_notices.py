"""Notices of the course workflow: a reply to a review (its author), a course submitted for
review (staff), new students and reviews (the course's mentors, summed up per hour)."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses.models import Review
from courses.services import authoring, reviews
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory, ReviewFactory
from enrollments import activity
from enrollments.models import Enrollment
from enrollments.tests.factories import EnrollmentFactory
from notifications.kinds import get_kind
from notifications.models import Notification

pytestmark = pytest.mark.django_db

TEMPLATES = (
    "title.txt", "inapp.txt", "subject.txt", "body.txt", "body.html", "sms.txt",
    "push_title.txt", "push_body.txt",
)  # fmt: skip


def _notes(kind):
    return list(Notification.objects.filter(kind=kind).select_related("recipient"))


@pytest.fixture
def course(mentor):
    course = CourseFactory(instructors=[mentor], title="Statistics")
    LessonFactory(module=ModuleFactory(course=course))
    return course


# --- a reply to a review ------------------------------------------------------------------


def test_review_reply_tells_the_author_once_per_reply(
    course, mentor, student, django_capture_on_commit_callbacks
):
    review = ReviewFactory(course=course, user=student, text="Clear and short.")
    with django_capture_on_commit_callbacks(execute=True):
        reviews.review_reply(review=review, by=mentor, text="Thank you!")
    notes = _notes("courses.review_replied")
    assert [n.recipient for n in notes] == [student]
    assert "Thank you!" in notes[0].body
    assert notes[0].url.endswith(f"/courses/{course.slug}/#review-{review.pk}")

    # the same reply saved again, or a reply removed, tells nobody; an edited reply does
    with django_capture_on_commit_callbacks(execute=True):
        reviews.review_reply(review=review, by=mentor, text="Thank you!")
        reviews.review_reply(review=review, by=mentor, text="")
    assert len(_notes("courses.review_replied")) == 1
    with django_capture_on_commit_callbacks(execute=True):
        reviews.review_reply(review=review, by=mentor, text="Thanks, see module 2 too.")
    assert len(_notes("courses.review_replied")) == 2


def test_replying_to_ones_own_review_tells_nobody(
    course, mentor, django_capture_on_commit_callbacks
):
    review = ReviewFactory(course=course, user=mentor)
    with django_capture_on_commit_callbacks(execute=True):
        reviews.review_reply(review=review, by=mentor, text="Noted.")
    assert _notes("courses.review_replied") == []


# --- a course submitted for review --------------------------------------------------------


def test_submitting_a_course_tells_staff(mentor, admin_user, django_capture_on_commit_callbacks):
    flag_staff = UserFactory(is_staff=True)
    UserFactory(roles=("Moderator",))
    course = authoring.course_create(user=mentor, title="Fresh")
    module = authoring.module_create(user=mentor, course=course, title="M")
    authoring.lesson_create(user=mentor, module=module, title="L")

    with django_capture_on_commit_callbacks(execute=True):
        authoring.course_submit_for_review(user=mentor, course=course)

    notes = _notes("courses.submitted")
    assert sorted(n.recipient.pk for n in notes) == sorted([admin_user.pk, flag_staff.pk])
    assert notes[0].url == "/courses/teach/review/"
    assert "Fresh" in notes[0].title


# --- new students and reviews, summed up per course and hour -------------------------------


def _hours_ago(hours, minutes=0):
    return timezone.now() - timedelta(hours=hours, minutes=minutes)


def _backdate(model, objects, when):
    model.objects.filter(pk__in=[o.pk for o in objects]).update(created_at=when)


def test_activity_summary_is_one_notification_per_course_and_hour(course, mentor):
    co_mentor = UserFactory(roles=("Mentor",))
    course.instructors.add(co_mentor)
    quiet = CourseFactory(instructors=[mentor])
    now = timezone.now().replace(minute=10)
    last_hour = now.replace(minute=0, second=0, microsecond=0) - timedelta(minutes=30)
    joined = [EnrollmentFactory(course=course) for _ in range(3)]
    left = EnrollmentFactory(course=course, status=Enrollment.Status.CANCELLED)
    _backdate(Enrollment, [*joined, left], last_hour)
    review = ReviewFactory(course=course, user=joined[0].user)
    hidden = ReviewFactory(course=course, user=joined[1].user, is_hidden=True)
    _backdate(Review, [review, hidden], last_hour)
    running = EnrollmentFactory(course=quiet)  # this hour: the next run sums it up

    assert activity.course_activity_notify(now=now) == 1

    notes = _notes("courses.activity")
    assert sorted(n.recipient.pk for n in notes) == sorted([mentor.pk, co_mentor.pk])
    assert "3 new students" in notes[0].body and "1 new review" in notes[0].body
    # a second run (beat fires twice, a retry) sends nothing new
    assert activity.course_activity_notify(now=now) == 0
    assert len(_notes("courses.activity")) == 2
    # the next hour's run sums up the hour after it
    assert activity.course_activity_notify(now=now + timedelta(hours=1)) == 1
    later = [n.body for n in _notes("courses.activity") if n.body.startswith(quiet.title)]
    assert later == [f"{quiet.title}: 1 new student"]
    assert running.course_id == quiet.pk


def test_activity_summary_catches_up_missed_hours(course, mentor):
    now = timezone.now().replace(minute=5)
    three_hours_ago = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)
    _backdate(Enrollment, [EnrollmentFactory(course=course)], three_hours_ago)

    assert activity.course_activity_notify(now=now) == 1


def test_activity_summary_queries_do_not_grow_with_courses(mentor, django_assert_max_num_queries):
    now = timezone.now().replace(minute=10)
    last_hour = now.replace(minute=0, second=0, microsecond=0) - timedelta(minutes=30)

    def busy_course():
        course = CourseFactory(instructors=[mentor, UserFactory(roles=("Mentor",))])
        _backdate(Enrollment, [EnrollmentFactory(course=course) for _ in range(2)], last_hour)

    busy_course()
    with django_assert_max_num_queries(60) as one:
        activity.course_activity_notify(now=now)
    Notification.objects.all().delete()
    for _ in range(4):
        busy_course()
    with django_assert_max_num_queries(len(one) * 5):
        assert activity.course_activity_notify(now=now) == 5


def test_activity_summary_runs_on_beat(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "enrollments.activity_summary" in schedule


# --- kinds and templates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["courses.review_replied", "courses.submitted", "courses.activity"]
)
def test_new_kinds_have_templates_that_render(name, mentor):
    kind = get_kind(name)
    context = {
        "user": mentor,
        "course_title": "Stats & <b>Co</b>",
        "course_slug": "stats",
        "replier_name": "Asha",
        "reply_excerpt": "Thanks <3",
        "mentor_name": "Asha",
        "students": 3,
        "reviews": 1,
    }
    for template in TEMPLATES:
        text = render_to_string(f"{kind.template_dir}/{template}", context).strip()
        assert text, template
        if template == "body.html":
            assert "<b>Co</b>" not in text


# --- the staff home ---------------------------------------------------------------------------


def test_staff_home_shows_the_review_queue_with_its_count(client, admin_user, mentor):
    for title in ("Waiting one", "Waiting two"):
        CourseFactory(title=title, status="review", instructors=[mentor])
    client.force_login(admin_user)

    html = client.get("/").content.decode()

    assert "2 courses wait for review." in html
    assert "Waiting one" in html and 'href="/courses/teach/review/"' in html


def test_student_home_has_no_review_queue(client, student):
    client.force_login(student)
    assert "wait for review" not in client.get("/").content.decode()
