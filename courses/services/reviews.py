"""Course reviews: write, reply, hide; the course's rating follows in the same transaction.

A review's sentiment is computed later by the job ``courses.review_sentiment`` (queued when
the text changes, run on commit) and stored on the review.
"""

from __future__ import annotations

import hashlib
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.tracking import track
from activity.verbs import Verb
from courses import policies
from courses.cache import course_card_updated
from courses.models import Course, Review
from courses.selectors.catalogue import is_enrolled
from courses.signals import review_reported
from jobs.models import ProcessingJob
from jobs.services import job_enqueue
from kalpla.exceptions import ApplicationError, Conflict, PermissionDenied
from moderation.models import ModerationItem
from moderation.screening import Analysis, screening_analyze, screening_apply
from moderation.services import moderation_flag

if TYPE_CHECKING:
    from accounts.models import User

SENTIMENT_JOB = "courses.review_sentiment"


def review_text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def course_rating_refresh(*, course: Course) -> Course:
    """Recompute ``rating_average``/``rating_count`` from visible reviews.

    Writes with ``update()`` so ``updated_at`` is left alone; the course's cached card and
    page, and the catalogue's lists (which sort and filter on ratings), are retired.
    """
    agg = Review.objects.filter(course=course, is_hidden=False, is_held=False).aggregate(
        average=Avg("rating"), count=Count("id")
    )
    average = Decimal(str(agg["average"] or 0)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    Course.objects.filter(pk=course.pk).update(rating_average=average, rating_count=agg["count"])
    course_card_updated(course_id=course.pk, catalogue_fields=True)
    course.rating_average = average
    course.rating_count = agg["count"]
    return course


def _lock_course(course: Course) -> None:
    # Serialises rating updates of one course: each transaction aggregates after the
    # previous one committed, so concurrent reviews never leave a stale average.
    Course.objects.select_for_update().filter(pk=course.pk).values_list("pk", flat=True).first()


@transaction.atomic
def review_create_or_update(*, user: User, course: Course, rating: int, text: str) -> Review:
    """Create the user's review of ``course`` or update it (one per user).

    Only enrolled students (active or completed enrollment) may review: 403 ``not_enrolled``.
    A new text is screened (``moderation.screening``): held (off the course page and its
    rating, shown to its author as held) when it scores above the hold threshold or when
    reviews are pre-moderated (``KALPLA_REVIEW_MODERATION=pre``); flagged into the queue when
    it scores above the flag threshold.
    """
    if not course.is_published:
        raise ApplicationError(_("This course is not open for reviews."), code="not_published")
    if not is_enrolled(user=user, course=course):
        raise PermissionDenied(
            _("Only students enrolled in this course can review it."), code="not_enrolled"
        )
    text = (text or "").strip()
    analysis = screening_analyze(text=text)  # before the course's lock
    _lock_course(course)
    review = Review.objects.filter(course=course, user=user).first()
    text_changed = review is None or review.text != text
    if review is None:
        review = Review(course=course, user=user)
    review.rating = rating
    review.text = text
    if text_changed:
        review.sentiment = ""
        review.sentiment_score = None
    review.full_clean()
    review.save()
    if text_changed:
        review_screen(review=review, analysis=analysis)
    course_rating_refresh(course=course)
    track(
        actor=user,
        verb=Verb.COURSE_RATED,
        object=course,
        result={"raw": int(rating), "score": round(int(rating) / 5, 4)},
    )
    if text_changed and text:
        review_sentiment_later(review=review)
    return review


def review_screen(*, review: Review, analysis: Analysis) -> Review:
    """Apply the reviews' moderation policy to the review's (new) text."""
    held = False
    if review.text:
        verdict = screening_apply(
            target=review,
            analysis=analysis,
            pre_moderated=settings.KALPLA_REVIEW_MODERATION == "pre",
            why_held="Reviews are pre-moderated.",
        )
        held = verdict.held
    if review.is_held != held:
        review.is_held = held
        review.save(update_fields=["is_held", "updated_at"])
    return review


def review_release(*, review: Review, by: User) -> Review:
    """A moderator approved the held review: it goes on the course page and into the rating."""
    if not policies.review_can_hide(user=by):
        raise PermissionDenied(_("Only moderators can approve reviews."), code="not_moderator")
    if review.is_held:
        _lock_course(review.course)
        review.is_held = False
        review.save(update_fields=["is_held", "updated_at"])
        course_rating_refresh(course=review.course)
    return review


def review_sentiment_later(*, review: Review) -> ProcessingJob:
    """Queue sentiment analysis of the review's current text (runs on commit)."""
    return job_enqueue(
        kind=SENTIMENT_JOB, target=review, params={"digest": review_text_digest(review.text)}
    )


@transaction.atomic
def review_reply(*, review: Review, by: User, text: str) -> Review:
    """Set (or, with empty text, remove) the instructor's reply. Course instructors only."""
    if not policies.review_can_reply(user=by, review=review):
        raise PermissionDenied(
            _("Only an instructor of this course can reply to its reviews."),
            code="not_instructor",
        )
    text = (text or "").strip()
    changed = text != review.reply
    review.reply = text
    review.replied_by = by if text else None
    review.replied_at = timezone.now() if text else None
    review.full_clean()
    review.save(update_fields=["reply", "replied_by", "replied_at", "updated_at"])
    if text and changed and review.user_id != by.pk:
        review_id, digest = review.pk, review_text_digest(text)
        transaction.on_commit(lambda: review_reply_notify(review_id=review_id, digest=digest))
    return review


REPLY_EXCERPT = 300


def review_reply_notify(*, review_id: int, digest: str) -> None:
    """Tell the review's author about the instructor's reply (once per reply text)."""
    from notifications.services.notify import notify  # avoids an import cycle at start-up

    review = Review.objects.select_related("course", "user", "replied_by").filter(pk=review_id)
    found = review.first()
    if found is None or not found.reply or review_text_digest(found.reply) != digest:
        return  # removed or edited since: the edit sends its own
    replier = found.replied_by
    excerpt = (
        found.reply if len(found.reply) <= REPLY_EXCERPT else found.reply[:REPLY_EXCERPT] + "…"
    )
    notify(
        recipients=[found.user],
        kind="courses.review_replied",
        context={
            "course_title": found.course.title,
            "course_slug": found.course.slug,
            "replier_name": (replier.name or replier.get_short_name()) if replier else "",
            "reply_excerpt": excerpt,
        },
        url=reverse("courses:detail", kwargs={"slug": found.course.slug}) + f"#review-{found.pk}",
        dedupe_key=f"courses.review_replied:{found.pk}:{digest}",
    )


@transaction.atomic
def review_hide(*, review: Review, by: User, hidden: bool) -> Review:
    """Hide or show a review (moderators and admins); the rating excludes hidden reviews."""
    if not policies.review_can_hide(user=by):
        raise PermissionDenied(_("Only moderators can hide reviews."), code="not_moderator")
    _lock_course(review.course)
    review.is_hidden = hidden
    review.save(update_fields=["is_hidden", "updated_at"])
    course_rating_refresh(course=review.course)
    return review


REPORT_DETAIL_MAX = 5000


@transaction.atomic
def review_report(*, review: Review, by: User, reason: str) -> ModerationItem:
    """A signed-in user reports someone else's review to the moderators.

    One pending queue item per review: later reports add their reason to it.
    """
    if review.user_id == by.pk:
        raise ApplicationError(
            _("You cannot report your own review; edit or delete it instead."),
            code="own_review",
        )
    if review.is_hidden:
        raise Conflict(_("This review is already hidden."), code="already_hidden")
    reason = " ".join((reason or "").split())[:500]
    line = _("Reported by %(name)s: %(reason)s") % {
        "name": by.name or by.get_short_name(),
        "reason": reason or _("no reason given"),
    }
    item = moderation_flag(
        target=review, reason=ModerationItem.Reason.REPORTED, detail=line, source="report"
    )
    if line not in item.detail:
        item.detail = f"{item.detail}\n{line}"[-REPORT_DETAIL_MAX:]
        item.save(update_fields=["detail"])
    review_reported.send(sender=Review, review=review, reporter=by, text=reason, item=item)
    return item
