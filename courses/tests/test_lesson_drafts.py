"""New lessons and modules of a published course start as drafts: hidden from students in the
outline, the player, the API and progress until a mentor publishes them; students are told
once, by a Celery task that fans out in chunks."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from courses import tasks as course_tasks
from courses.guards import AuthoringDenied
from courses.models import Course, Lesson
from courses.services import authoring
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory
from enrollments.access import course_access, course_learning_outline, lesson_access
from enrollments.models import Enrollment
from kalpla.exceptions import ApplicationError
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(mentor):
    course = CourseFactory(instructors=[mentor], title="Statistics")
    module = ModuleFactory(course=course, order=0, title="Week 1")
    LessonFactory(module=module, order=0, title="Means")
    return course


@pytest.fixture
def module(course):
    return course.modules.get()


@pytest.fixture
def enrolled(course, student):
    return Enrollment.objects.create(user=student, course=course)


def _updated_emails():
    return sorted(
        Notification.objects.filter(kind="courses.updated").values_list(
            "recipient__email", flat=True
        )
    )


def test_lesson_create_in_a_published_course_starts_as_a_draft_and_tells_nobody(
    mentor, module, enrolled, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lesson = authoring.lesson_create(user=mentor, module=module, title="Outliers")

    assert lesson.is_published is False
    assert lesson.announced_at is None
    assert not Notification.objects.filter(kind="courses.updated").exists()


def test_module_create_in_a_published_course_starts_as_a_draft(mentor, course):
    module = authoring.module_create(user=mentor, course=course, title="Week 2")
    assert module.is_published is False


def test_lessons_and_modules_of_a_course_never_published_start_published(mentor):
    course = authoring.course_create(user=mentor, title="Draft course")
    module = authoring.module_create(user=mentor, course=course, title="M")
    lesson = authoring.lesson_create(user=mentor, module=module, title="L")
    assert module.is_published and lesson.is_published


def test_a_lesson_added_to_a_draft_module_is_released_with_the_module(mentor, course):
    module = authoring.module_create(user=mentor, course=course, title="Week 2")
    lesson = authoring.lesson_create(user=mentor, module=module, title="L", content="Body")
    assert lesson.is_published is True
    assert Lesson.objects.visible().filter(pk=lesson.pk).exists() is False


def test_draft_lesson_is_hidden_from_students_everywhere(
    client, course, module, student, enrolled, mentor
):
    draft = authoring.lesson_create(user=mentor, module=module, title="Secret draft")
    client.force_login(student)

    player = client.get(reverse("courses:lesson", args=[course.slug, draft.pk]))
    assert player.status_code == 404
    api = client.get(f"/api/v1/lessons/{draft.pk}/")
    assert api.status_code == 404
    assert api.json()["code"] == "not_found"
    completion = client.post(f"/api/v1/lessons/{draft.pk}/complete/")
    assert completion.status_code == 404
    page = client.get(reverse("courses:detail", args=[course.slug]))
    assert "Secret draft" not in page.content.decode()
    detail = client.get(f"/api/v1/courses/{course.slug}/").json()
    titles = [lesson["title"] for m in detail["modules"] for lesson in m["lessons"]]
    assert titles == ["Means"]
    first = course.lessons.get(title="Means")
    open_lesson = client.get(reverse("courses:lesson", args=[course.slug, first.pk]))
    assert "Secret draft" not in open_lesson.content.decode()


def test_lessons_of_a_draft_module_are_hidden_from_students(course, mentor, student, enrolled):
    module = authoring.module_create(user=mentor, course=course, title="Week 2")
    lesson = authoring.lesson_create(user=mentor, module=module, title="Hidden", content="x")
    lesson = Lesson.objects.select_related("course", "module").get(pk=lesson.pk)

    assert lesson_access(user=student, lesson=lesson).allowed is False
    ctx = course_access(user=student, course=course)
    outline = course_learning_outline(course=course, context=ctx, completed_ids=set())
    assert [m.title for m in outline] == ["Week 1"]


def test_mentor_sees_drafts_with_a_draft_badge(client, course, module, mentor):
    draft = authoring.lesson_create(user=mentor, module=module, title="Work in progress")
    client.force_login(mentor)

    editor = client.get(reverse("courses:teach_outline", args=[course.slug])).content.decode()
    assert "Work in progress" in editor
    assert 'data-draft="lesson"' in editor
    player = client.get(reverse("courses:lesson", args=[course.slug, draft.pk]))
    assert player.status_code == 200
    assert "Work in progress" in player.content.decode()
    assert 'data-draft="lesson"' in player.content.decode()


def test_publishing_an_empty_lesson_is_refused(mentor, module):
    lesson = authoring.lesson_create(
        user=mentor, module=module, title="Video to come", kind=Lesson.Kind.VIDEO
    )
    with pytest.raises(ApplicationError) as caught:
        authoring.lesson_set_published(user=mentor, lesson=lesson, published=True)
    assert caught.value.code == "lesson_empty"
    lesson.refresh_from_db()
    assert lesson.is_published is False


def test_publishing_a_module_with_an_empty_lesson_is_refused(mentor, course):
    module = authoring.module_create(user=mentor, course=course, title="Week 2")
    authoring.lesson_create(user=mentor, module=module, title="Ready", content="Text")
    authoring.lesson_create(user=mentor, module=module, title="Video to come", kind="video")
    with pytest.raises(ApplicationError) as caught:
        authoring.module_set_published(user=mentor, module=module, published=True)
    assert caught.value.code == "lesson_empty"
    assert "Video to come" in caught.value.message and "Ready" not in caught.value.message
    module.refresh_from_db()
    assert module.is_published is False


def test_only_the_course_editors_publish_lessons(module, mentor, student):
    lesson = authoring.lesson_create(user=mentor, module=module, title="T", content="Body")
    with pytest.raises(AuthoringDenied):
        authoring.lesson_set_published(user=student, lesson=lesson, published=True)
    with pytest.raises(AuthoringDenied):
        authoring.lesson_set_published(
            user=UserFactory(roles=("Mentor",)), lesson=lesson, published=True
        )


def test_publishing_tells_live_students_once_in_chunks(
    course, module, mentor, monkeypatch, django_capture_on_commit_callbacks
):
    students = [UserFactory() for _ in range(5)]
    for user in students:
        Enrollment.objects.create(user=user, course=course)
    finished = UserFactory()
    Enrollment.objects.create(user=finished, course=course, status=Enrollment.Status.COMPLETED)
    left = UserFactory()
    Enrollment.objects.create(user=left, course=course, status=Enrollment.Status.CANCELLED)
    monkeypatch.setattr(course_tasks, "ANNOUNCE_CHUNK", 2)
    chunks: list[list[int]] = []
    real_chunk = course_tasks.lesson_announce_chunk_task.run
    monkeypatch.setattr(
        course_tasks.lesson_announce_chunk_task,
        "run",
        lambda lesson_id, user_ids: chunks.append(user_ids) or real_chunk(lesson_id, user_ids),
    )
    lesson = authoring.lesson_create(user=mentor, module=module, title="Outliers", content="x")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        authoring.lesson_set_published(user=mentor, lesson=lesson, published=True)

    # the mentor's request only queues the task; the work happens on Celery
    assert len(callbacks) >= 1
    assert _updated_emails() == sorted(u.email for u in [*students, finished])
    assert len(chunks) == 3 and all(len(c) <= 2 for c in chunks)
    lesson.refresh_from_db()
    assert lesson.announced_at is not None

    # unpublished and published again: nobody is told twice, not even a newcomer
    Enrollment.objects.create(user=UserFactory(), course=course)
    with django_capture_on_commit_callbacks(execute=True):
        authoring.lesson_set_published(user=mentor, lesson=lesson, published=False)
    with django_capture_on_commit_callbacks(execute=True):
        authoring.lesson_set_published(user=mentor, lesson=lesson, published=True)
    assert Notification.objects.filter(kind="courses.updated").count() == 6


def test_publishing_a_module_announces_its_published_lessons(
    course, mentor, student, enrolled, django_capture_on_commit_callbacks
):
    module = authoring.module_create(user=mentor, course=course, title="Week 2")
    shown = authoring.lesson_create(user=mentor, module=module, title="Shown", content="x")
    kept = authoring.lesson_create(user=mentor, module=module, title="Kept", content="x")
    authoring.lesson_set_published(user=mentor, lesson=kept, published=False)

    with django_capture_on_commit_callbacks(execute=True):
        authoring.module_set_published(user=mentor, module=module, published=True)

    bodies = list(
        Notification.objects.filter(kind="courses.updated").values_list("body", flat=True)
    )
    assert len(bodies) == 1 and "Shown" in bodies[0]
    assert Lesson.objects.visible().filter(pk=shown.pk).exists()
    assert not Lesson.objects.visible().filter(pk=kept.pk).exists()


def test_publishing_the_course_marks_its_lessons_announced(
    mentor, admin_user, django_capture_on_commit_callbacks
):
    course = authoring.course_create(user=mentor, title="Fresh")
    module = authoring.module_create(user=mentor, course=course, title="M")
    lesson = authoring.lesson_create(user=mentor, module=module, title="L")
    authoring.course_submit_for_review(user=mentor, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        authoring.course_publish(user=admin_user, course=course)
    lesson.refresh_from_db()
    assert lesson.announced_at is not None
    assert course.status == Course.Status.PUBLISHED


def test_outline_editor_toggles_publishing_with_a_post_form(client, course, module, mentor):
    lesson = authoring.lesson_create(user=mentor, module=module, title="T", content="Body")
    client.force_login(mentor)

    url = reverse("courses:teach_lesson_publish", args=[lesson.pk])
    response = client.post(url, {"published": "1"})
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.is_published is True

    response = client.post(url, {"published": "0"})
    lesson.refresh_from_db()
    assert lesson.is_published is False

    module_url = reverse("courses:teach_module_publish", args=[module.pk])
    client.post(module_url, {"published": "0"})
    module.refresh_from_db()
    assert module.is_published is False


def test_outline_editor_publish_of_an_empty_lesson_explains_why(client, course, module, mentor):
    lesson = authoring.lesson_create(user=mentor, module=module, title="V", kind="video")
    client.force_login(mentor)

    response = client.post(
        reverse("courses:teach_lesson_publish", args=[lesson.pk]), {"published": "1"}, follow=True
    )
    assert response.status_code == 200
    assert "nothing to show" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "value", "status"), [("student", "1", 403), ("mentor", "maybe", 400)]
)
def test_publish_form_refuses_strangers_and_bad_values(
    client, module, mentor, student, who, value, status
):
    lesson = authoring.lesson_create(user=mentor, module=module, title="T", content="Body")
    client.force_login(student if who == "student" else mentor)
    response = client.post(
        reverse("courses:teach_lesson_publish", args=[lesson.pk]), {"published": value}
    )
    assert response.status_code == status
    lesson.refresh_from_db()
    assert lesson.is_published is False


def test_catalogue_counts_and_duration_leave_drafts_out(client, course, module, mentor):
    authoring.lesson_create(user=mentor, module=module, title="Draft", duration=600)
    assert authoring.course_duration_refresh(course_id=course.pk) == 300
    data = client.get("/api/v1/courses/").json()
    card = next(c for c in data["results"] if c["slug"] == course.slug)
    assert card["lesson_count"] == 1
