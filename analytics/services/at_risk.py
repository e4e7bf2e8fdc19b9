"""Nudging at-risk learners: a reminder through notify(), logged, at most once a day each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics.kinds_campaigns import NUDGE_KIND
from analytics.models import Nudge
from analytics.policies import analytics_can_view_course
from analytics.selectors.at_risk import at_risk_learners, last_nudges
from kalpla.exceptions import Conflict, NotFound, PermissionDenied
from notifications.services.notify import notify

if TYPE_CHECKING:
    from courses.models import Course


@dataclass(frozen=True)
class NudgeOutcome:
    nudged: list[Nudge]
    skipped: list[int]
    """learners nudged within the cooldown already, left alone"""


def nudge_send(
    *,
    actor: Any,
    course: Course,
    learner_ids: list[int] | None = None,
    now: datetime | None = None,
) -> NudgeOutcome:
    """Nudge the course's at-risk learners ``learner_ids`` (None: the whole list).

    Only staff and the course's mentors may; a learner who is not at risk in this course is
    not found (a mentor never reaches another course's learners). A learner nudged within
    ``KALPLA_NUDGE_COOLDOWN_HOURS`` is skipped; asking for one such learner alone is a
    conflict. The learners' rows are locked so that two clicks at once nudge once.
    """
    if not analytics_can_view_course(user=actor, course=course):
        raise PermissionDenied(_("Only the course's mentors and staff can nudge its learners."))
    now = now or timezone.now()
    with transaction.atomic():
        at_risk = {x.user_id: x for x in at_risk_learners(course_id=course.pk, now=now)}
        wanted = list(at_risk) if learner_ids is None else list(dict.fromkeys(learner_ids))
        missing = [i for i in wanted if i not in at_risk]
        if missing:
            raise NotFound(_("This learner is not on the course's at-risk list."))
        users = list(
            get_user_model().objects.select_for_update().filter(pk__in=wanted).order_by("pk")
        )
        cooldown = now - timedelta(hours=settings.KALPLA_NUDGE_COOLDOWN_HOURS)
        recent = {
            learner_id
            for learner_id, at in last_nudges(course_id=course.pk, learner_ids=wanted).items()
            if at >= cooldown
        }
        if learner_ids is not None and len(wanted) == 1 and recent:
            raise Conflict(
                _("This learner was nudged less than a day ago."), code="nudged_recently"
            )
        fresh = [u for u in users if u.pk not in recent]
        notes = notify(
            recipients=fresh,
            kind=NUDGE_KIND,
            context={
                "course_title": course.title,
                "sender_name": actor.get_full_name(),
            },
            url=reverse("courses:detail", args=[course.slug]),
            now=now,
        )
        by_user = {n.recipient_id: n.pk for n in notes}
        nudges = Nudge.objects.bulk_create(
            [
                Nudge(
                    course=course,
                    learner=user,
                    nudged_by=actor,
                    reasons=at_risk[user.pk].reasons,
                    notification_id=by_user.get(user.pk),
                )
                for user in fresh
            ]
        )
    return NudgeOutcome(nudged=nudges, skipped=sorted(recent))
