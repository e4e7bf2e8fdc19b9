"""Private iCal feeds: tokens (rotate, revoke), what a feed shows and to whom, the public
view (headers, 404s, bounded queries) and assignment due dates from assessments."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.tests.factories import UserFactory
from assessments.models import Assignment, Extension
from courses.models import Lesson
from courses.tests.factories import CourseFactory, LessonFactory
from enrollments.tests.factories import EnrollmentFactory
from kalpla.exceptions import NotFound
from mentorship.models import CalendarFeed, LiveClass, MentorSession
from mentorship.selectors.calendar import (
    CALENDAR_FEED_SOURCES,
    calendar_feed_events,
    calendar_feed_get,
    calendar_feed_get_by_token,
)
from mentorship.services.calendar import (
    calendar_feed_render,
    calendar_feed_revoke,
    calendar_feed_rotate,
)
from mentorship.tests.factories import (
    LiveClassFactory,
    MentorSessionFactory,
    MentorshipFactory,
)

pytestmark = pytest.mark.django_db


def _feed_path(token: str) -> str:
    return reverse("mentorship:calendar_feed", kwargs={"feed_token": token})


def _events(body: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(body)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _session_at(mentorship, start, **kwargs):  # type: ignore[no-untyped-def]
    return MentorSessionFactory(
        mentorship=mentorship, starts_at=start, ends_at=start + timedelta(hours=1), **kwargs
    )


def _assignment(course, *, due_in: timedelta, published: bool = True) -> Assignment:
    lesson = LessonFactory(
        module__course=course, kind=Lesson.Kind.ASSIGNMENT, is_published=published
    )
    return Assignment.objects.create(lesson=lesson, course=course, due_at=timezone.now() + due_in)


def test_calendar_feed_rotate_invalidates_the_old_token(client) -> None:
    user = UserFactory()
    old = calendar_feed_rotate(user=user).token
    assert client.get(_feed_path(old)).status_code == 200

    new = calendar_feed_rotate(user=user).token

    assert new != old
    assert client.get(_feed_path(old)).status_code == 404
    assert client.get(_feed_path(new)).status_code == 200
    assert CalendarFeed.objects.filter(user=user).count() == 1


def test_calendar_feed_rotate_turns_a_missing_feed_on() -> None:
    user = UserFactory()
    assert calendar_feed_get(user=user) is None
    feed = calendar_feed_rotate(user=user)
    assert calendar_feed_get(user=user) == feed


def test_calendar_feed_revoke_answers_404(client) -> None:
    user = UserFactory()
    token = calendar_feed_rotate(user=user).token

    assert calendar_feed_revoke(user=user) is True
    assert calendar_feed_revoke(user=user) is False

    assert client.get(_feed_path(token)).status_code == 404
    with pytest.raises(NotFound):
        calendar_feed_get_by_token(token=token)


def test_calendar_feed_unknown_token_and_deactivated_user_404(client) -> None:
    assert client.get(_feed_path("not-a-token")).status_code == 404
    feed = calendar_feed_rotate(user=UserFactory(is_active=False))
    assert client.get(_feed_path(feed.token)).status_code == 404


def test_calendar_feed_view_serves_icalendar_with_cache_headers(client) -> None:
    session = MentorSessionFactory()
    feed = calendar_feed_rotate(user=session.mentee)

    response = client.get(_feed_path(feed.token))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "private" in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]
    assert response["ETag"]
    cal = Calendar.from_ical(response.content)
    assert "METHOD" not in cal  # a published calendar, not an invite
    assert session.ical_uid in _events(response.content)
    # unchanged since: the app gets a 304
    again = client.get(_feed_path(feed.token), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_calendar_feed_events_both_roles_recent_and_future_cancelled_marked() -> None:
    user = UserFactory()
    now = timezone.now()
    as_mentee = MentorshipFactory(mentee=user)
    as_mentor = MentorshipFactory(mentor=user)
    future = _session_at(as_mentee, now + timedelta(days=40))
    recent = _session_at(as_mentor, now - timedelta(days=10))
    old = _session_at(as_mentee, now - timedelta(days=45))
    cancelled = _session_at(as_mentor, now + timedelta(days=2), status="cancelled")
    others = _session_at(MentorshipFactory(), now + timedelta(days=1))

    events = _events(calendar_feed_render(feed=calendar_feed_rotate(user=user)))

    assert set(events) == {future.ical_uid, recent.ical_uid, cancelled.ical_uid}
    assert old.ical_uid not in events and others.ical_uid not in events
    assert events[cancelled.ical_uid]["STATUS"] == "CANCELLED"
    assert events[future.ical_uid]["STATUS"] == "CONFIRMED"
    assert events[future.ical_uid]["DTSTART"].to_ical().endswith(b"Z")


def test_calendar_feed_other_users_sessions_never_appear(client) -> None:
    alice, bob = UserFactory(), UserFactory()
    mine = MentorSessionFactory(mentorship=MentorshipFactory(mentee=alice))
    theirs = MentorSessionFactory(mentorship=MentorshipFactory(mentee=bob))
    body = client.get(_feed_path(calendar_feed_rotate(user=alice).token)).content
    assert mine.ical_uid.encode() in body
    assert theirs.ical_uid.encode() not in body


def test_calendar_feed_live_classes_hosted_or_enrolled() -> None:
    student, host = UserFactory(), UserFactory(roles=("Mentor",))
    enrolled = LiveClassFactory()
    EnrollmentFactory(user=student, course=enrolled.course)
    not_enrolled = LiveClassFactory()
    hosted = LiveClassFactory(host=host)
    cancelled = LiveClassFactory(status=LiveClass.Status.CANCELLED)
    EnrollmentFactory(user=student, course=cancelled.course)

    student_uids = {e.uid for e in calendar_feed_events(user=student)}
    host_uids = {e.uid for e in calendar_feed_events(user=host)}

    assert f"live-class-{enrolled.pk}@kalpla" in student_uids
    assert f"live-class-{not_enrolled.pk}@kalpla" not in student_uids
    assert f"live-class-{hosted.pk}@kalpla" in host_uids
    cancelled_event = next(
        e
        for e in calendar_feed_events(user=student)
        if e.uid == f"live-class-{cancelled.pk}@kalpla"
    )
    assert cancelled_event.cancelled


def test_calendar_feed_assignment_due_dates_from_assessments() -> None:
    # given: the dashboards app registered the assessments source
    assert any(s.__name__ == "assignment_due_dates" for s in CALENDAR_FEED_SOURCES)
    student, other = UserFactory(), UserFactory()
    course = CourseFactory()
    EnrollmentFactory(user=student, course=course)
    due = _assignment(course, due_in=timedelta(days=3))
    extended = _assignment(course, due_in=timedelta(days=1))
    Extension.objects.create(
        assignment=extended, student=student, due_at=timezone.now() + timedelta(days=9)
    )
    draft = _assignment(course, due_in=timedelta(days=2), published=False)
    long_past = _assignment(course, due_in=-timedelta(days=60))
    elsewhere = _assignment(CourseFactory(), due_in=timedelta(days=2))

    # when
    events = _events(calendar_feed_render(feed=calendar_feed_rotate(user=student)))

    # then
    uid = "assignment-{}-due-" + str(student.pk) + "@kalpla"
    assert uid.format(due.pk) in events
    own_due = Extension.objects.get().due_at.replace(microsecond=0)
    assert events[uid.format(extended.pk)].decoded("DTSTART") == own_due
    for hidden in (draft, long_past, elsewhere):
        assert uid.format(hidden.pk) not in events
    assert str(events[uid.format(due.pk)]["SUMMARY"]).startswith("Due: ")
    assert not _events(calendar_feed_render(feed=calendar_feed_rotate(user=other)))


def test_calendar_feed_last_fetched_at_written_at_most_hourly(client) -> None:
    user = UserFactory()
    feed = calendar_feed_rotate(user=user)
    client.get(_feed_path(feed.token))
    feed.refresh_from_db()
    first = feed.last_fetched_at
    assert first is not None

    client.get(_feed_path(feed.token))
    feed.refresh_from_db()
    assert feed.last_fetched_at == first

    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=first - timedelta(hours=2))
    client.get(_feed_path(feed.token))
    feed.refresh_from_db()
    assert feed.last_fetched_at > first - timedelta(hours=1)


def test_calendar_feed_view_queries_bounded(client, django_assert_max_num_queries) -> None:
    # given: many sessions in both roles, live classes, due dates
    user = UserFactory()
    now = timezone.now()
    for day in range(1, 31):
        mentorship = MentorshipFactory(mentee=user) if day % 2 else MentorshipFactory(mentor=user)
        _session_at(mentorship, now + timedelta(days=day))
    course = CourseFactory()
    EnrollmentFactory(user=user, course=course)
    for day in range(1, 11):
        LiveClassFactory(course=course, starts_at=now + timedelta(days=day))
        _assignment(course, due_in=timedelta(days=day))
    feed = calendar_feed_rotate(user=user)

    # when / then: the feed, sessions, live classes, due dates and the hourly touch
    with django_assert_max_num_queries(6):
        response = client.get(_feed_path(feed.token))
    assert len(_events(response.content)) == 30 + 10 + 10
    assert MentorSession.objects.count() == 30
