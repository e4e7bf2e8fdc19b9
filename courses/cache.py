"""What retires the cached course data: the one place that invalidates it.

Scopes (versions in ``kalpla.cache``):

- ``courses:<id>``: everything cached about one course: its outline, the rendered outline
  section, the course page's public parts, and its card on the catalogue's pages (a cached
  page remembers the version of every course it shows and is rebuilt when one moved);
- ``courses:catalogue``: which courses the catalogue's pages list, in which order, and the
  category counts beside them: publishing, archiving, and changes of the fields the pages
  filter and sort on (status, category, level, language, price, publication date, rating),
  and of category and tag names, which every card may show;
- ``courses:reviews:<id>``: the reviews part of a course page.

The receivers below are the only invalidation of saves and deletes of courses, modules,
lessons, tags, categories and reviews, and of a course's tags, instructors and
prerequisites, from anywhere (services, the admin, imports). Writes with ``update()`` fire no
signal; the few whose fields are cached (ratings, cover thumbnails, enrollment counts, which
the enrollments app moves through ``courses.services.catalogue``) call ``course_card_updated``
once.

The readers (get from the cache or build) are in ``courses.selectors.cached``.
"""

from typing import Any

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from courses.models import Category, Course, Lesson, Module, Review, Tag
from kalpla.cache import cache_version_bump_on_commit

SCHEMA = 6
"""Bump when a cached shape changes: old entries are then simply never read."""
OUTLINE_TTL = 60 * 60 * 24
CATALOGUE_TTL = 60
PAGE_TTL = 60
CATALOGUE = "courses:catalogue"

# The course fields the catalogue's cached pages filter or sort on: a change can move a
# course onto, off or within other pages than its own.
CATALOGUE_FIELDS = (
    "status",
    "category_id",
    "level",
    "language",
    "price",
    "published_at",
    "rating_average",
    "rating_count",
)


def course_scope(course_id: int) -> str:
    return f"courses:{course_id}"


def reviews_scope(course_id: int) -> str:
    return f"courses:reviews:{course_id}"


def course_invalidate(*, course_id: int, catalogue: bool = False) -> None:
    """Retire what is cached about one course (and, with ``catalogue``, the page lists)."""
    scopes = [course_scope(course_id)]
    if catalogue:
        scopes.append(CATALOGUE)
    cache_version_bump_on_commit(*scopes)


def course_card_updated(*, course_id: int, catalogue_fields: bool = False) -> None:
    """For writes with ``update()`` to cached course fields (no signal tells the receivers)."""
    course_invalidate(course_id=course_id, catalogue=catalogue_fields)


def _catalogue_fields_changed(course: Course, update_fields: Any) -> bool:
    fields: set[str] = set(CATALOGUE_FIELDS)
    if update_fields is not None:
        fields &= {getattr(Course._meta.get_field(name), "attname", name) for name in update_fields}
        if not fields:
            return False
    loaded = course.loaded_values()
    if loaded is None:
        return True  # not read from the database: nothing to compare with
    return any(name not in loaded or loaded[name] != getattr(course, name) for name in fields)


@receiver(post_save, sender=Course, dispatch_uid="courses.cache.course_saved")
def _course_saved(
    sender: type[Course], instance: Course, created: bool, update_fields: Any, **kwargs: Any
) -> None:
    catalogue = created or _catalogue_fields_changed(instance, update_fields)
    course_invalidate(course_id=instance.pk, catalogue=catalogue)
    instance.remember_loaded_values()  # the next save compares with what this one wrote


@receiver(post_delete, sender=Course, dispatch_uid="courses.cache.course_deleted")
def _course_deleted(sender: type[Course], instance: Course, **kwargs: Any) -> None:
    course_invalidate(course_id=instance.pk, catalogue=True)


@receiver(post_save, sender=Module, dispatch_uid="courses.cache.module_saved")
@receiver(post_delete, sender=Module, dispatch_uid="courses.cache.module_deleted")
@receiver(post_save, sender=Lesson, dispatch_uid="courses.cache.lesson_saved")
@receiver(post_delete, sender=Lesson, dispatch_uid="courses.cache.lesson_deleted")
def _outline_changed(sender: type[Model], instance: Module | Lesson, **kwargs: Any) -> None:
    # The outline and the card's lesson count and duration; no other course's card.
    course_invalidate(course_id=instance.course_id)


@receiver(post_save, sender=Tag, dispatch_uid="courses.cache.tag_saved")
@receiver(post_delete, sender=Tag, dispatch_uid="courses.cache.tag_deleted")
@receiver(post_save, sender=Category, dispatch_uid="courses.cache.category_saved")
@receiver(post_delete, sender=Category, dispatch_uid="courses.cache.category_deleted")
def _names_changed(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    cache_version_bump_on_commit(CATALOGUE)


@receiver(m2m_changed, sender=Course.tags.through, dispatch_uid="courses.cache.tags")
@receiver(m2m_changed, sender=Course.instructors.through, dispatch_uid="courses.cache.instructors")
@receiver(
    m2m_changed, sender=Course.prerequisites.through, dispatch_uid="courses.cache.prerequisites"
)
def _course_relations_changed(
    sender: type[Model], instance: Model, action: str, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    # Cards and course pages show tags, instructors and prerequisites; the cached pages do
    # not filter on them, so only the courses concerned are retired.
    if isinstance(instance, Course) and not kwargs.get("reverse"):
        course_invalidate(course_id=instance.pk)
        return
    # Changed from the other side (a tag, a user, a prerequisite): the ids are courses'.
    ids = pk_set or ()
    if action == "post_clear" or not ids:
        cache_version_bump_on_commit(CATALOGUE)  # which courses is not known any more
        return
    cache_version_bump_on_commit(*(course_scope(course_id) for course_id in ids))


@receiver(post_save, sender=Review, dispatch_uid="courses.cache.review_saved")
@receiver(post_delete, sender=Review, dispatch_uid="courses.cache.review_deleted")
def _reviews_changed(sender: type[Model], instance: Review, **kwargs: Any) -> None:
    cache_version_bump_on_commit(reviews_scope(instance.course_id))
