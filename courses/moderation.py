"""What moderators see of flagged reviews and course covers, and how they are hidden."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from courses.file_links import course_cover_link
from courses.models import Course, Review
from courses.selectors.catalogue import course_thumbnail_url
from courses.services import media, reviews
from moderation.services import ModerationTarget, moderation_register


def review_describe(review: Review) -> ModerationTarget:
    course = review.course
    url = reverse("courses:detail", args=[course.slug]) + f"#review-{review.pk}"
    title = _("Review of “%(course)s”, %(stars)s/5") % {
        "course": course.title,
        "stars": review.rating,
    }
    return ModerationTarget(
        kind="review", title=title, text=review.text, url=url, author=review.user
    )


def review_take_down(review: Review, by: Any) -> None:
    reviews.review_hide(review=review, by=by, hidden=True)


def review_keep(review: Review, by: Any) -> None:
    reviews.review_release(review=review, by=by)


def course_describe(course: Course) -> ModerationTarget:
    # The new cover is the one to judge. Its link works only while the viewer moderates
    # (or edits the course): the queue may be shown to someone who later loses the role.
    image = course_cover_link(course=course, pending=bool(course.cover_pending))
    if not image:
        image = course_thumbnail_url(course) or ""
    return ModerationTarget(
        kind="course",
        title=_("Cover of “%(course)s”") % {"course": course.title},
        text=course.subtitle,
        url=reverse("courses:detail", args=[course.slug]),
        image_url=image,
    )


def course_take_down(course: Course, by: Any) -> None:
    """A cover waiting for review is discarded (the current one stays); else the cover goes."""
    if course.cover_pending:
        media.course_cover_discard(course=course, by=by)
    else:
        media.course_cover_remove(user=by, course=course)


def course_keep(course: Course, by: Any) -> None:
    media.course_cover_keep(course=course, by=by)


def register() -> None:
    moderation_register(
        Review,
        describe=review_describe,
        hide=review_take_down,
        keep=review_keep,
        related=("course", "user"),
    )
    moderation_register(Course, describe=course_describe, hide=course_take_down, keep=course_keep)
