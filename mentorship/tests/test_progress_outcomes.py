"""What comes out of a session: notes, action items, rating, no-show and completion."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from kalpla.exceptions import Conflict, PermissionDenied, ValidationError
from mentorship.models import ActionItem, MentorSession, Mentorship, SessionNote
from mentorship.services import outcomes
from mentorship.signals import session_changed
from mentorship.tasks_progress import sessions_complete_due_task
from mentorship.tests.factories import (
    ActionItemFactory,
    MentorSessionFactory,
    MentorshipFactory,
    SessionNoteFactory,
)
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def past_session(*, hours_ago: float = 2, length: float = 1, **kwargs) -> MentorSession:
    start = timezone.now() - timedelta(hours=hours_ago)
    return MentorSessionFactory(starts_at=start, ends_at=start + timedelta(hours=length), **kwargs)


def kinds_for(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.fixture
def changes():
    seen: list[dict] = []

    def receiver(sender, **kwargs):
        seen.append(kwargs)

    session_changed.connect(receiver)
    yield seen
    session_changed.disconnect(receiver)


# --- notes ---------------------------------------------------------------------------------


def test_session_note_create_shared_by_mentor_notifies_mentee(
    django_capture_on_commit_callbacks,
):
    session = MentorSessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        note = outcomes.session_note_create(
            session=session, author=session.mentor, body=" Read chapter 3 ", visibility="shared"
        )
    assert note.body == "Read chapter 3"
    assert kinds_for(session.mentee) == ["mentorship.note_shared"]


def test_session_note_create_private_notifies_nobody(django_capture_on_commit_callbacks):
    session = MentorSessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        outcomes.session_note_create(session=session, author=session.mentor, body="Just for me")
    assert kinds_for(session.mentee) == []


def test_session_note_create_mentee_keeps_private_notes_only():
    session = MentorSessionFactory()
    note = outcomes.session_note_create(session=session, author=session.mentee, body="Mine")
    assert note.visibility == SessionNote.Visibility.PRIVATE
    with pytest.raises(ValidationError) as info:
        outcomes.session_note_create(
            session=session, author=session.mentee, body="Mine", visibility="shared"
        )
    assert "visibility" in info.value.errors


@pytest.mark.parametrize("visibility", ["public", ""])
def test_session_note_create_refuses_unknown_visibility(visibility):
    session = MentorSessionFactory()
    with pytest.raises(ValidationError):
        outcomes.session_note_create(
            session=session, author=session.mentor, body="x", visibility=visibility
        )


def test_session_note_create_refuses_outsiders_blank_cancelled_and_ended():
    session = MentorSessionFactory()
    with pytest.raises(PermissionDenied):
        outcomes.session_note_create(session=session, author=UserFactory(), body="Hi")
    with pytest.raises(DjangoValidationError) as blank:
        outcomes.session_note_create(session=session, author=session.mentor, body="   ")
    assert "body" in blank.value.message_dict
    session.status = MentorSession.Status.CANCELLED
    session.save()
    with pytest.raises(Conflict):
        outcomes.session_note_create(session=session, author=session.mentor, body="Hi")
    ended = MentorSessionFactory(mentorship__status=Mentorship.Status.ENDED)
    with pytest.raises(Conflict) as info:
        outcomes.session_note_create(session=ended, author=ended.mentor, body="Hi")
    assert info.value.code == "mentorship_ended"


def test_session_note_update_only_author_and_notifies_when_newly_shared(
    django_capture_on_commit_callbacks,
):
    note = SessionNoteFactory()
    session = note.session
    with pytest.raises(PermissionDenied):
        outcomes.session_note_update(note=note, by=session.mentee, body="Changed")
    with django_capture_on_commit_callbacks(execute=True):
        outcomes.session_note_update(note=note, by=session.mentor, visibility="shared")
        outcomes.session_note_update(note=note, by=session.mentor, body="Edited")
    note.refresh_from_db()
    assert (note.body, note.visibility) == ("Edited", "shared")
    assert kinds_for(session.mentee) == ["mentorship.note_shared"]


def test_session_note_delete_only_author():
    note = SessionNoteFactory()
    with pytest.raises(PermissionDenied):
        outcomes.session_note_delete(note=note, by=note.session.mentee)
    outcomes.session_note_delete(note=note, by=note.session.mentor)
    assert not SessionNote.objects.filter(pk=note.pk).exists()


# --- action items --------------------------------------------------------------------------


def test_action_item_create_for_mentee_notifies_them(django_capture_on_commit_callbacks):
    mentorship = MentorshipFactory()
    session = MentorSessionFactory(mentorship=mentorship)
    due = timezone.localdate() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        item = outcomes.action_item_create(
            mentorship=mentorship,
            by=mentorship.mentor,
            title="Draft the README",
            owner=mentorship.mentee,
            due_on=due,
            session=session,
        )
    assert (item.owner, item.session, item.due_on) == (mentorship.mentee, session, due)
    assert kinds_for(mentorship.mentee) == ["mentorship.action_item_assigned"]


def test_action_item_create_by_mentee_for_themself_notifies_nobody(
    django_capture_on_commit_callbacks,
):
    mentorship = MentorshipFactory()
    with django_capture_on_commit_callbacks(execute=True):
        outcomes.action_item_create(
            mentorship=mentorship, by=mentorship.mentee, title="Mine", owner=mentorship.mentee
        )
        outcomes.action_item_create(
            mentorship=mentorship, by=mentorship.mentee, title="Yours", owner=mentorship.mentor
        )
    assert kinds_for(mentorship.mentee) == []
    assert kinds_for(mentorship.mentor) == []


def test_action_item_create_refuses_foreign_owner_session_and_outsiders():
    mentorship = MentorshipFactory()
    with pytest.raises(ValidationError) as info:
        outcomes.action_item_create(
            mentorship=mentorship, by=mentorship.mentor, title="x", owner=UserFactory()
        )
    assert "owner" in info.value.errors
    with pytest.raises(ValidationError) as info:
        outcomes.action_item_create(
            mentorship=mentorship,
            by=mentorship.mentor,
            title="x",
            owner=mentorship.mentee,
            session=MentorSessionFactory(),
        )
    assert "session" in info.value.errors
    with pytest.raises(PermissionDenied):
        outcomes.action_item_create(
            mentorship=mentorship, by=UserFactory(), title="x", owner=mentorship.mentee
        )


def test_action_item_complete_reopen_update_delete():
    item = ActionItemFactory()
    mentorship = item.mentorship
    outcomes.action_item_complete(item=item, by=mentorship.mentee)
    assert item.done_at is not None
    done_at = item.done_at
    outcomes.action_item_complete(item=item, by=mentorship.mentor)  # already done: unchanged
    assert item.done_at == done_at
    outcomes.action_item_reopen(item=item, by=mentorship.mentor)
    assert item.done_at is None
    outcomes.action_item_update(
        item=item, by=mentorship.mentor, title="New", owner=mentorship.mentor, due_on=None
    )
    item.refresh_from_db()
    assert (item.title, item.owner, item.due_on) == ("New", mentorship.mentor, None)
    outcomes.action_item_delete(item=item, by=mentorship.mentee)
    assert not ActionItem.objects.filter(pk=item.pk).exists()


def test_action_item_update_handing_over_to_mentee_notifies(django_capture_on_commit_callbacks):
    mentorship = MentorshipFactory()
    item = ActionItemFactory(mentorship=mentorship, owner=mentorship.mentor)
    with django_capture_on_commit_callbacks(execute=True):
        outcomes.action_item_update(item=item, by=mentorship.mentor, owner=mentorship.mentee)
    assert kinds_for(mentorship.mentee) == ["mentorship.action_item_assigned"]


# --- rating --------------------------------------------------------------------------------


def test_session_rate_by_mentee_after_start_notifies_mentor_once(
    django_capture_on_commit_callbacks,
):
    session = past_session()
    with django_capture_on_commit_callbacks(execute=True):
        outcomes.session_rate(session=session, by=session.mentee, rating=4, feedback=" Good ")
        rated = outcomes.session_rate(session=session, by=session.mentee, rating=5)
    assert (rated.rating, rated.feedback) == (5, "")
    assert rated.rated_at is not None
    assert kinds_for(session.mentor) == ["mentorship.session_rated"]


def test_session_rate_during_the_session_is_allowed():
    session = past_session(hours_ago=0.25)
    assert outcomes.session_rate(session=session, by=session.mentee, rating=3).rating == 3


def test_session_rate_refuses_mentor_before_start_after_window_and_bad_values():
    session = MentorSessionFactory()  # tomorrow
    with pytest.raises(PermissionDenied):
        outcomes.session_rate(session=session, by=session.mentor, rating=5)
    with pytest.raises(Conflict) as info:
        outcomes.session_rate(session=session, by=session.mentee, rating=5)
    assert info.value.code == "not_started"
    old = past_session(hours_ago=24 * 8)
    with pytest.raises(Conflict) as info:
        outcomes.session_rate(session=old, by=old.mentee, rating=5)
    assert info.value.code == "rating_closed"
    recent = past_session()
    for bad in (0, 6, True):
        with pytest.raises(ValidationError):
            outcomes.session_rate(session=recent, by=recent.mentee, rating=bad)


def test_session_rate_refuses_cancelled_and_mentee_no_show():
    cancelled = past_session(status=MentorSession.Status.CANCELLED)
    with pytest.raises(Conflict):
        outcomes.session_rate(session=cancelled, by=cancelled.mentee, rating=5)
    missed = past_session(status=MentorSession.Status.NO_SHOW, no_show_party="mentee")
    with pytest.raises(Conflict):
        outcomes.session_rate(session=missed, by=missed.mentee, rating=5)
    stood_up = past_session(status=MentorSession.Status.NO_SHOW, no_show_party="mentor")
    assert outcomes.session_rate(session=stood_up, by=stood_up.mentee, rating=1).rating == 1


# --- no-show -------------------------------------------------------------------------------


def test_session_mark_no_show_by_mentor_sends_signal_on_commit(
    django_capture_on_commit_callbacks, changes
):
    session = past_session()
    with django_capture_on_commit_callbacks(execute=True):
        marked = outcomes.session_mark_no_show(session=session, by=session.mentor, party="mentee")
        assert changes == []
    assert (marked.status, marked.no_show_party) == ("no_show", "mentee")
    assert marked.no_show_marked_by == session.mentor
    assert [c["change"] for c in changes] == ["no_show"]
    assert changes[0]["session"].pk == session.pk


def test_session_mark_no_show_refuses_self_outsiders_and_twice():
    session = past_session()
    with pytest.raises(ValidationError) as info:
        outcomes.session_mark_no_show(session=session, by=session.mentee, party="mentee")
    assert info.value.code == "no_show_self"
    with pytest.raises(ValidationError):
        outcomes.session_mark_no_show(session=session, by=session.mentee, party="someone")
    with pytest.raises(PermissionDenied):
        outcomes.session_mark_no_show(session=session, by=UserFactory(), party="mentor")
    outcomes.session_mark_no_show(session=session, by=session.mentee, party="mentor")
    with pytest.raises(Conflict) as info:
        outcomes.session_mark_no_show(session=session, by=session.mentor, party="mentee")
    assert info.value.code == "already_no_show"


def test_session_mark_no_show_window_is_start_to_end_plus_24_hours():
    future = MentorSessionFactory()
    with pytest.raises(Conflict):
        outcomes.session_mark_no_show(session=future, by=future.mentor, party="mentee")
    late = past_session(hours_ago=26)  # ended 25 hours ago
    with pytest.raises(Conflict) as info:
        outcomes.session_mark_no_show(session=late, by=late.mentor, party="mentee")
    assert info.value.code == "no_show_closed"
    completed = past_session(hours_ago=20, status=MentorSession.Status.COMPLETED)
    outcomes.session_mark_no_show(session=completed, by=completed.mentor, party="mentee")
    cancelled = past_session(status=MentorSession.Status.CANCELLED)
    with pytest.raises(Conflict):
        outcomes.session_mark_no_show(session=cancelled, by=cancelled.mentor, party="mentee")


# --- completion ----------------------------------------------------------------------------


def test_sessions_complete_due_completes_past_grace_exactly_once(
    settings, django_capture_on_commit_callbacks, changes
):
    settings.KALPLA_MEETING_GRACE_MINUTES = 15
    done = past_session(hours_ago=2)  # ended an hour ago
    in_grace = past_session(hours_ago=1.1)  # ended 6 minutes ago
    upcoming = MentorSessionFactory()
    cancelled = past_session(hours_ago=3, status=MentorSession.Status.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        assert outcomes.sessions_complete_due() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert sessions_complete_due_task() == 0
    statuses = dict(MentorSession.objects.values_list("pk", "status"))
    assert statuses[done.pk] == "completed"
    assert statuses[in_grace.pk] == statuses[upcoming.pk] == "booked"
    assert statuses[cancelled.pk] == "cancelled"
    assert [(c["session"].pk, c["change"]) for c in changes] == [(done.pk, "completed")]


def test_sessions_complete_due_works_in_batches(monkeypatch):
    monkeypatch.setattr(outcomes, "COMPLETE_BATCH", 2)
    mentorship = MentorshipFactory()
    for n in range(5):
        past_session(hours_ago=10 + 2 * n, mentorship=mentorship)
    assert outcomes.sessions_complete_due() == 5
    assert not MentorSession.objects.filter(status="booked").exists()


def test_sessions_complete_due_is_on_the_beat(settings):
    from kalpla.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "mentorship.sessions_complete_due" in scheduled
    assert "mentorship.sessions_complete_due" in app.tasks
