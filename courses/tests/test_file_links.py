"""Course files behind /files/d/ links: the lesson editor's previews, course covers in the
editor and in the moderation queue. The links name no storage path, and who follows one is
checked again on every request."""

import base64
import urllib.parse

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.services import users_role_remove
from accounts.tests.factories import UserFactory
from courses.file_links import course_cover_link, lesson_preview_link
from courses.models import Course, Lesson
from courses.moderation import course_describe
from courses.services import media
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory
from files.services import FILE_LINK_SALT
from files.tests.samples import MP4, png_bytes
from kalpla.integrations.aws import client as aws_client
from moderation.models import ModerationItem
from moderation.services import moderation_flag

pytestmark = pytest.mark.django_db

CLIP = (MP4 + bytes(range(256)) * 4)[:1024]


def _stored(prefix: str, data: bytes, extension: str) -> str:
    return default_storage.save(f"courses/{prefix}/link-test{extension}", ContentFile(data))


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _readable(url: str) -> str:
    token = url.rstrip("/").rsplit("/", 1)[-1]
    payload = token.split(":")[0]
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode(errors="replace")


def _assert_names_no_path(text: str, name: str) -> None:
    encoded = base64.urlsafe_b64encode(name.encode()).decode().rstrip("=")
    assert name not in text and name.rsplit("/", 1)[-1] not in text
    assert encoded[:12] not in text


@pytest.fixture
def lesson(mentor):
    course = CourseFactory(instructors=[mentor], status=Course.Status.DRAFT)
    return LessonFactory(
        module=ModuleFactory(course=course),
        kind=Lesson.Kind.VIDEO,
        media=_stored("media", CLIP, ".mp4"),
        poster=_stored("media", png_bytes(), ".png"),
        media_status=Lesson.MediaStatus.READY,
    )


@pytest.fixture
def pending_cover(mentor):
    course = CourseFactory(instructors=[mentor], title="New look")
    course.cover_pending.name = _stored("pending-covers", png_bytes(), ".png")
    course.save()
    moderation_flag(target=course, reason=ModerationItem.Reason.IMAGE_UNCHECKED)
    return course


# --- the lesson editor's previews -------------------------------------------------------------


def test_lesson_editor_previews_name_no_storage_path(lesson, mentor):
    page = _client(mentor).get(reverse("courses:teach_media_status", args=[lesson.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "/files/d/" in body
    for name in (lesson.media.name, lesson.poster.name):
        _assert_names_no_path(body, name)
    url = lesson_preview_link(lesson=lesson, role="media")
    _assert_names_no_path(_readable(url), lesson.media.name)


def test_lesson_preview_stops_working_when_the_mentor_leaves_the_course(lesson, mentor):
    # given: the instructor previewing the video in the lesson editor
    url = lesson_preview_link(lesson=lesson, role="media")
    client = _client(mentor)
    first = client.get(url, HTTP_RANGE="bytes=0-9")
    assert first.status_code == 206 and b"".join(first.streaming_content) == CLIP[:10]
    assert first["Content-Type"] == "video/mp4"

    # when: they are removed from the course, the page still open
    lesson.course.instructors.remove(mentor)

    # then: the same link is refused
    response = client.get(url, HTTP_RANGE="bytes=10-19")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_lesson_preview_is_for_the_course_editors_only(lesson, mentor, student, admin_user):
    url = lesson_preview_link(lesson=lesson, role="poster")
    assert _client(admin_user).get(url).status_code == 200
    for outsider in (None, student, UserFactory(roles=("Mentor",))):
        assert _client(outsider).get(url).status_code == 403
    # an instructor who lost the Mentor role edits nothing, previews included
    users_role_remove(users=[mentor], role=Role.MENTOR)
    assert _client(mentor).get(url).status_code == 403


def test_lesson_preview_of_a_removed_file_is_404(lesson, mentor):
    url = lesson_preview_link(lesson=lesson, role="poster")
    Lesson.objects.filter(pk=lesson.pk).update(poster="")
    assert _client(mentor).get(url).status_code == 404
    assert lesson_preview_link(lesson=lesson, role="captions") == ""  # no captions yet


def test_lesson_preview_refuses_tampered_tokens_and_forged_roles(lesson, mentor):
    url = lesson_preview_link(lesson=lesson, role="media")
    token = url.rstrip("/").rsplit("/", 1)[-1]
    client = _client(mentor)
    tampered = token[:3] + ("A" if token[3] != "A" else "B") + token[4:]
    assert client.get(f"/files/d/{tampered}/").status_code == 404
    # a correctly signed token naming another field of the lesson serves nothing
    forged = signing.TimestampSigner(salt=FILE_LINK_SALT).sign_object(
        ["lesson-file", str(lesson.pk), "content"]
    )
    assert client.get(f"/files/d/{forged}/").status_code == 404


def test_lesson_preview_runs_a_bounded_number_of_queries(
    lesson, mentor, django_assert_max_num_queries
):
    url = lesson_preview_link(lesson=lesson, role="media")
    client = _client(mentor)
    assert client.get(url, HTTP_RANGE="bytes=0-9").status_code == 206
    for first in range(10, 100, 10):  # a seeking player's range requests
        with django_assert_max_num_queries(6):
            response = client.get(url, HTTP_RANGE=f"bytes={first}-{first + 9}")
        assert response.status_code == 206


# --- covers ---------------------------------------------------------------------------------


def test_moderation_cover_link_stops_working_when_the_moderator_is_demoted(
    pending_cover, moderator
):
    # given: a moderator looking at the queue, with the cover waiting for review
    client = _client(moderator)
    page = client.get("/moderation/").content.decode()
    url = course_describe(pending_cover).image_url
    # the page's link names the same file; its signing time may be a second apart from ours
    named = url.split(":", 1)[0]
    assert url.startswith("/files/d/") and named in page
    _assert_names_no_path(page, pending_cover.cover_pending.name)
    assert client.get(url).status_code == 200

    # when: the moderator loses the role
    users_role_remove(users=[moderator], role=Role.MODERATOR)

    # then: the cover they could see a moment ago is refused
    response = client.get(url)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_pending_cover_is_for_moderators_and_editors_only(pending_cover, mentor, student):
    url = course_cover_link(course=pending_cover, pending=True)
    assert _client(mentor).get(url).status_code == 200  # the instructor sees what waits
    for outsider in (None, student, UserFactory(roles=("Mentor",))):
        assert _client(outsider).get(url).status_code == 403


def test_pending_cover_link_ends_once_the_cover_is_decided(pending_cover, moderator):
    url = course_cover_link(course=pending_cover, pending=True)
    media.course_cover_keep(course=pending_cover, by=moderator)
    pending_cover.refresh_from_db()
    assert _client(moderator).get(url).status_code == 404
    # the kept cover is the current one now: public, since the course is published
    assert _client().get(course_cover_link(course=pending_cover)).status_code == 200


def test_current_cover_is_public_only_once_the_course_is_published(mentor):
    course = CourseFactory(instructors=[mentor], status=Course.Status.DRAFT)
    course.cover.name = _stored("covers", png_bytes(), ".png")
    course.save()
    url = course_cover_link(course=course)
    assert _client().get(url).status_code == 403
    assert _client(mentor).get(url).status_code == 200
    Course.objects.filter(pk=course.pk).update(status=Course.Status.PUBLISHED)
    assert _client().get(url).status_code == 200


def test_course_editor_shows_covers_without_storage_paths(pending_cover, mentor):
    page = _client(mentor).get(reverse("courses:teach_course", args=[pending_cover.slug]))
    body = page.content.decode()
    assert page.status_code == 200
    # the link's signed payload (its timestamp may tick between the page and this line)
    payload = course_cover_link(course=pending_cover, pending=True).split(":")[0]
    assert payload in body
    _assert_names_no_path(body, pending_cover.cover_pending.name)


# --- on S3 ----------------------------------------------------------------------------------


def test_links_on_s3_redirect_to_a_short_presigned_get_after_the_check(
    lesson, mentor, settings, aws
):
    # given: the lesson's video in the bucket, as in production
    bucket = "kalpla-links"
    aws_client("s3").create_bucket(Bucket=bucket)
    aws_client("s3").put_object(
        Bucket=bucket, Key=lesson.media.name, Body=CLIP, ContentType="video/mp4"
    )
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.KALPLA_DOWNLOAD_URL_EXPIRE = 120
    url = lesson_preview_link(lesson=lesson, role="media")
    client = _client(mentor)

    # when: the instructor follows the link
    response = client.get(url)

    # then: after the check, a short presigned GET of that object
    assert response.status_code == 302
    assert response["Cache-Control"] == "no-store"
    location = urllib.parse.urlsplit(response["Location"])
    assert location.path.endswith(lesson.media.name)
    query = urllib.parse.parse_qs(location.query)
    assert query["X-Amz-Expires"] == ["120"]
    assert query["response-content-type"] == ["video/mp4"]
    # and once they leave the course, no new presigned URL is handed out
    lesson.course.instructors.remove(mentor)
    refused = client.get(url)
    assert refused.status_code == 403 and "Location" not in refused
