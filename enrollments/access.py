"""Who may open a lesson: one rule for the site, the API and media URLs.

It lives with enrollments, which knows who is enrolled; the courses app, below, asks for the
viewer's part of it through ``courses.learners`` (``settings.KALPLA_COURSE_LEARNERS`` names
this module).

    access = lesson_access(user=request.user, lesson=lesson)
    if access.allowed:
        media = lesson_media(user=request.user, lesson=lesson, access=access)

Pages that judge many lessons of one course (outlines) compute ``course_access`` once and pass
it as ``context``: each ``lesson_access`` call is then free of queries (for lessons loaded
with their module, which the rule reads).

The rule, in order:
1. staff and the course's instructors see every lesson, released or not
   (``courses.policies.course_can_preview``);
2. a course that is not published is hidden (an archived one stays open to its students),
   and so are draft lessons and the lessons of draft modules;
3. preview lessons are open to anyone, signed in or not, once their release date has passed;
4. everyone else needs a live enrollment (active or completed), the course's prerequisites
   completed, and the lesson released (immediately, N days after enrolling, or on a date).
   In a cohort, "N days after enrolling" counts from the cohort's start, and nothing opens
   before the cohort starts. Enrollments are loaded with their cohort (no query here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.policies import user_is_staff
from courses.choices import CourseStatus, LessonKind, LessonRelease
from courses.policies import course_is_instructor
from courses.selectors.lessons import (
    LESSON_FILE_ROLES,
    MEDIA_URL_EXPIRE_SECONDS,
    lesson_with_course_get,
)
from courses.selectors.outline import course_outline_modules
from enrollments import selectors as enrollment_selectors
from enrollments.models import Enrollment
from kalpla.exceptions import ApplicationError, NotFound, PermissionDenied
from kalpla.integrations.s3 import DownloadGrant

if TYPE_CHECKING:
    from courses.models import Course, Lesson

# Lesson file links name the lesson and the file's role, never a storage path, and the access
# rule is checked again on every request (lesson_file_grant), so a link stops working as soon
# as its viewer loses access. They are bound to the viewer when signed in.
LESSON_FILE_SALT = "courses.lesson_file"


class AccessReason(StrEnum):
    STAFF = "staff"
    INSTRUCTOR = "instructor"
    PREVIEW = "preview"
    ENROLLED = "enrolled"
    NOT_ENROLLED = "not_enrolled"
    NOT_RELEASED = "not_released"
    PREREQUISITE = "prerequisite"
    UNPUBLISHED = "unpublished"


class EnrollState(StrEnum):
    ENROLL = "enroll"
    CONTINUE = "continue"
    LOCKED = "locked"
    SIGN_IN = "sign_in"
    PAYMENT_REQUIRED = "payment_required"
    COMPLETED = "completed"


@dataclass(frozen=True)
class PrerequisiteInfo:
    id: int
    slug: str
    title: str


@dataclass(frozen=True)
class CourseAccess:
    """What one user may do in one course; computed once, reused for each of its lessons."""

    course: Course
    user_id: int | None
    is_staff: bool
    is_instructor: bool
    enrollment: Enrollment | None
    missing_prerequisites: tuple[PrerequisiteInfo, ...] = ()

    @property
    def is_visible(self) -> bool:
        if self.is_staff or self.is_instructor or self.course.is_published:
            return True
        return self.course.status == CourseStatus.ARCHIVED and self.enrollment is not None

    @property
    def bypasses_rules(self) -> bool:
        return self.is_staff or self.is_instructor


@dataclass(frozen=True)
class LessonAccess:
    allowed: bool
    reason: AccessReason
    release_at: datetime | None = None
    enrollment: Enrollment | None = None
    missing_prerequisites: tuple[PrerequisiteInfo, ...] = field(default=())

    @property
    def code(self) -> str:
        """The API error code for a refusal."""
        return {
            AccessReason.PREREQUISITE: "prerequisite_required",
            AccessReason.UNPUBLISHED: "not_found",
        }.get(self.reason, str(self.reason))

    @property
    def message(self) -> str:
        if self.reason == AccessReason.NOT_RELEASED and self.release_at:
            when = date_format(timezone.localtime(self.release_at), "j F Y, H:i")
            return _("This lesson opens on %(date)s.") % {"date": when}
        if self.reason == AccessReason.PREREQUISITE:
            titles = ", ".join(p.title for p in self.missing_prerequisites)
            return _("Complete these courses first: %(titles)s.") % {"titles": titles}
        if self.reason == AccessReason.NOT_ENROLLED:
            return _("Enroll in this course to open this lesson.")
        if self.reason == AccessReason.UNPUBLISHED:
            return _("Not found.")
        return ""

    def as_error(self) -> ApplicationError:
        """The refusal as an error: NotFound for hidden courses, else PermissionDenied."""
        if self.reason == AccessReason.UNPUBLISHED:
            return NotFound(self.message, code=self.code)
        return PermissionDenied(self.message, code=self.code)


def _user_id(user: Any) -> int | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return int(user.pk)


def course_missing_prerequisites(
    *, user: Any, course: Course, completed: set[int] | None = None
) -> tuple[PrerequisiteInfo, ...]:
    """The course's prerequisites the user has not completed yet (one query; none for a
    course with its prerequisites prefetched and ``completed``, the ids of the courses the
    user completed, given)."""
    user_id = _user_id(user)
    prefetched = getattr(course, "_prefetched_objects_cache", {}).get("prerequisites")
    if prefetched is not None:  # the course page's cached course
        prerequisites = sorted(prefetched, key=lambda p: p.title)
        if not prerequisites:
            return ()
        done = (
            completed
            if completed is not None
            else set(
                Enrollment.objects.filter(
                    user_id=user_id or 0,
                    status=Enrollment.Status.COMPLETED,
                    course_id__in=[p.pk for p in prerequisites],
                ).values_list("course_id", flat=True)
            )
        )
        return tuple(
            PrerequisiteInfo(id=p.pk, slug=p.slug, title=p.title)
            for p in prerequisites
            if p.pk not in done
        )
    completed_rows = Enrollment.objects.filter(
        user_id=user_id or 0, status=Enrollment.Status.COMPLETED
    ).values("course_id")
    rows = (
        course.prerequisites.exclude(pk__in=completed_rows)
        .order_by("title")
        .values_list("id", "slug", "title")
    )
    return tuple(PrerequisiteInfo(id=i, slug=s, title=t) for i, s, t in rows)


def course_access(*, user: Any, course: Course, cached: bool = False) -> CourseAccess:
    """At most four queries (roles, instructors, enrollment, prerequisites); fewer for staff.

    ``cached``: for pages that only show the enrollment (the course page), take it and the
    completed courses from the student's cached enrollments
    (``enrollments.selectors.live_enrollments_by_course``): no query for a course loaded
    with its instructors and prerequisites. Never write through such an enrollment.
    """
    user_id = _user_id(user)
    if user_id is None:
        return CourseAccess(
            course=course, user_id=None, is_staff=False, is_instructor=False, enrollment=None
        )
    # staff or instructor: ``courses.policies.course_can_preview``, asked in two steps so a
    # staff member costs no instructor query
    staff = user_is_staff(user)
    instructor = not staff and course_is_instructor(user=user, course=course)
    completed: set[int] | None = None
    if cached:
        live = enrollment_selectors.live_enrollments_by_course(user_id=user_id)
        enrollment = live.get(course.pk)
        completed = {i for i, e in live.items() if e.status == Enrollment.Status.COMPLETED}
    else:
        enrollment = enrollment_selectors.enrollment_get(user=user, course=course)
    missing: tuple[PrerequisiteInfo, ...] = ()
    if enrollment is not None and not (staff or instructor):
        missing = course_missing_prerequisites(user=user, course=course, completed=completed)
    return CourseAccess(
        course=course,
        user_id=user_id,
        is_staff=staff,
        is_instructor=instructor,
        enrollment=enrollment,
        missing_prerequisites=missing,
    )


def course_access_cache_keys(*, user_id: int) -> list[str]:
    """The cache entries ``course_access(cached=True)`` reads for this user (a page may read
    them ahead with its own, ``kalpla.cache.cache_read_ahead``)."""
    return [enrollment_selectors.live_enrollments_cache_key(user_id=user_id)]


def course_is_enrolled(*, user: Any, course: Course) -> bool:
    """A live (active or completed) enrollment (one query)."""
    return enrollment_selectors.enrollment_get(user=user, course=course) is not None


def enrollment_started_at(enrollment: Enrollment) -> datetime:
    """Where "N days after enrolling" counts from: the cohort's start for a cohort
    enrollment (load the enrollment with its cohort: ``select_related("cohort")``), else the
    day of enrolling."""
    if enrollment.cohort_id is not None:
        return enrollment.cohort.starts_at  # type: ignore[union-attr]
    return enrollment.created_at


def lesson_release_at(*, lesson: Lesson, enrollment: Enrollment | None) -> datetime | None:
    """When the lesson opens for this enrollment; None when it is open from the start.

    In a cohort nothing opens before the cohort starts (preview lessons aside, which the
    access rule opens before asking this)."""
    opens: datetime | None = None
    if lesson.release == LessonRelease.ON_DATE:
        opens = lesson.release_date
    elif lesson.release == LessonRelease.AFTER_DAYS and lesson.release_days:
        if enrollment is None:
            return None
        opens = enrollment_started_at(enrollment) + timedelta(days=lesson.release_days)
    if enrollment is not None and enrollment.cohort_id is not None:
        starts = enrollment.cohort.starts_at  # type: ignore[union-attr]
        if opens is None or opens < starts:
            opens = starts
    return opens


def lesson_access(
    *, user: Any, lesson: Lesson, context: CourseAccess | None = None
) -> LessonAccess:
    """Whether ``user`` (anonymous too) may open ``lesson``, and why (see the module doc).

    ``context`` must be ``course_access`` for the lesson's course and the same user.
    """
    ctx = context or course_access(user=user, course=lesson.course)
    enrollment = ctx.enrollment
    if ctx.is_staff:
        return LessonAccess(True, AccessReason.STAFF, enrollment=enrollment)
    if ctx.is_instructor:
        return LessonAccess(True, AccessReason.INSTRUCTOR, enrollment=enrollment)
    if not ctx.is_visible or not lesson.is_visible:
        return LessonAccess(False, AccessReason.UNPUBLISHED)
    now = timezone.now()
    if lesson.is_preview:
        opens = lesson.release_date if lesson.release == LessonRelease.ON_DATE else None
        if opens is not None and opens > now:
            return LessonAccess(False, AccessReason.NOT_RELEASED, release_at=opens)
        return LessonAccess(True, AccessReason.PREVIEW, enrollment=enrollment)
    if enrollment is None:
        return LessonAccess(False, AccessReason.NOT_ENROLLED)
    if ctx.missing_prerequisites:
        return LessonAccess(
            False,
            AccessReason.PREREQUISITE,
            enrollment=enrollment,
            missing_prerequisites=ctx.missing_prerequisites,
        )
    opens = lesson_release_at(lesson=lesson, enrollment=enrollment)
    if opens is not None and opens > now:
        return LessonAccess(
            False, AccessReason.NOT_RELEASED, release_at=opens, enrollment=enrollment
        )
    return LessonAccess(True, AccessReason.ENROLLED, enrollment=enrollment)


def course_enroll_state(*, user: Any, course: Course, context: CourseAccess | None = None) -> str:
    """What the course page's main button offers (an ``EnrollState`` value).

    ``sign_in`` for anonymous users; ``completed`` / ``continue`` for live enrollments (and
    ``continue`` for the course's instructors and staff, who may open every lesson);
    ``locked`` when prerequisites are missing or the course takes no enrollments;
    ``payment_required`` for paid courses (unless a live plan covers them); else ``enroll``.
    """
    if _user_id(user) is None:
        return EnrollState.SIGN_IN
    ctx = context or course_access(user=user, course=course)
    if ctx.enrollment is not None:
        if ctx.enrollment.status == Enrollment.Status.COMPLETED:
            return EnrollState.COMPLETED
        return EnrollState.CONTINUE
    if ctx.bypasses_rules:
        return EnrollState.CONTINUE
    if not course.is_published:
        return EnrollState.LOCKED
    if course_missing_prerequisites(user=user, course=course):
        return EnrollState.LOCKED
    if (
        not course.is_free
        and enrollment_selectors.access_pass_for(user=user, course=course) is None
    ):
        return EnrollState.PAYMENT_REQUIRED
    return EnrollState.ENROLL


# --- media links, only after the access check --------------------------------------------


@dataclass(frozen=True)
class ResourceLink:
    id: int
    title: str
    url: str
    filename: str

    @property
    def extension(self) -> str:
        return self.filename.rsplit(".", 1)[-1].upper() if "." in self.filename else ""


@dataclass(frozen=True)
class LessonMedia:
    media_url: str | None = None
    captions_url: str | None = None
    narration_url: str | None = None
    poster_url: str | None = None
    resources: tuple[ResourceLink, ...] = ()


def lesson_file_url(*, lesson: Lesson, role: str, user: Any) -> str:
    """The link to one of the lesson's files: ``role`` is one of LESSON_FILE_ROLES or
    ``resource:<id>``. Callers check access first; the link checks it again when used."""
    payload = {"l": lesson.pk, "r": role, "u": _user_id(user)}
    token = signing.TimestampSigner(salt=LESSON_FILE_SALT).sign_object(payload)
    return reverse("courses:lesson_file", kwargs={"token": token})


def _link(lesson: Lesson, role: str, user: Any, name: str | None) -> str | None:
    return lesson_file_url(lesson=lesson, role=role, user=user) if name else None


def lesson_media(*, user: Any, lesson: Lesson, access: LessonAccess | None = None) -> LessonMedia:
    """Links to the lesson's files, or nothing when access is refused.

    The links are the only way to the private files: each request through one is checked
    against the signature, the bound user and the access rule (``lesson_file_grant``).
    Resources should be prefetched.
    """
    access = access or lesson_access(user=user, lesson=lesson)
    if not access.allowed:
        return LessonMedia()
    resources = tuple(
        ResourceLink(
            id=r.pk,
            title=r.title,
            url=lesson_file_url(lesson=lesson, role=f"resource:{r.pk}", user=user),
            filename=_download_name(r.title, r.file.name),
        )
        for r in lesson.resources.all()
        if r.file
    )
    return LessonMedia(
        media_url=_link(lesson, "media", user, lesson.media.name),
        captions_url=_link(lesson, "captions", user, lesson.captions.name),
        narration_url=_link(lesson, "narration", user, lesson.narration.name),
        poster_url=_link(lesson, "poster", user, lesson.poster.name),
        resources=resources,
    )


def _link_refused(message: str, code: str) -> ApplicationError:
    return PermissionDenied(message, code=code)


def _gone() -> ApplicationError:
    return NotFound(_("The file no longer exists."))


def lesson_file_grant(*, token: str, user: Any) -> DownloadGrant:
    """The file a lesson link (``lesson_file_url``) leads to, if ``user`` may still open it.

    Raises PermissionDenied for a bad, expired or foreign link, the access rule's refusal
    when the lesson is no longer open to the user, NotFound when the file is gone.
    """
    signer = signing.TimestampSigner(salt=LESSON_FILE_SALT)
    try:
        payload = signer.unsign_object(token, max_age=MEDIA_URL_EXPIRE_SECONDS)
        lesson_id, role, bound = int(payload["l"]), str(payload["r"]), payload.get("u")
    except signing.SignatureExpired:
        raise _link_refused(_("This link has expired."), "link_expired") from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise _link_refused(_("This link is not valid."), "invalid_link") from None
    if bound is not None and _user_id(user) != bound:
        raise _link_refused(_("This link belongs to another account."), "permission_denied")
    lesson = lesson_with_course_get(lesson_id=lesson_id)
    if lesson is None:
        raise _gone()
    access = lesson_access(user=user, lesson=lesson)
    if not access.allowed:
        raise access.as_error()
    name, filename = _role_file(lesson, role)
    if not name:
        raise _gone()
    return DownloadGrant(name=name, filename=filename, user_id=bound)


def _role_file(lesson: Lesson, role: str) -> tuple[str, str | None]:
    if role in LESSON_FILE_ROLES:
        return str(getattr(lesson, role).name or ""), None
    kind, _sep, resource_id = role.partition(":")
    if kind != "resource" or not resource_id.isdigit():
        return "", None
    resource = lesson.resources.filter(pk=int(resource_id)).first()
    if resource is None or not resource.file:
        return "", None
    return str(resource.file.name), _download_name(resource.title, resource.file.name)


def _download_name(title: str, name: str | None) -> str:
    name = name or ""
    extension = name.rsplit(".", 1)[-1] if "." in name.rsplit("/", 1)[-1] else ""
    stem = "".join(c if c.isalnum() or c in " -_" else "" for c in title).strip() or "file"
    return f"{stem}.{extension}" if extension else stem


# --- the learner's outline -----------------------------------------------------------------


@dataclass(frozen=True)
class OutlineLesson:
    id: int
    title: str
    kind: str
    kind_label: str
    duration: int
    is_preview: bool
    is_required: bool
    access: LessonAccess
    completed: bool
    is_draft: bool = False


@dataclass(frozen=True)
class OutlineModule:
    id: int
    title: str
    lessons: tuple[OutlineLesson, ...]
    is_draft: bool = False


def course_learning_outline(
    *, course: Course, context: CourseAccess, completed_ids: set[int]
) -> list[OutlineModule]:
    """Modules and lessons with each lesson's access for this user (two queries, the courses
    app's one outline). Students get the visible ones; instructors and staff the drafts too
    (``is_draft``)."""
    return [
        OutlineModule(
            id=module.pk,
            title=module.title,
            lessons=tuple(
                OutlineLesson(
                    id=lesson.pk,
                    title=lesson.title,
                    kind=lesson.kind,
                    kind_label=str(LessonKind(lesson.kind).label),
                    duration=lesson.duration,
                    is_preview=lesson.is_preview,
                    is_required=lesson.is_required,
                    access=lesson_access(user=None, lesson=lesson, context=context),
                    completed=lesson.pk in completed_ids,
                    is_draft=not lesson.is_published,
                )
                for lesson in module.lesson_list  # type: ignore[attr-defined]
            ),
            is_draft=not module.is_published,
        )
        for module in course_outline_modules(course=course, drafts=context.bypasses_rules)
    ]
