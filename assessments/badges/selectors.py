"""Reads of badges: the public documents' rows, a learner's badges, a course's badges for its
mentors. Each returns what its page shows in a bounded number of queries."""

import uuid
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from kalpla.exceptions import NotFound, PermissionDenied

from .models import BadgeAward, BadgeClass
from .policies import badge_can_manage, badge_credential_can_download


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def badge_class_by_uid(*, uid: Any) -> BadgeClass | None:
    key = _uuid(uid)
    if key is None:
        return None
    return BadgeClass.objects.select_related("course").filter(uid=key).first()


def badge_award_by_uid(*, uid: Any) -> BadgeAward | None:
    key = _uuid(uid)
    if key is None:
        return None
    return BadgeAward.objects.select_related("badge__course", "recipient").filter(uid=key).first()


def badge_award_for_download(*, uid: Any, user: Any) -> BadgeAward:
    """The award whose signed credential ``user`` may download (its recipient, staff)."""
    award = badge_award_by_uid(uid=uid)
    if award is None or not badge_credential_can_download(user=user, award=award):
        raise NotFound(_("Not found."))
    return award


def my_badges(*, user: Any) -> QuerySet[BadgeAward]:
    if not getattr(user, "is_authenticated", False):
        return BadgeAward.objects.none()
    return (
        BadgeAward.objects.filter(recipient=user)
        .select_related("badge__course")
        .order_by("-issued_at", "-id")
    )


def course_badges(*, course: Any, user: Any) -> QuerySet[BadgeClass]:
    """A course's badges with their counts of live awards, for its editors."""
    if not badge_can_manage(user=user, course=course):
        raise PermissionDenied(_("Only the course's mentors manage its badges."))
    return (
        BadgeClass.objects.filter(course=course)
        .annotate(award_count=Count("awards", filter=Q(awards__revoked_at__isnull=True)))
        .order_by("name", "id")
    )


def badge_get_for_editing(*, badge_id: int, user: Any) -> BadgeClass:
    badge = BadgeClass.objects.select_related("course").filter(pk=badge_id).first()
    if badge is None:
        raise NotFound(_("Not found."))
    if not badge_can_manage(user=user, course=badge.course):
        raise PermissionDenied(_("Only the course's mentors manage its badges."))
    return badge


def badge_awards(*, badge: BadgeClass) -> QuerySet[BadgeAward]:
    return (
        BadgeAward.objects.filter(badge=badge)
        .select_related("recipient", "awarded_by", "revoked_by")
        .order_by("-issued_at", "-id")
    )


def badge_award_get_for_editing(*, award_id: int, user: Any) -> BadgeAward:
    award = (
        BadgeAward.objects.select_related("badge__course", "recipient").filter(pk=award_id).first()
    )
    if award is None:
        raise NotFound(_("Not found."))
    if not badge_can_manage(user=user, course=award.badge.course):
        raise PermissionDenied(_("Only the course's mentors manage its badges."))
    return award


def badge_classes_earned_by_passing(*, course_id: int) -> QuerySet[BadgeClass]:
    """The badges a certificate for ``course_id`` earns: its course's, and platform-wide ones."""
    return BadgeClass.objects.filter(
        Q(course_id=course_id) | Q(course__isnull=True),
        trigger=BadgeClass.Trigger.COURSE_PASSED,
    ).select_related("course")


def my_badge_award(*, user: Any, award_id: int) -> BadgeAward:
    """One of the user's own awards (another user's is not found)."""
    award = my_badges(user=user).filter(pk=award_id).first()
    if award is None:
        raise NotFound(_("Not found."))
    return award
