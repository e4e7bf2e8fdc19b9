"""Authoring: mentors build courses, staff review and publish them.

Who may do what (checked here, so the site, the admin and any API share one rule):

- creating a course: Mentors and staff;
- editing a course, its modules, lessons and resources, submitting it for review and
  archiving it: the course's instructors while they hold the Mentor role, and staff;
- publishing and returning to draft: staff only (``accounts.policies.user_is_staff``).

The rules live in ``courses.policies``. A refusal raises ``AuthoringDenied``, a
``kalpla.exceptions.PermissionDenied``: 403 for the API and, uncaught, the 403 page on the site.

Workflow: draft -> review (submit, needs a lesson) -> published (staff) -> archived; staff
can return a course in review or published to draft with a note for its mentors.

Modules and lessons added to a course that has gone live (published or archived) start as
drafts: students do not see them (outline, player, API, progress) until a mentor publishes
them (``lesson_set_published``, ``module_set_published``). A lesson added to a draft module
is released with the module. When lessons become visible, their live students are told once
(``courses.updated``) by ``courses.tasks.lessons_announce_task``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.selectors import staff_user_list
from courses.guards import require_author, require_editor, require_staff
from courses.models import Category, Course, Lesson, Module, Resource, Tag
from courses.services.changes import course_changed
from courses.services.media import files_delete_later, lesson_narration_later
from courses.signals import lessons_changed
from kalpla.exceptions import ApplicationError

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

Direction = Literal["up", "down"]

SLUG_MAX = 100
# First path segments under /courses/ that are not course pages.
RESERVED_SLUGS = frozenset({"teach", "reviews"})
# What a course's editors change, in the order the course form shows it (CourseForm's
# fields); tags and prerequisites are relations, set once the row is saved.
COURSE_EDITABLE = (
    "title",
    "subtitle",
    "description",
    "category",
    "tags",
    "level",
    "language",
    "price",
    "requires_cohort",
    "prerequisites",
)
COURSE_RELATIONS = ("tags", "prerequisites")
# The row's columns course_update writes (the currency is not on the form yet).
COURSE_FIELDS = (*(n for n in COURSE_EDITABLE if n not in COURSE_RELATIONS), "currency")
# What a lesson's editors change, in the order the lesson form shows it (LessonForm's fields).
LESSON_FIELDS = (
    "title",
    "kind",
    "is_preview",
    "is_required",
    "duration",
    "release",
    "release_days",
    "release_date",
    "content",
)
# created_by is null=True without blank=True: courses made in the admin or imported have none.
COURSE_CLEAN_EXCLUDE = ["created_by"]


# --- after every change ---------------------------------------------------------------------


def course_duration_refresh(*, course_id: int) -> int:
    """Course.estimated_duration = the sum of its visible lesson durations (seconds)."""
    lessons = Lesson.objects.visible().filter(course_id=course_id)
    total = lessons.aggregate(total=Sum("duration"))["total"]
    Course.objects.filter(pk=course_id).update(estimated_duration=total or 0)
    return int(total or 0)


def course_lessons_changed(*, course: Course) -> None:
    """The set of lessons students see (or which are required) may have changed: once this
    commits, the duration is recomputed and ``lessons_changed`` tells the apps that count
    lessons (enrollment progress)."""
    course_duration_refresh(course_id=course.pk)
    course_id = course.pk
    transaction.on_commit(lambda: lessons_changed.send_robust(sender=Course, course_id=course_id))


def _starts_as_draft(course: Course) -> bool:
    """Content added to a course students can already open waits for its mentor."""
    return course.status in (Course.Status.PUBLISHED, Course.Status.ARCHIVED)


def _announce_later(course: Course) -> None:
    from courses.tasks import lessons_announce_task

    course_id = course.pk
    transaction.on_commit(lambda: lessons_announce_task.delay(course_id=course_id))


# --- courses ----------------------------------------------------------------------------------


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:SLUG_MAX].strip("-") or "course"
    queryset = Course.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    taken = set(queryset.values_list("slug", flat=True)) | RESERVED_SLUGS
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _set_prerequisites(course: Course, prerequisites: Iterable[Course]) -> None:
    wanted = {p.pk: p for p in prerequisites}
    if course.pk in wanted:
        raise ValidationError({"prerequisites": [_("A course cannot require itself.")]})
    # Walk what the chosen courses require: reaching this course would make a cycle.
    frontier, seen = set(wanted), set(wanted)
    while frontier:
        found = set(
            Course.prerequisites.through.objects.filter(from_course_id__in=frontier).values_list(
                "to_course_id", flat=True
            )
        )
        if course.pk in found:
            raise ValidationError(
                {"prerequisites": [_("These prerequisites would make a circular requirement.")]}
            )
        frontier = found - seen
        seen |= found
    course.prerequisites.set(list(wanted.values()))


@transaction.atomic
def course_create(
    *,
    user: User,
    title: str,
    subtitle: str = "",
    description: str = "",
    category: Category | None = None,
    tags: Iterable[Tag] = (),
    level: str = Course.Level.ALL,
    language: str = "en",
    price: Decimal = Decimal("0.00"),
    currency: str = "INR",
    requires_cohort: bool = False,
    prerequisites: Iterable[Course] = (),
) -> Course:
    """A draft course with ``user`` as its first instructor and a unique slug from the title."""
    require_author(user)
    course = Course(
        title=title.strip(),
        subtitle=subtitle.strip(),
        description=description,
        category=category,
        level=level,
        language=language,
        price=price,
        currency=currency,
        requires_cohort=requires_cohort,
        created_by=user,
        status=Course.Status.DRAFT,
    )
    course.slug = _unique_slug(course.title)
    course.full_clean()
    try:
        with transaction.atomic():
            course.save()
    except IntegrityError:
        # Someone took the same slug between our check and the insert.
        course.slug = f"{course.slug[: SLUG_MAX - 7]}-{get_random_string(6).lower()}"
        course.save()
    course.instructors.add(user)
    course.tags.set(list(tags))
    _set_prerequisites(course, prerequisites)
    course_changed(course=course)
    return course


@transaction.atomic
def course_update(*, user: User, course: Course, data: dict[str, Any]) -> Course:
    """Change the fields present in ``data`` (COURSE_FIELDS, ``tags``, ``prerequisites``).

    The slug never changes: links to the course keep working.
    """
    require_editor(user, course)
    changed = [name for name in COURSE_FIELDS if name in data]
    for name in changed:
        value = data[name]
        setattr(course, name, value.strip() if name in ("title", "subtitle") else value)
    course.full_clean(exclude=COURSE_CLEAN_EXCLUDE)
    course.save(update_fields=[*changed, "updated_at"])
    if "tags" in data:
        course.tags.set(list(data["tags"]))
    if "prerequisites" in data:
        _set_prerequisites(course, data["prerequisites"])
    course_changed(course=course)
    return course


# --- workflow ---------------------------------------------------------------------------------


def _locked(course: Course) -> Course:
    """Re-read the course under a row lock so two workflow steps cannot interleave."""
    return Course.objects.select_for_update().get(pk=course.pk)


def _set_status(course: Course, locked: Course, new_status: str, **extra: Any) -> Course:
    locked.status = new_status
    for name, value in extra.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=COURSE_CLEAN_EXCLUDE)
    locked.save(update_fields=["status", *extra, "updated_at"])
    course.status = locked.status
    for name in extra:
        setattr(course, name, getattr(locked, name))
    course_changed(course=locked)
    return course


@transaction.atomic
def course_submit_for_review(*, user: User, course: Course) -> Course:
    require_editor(user, course)
    locked = _locked(course)
    if locked.status != Course.Status.DRAFT:
        raise ApplicationError(
            _("Only a draft can be submitted for review (this course is %(status)s).")
            % {"status": locked.get_status_display()},
            code="invalid_status",
        )
    if not Lesson.objects.visible().filter(course=locked).exists():
        raise ApplicationError(
            _("Add at least one lesson before submitting the course for review."),
            code="no_lessons",
        )
    _set_status(course, locked, Course.Status.REVIEW)
    course_id, by_id = course.pk, user.pk
    stamp = int(locked.updated_at.timestamp())
    transaction.on_commit(
        lambda: course_submitted_notify(course_id=course_id, by_id=by_id, stamp=stamp)
    )
    return course


@transaction.atomic
def course_publish(*, user: User, course: Course) -> Course:
    """Review -> published (staff). The course's mentors are told once this commits."""
    require_staff(user)
    locked = _locked(course)
    if locked.status != Course.Status.REVIEW:
        raise ApplicationError(
            _("Only a course in review can be published (this course is %(status)s).")
            % {"status": locked.get_status_display()},
            code="invalid_status",
        )
    if not Lesson.objects.visible().filter(course=locked).exists():
        raise ApplicationError(
            _("A course without lessons cannot be published."), code="no_lessons"
        )
    published_at = locked.published_at or timezone.now()
    _set_status(course, locked, Course.Status.PUBLISHED, published_at=published_at)
    course_id, stamp = course.pk, int(published_at.timestamp())
    transaction.on_commit(lambda: course_published_notify(course_id=course_id, stamp=stamp))
    # Lessons reviewed with the course go live with it: students (if any, after a return to
    # draft) hear of the new ones, and none is announced again later.
    _announce_later(course)
    course_lessons_changed(course=course)
    return course


@transaction.atomic
def course_archive(*, user: User, course: Course) -> Course:
    """Take a course out of the catalogue (its instructors or staff); enrolments stay."""
    require_editor(user, course)
    locked = _locked(course)
    if locked.status == Course.Status.ARCHIVED:
        return course
    return _set_status(course, locked, Course.Status.ARCHIVED)


@transaction.atomic
def course_return_to_draft(*, user: User, course: Course, note: str = "") -> Course:
    """Staff send a course back to its mentors; ``note`` says what to change."""
    require_staff(user)
    locked = _locked(course)
    if locked.status == Course.Status.DRAFT:
        raise ApplicationError(_("This course is already a draft."), code="invalid_status")
    _set_status(course, locked, Course.Status.DRAFT)
    course_id, note = course.pk, note.strip()
    transaction.on_commit(lambda: course_returned_notify(course_id=course_id, note=note))
    return course


# --- notifications ----------------------------------------------------------------------------


def _course_url(course: Course) -> str:
    return reverse("courses:detail", kwargs={"slug": course.slug})


def course_published_notify(*, course_id: int, stamp: int = 0) -> None:
    from notifications.services.notify import notify  # avoids an import cycle at start-up

    course = Course.objects.filter(pk=course_id).first()
    if course is None or course.status != Course.Status.PUBLISHED:
        return
    notify(
        recipients=course.instructors.filter(is_active=True),
        kind="courses.published",
        context={"course_title": course.title, "course_slug": course.slug},
        url=_course_url(course),
        dedupe_key=f"courses.published:{course.pk}:{stamp}",
    )


def course_submitted_notify(*, course_id: int, by_id: int, stamp: int = 0) -> None:
    """Tell staff a course waits for their review (once per submission)."""
    from notifications.services.notify import notify

    course = Course.objects.filter(pk=course_id, status=Course.Status.REVIEW).first()
    if course is None:
        return
    mentor = get_user_model().objects.filter(pk=by_id).first()
    notify(
        recipients=staff_user_list(),
        kind="courses.submitted",
        context={
            "course_title": course.title,
            "course_slug": course.slug,
            "mentor_name": (mentor.name or mentor.get_short_name()) if mentor else "",
        },
        url=reverse("courses:teach_review"),
        dedupe_key=f"courses.submitted:{course.pk}:{stamp}",
    )


def course_returned_notify(*, course_id: int, note: str) -> None:
    from notifications.services.notify import notify

    course = Course.objects.filter(pk=course_id).first()
    if course is None:
        return
    notify(
        recipients=course.instructors.filter(is_active=True),
        kind="courses.returned",
        context={"course_title": course.title, "course_slug": course.slug, "note": note},
        url=reverse("courses:teach_course", kwargs={"slug": course.slug}),
    )


# --- modules ----------------------------------------------------------------------------------


def _next_order(queryset: Any) -> int:
    highest = queryset.aggregate(highest=Max("order"))["highest"]
    return 0 if highest is None else int(highest) + 1


@transaction.atomic
def module_create(*, user: User, course: Course, title: str, description: str = "") -> Module:
    require_editor(user, course)
    _locked(course)
    module = Module(
        course=course,
        title=title.strip(),
        description=description,
        order=_next_order(Module.objects.filter(course=course)),
        is_published=not _starts_as_draft(course),
    )
    module.full_clean()
    module.save()
    course_changed(course=course)
    return module


@transaction.atomic
def module_update(
    *, user: User, module: Module, title: str, description: str | None = None
) -> Module:
    require_editor(user, module.course)
    module.title = title.strip()
    fields = ["title"]
    if description is not None:
        module.description = description
        fields.append("description")
    module.full_clean()
    module.save(update_fields=fields)
    course_changed(course=module.course)
    return module


@transaction.atomic
def module_delete(*, user: User, module: Module) -> None:
    """Delete a module with its lessons."""
    course = module.course
    require_editor(user, course)
    _locked(course)
    module.delete()
    _renumber(list(Module.objects.filter(course=course).order_by("order", "id")))
    course_lessons_changed(course=course)
    course_changed(course=course)


def _renumber(items: list[Any]) -> None:
    changed = []
    for position, item in enumerate(items):
        if item.order != position:
            item.order = position
            changed.append(item)
    if changed:
        type(changed[0]).objects.bulk_update(changed, ["order"])


def _move(items: list[Any], target: Any, direction: Direction) -> None:
    index = next(i for i, item in enumerate(items) if item.pk == target.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    _renumber(items)
    target.order = next(item.order for item in items if item.pk == target.pk)


@transaction.atomic
def module_move(*, user: User, module: Module, direction: Direction) -> Module:
    """One place up or down; the first stays first and the last stays last."""
    require_editor(user, module.course)
    _locked(module.course)
    _move(
        list(Module.objects.filter(course=module.course).order_by("order", "id")), module, direction
    )
    course_changed(course=module.course)
    return module


def _reorder(items: list[Any], ids: list[int], what: str) -> None:
    by_id = {item.pk: item for item in items}
    if sorted(ids) != sorted(by_id):
        raise ValidationError(_("Send every %(what)s of this list exactly once.") % {"what": what})
    _renumber([by_id[pk] for pk in ids])


@transaction.atomic
def module_reorder(*, user: User, course: Course, module_ids: list[int]) -> None:
    """Put the course's modules in the order given (drag and drop)."""
    require_editor(user, course)
    _locked(course)
    _reorder(list(Module.objects.filter(course=course)), module_ids, _("module"))
    course_changed(course=course)


# --- lessons ----------------------------------------------------------------------------------


def _validate_lesson(lesson: Lesson) -> None:
    errors: dict[str, list[str]] = {}
    if lesson.release == Lesson.Release.AFTER_DAYS and not lesson.release_days:
        errors["release_days"] = [_("Say after how many days of enrolment it opens.")]
    if lesson.release == Lesson.Release.ON_DATE and lesson.release_date is None:
        errors["release_date"] = [_("Choose the date the lesson opens.")]
    if lesson.release != Lesson.Release.AFTER_DAYS:
        lesson.release_days = 0
    if lesson.release != Lesson.Release.ON_DATE:
        lesson.release_date = None
    if errors:
        raise ValidationError(errors)
    lesson.full_clean()


@transaction.atomic
def lesson_create(
    *,
    user: User,
    module: Module,
    title: str,
    kind: str = Lesson.Kind.TEXT,
    is_preview: bool = False,
    is_required: bool = True,
    duration: int = 0,
    release: str = Lesson.Release.IMMEDIATE,
    release_days: int = 0,
    release_date: datetime | None = None,
    content: str = "",
) -> Lesson:
    """Add a lesson at the end of ``module``. In a course students can open, it is a draft
    (unless the module itself is one: then it is released with the module)."""
    course = module.course
    require_editor(user, course)
    _locked(course)
    lesson = Lesson(
        module=module,
        course=course,
        title=title.strip(),
        kind=kind,
        is_preview=is_preview,
        is_required=is_required,
        duration=duration,
        release=release,
        release_days=release_days,
        release_date=release_date,
        content=content,
        order=_next_order(Lesson.objects.filter(module=module)),
        is_published=not _starts_as_draft(course) or not module.is_published,
    )
    _validate_lesson(lesson)
    lesson.save()
    if lesson.is_published and module.is_published:
        course_lessons_changed(course=course)
    if lesson.kind == Lesson.Kind.TEXT and lesson.content.strip():
        lesson_narration_later(lesson=lesson)
    course_changed(course=course)
    return lesson


@transaction.atomic
def lesson_update(*, user: User, lesson: Lesson, data: dict[str, Any]) -> Lesson:
    """Change the LESSON_FIELDS present in ``data``; new text is narrated again."""
    require_editor(user, lesson.course)
    changed = [name for name in LESSON_FIELDS if name in data]
    old_kind, old_content = lesson.kind, lesson.content
    for name in changed:
        value = data[name]
        setattr(lesson, name, value.strip() if name == "title" else value)
    if lesson.kind != old_kind and lesson.media:
        raise ValidationError({"kind": [_("Remove the media file before changing the kind.")]})
    _validate_lesson(lesson)
    fields = sorted({*changed, "release_days", "release_date", "updated_at"})
    lesson.save(update_fields=fields)
    if "is_required" in changed:
        course_lessons_changed(course=lesson.course)
    elif "duration" in changed:
        course_duration_refresh(course_id=lesson.course_id)
    if lesson.kind == Lesson.Kind.TEXT and (lesson.content != old_content or old_kind != "text"):
        lesson_narration_later(lesson=lesson)
    course_changed(course=lesson.course)
    return lesson


@transaction.atomic
def lesson_delete(*, user: User, lesson: Lesson) -> None:
    course, module = lesson.course, lesson.module
    require_editor(user, course)
    _locked(course)
    files = [lesson.media, lesson.poster, lesson.captions, lesson.narration]
    names = [f.name or "" for f in files if f]
    names += [r.file.name or "" for r in lesson.resources.all() if r.file]
    lesson.delete()
    _renumber(list(Lesson.objects.filter(module=module).order_by("order", "id")))
    course_lessons_changed(course=course)
    files_delete_later(names=names)
    course_changed(course=course)


@transaction.atomic
def lesson_move(*, user: User, lesson: Lesson, direction: Direction) -> Lesson:
    """One place up or down within its module."""
    require_editor(user, lesson.course)
    _locked(lesson.course)
    siblings = list(Lesson.objects.filter(module_id=lesson.module_id).order_by("order", "id"))
    _move(siblings, lesson, direction)
    course_changed(course=lesson.course)
    return lesson


@transaction.atomic
def lesson_reorder(*, user: User, module: Module, lesson_ids: list[int]) -> None:
    """Put the module's lessons in the order given (drag and drop)."""
    require_editor(user, module.course)
    _locked(module.course)
    _reorder(list(Lesson.objects.filter(module=module)), lesson_ids, _("lesson"))
    course_changed(course=module.course)


# --- publishing modules and lessons ---------------------------------------------------------


def lesson_has_content(*, lesson: Lesson) -> bool:
    """Whether a student opening the lesson finds something: its text, or its media ready
    (a file lesson: a file or a resource)."""
    if lesson.kind in (Lesson.Kind.VIDEO, Lesson.Kind.AUDIO):
        return bool(lesson.media) and lesson.media_status == Lesson.MediaStatus.READY
    if lesson.kind == Lesson.Kind.FILE:
        return bool(lesson.media) or (lesson.pk is not None and bool(lesson.resources.all()))
    return bool(lesson.content.strip())


@transaction.atomic
def lesson_set_published(*, user: User, lesson: Lesson, published: bool) -> Lesson:
    """Publish a draft lesson (or take it back to draft). Once it is visible (its module
    published too) in a published course, its students are told, once ever."""
    require_editor(user, lesson.course)
    _locked(lesson.course)
    if published and not lesson_has_content(lesson=lesson):
        raise ApplicationError(
            _(
                "This lesson has nothing to show yet: add its text, or wait until its media "
                "is ready, before publishing it."
            ),
            code="lesson_empty",
        )
    if lesson.is_published != published:
        lesson.is_published = published
        lesson.save(update_fields=["is_published", "updated_at"])
        _visible_lessons_changed(lesson.course, announce=published)
    return lesson


@transaction.atomic
def module_set_published(*, user: User, module: Module, published: bool) -> Module:
    """Publish a draft module with its published lessons (or take it back to draft)."""
    require_editor(user, module.course)
    _locked(module.course)
    if published:
        lessons = module.lessons.filter(is_published=True).prefetch_related("resources")
        empty = [lesson.title for lesson in lessons if not lesson_has_content(lesson=lesson)]
        if empty:
            raise ApplicationError(
                _(
                    "These lessons have nothing to show yet: add their text or media, or take "
                    "them back to draft, before publishing the module: %(titles)s."
                )
                % {"titles": ", ".join(empty)},
                code="lesson_empty",
            )
    if module.is_published != published:
        module.is_published = published
        module.save(update_fields=["is_published"])
        _visible_lessons_changed(module.course, announce=published)
    return module


def course_content_saved(*, course: Course) -> None:
    """After staff edited modules or lessons directly (the admin): progress, duration and
    caches follow, and lessons that became visible are announced (once)."""
    _visible_lessons_changed(course, announce=True)


def _visible_lessons_changed(course: Course, *, announce: bool) -> None:
    course_lessons_changed(course=course)
    if announce and course.status == Course.Status.PUBLISHED:
        _announce_later(course)
    course_changed(course=course)


# --- resources --------------------------------------------------------------------------------


@transaction.atomic
def resource_add(*, user: User, lesson: Lesson, title: str, file: Any) -> Resource:
    """Attach a document; ``file`` is an uploaded file (validated as a document here)."""
    from files.uploads import validate_upload

    require_editor(user, lesson.course)
    info = validate_upload(file, kind="document")
    resource = Resource(lesson=lesson, title=title.strip() or getattr(file, "name", ""))
    resource.file.save(f"resource{info.extension}", file, save=False)
    try:
        resource.full_clean()
    except ValidationError:
        resource.file.delete(save=False)
        raise
    resource.save()
    course_changed(course=lesson.course)
    return resource


@transaction.atomic
def resource_remove(*, user: User, resource: Resource) -> None:
    lesson = resource.lesson
    require_editor(user, lesson.course)
    name = resource.file.name or ""
    resource.delete()
    files_delete_later(names=[name])
    course_changed(course=lesson.course)
