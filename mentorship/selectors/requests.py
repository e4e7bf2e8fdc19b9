"""Reads of requests and mentorships for the people in them."""

from typing import Any

from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from courses.selectors.topics import tag_list
from kalpla.exceptions import NotFound
from mentorship.models import Mentorship, MentorshipRequest
from mentorship.policies import mentorship_can_view

DIRECTIONS = ("incoming", "outgoing")


def mentorship_request_list(
    *, user: Any, direction: str = "", status: str = ""
) -> QuerySet[MentorshipRequest]:
    """The user's requests, newest first: ``incoming`` (as mentor), ``outgoing`` (as
    student), or both."""
    if direction == "incoming":
        rows = MentorshipRequest.objects.filter(mentor_id=user.pk)
    elif direction == "outgoing":
        rows = MentorshipRequest.objects.filter(mentee_id=user.pk)
    else:
        rows = MentorshipRequest.objects.filter(Q(mentor_id=user.pk) | Q(mentee_id=user.pk))
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("mentor", "mentee", "course").prefetch_related(
        Prefetch("topics", queryset=tag_list())
    )


def mentorship_request_get(*, user: Any, mentorship_request_id: int) -> MentorshipRequest:
    """One of the user's requests (either side); anyone else's is not found."""
    found = mentorship_request_list(user=user).filter(pk=mentorship_request_id).first()
    if found is None:
        raise NotFound(_("No such request."))
    return found


def mentorship_list(*, user: Any, status: str = "") -> QuerySet[Mentorship]:
    """The user's mentorships on both sides: open ones first, then by start, newest first."""
    rows = Mentorship.objects.filter(Q(mentor_id=user.pk) | Q(mentee_id=user.pk))
    if status:
        rows = rows.filter(status=status)
    ended_last = Case(When(status=Mentorship.Status.ENDED, then=Value(1)), default=Value(0))
    return rows.select_related("mentor", "mentee", "course", "ended_by").order_by(
        ended_last, "-started_on", "-pk"
    )


def mentorship_get(*, user: Any, mentorship_id: int) -> Mentorship:
    """A mentorship for its two people and staff; anyone else: not found."""
    found = (
        Mentorship.objects.select_related("mentor", "mentee", "course", "ended_by")
        .filter(pk=mentorship_id)
        .first()
    )
    if found is None or not mentorship_can_view(
        user=user, mentor_id=found.mentor_id, mentee_id=found.mentee_id
    ):
        raise NotFound(_("No such mentorship."))
    return found
