"""Mentorship requests: a student asks a mentor; the mentor accepts (a mentorship starts) or
declines with a reason; the student may withdraw a pending request."""

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalpla.exceptions import Conflict, NotFound, ValidationError
from mentorship.models import MentorProfile, Mentorship, MentorshipRequest
from mentorship.selectors.directory import OPEN_STATUSES
from mentorship.services.notices import mentorship_changed_on_commit, notify_on_commit


def _open_mentorship_exists(*, mentor_id: int, mentee_id: int) -> bool:
    return Mentorship.objects.filter(
        mentor_id=mentor_id, mentee_id=mentee_id, status__in=OPEN_STATUSES
    ).exists()


@transaction.atomic
def mentorship_request_create(
    *,
    mentee: Any,
    mentor: MentorProfile,
    message: str,
    course: Any = None,
    topics: Iterable[Any] = (),
) -> MentorshipRequest:
    """Ask ``mentor`` for mentoring. ``course`` (optional) is one the mentee takes; ``topics``
    are tags."""
    if mentor.user_id == mentee.pk:
        raise ValidationError(_("You cannot ask yourself for mentoring."), code="own_profile")
    if not (mentor.is_listed and mentor.is_accepting and mentor.user.is_active):
        raise Conflict(
            _("This mentor is not taking new mentees at the moment."), code="not_accepting"
        )
    message = (message or "").strip()
    if not message:
        raise ValidationError(
            _("Say what you would like help with."),
            code="message_required",
            errors={"message": [_("This field is required.")]},
        )
    if _open_mentorship_exists(mentor_id=mentor.user_id, mentee_id=mentee.pk):
        raise Conflict(_("This mentor already mentors you."), code="already_mentored")
    pending = MentorshipRequest.objects.filter(
        mentee_id=mentee.pk, mentor_id=mentor.user_id, status=MentorshipRequest.Status.PENDING
    )
    if pending.exists():
        raise Conflict(_("You have already asked this mentor."), code="already_requested")
    request = MentorshipRequest(mentee=mentee, mentor=mentor.user, course=course, message=message)
    request.full_clean()
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:  # a second request in the same instant
        raise Conflict(_("You have already asked this mentor."), code="already_requested") from exc
    topics = list(topics)
    if topics:
        request.topics.set(topics)
    notify_on_commit(
        recipient=mentor.user,
        kind="mentorship.request_received",
        context={
            "mentee_name": mentee.display_name,
            "message": message[:300],
            "topics": ", ".join(t.name for t in topics),
        },
        url_name="mentorship:requests",
    )
    return request


def _locked_request(request: MentorshipRequest) -> MentorshipRequest:
    return (
        MentorshipRequest.objects.select_for_update()
        .select_related("mentor", "mentee")
        .get(pk=request.pk)
    )


def _decide_check(request: MentorshipRequest, by: Any) -> None:
    if request.mentor_id != by.pk:
        raise NotFound(_("No such request."))
    if request.status != MentorshipRequest.Status.PENDING:
        raise Conflict(_("This request has been answered already."), code="not_pending")


@transaction.atomic
def mentorship_request_accept(*, request: MentorshipRequest, by: Any) -> Mentorship:
    """The mentor says yes: an active mentorship starts today. Capacity is checked under a
    lock on the mentor's profile, so two accepts at once cannot both take the last place."""
    request = _locked_request(request)
    _decide_check(request, by)
    profile = MentorProfile.objects.select_for_update().filter(user_id=by.pk).first()
    if profile is None:
        raise Conflict(_("Create your mentor profile first."), code="no_profile")
    taken = Mentorship.objects.filter(mentor_id=by.pk, status__in=OPEN_STATUSES).count()
    if taken >= profile.capacity:
        raise Conflict(
            _("You mentor as many people as your capacity allows (%(n)d).")
            % {"n": profile.capacity},
            code="over_capacity",
        )
    if _open_mentorship_exists(mentor_id=by.pk, mentee_id=request.mentee_id):
        raise Conflict(_("You already mentor this person."), code="already_mentored")
    mentorship = Mentorship(
        mentor=request.mentor,
        mentee=request.mentee,
        course_id=request.course_id,
        status=Mentorship.Status.ACTIVE,
        started_on=timezone.localdate(),
    )
    mentorship.full_clean()
    mentorship.save()
    request.status = MentorshipRequest.Status.ACCEPTED
    request.responded_at = timezone.now()
    request.mentorship = mentorship
    request.save(update_fields=["status", "responded_at", "mentorship"])
    notify_on_commit(
        recipient=request.mentee,
        kind="mentorship.request_accepted",
        context={"mentor_name": request.mentor.display_name},
        url_name="mentorship:mentorship",
        url_kwargs={"mentorship_id": mentorship.pk},
    )
    mentorship_changed_on_commit(mentorship=mentorship, by=by, change="started")
    return mentorship


@transaction.atomic
def mentorship_request_decline(
    *, request: MentorshipRequest, by: Any, reason: str
) -> MentorshipRequest:
    request = _locked_request(request)
    _decide_check(request, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Tell the student why."),
            code="reason_required",
            errors={"reason": [_("This field is required.")]},
        )
    request.status = MentorshipRequest.Status.DECLINED
    request.decline_reason = reason
    request.responded_at = timezone.now()
    request.full_clean()
    request.save(update_fields=["status", "decline_reason", "responded_at"])
    notify_on_commit(
        recipient=request.mentee,
        kind="mentorship.request_declined",
        context={"mentor_name": request.mentor.display_name, "reason": reason},
        url_name="mentorship:directory",
    )
    return request


@transaction.atomic
def mentorship_request_withdraw(*, request: MentorshipRequest, by: Any) -> MentorshipRequest:
    request = _locked_request(request)
    if request.mentee_id != by.pk:
        raise NotFound(_("No such request."))
    if request.status != MentorshipRequest.Status.PENDING:
        raise Conflict(_("This request has been answered already."), code="not_pending")
    request.status = MentorshipRequest.Status.WITHDRAWN
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "responded_at"])
    return request
