"""The mentorship timeline: what it holds for whom, newest first, paged by cursor."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kalpla.exceptions import ValidationError
from mentorship.models import ProgressUpdate, SessionNote
from mentorship.selectors.timeline import mentorship_timeline
from mentorship.tests.factories import (
    ActionItemFactory,
    GoalFactory,
    MentorSessionFactory,
    MentorshipFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    SessionNoteFactory,
)

pytestmark = pytest.mark.django_db


def _set(model, pk: int, **values) -> None:
    model.objects.filter(pk=pk).update(**values)


@pytest.fixture
def world():
    """One of each kind, an hour apart: oldest first in ``order``."""
    now = timezone.now().replace(microsecond=0)
    mentorship = MentorshipFactory()
    at = [now - timedelta(hours=h) for h in range(10, 0, -1)]
    session = MentorSessionFactory(mentorship=mentorship, starts_at=at[0], ends_at=at[1])
    shared = SessionNoteFactory(session=session, visibility="shared")
    _set(SessionNote, shared.pk, created_at=at[2])
    mentor_private = SessionNoteFactory(session=session)
    _set(SessionNote, mentor_private.pk, created_at=at[3])
    mentee_private = SessionNoteFactory(session=session, author=mentorship.mentee)
    _set(SessionNote, mentee_private.pk, created_at=at[4])
    goal = GoalFactory(mentorship=mentorship)
    milestone = MilestoneFactory(goal=goal, done_at=at[5])
    MilestoneFactory(goal=goal)  # not done: not on the timeline
    update = ProgressUpdateFactory(mentorship=mentorship, goal=goal)
    _set(ProgressUpdate, update.pk, created_at=at[6])
    item = ActionItemFactory(mentorship=mentorship, done_at=at[7])
    ActionItemFactory(mentorship=mentorship)  # open: not on the timeline
    cancelled = MentorSessionFactory(
        mentorship=mentorship, starts_at=at[8], ends_at=at[9], status="cancelled"
    )
    other = MentorshipFactory()
    ProgressUpdateFactory(mentorship=other)  # another mentorship's
    return {
        "mentorship": mentorship,
        "session": session,
        "shared": shared,
        "mentor_private": mentor_private,
        "mentee_private": mentee_private,
        "milestone": milestone,
        "update": update,
        "item": item,
        "cancelled": cancelled,
    }


def _keys(page) -> list[tuple[str, int]]:
    return [(i.kind, i.pk) for i in page.items]


def test_mentorship_timeline_newest_first_with_the_viewers_notes(world):
    m = world["mentorship"]
    mentee_view = mentorship_timeline(mentorship=m, viewer=m.mentee)
    assert _keys(mentee_view) == [
        ("session", world["cancelled"].pk),
        ("action_item", world["item"].pk),
        ("update", world["update"].pk),
        ("milestone", world["milestone"].pk),
        ("note", world["mentee_private"].pk),
        ("note", world["shared"].pk),
        ("session", world["session"].pk),
    ]
    assert mentee_view.next_cursor is None
    mentor_notes = [
        pk
        for kind, pk in _keys(mentorship_timeline(mentorship=m, viewer=m.mentor))
        if kind == "note"
    ]
    assert mentor_notes == [world["mentor_private"].pk, world["shared"].pk]


def test_mentorship_timeline_pages_cover_everything_once_even_with_ties(world):
    m = world["mentorship"]
    # many rows at the very same instant, of several kinds
    tie = timezone.now().replace(microsecond=0) - timedelta(minutes=30)
    for _ in range(4):
        _set(ProgressUpdate, ProgressUpdateFactory(mentorship=m).pk, created_at=tie)
        ActionItemFactory(mentorship=m, done_at=tie)
        MilestoneFactory(goal__mentorship=m, done_at=tie)
    everything = _keys(mentorship_timeline(mentorship=m, viewer=m.mentee, limit=100))
    assert len(everything) == 7 + 12
    seen: list[tuple[str, int]] = []
    cursor = None
    for _ in range(20):
        page = mentorship_timeline(mentorship=m, viewer=m.mentee, cursor=cursor, limit=3)
        seen += _keys(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == everything


def test_mentorship_timeline_queries_are_bounded(world, django_assert_max_num_queries):
    m = world["mentorship"]
    for n in range(30):
        start = timezone.now() - timedelta(days=30 + n)
        session = MentorSessionFactory(
            mentorship=m, starts_at=start, ends_at=start + timedelta(hours=1)
        )
        SessionNoteFactory(session=session, visibility="shared")
        ProgressUpdateFactory(mentorship=m)
        ActionItemFactory(mentorship=m, done_at=start)
        MilestoneFactory(goal__mentorship=m, done_at=start)
    with django_assert_max_num_queries(5):
        page = mentorship_timeline(mentorship=m, viewer=m.mentee, limit=20)
        for item in page.items:  # what the templates read is loaded
            obj = item.obj
            if item.kind in ("note", "update"):
                assert obj.author.display_name
            if item.kind == "milestone":
                assert obj.goal.title
            if item.kind == "action_item":
                assert obj.owner.display_name
    assert len(page.items) == 20 and page.next_cursor


@pytest.mark.parametrize("cursor", ["nonsense", "AAAA", "MjAyNnw5fDE"])
def test_mentorship_timeline_refuses_bad_cursor(cursor):
    m = MentorshipFactory()
    with pytest.raises(ValidationError) as info:
        mentorship_timeline(mentorship=m, viewer=m.mentee, cursor=cursor)
    assert "cursor" in info.value.errors


def test_mentorship_timeline_empty():
    m = MentorshipFactory()
    page = mentorship_timeline(mentorship=m, viewer=m.mentor)
    assert (page.items, page.next_cursor) == ([], None)
