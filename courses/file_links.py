"""Links to course files outside the lesson player: covers and the lesson editor's previews.

They are ``/files/d/`` links (files/services.py) naming the course or lesson and
which of its files, never a storage path. Who may follow one is checked again on every
request, so a link stops working when its viewer loses access:

- ``course-cover``: the current cover of a published course is public; a cover waiting for
  review, or any cover of an unpublished course, only for the course's editors
  (``course_can_edit``) and moderators.
- ``lesson-file``: a lesson's media, captions, narration or poster, for the course's editors
  (students reach the same files through the player's ``/courses/media/`` links).
"""

from typing import Any

from accounts.roles import is_moderator
from courses.models import Course, Lesson
from courses.policies import course_can_edit
from courses.selectors.lessons import LESSON_FILE_ROLES, MEDIA_URL_EXPIRE_SECONDS
from files.services import FileLinkKind, file_access_refused, file_link_url, file_not_found
from kalpla.integrations.s3 import DownloadGrant

COURSE_COVER = "course-cover"
LESSON_FILE = "lesson-file"
COVER_ROLES = ("current", "pending")
# Public covers may sit in a page for long; private ones are re-checked on every request.
COVER_LINK_SECONDS = 7 * 24 * 3600


def course_cover_link(*, course: Course, pending: bool = False) -> str:
    """The link to the course's current cover, or (``pending``) the one waiting for review;
    "" when there is none."""
    field = course.cover_pending if pending else course.cover
    if not field:
        return ""
    role = "pending" if pending else "current"
    return file_link_url(kind=COURSE_COVER, object_id=course.pk, role=role)


def lesson_preview_link(*, lesson: Lesson, role: str) -> str:
    """The lesson editor's link to one of the lesson's files (LESSON_FILE_ROLES); "" when the
    lesson has no such file."""
    if role not in LESSON_FILE_ROLES or not getattr(lesson, role):
        return ""
    return file_link_url(kind=LESSON_FILE, object_id=lesson.pk, role=role)


def _course_cover(object_id: str, role: str, user: Any) -> DownloadGrant:
    if role not in COVER_ROLES or not object_id.isdigit():
        raise file_not_found()
    course = Course.objects.filter(pk=int(object_id)).first()
    if course is None:
        raise file_not_found()
    public = role == "current" and course.status == Course.Status.PUBLISHED
    if not public and not (is_moderator(user) or course_can_edit(user=user, course=course)):
        raise file_access_refused()
    name = (course.cover_pending if role == "pending" else course.cover).name
    if not name:
        raise file_not_found()
    return DownloadGrant(name=str(name))


def _lesson_file(object_id: str, role: str, user: Any) -> DownloadGrant:
    if role not in LESSON_FILE_ROLES or not object_id.isdigit():
        raise file_not_found()
    lesson = Lesson.objects.select_related("course").filter(pk=int(object_id)).first()
    if lesson is None:
        raise file_not_found()
    if not course_can_edit(user=user, course=lesson.course):
        raise file_access_refused()
    name = getattr(lesson, role).name
    if not name:
        raise file_not_found()
    return DownloadGrant(name=str(name))


# Named in settings.KALPLA_FILE_LINK_KINDS under COURSE_COVER and LESSON_FILE.
COURSE_COVER_LINK = FileLinkKind(resolve=_course_cover, max_age=COVER_LINK_SECONDS)
LESSON_FILE_LINK = FileLinkKind(resolve=_lesson_file, max_age=MEDIA_URL_EXPIRE_SECONDS)
