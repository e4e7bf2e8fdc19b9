"""The course workflow: draft -> review -> published -> archived, who may move it, and who
is told (mentors on publish and return, enrolled students on new lessons)."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.tests.factories import UserFactory
from courses.guards import AuthoringDenied
from courses.models import Course
from courses.services import announcements, authoring
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory
from enrollments.models import Enrollment
from kalpla.exceptions import ApplicationError, PermissionDenied
from notifications.kinds import KINDS, get_kind
from notifications.models import Notification

pytestmark = pytest.mark.django_db

TEMPLATES = (
    "title.txt",
    "inapp.txt",
    "subject.txt",
    "body.txt",
    "body.html",
    "sms.txt",
    "push_title.txt",
    "push_body.txt",
)


@pytest.fixture
def co_mentor(db):
    return UserFactory(roles=("Mentor",))


@pytest.fixture
def course(mentor, co_mentor):
    course = authoring.course_create(user=mentor, title="Statistics")
    course.instructors.add(co_mentor)
    return course


@pytest.fixture
def with_lesson(course, mentor):
    module = authoring.module_create(user=mentor, course=course, title="Week 1")
    authoring.lesson_create(user=mentor, module=module, title="Means and medians")
    return course


def notified(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


# --- submit -----------------------------------------------------------------------------------


def test_submit_for_review_needs_at_least_one_lesson(course, mentor):
    with pytest.raises(ApplicationError) as caught:
        authoring.course_submit_for_review(user=mentor, course=course)

    assert caught.value.code == "no_lessons"
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT


def test_submit_moves_a_draft_to_review(with_lesson, co_mentor):
    authoring.course_submit_for_review(user=co_mentor, course=with_lesson)

    with_lesson.refresh_from_db()
    assert with_lesson.status == Course.Status.REVIEW
    with pytest.raises(ApplicationError, match="Only a draft"):
        authoring.course_submit_for_review(user=co_mentor, course=with_lesson)


def test_submit_is_refused_to_other_mentors_and_students(with_lesson, student):
    stranger = UserFactory(roles=("Mentor",))

    for user in (stranger, student):
        with pytest.raises(AuthoringDenied):
            authoring.course_submit_for_review(user=user, course=with_lesson)


# --- publish ----------------------------------------------------------------------------------


def test_only_staff_can_publish(with_lesson, mentor):
    authoring.course_submit_for_review(user=mentor, course=with_lesson)

    with pytest.raises(AuthoringDenied) as caught:
        authoring.course_publish(user=mentor, course=with_lesson)
    assert isinstance(caught.value, PermissionDenied)
    with_lesson.refresh_from_db()
    assert with_lesson.status == Course.Status.REVIEW


def test_publish_needs_review_first(with_lesson, admin_user):
    with pytest.raises(ApplicationError, match="in review"):
        authoring.course_publish(user=admin_user, course=with_lesson)


def test_staff_publish_sets_published_at_and_notifies_the_mentors_on_commit(
    with_lesson, mentor, co_mentor, admin_user, django_capture_on_commit_callbacks
):
    authoring.course_submit_for_review(user=mentor, course=with_lesson)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        authoring.course_publish(user=admin_user, course=with_lesson)
    # nothing is sent before the transaction commits
    assert not Notification.objects.exists()
    for callback in callbacks:
        callback()

    with_lesson.refresh_from_db()
    assert with_lesson.status == Course.Status.PUBLISHED
    assert with_lesson.published_at is not None
    assert notified("courses.published") == sorted([mentor.email, co_mentor.email])
    note = Notification.objects.filter(kind="courses.published").first()
    assert "Statistics" in note.title and note.url == f"/courses/{with_lesson.slug}/"
    assert note.category == "learning"


def test_return_to_draft_is_for_staff_and_tells_mentors_the_note(
    with_lesson, mentor, admin_user, django_capture_on_commit_callbacks
):
    authoring.course_submit_for_review(user=mentor, course=with_lesson)
    with pytest.raises(AuthoringDenied):
        authoring.course_return_to_draft(user=mentor, course=with_lesson, note="x")

    with django_capture_on_commit_callbacks(execute=True):
        authoring.course_return_to_draft(
            user=admin_user, course=with_lesson, note="Add a summary lesson."
        )

    with_lesson.refresh_from_db()
    assert with_lesson.status == Course.Status.DRAFT
    note = Notification.objects.get(recipient=mentor, kind="courses.returned")
    assert "Add a summary lesson." in note.body


def test_archive_by_an_instructor(mentor, co_mentor):
    course = CourseFactory(instructors=[mentor])

    authoring.course_archive(user=mentor, course=course)

    course.refresh_from_db()
    assert course.status == Course.Status.ARCHIVED
    stranger = UserFactory(roles=("Mentor",))
    with pytest.raises(AuthoringDenied):
        authoring.course_archive(user=stranger, course=CourseFactory())


# --- new lessons in published courses ---------------------------------------------------------


def test_a_new_lesson_in_a_published_course_is_announced_when_published(
    mentor, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    course = CourseFactory(instructors=[mentor])
    module = ModuleFactory(course=course)
    active = [UserFactory() for _ in range(5)]
    cancelled, other_course = UserFactory(), UserFactory()
    for user in active:
        Enrollment.objects.create(user=user, course=course)
    Enrollment.objects.create(user=cancelled, course=course, status=Enrollment.Status.CANCELLED)
    Enrollment.objects.create(user=other_course, course=CourseFactory())

    with django_capture_on_commit_callbacks(execute=True):
        lesson = authoring.lesson_create(
            user=mentor, module=module, title="Bonus: outliers", content="Text"
        )
    assert not Notification.objects.filter(kind="courses.updated").exists()  # a draft
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        authoring.lesson_set_published(user=mentor, lesson=lesson, published=True)
    with django_assert_max_num_queries(45):  # one notify call per chunk, not one per student
        for callback in callbacks:
            callback()

    assert notified("courses.updated") == sorted(u.email for u in active)
    note = Notification.objects.filter(kind="courses.updated").first()
    assert note.dedupe_key == f"courses.updated:lesson:{lesson.pk}"
    assert note.url == f"/courses/{course.slug}/lessons/{lesson.pk}/"
    assert "Bonus: outliers" in note.body
    # a chunk delivered again (acks late) tells nobody twice
    announcements.lesson_announce_to(lesson_id=lesson.pk, user_ids=[u.pk for u in active])
    assert Notification.objects.filter(kind="courses.updated").count() == 5


def test_lessons_added_to_a_draft_notify_nobody(
    course, mentor, student, django_capture_on_commit_callbacks
):
    Enrollment.objects.create(user=student, course=course)
    module = authoring.module_create(user=mentor, course=course, title="M")

    with django_capture_on_commit_callbacks(execute=True):
        authoring.lesson_create(user=mentor, module=module, title="Draft lesson")

    assert not Notification.objects.filter(kind="courses.updated").exists()


# --- kinds and templates ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["courses.published", "courses.updated", "courses.returned"])
def test_kinds_are_registered_with_templates_that_render(name, mentor):
    kind = get_kind(name)
    assert name in KINDS and kind.category == "learning"
    context = {
        "user": mentor,
        "course_title": "Stats & <b>Co</b>",
        "course_slug": "stats",
        "lesson_title": "Outliers",
        "lesson_id": 3,
        "note": "Fix <this>",
    }
    for template in TEMPLATES:
        text = render_to_string(f"{kind.template_dir}/{template}", context).strip()
        assert text, template
        if template == "body.html":
            assert "<b>Co</b>" not in text  # escaped in HTML mail


# --- the review page --------------------------------------------------------------------------


def test_review_page_is_for_staff(client, mentor, admin_user, with_lesson):
    authoring.course_submit_for_review(user=mentor, course=with_lesson)

    client.force_login(mentor)
    assert client.get(reverse("courses:teach_review")).status_code == 403
    client.force_login(admin_user)
    page = client.get(reverse("courses:teach_review")).content.decode()
    assert "Statistics" in page and "Publish" in page


def test_review_page_empty_state(client, admin_user):
    client.force_login(admin_user)

    assert "Nothing to review" in client.get(reverse("courses:teach_review")).content.decode()


def test_review_page_queries_stay_flat(client, admin_user, django_assert_max_num_queries):
    for _ in range(8):
        mentor = UserFactory(roles=("Mentor",))
        course = CourseFactory(instructors=[mentor], status=Course.Status.REVIEW)
        LessonFactory(module=ModuleFactory(course=course))
    client.force_login(admin_user)

    with django_assert_max_num_queries(16):
        response = client.get(reverse("courses:teach_review"))
    assert response.content.decode().count('id="course-') == 8


def test_staff_publish_and_return_with_post_forms(
    client, mentor, admin_user, with_lesson, django_capture_on_commit_callbacks
):
    authoring.course_submit_for_review(user=mentor, course=with_lesson)
    client.force_login(admin_user)
    url = reverse("courses:teach_course_return", args=[with_lesson.slug])

    # a return without a note is refused with a message
    response = client.post(url, {"note": ""}, follow=True)
    assert "Write a note" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("courses:teach_course_publish", args=[with_lesson.slug]), follow=True
        )
    assert "Course published" in response.content.decode()
    with_lesson.refresh_from_db()
    assert with_lesson.status == Course.Status.PUBLISHED
    client.post(url, {"note": "Needs captions."})
    with_lesson.refresh_from_db()
    assert with_lesson.status == Course.Status.DRAFT


def test_mentor_submits_from_the_outline(client, mentor, with_lesson):
    client.force_login(mentor)

    response = client.post(
        reverse("courses:teach_course_submit", args=[with_lesson.slug]),
        {"next": reverse("courses:teach_outline", args=[with_lesson.slug])},
    )

    assert response["Location"] == reverse("courses:teach_outline", args=[with_lesson.slug])
    with_lesson.refresh_from_db()
    assert with_lesson.status == Course.Status.REVIEW
    # a mentor cannot publish through the site either
    publish = client.post(reverse("courses:teach_course_publish", args=[with_lesson.slug]))
    assert publish.status_code == 403


def test_submit_without_lessons_shows_the_reason(client, mentor, course):
    client.force_login(mentor)

    response = client.post(reverse("courses:teach_course_submit", args=[course.slug]), follow=True)

    assert "Add at least one lesson" in response.content.decode()
