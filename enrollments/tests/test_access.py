"""The access rule, one selector for the site, the API and media URLs: a matrix of who may
open which lesson, checked on the selector, the player page, the lesson API and the signed
file links."""

import base64
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from courses.models import Course, Lesson
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory
from enrollments.access import (
    LESSON_FILE_SALT,
    AccessReason,
    course_access,
    course_enroll_state,
    lesson_access,
    lesson_media,
)
from enrollments.models import Enrollment
from enrollments.services import enrollment_cancel
from enrollments.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

USERS = ("anonymous", "outsider", "enrolled", "instructor", "other_mentor", "staff")
LESSONS = ("preview", "regular", "on_date", "after_days", "prerequisite", "draft")

ALLOW, DENY = True, False
# (user, lesson) -> (allowed, reason); reasons follow enrollments.access.AccessReason.
EXPECTED: dict[tuple[str, str], tuple[bool, str]] = {
    **{(u, "preview"): (ALLOW, "preview") for u in ("anonymous", "outsider", "other_mentor")},
    ("enrolled", "preview"): (ALLOW, "preview"),
    ("anonymous", "regular"): (DENY, "not_enrolled"),
    ("outsider", "regular"): (DENY, "not_enrolled"),
    ("other_mentor", "regular"): (DENY, "not_enrolled"),
    ("enrolled", "regular"): (ALLOW, "enrolled"),
    ("anonymous", "on_date"): (DENY, "not_enrolled"),
    ("outsider", "on_date"): (DENY, "not_enrolled"),
    ("other_mentor", "on_date"): (DENY, "not_enrolled"),
    ("enrolled", "on_date"): (DENY, "not_released"),
    ("anonymous", "after_days"): (DENY, "not_enrolled"),
    ("outsider", "after_days"): (DENY, "not_enrolled"),
    ("other_mentor", "after_days"): (DENY, "not_enrolled"),
    ("enrolled", "after_days"): (DENY, "not_released"),
    ("anonymous", "prerequisite"): (DENY, "not_enrolled"),
    ("outsider", "prerequisite"): (DENY, "not_enrolled"),
    ("other_mentor", "prerequisite"): (DENY, "not_enrolled"),
    ("enrolled", "prerequisite"): (DENY, "prerequisite"),
    **{(u, "draft"): (DENY, "unpublished") for u in ("anonymous", "outsider", "other_mentor")},
    ("enrolled", "draft"): (DENY, "unpublished"),
    **{("instructor", lesson): (ALLOW, "instructor") for lesson in LESSONS},
    **{("staff", lesson): (ALLOW, "staff") for lesson in LESSONS},
}
CASES = [(u, lesson) for u in USERS for lesson in LESSONS]
API_CODES = {"not_enrolled": 403, "not_released": 403, "prerequisite": 403, "unpublished": 404}


def _stored(name: str, data: bytes) -> str:
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(data))


@pytest.fixture
def world(db):
    mentor = UserFactory(roles=("Mentor",))
    users = {
        "anonymous": AnonymousUser(),
        "outsider": UserFactory(),
        "enrolled": UserFactory(),
        "instructor": mentor,
        "other_mentor": UserFactory(roles=("Mentor",)),
        "staff": UserFactory(roles=("Admin",), is_staff=True),
    }
    media = _stored("courses/media/access-test.webm", b"\x1aE\xdf\xa3 fake webm bytes")
    captions = _stored("courses/media/access-test.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n")

    def lesson(course, **kwargs):
        module = ModuleFactory(course=course)
        return LessonFactory(
            module=module, kind=Lesson.Kind.VIDEO, media=media, captions=captions, **kwargs
        )

    course = CourseFactory(instructors=[mentor])
    basics = CourseFactory(title="Basics first")
    locked_course = CourseFactory(instructors=[mentor])
    locked_course.prerequisites.add(basics)
    draft = CourseFactory(instructors=[mentor], status=Course.Status.DRAFT)
    lessons = {
        "preview": lesson(course, is_preview=True),
        "regular": lesson(course),
        "on_date": lesson(
            course,
            release=Lesson.Release.ON_DATE,
            release_date=timezone.now() + timedelta(days=5),
        ),
        "after_days": lesson(course, release=Lesson.Release.AFTER_DAYS, release_days=3),
        "prerequisite": lesson(locked_course),
        "draft": lesson(draft),
    }
    for c in (course, locked_course, draft):
        EnrollmentFactory(user=users["enrolled"], course=c)
    return users, lessons


def _client(user, api: bool = False):
    client = APIClient() if api else Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def _url(lesson: Lesson) -> str:
    return f"/courses/{lesson.course.slug}/lessons/{lesson.pk}/"


@pytest.mark.parametrize(("who", "which"), CASES)
def test_lesson_access_matrix(world, who, which):
    users, lessons = world
    allowed, reason = EXPECTED[(who, which)]

    access = lesson_access(user=users[who], lesson=lessons[which])

    assert (access.allowed, str(access.reason)) == (allowed, reason)


@pytest.mark.parametrize(("who", "which"), CASES)
def test_player_page_follows_the_access_rule(world, who, which):
    users, lessons = world
    allowed, reason = EXPECTED[(who, which)]

    response = _client(users[who]).get(_url(lessons[which]))

    expected_status = 200 if allowed else (404 if reason == "unpublished" else 403)
    assert response.status_code == expected_status
    body = response.content.decode()
    # Signed media links appear only when the lesson may be opened.
    assert ("/courses/media/" in body) is allowed
    assert ("<video" in body) is allowed


@pytest.mark.parametrize(("who", "which"), CASES)
def test_lesson_api_follows_the_access_rule(world, who, which):
    users, lessons = world
    allowed, reason = EXPECTED[(who, which)]

    response = _client(users[who], api=True).get(f"/api/v1/lessons/{lessons[which].pk}/")

    if allowed:
        assert response.status_code == 200
        assert response.json()["access"] == reason
        assert "/courses/media/" in response.json()["media_url"]
        assert "/courses/media/" in response.json()["captions_url"]
    elif who == "anonymous" and reason == "not_enrolled":
        assert response.status_code == 401
    else:
        assert response.status_code == API_CODES[reason]
        code = {"prerequisite": "prerequisite_required", "unpublished": "not_found"}.get(
            reason, reason
        )
        assert response.json()["code"] == code
        assert "media_url" not in response.json()


@pytest.mark.parametrize("which", ["preview", "regular"])
def test_media_links_are_bound_to_the_viewer(world, which):
    users, lessons = world
    media = lesson_media(user=users["enrolled"], lesson=lessons[which])
    assert media.media_url and media.captions_url

    mine = _client(users["enrolled"]).get(media.media_url, HTTP_RANGE="bytes=0-3")
    assert mine.status_code == 206
    assert b"".join(mine.streaming_content) == b"\x1aE\xdf\xa3"
    assert _client(users["outsider"]).get(media.media_url).status_code == 403
    assert _client(users["anonymous"]).get(media.media_url).status_code == 403
    captions = _client(users["enrolled"]).get(media.captions_url)
    assert captions.status_code == 200
    assert captions["Content-Type"].startswith("text/vtt")


def test_lesson_media_is_empty_when_refused(world):
    users, lessons = world
    media = lesson_media(user=users["outsider"], lesson=lessons["regular"])
    assert media.media_url is None and media.captions_url is None and media.resources == ()


def test_media_links_stop_working_when_the_viewer_unenrolls(world):
    # given: an enrolled student playing a lesson
    users, lessons = world
    media = lesson_media(user=users["enrolled"], lesson=lessons["regular"])
    client = _client(users["enrolled"])
    assert client.get(media.media_url, HTTP_RANGE="bytes=0-3").status_code == 206

    # when: the student unenrolls, with the page (and its links) still open
    enrollment = Enrollment.objects.get(user=users["enrolled"], course=lessons["regular"].course)
    enrollment_cancel(enrollment=enrollment)

    # then: the next range request, and the captions, are refused
    response = client.get(media.media_url, HTTP_RANGE="bytes=4-7")
    assert response.status_code == 403
    assert response.json()["code"] == "not_enrolled"
    assert client.get(media.captions_url).status_code == 403


def test_media_links_name_no_storage_path(world):
    users, lessons = world
    lesson = lessons["regular"]
    media = lesson_media(user=users["enrolled"], lesson=lesson)

    for url in (media.media_url, media.captions_url):
        token = url.rstrip("/").rsplit("/", 1)[-1]
        padded = token.split(":")[0] + "=" * (-len(token.split(":")[0]) % 4)
        readable = base64.urlsafe_b64decode(padded).decode(errors="replace")
        assert "courses/media" not in readable and "access-test" not in readable
        assert "courses/media/access-test" not in url


def test_media_links_refuse_a_forged_role(world):
    users, lessons = world
    signer = signing.TimestampSigner(salt=LESSON_FILE_SALT)
    forged = signer.sign_object({"l": lessons["regular"].pk, "r": "content", "u": None})
    url = f"/courses/media/{forged}/"

    assert _client(users["staff"]).get(url).status_code == 404
    assert _client(users["anonymous"]).get(url.replace(forged[:5], "AAAAA")).status_code == 403


def test_media_links_on_s3_redirect_to_a_short_presigned_get_after_the_check(world, settings, aws):
    users, lessons = world
    media = lesson_media(user=users["enrolled"], lesson=lessons["regular"])
    settings.AWS_STORAGE_BUCKET_NAME = "kalpla-media"
    settings.KALPLA_DOWNLOAD_URL_EXPIRE = 300

    response = _client(users["enrolled"]).get(media.media_url)

    assert response.status_code == 302
    assert "X-Amz-Expires=300" in response["Location"]
    assert response["Cache-Control"] == "no-store"
    assert _client(users["outsider"]).get(media.media_url).status_code == 403


def test_preview_lesson_media_for_anonymous_is_a_short_bearer_link(world):
    users, lessons = world
    media = lesson_media(user=users["anonymous"], lesson=lessons["preview"])
    assert media.media_url
    assert _client(users["anonymous"]).get(media.media_url).status_code == 200


def test_after_days_release_opens_with_time(world):
    users, lessons = world
    lesson = lessons["after_days"]
    Enrollment.objects.filter(user=users["enrolled"], course=lesson.course).update(
        created_at=timezone.now() - timedelta(days=3, minutes=1)
    )
    assert lesson_access(user=users["enrolled"], lesson=lesson).allowed


def test_not_released_reports_the_date(world):
    users, lessons = world
    access = lesson_access(user=users["enrolled"], lesson=lessons["on_date"])
    assert access.release_at == lessons["on_date"].release_date
    assert access.code == "not_released"
    assert "opens on" in access.message


def test_preview_lesson_with_future_date_is_not_open(world):
    users, lessons = world
    lesson = lessons["preview"]
    lesson.release, lesson.release_date = Lesson.Release.ON_DATE, timezone.now() + timedelta(days=1)
    lesson.save()
    access = lesson_access(user=users["anonymous"], lesson=lesson)
    assert (access.allowed, access.reason) == (False, AccessReason.NOT_RELEASED)


def test_cancelled_enrollment_gives_no_access(world):
    users, lessons = world
    Enrollment.objects.filter(user=users["enrolled"]).update(status=Enrollment.Status.CANCELLED)
    access = lesson_access(user=users["enrolled"], lesson=lessons["regular"])
    assert access.reason == AccessReason.NOT_ENROLLED


def test_archived_course_stays_open_to_its_students(world):
    users, lessons = world
    lesson = lessons["regular"]
    Course.objects.filter(pk=lesson.course_id).update(status=Course.Status.ARCHIVED)
    lesson.refresh_from_db()
    assert lesson_access(user=users["enrolled"], lesson=lesson).allowed
    assert lesson_access(user=users["outsider"], lesson=lesson).reason == "unpublished"


def test_course_access_context_makes_lesson_checks_free(world, django_assert_num_queries):
    users, lessons = world
    lesson = lessons["regular"]
    ctx = course_access(user=users["enrolled"], course=lesson.course)
    # the rule reads the module too (draft modules hide their lessons): load it with the lesson
    others = list(Lesson.objects.filter(course=lesson.course).select_related("course", "module"))
    with django_assert_num_queries(0):
        for other in others:
            lesson_access(user=users["enrolled"], lesson=other, context=ctx)


# --- course_enroll_state ------------------------------------------------------------------


def test_course_enroll_state(world):
    users, lessons = world
    course = lessons["regular"].course
    locked = lessons["prerequisite"].course
    paid = CourseFactory(price="99.00")
    fresh = UserFactory()
    assert course_enroll_state(user=users["anonymous"], course=course) == "sign_in"
    assert course_enroll_state(user=fresh, course=course) == "enroll"
    assert course_enroll_state(user=users["enrolled"], course=course) == "continue"
    assert course_enroll_state(user=users["instructor"], course=course) == "continue"
    assert course_enroll_state(user=fresh, course=locked) == "locked"
    assert course_enroll_state(user=fresh, course=paid) == "payment_required"
    Enrollment.objects.filter(user=users["enrolled"], course=course).update(
        status=Enrollment.Status.COMPLETED
    )
    assert course_enroll_state(user=users["enrolled"], course=course) == "completed"
