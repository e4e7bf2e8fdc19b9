"""A mentorship's life: pause, resume, end. Either person may do each; staff may look but
not act. Ending cancels the sessions still booked in the future."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalpla.exceptions import Conflict, NotFound, ValidationError
from mentorship.models import Mentorship
from mentorship.policies import mentorship_is_participant
from mentorship.services.booking import sessions_cancel_ahead
from mentorship.services.notices import mentorship_changed_on_commit, notify_on_commit


def _locked(mentorship: Mentorship, by: Any) -> Mentorship:
    locked = (
        Mentorship.objects.select_for_update()
        .select_related("mentor", "mentee")
        .get(pk=mentorship.pk)
    )
    if not mentorship_is_participant(
        user=by, mentor_id=locked.mentor_id, mentee_id=locked.mentee_id
    ):
        raise NotFound(_("No such mentorship."))
    return locked


def _move(
    *, mentorship: Mentorship, by: Any, source: str, target: str, change: str, refusal: Conflict
) -> Mentorship:
    mentorship = _locked(mentorship, by)
    if mentorship.status != source:
        raise refusal
    mentorship.status = target
    mentorship.save(update_fields=["status", "updated_at"])
    mentorship_changed_on_commit(mentorship=mentorship, by=by, change=change)
    return mentorship


@transaction.atomic
def mentorship_pause(*, mentorship: Mentorship, by: Any) -> Mentorship:
    """Active -> paused. A paused mentorship keeps its place in the mentor's capacity."""
    return _move(
        mentorship=mentorship,
        by=by,
        source=Mentorship.Status.ACTIVE,
        target=Mentorship.Status.PAUSED,
        change="paused",
        refusal=Conflict(_("Only an active mentorship can be paused."), code="not_active"),
    )


@transaction.atomic
def mentorship_resume(*, mentorship: Mentorship, by: Any) -> Mentorship:
    return _move(
        mentorship=mentorship,
        by=by,
        source=Mentorship.Status.PAUSED,
        target=Mentorship.Status.ACTIVE,
        change="resumed",
        refusal=Conflict(_("Only a paused mentorship can be resumed."), code="not_paused"),
    )


@transaction.atomic
def mentorship_end(*, mentorship: Mentorship, by: Any, reason: str) -> Mentorship:
    """Either side ends it, saying why. Future booked sessions are cancelled (each with
    ``session_changed(change="cancelled")`` on commit); the other side is told."""
    mentorship = _locked(mentorship, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Say why the mentorship ends."),
            code="reason_required",
            errors={"reason": [_("This field is required.")]},
        )
    if mentorship.status == Mentorship.Status.ENDED:
        raise Conflict(_("This mentorship has ended already."), code="already_ended")
    now = timezone.now()
    mentorship.status = Mentorship.Status.ENDED
    mentorship.ended_at = now
    mentorship.ended_by = by
    mentorship.end_reason = reason
    mentorship.full_clean()
    mentorship.save()
    sessions_cancel_ahead(mentorship=mentorship, by=by, reason=_("The mentorship ended."), now=now)
    other = mentorship.mentee if by.pk == mentorship.mentor_id else mentorship.mentor
    notify_on_commit(
        recipient=other,
        kind="mentorship.mentorship_ended",
        context={"by_name": by.display_name, "reason": reason},
        url_name="mentorship:mentorship",
        url_kwargs={"mentorship_id": mentorship.pk},
    )
    mentorship_changed_on_commit(mentorship=mentorship, by=by, change="ended")
    return mentorship
