"""What comes out of a session: notes, action items, the mentee's rating, no-shows, and the
clock completing sessions that took place.

Rules (README "Mentorship: progress"):

- Notes: the mentor writes notes that are private or shared with the mentee; the mentee may
  keep private notes of their own (a mentee's note is never shared: "shared" means shared with
  the mentee). Only the author edits or deletes a note. Not on a cancelled session.
- Action items: either participant adds, edits, completes, reopens or deletes them; the owner
  is the mentor or the mentee; an optional session must be of the same mentorship.
- Rating: the mentee only, from the session's start until 7 days after its end (changeable in
  that window), 1-5 with optional feedback; not on a cancelled session or one the mentee missed.
- No-show: either participant marks the OTHER one absent (nobody marks themselves absent),
  after the start and before the end plus 24 hours, on a booked or completed session.
- Writes need the mentorship to be active or paused; an ended mentorship is read-only.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.tracking import ActorRef, track
from activity.verbs import Verb
from kalpla.exceptions import Conflict, PermissionDenied, ValidationError
from mentorship.models import ActionItem, MentorSession, Mentorship, SessionNote
from mentorship.policies import join_grace, mentorship_is_participant
from mentorship.signals import session_changed
from notifications.services.notify import notify

RATING_WINDOW = timedelta(days=7)
NO_SHOW_WINDOW = timedelta(hours=24)
COMPLETE_BATCH = 500


def _require_participant(*, user: Any, mentorship: Any) -> None:
    if not mentorship_is_participant(
        user=user, mentor_id=mentorship.mentor_id, mentee_id=mentorship.mentee_id
    ):
        raise PermissionDenied(
            _("Only the mentor and the mentee can do this."), code="not_participant"
        )


def require_writable(*, user: Any, mentorship: Any) -> None:
    """A participant of a mentorship that has not ended (goals share this rule)."""
    _require_participant(user=user, mentorship=mentorship)
    if mentorship.status == Mentorship.Status.ENDED:
        raise Conflict(_("This mentorship has ended."), code="mentorship_ended")


def _on_commit(call: Callable[[], Any]) -> None:
    transaction.on_commit(call)


def _mentorship_url(mentorship_id: int) -> str:
    return reverse("mentorship:progress_timeline", args=[mentorship_id])


# --- notes ---------------------------------------------------------------------------------


def _note_visibility(*, session: Any, author: Any, visibility: str) -> str:
    if visibility not in SessionNote.Visibility.values:
        raise ValidationError(
            _("Choose who sees the note."), errors={"visibility": [_("Not a valid choice.")]}
        )
    if author.pk == session.mentee_id and visibility == SessionNote.Visibility.SHARED:
        raise ValidationError(
            _("Your own notes stay private to you."),
            code="mentee_note_private",
            errors={"visibility": [_("Your own notes stay private to you.")]},
        )
    return visibility


def _notify_note_shared(note: SessionNote) -> None:
    notify(
        recipients=[note.session.mentee],
        kind="mentorship.note_shared",
        context={
            "mentor_name": note.author.display_name,
            "session_start": note.session.starts_at,
        },
        url=_mentorship_url(note.session.mentorship_id),
        dedupe_key=f"note-shared:{note.pk}",
    )


@transaction.atomic
def session_note_create(
    *, session: MentorSession, author: Any, body: str, visibility: str = "private"
) -> SessionNote:
    require_writable(user=author, mentorship=session.mentorship)
    if session.status == MentorSession.Status.CANCELLED:
        raise Conflict(_("This session was cancelled."), code="session_cancelled")
    note = SessionNote(
        session=session,
        author=author,
        body=(body or "").strip(),
        visibility=_note_visibility(session=session, author=author, visibility=visibility),
    )
    note.full_clean()
    note.save()
    if note.visibility == SessionNote.Visibility.SHARED:
        _on_commit(lambda: _notify_note_shared(note))
    return note


def _require_author(*, note: SessionNote, user: Any) -> None:
    if note.author_id != user.pk:
        raise PermissionDenied(_("Only the note's author can change it."), code="not_author")


@transaction.atomic
def session_note_update(
    *, note: SessionNote, by: Any, body: str | None = None, visibility: str | None = None
) -> SessionNote:
    _require_author(note=note, user=by)
    require_writable(user=by, mentorship=note.session.mentorship)
    was_shared = note.visibility == SessionNote.Visibility.SHARED
    if body is not None:
        note.body = body.strip()
    if visibility is not None:
        note.visibility = _note_visibility(session=note.session, author=by, visibility=visibility)
    note.full_clean()
    note.save()
    if note.visibility == SessionNote.Visibility.SHARED and not was_shared:
        _on_commit(lambda: _notify_note_shared(note))
    return note


@transaction.atomic
def session_note_delete(*, note: SessionNote, by: Any) -> None:
    _require_author(note=note, user=by)
    require_writable(user=by, mentorship=note.session.mentorship)
    note.delete()


# --- action items --------------------------------------------------------------------------


def _owner_of(*, mentorship: Any, owner: Any) -> Any:
    if owner is None or owner.pk not in (mentorship.mentor_id, mentorship.mentee_id):
        raise ValidationError(
            _("The owner is the mentor or the mentee."),
            code="owner_not_participant",
            errors={"owner": [_("Choose the mentor or the mentee.")]},
        )
    return owner


def _session_of(*, mentorship: Any, session: Any) -> Any:
    if session is not None and session.mentorship_id != mentorship.pk:
        raise ValidationError(
            _("That session belongs to another mentorship."),
            errors={"session": [_("Choose a session of this mentorship.")]},
        )
    return session


def _notify_assigned(item: ActionItem) -> None:
    notify(
        recipients=[item.owner],
        kind="mentorship.action_item_assigned",
        context={
            "title": item.title,
            "mentor_name": item.mentorship.mentor.display_name,
            "due_on": item.due_on,
        },
        url=_mentorship_url(item.mentorship_id),
        dedupe_key=f"action-item-assigned:{item.pk}:{item.owner_id}",
    )


def _assigned_to_mentee(item: ActionItem, by: Any) -> bool:
    return item.owner_id == item.mentorship.mentee_id and by.pk != item.owner_id


@transaction.atomic
def action_item_create(
    *,
    mentorship: Mentorship,
    by: Any,
    title: str,
    owner: Any,
    due_on: date | None = None,
    session: MentorSession | None = None,
) -> ActionItem:
    require_writable(user=by, mentorship=mentorship)
    item = ActionItem(
        mentorship=mentorship,
        session=_session_of(mentorship=mentorship, session=session),
        title=(title or "").strip(),
        owner=_owner_of(mentorship=mentorship, owner=owner),
        due_on=due_on,
        created_by=by,
    )
    item.full_clean()
    item.save()
    if _assigned_to_mentee(item, by):
        _on_commit(lambda: _notify_assigned(item))
    return item


UNSET: Any = object()


@transaction.atomic
def action_item_update(
    *,
    item: ActionItem,
    by: Any,
    title: str | None = None,
    owner: Any = UNSET,
    due_on: Any = UNSET,
) -> ActionItem:
    """Changes what is given; ``due_on=None`` clears the due date."""
    require_writable(user=by, mentorship=item.mentorship)
    previous_owner = item.owner_id
    if title is not None:
        item.title = title.strip()
    if owner is not UNSET:
        item.owner = _owner_of(mentorship=item.mentorship, owner=owner)
    if due_on is not UNSET:
        item.due_on = due_on
    item.full_clean()
    item.save()
    if item.owner_id != previous_owner and _assigned_to_mentee(item, by):
        _on_commit(lambda: _notify_assigned(item))
    return item


@transaction.atomic
def action_item_complete(*, item: ActionItem, by: Any) -> ActionItem:
    require_writable(user=by, mentorship=item.mentorship)
    if item.done_at is None:
        item.done_at = timezone.now()
        item.save(update_fields=["done_at"])
    return item


@transaction.atomic
def action_item_reopen(*, item: ActionItem, by: Any) -> ActionItem:
    require_writable(user=by, mentorship=item.mentorship)
    if item.done_at is not None:
        item.done_at = None
        item.save(update_fields=["done_at"])
    return item


@transaction.atomic
def action_item_delete(*, item: ActionItem, by: Any) -> None:
    require_writable(user=by, mentorship=item.mentorship)
    item.delete()


# --- rating and no-show --------------------------------------------------------------------


def _locked(session: MentorSession) -> MentorSession:
    return (
        MentorSession.objects.select_for_update(of=("self",))
        .select_related("mentorship", "mentor", "mentee")
        .get(pk=session.pk)
    )


def _notify_rated(session: MentorSession) -> None:
    notify(
        recipients=[session.mentor],
        kind="mentorship.session_rated",
        context={
            "mentee_name": session.mentee.display_name,
            "rating": session.rating,
            "session_start": session.starts_at,
        },
        url=_mentorship_url(session.mentorship_id),
        dedupe_key=f"session-rated:{session.pk}",
    )


@transaction.atomic
def session_rate(
    *,
    session: MentorSession,
    by: Any,
    rating: int,
    feedback: str = "",
    now: datetime | None = None,
) -> MentorSession:
    now = now or timezone.now()
    locked = _locked(session)
    if by.pk != locked.mentee_id:
        raise PermissionDenied(_("Only the mentee rates a session."), code="not_mentee")
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ValidationError(
            _("Give a rating from 1 to 5."), errors={"rating": [_("Give a rating from 1 to 5.")]}
        )
    if locked.status == MentorSession.Status.CANCELLED or (
        locked.status == MentorSession.Status.NO_SHOW
        and locked.no_show_party == MentorSession.Party.MENTEE
    ):
        raise Conflict(_("Only a session that took place can be rated."), code="not_rateable")
    if now < locked.starts_at:
        raise Conflict(_("You can rate the session once it has started."), code="not_started")
    if now > locked.ends_at + RATING_WINDOW:
        raise Conflict(
            _("Ratings can be given until 7 days after the session."), code="rating_closed"
        )
    first = locked.rating is None
    locked.rating = rating
    locked.feedback = (feedback or "").strip()
    locked.rated_at = now
    locked.full_clean()
    locked.save(update_fields=["rating", "feedback", "rated_at", "updated_at"])
    if first:
        _on_commit(lambda: _notify_rated(locked))
    return locked


def _send_changed(session: MentorSession, by: Any, change: str) -> None:
    session_changed.send(sender=MentorSession, session=session, by=by, change=change)


@transaction.atomic
def session_mark_no_show(
    *, session: MentorSession, by: Any, party: str, now: datetime | None = None
) -> MentorSession:
    """``by`` says the other ``party`` ("mentor" or "mentee") did not come."""
    now = now or timezone.now()
    locked = _locked(session)
    _require_participant(user=by, mentorship=locked.mentorship)
    if party not in MentorSession.Party.values:
        raise ValidationError(
            _("Say who did not come."), errors={"party": [_("Choose the mentor or the mentee.")]}
        )
    absent_id = locked.mentor_id if party == MentorSession.Party.MENTOR else locked.mentee_id
    if absent_id == by.pk:
        raise ValidationError(
            _("You cannot mark yourself absent."),
            code="no_show_self",
            errors={"party": [_("Mark the other person, not yourself.")]},
        )
    if locked.status == MentorSession.Status.NO_SHOW:
        raise Conflict(_("This session is already marked as a no-show."), code="already_no_show")
    if locked.status not in (MentorSession.Status.BOOKED, MentorSession.Status.COMPLETED):
        raise Conflict(_("This session was cancelled."), code="session_cancelled")
    if now < locked.starts_at:
        raise Conflict(
            _("A no-show can be marked once the session has started."), code="not_started"
        )
    if now > locked.ends_at + NO_SHOW_WINDOW:
        raise Conflict(
            _("A no-show can be marked until 24 hours after the session."), code="no_show_closed"
        )
    locked.status = MentorSession.Status.NO_SHOW
    locked.no_show_party = party
    locked.no_show_marked_by = by
    locked.save(update_fields=["status", "no_show_party", "no_show_marked_by", "updated_at"])
    _on_commit(lambda: _send_changed(locked, by, "no_show"))
    return locked


def sessions_complete_due(*, now: datetime | None = None) -> int:
    """Beat: booked sessions past their end plus the join grace become completed, each exactly
    once (rows are locked and their state checked in one transaction; a second worker skips
    them). Returns how many were completed."""
    now = now or timezone.now()
    cutoff = now - join_grace()
    total = 0
    while True:
        with transaction.atomic():
            due = list(
                MentorSession.objects.select_for_update(skip_locked=True)
                .filter(status=MentorSession.Status.BOOKED, ends_at__lt=cutoff)
                .order_by("ends_at", "pk")[:COMPLETE_BATCH]
            )
            if not due:
                return total
            MentorSession.objects.filter(pk__in=[s.pk for s in due]).update(
                status=MentorSession.Status.COMPLETED, updated_at=now
            )
            for session in due:
                session.status = MentorSession.Status.COMPLETED
                _on_commit(partial(_send_changed, session, None, "completed"))
                track(
                    actor=ActorRef(session.mentee_id),
                    verb=Verb.SESSION_ATTENDED,
                    object=session,
                    context={"mentor": session.mentor_id},
                )
        total += len(due)
        if len(due) < COMPLETE_BATCH:
            return total
