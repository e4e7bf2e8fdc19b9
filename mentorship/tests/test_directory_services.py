"""Mentor profiles, learner preferences, requests and the mentorship lifecycle."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses.tests.factories import CourseFactory, TagFactory
from kalpla.exceptions import Conflict, NotFound, PermissionDenied, ValidationError
from mentorship.models import MentorSession, Mentorship, MentorshipRequest
from mentorship.services.mentorships import mentorship_end, mentorship_pause, mentorship_resume
from mentorship.services.profiles import learner_preference_upsert, mentor_profile_upsert
from mentorship.services.requests import (
    mentorship_request_accept,
    mentorship_request_create,
    mentorship_request_decline,
    mentorship_request_withdraw,
)
from mentorship.signals import mentorship_changed, session_changed
from mentorship.tests.factories import (
    MentorProfileFactory,
    MentorSessionFactory,
    MentorshipFactory,
)
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _request(**kwargs):
    mentor = kwargs.pop("profile", None) or MentorProfileFactory()
    mentee = kwargs.pop("mentee", None) or UserFactory()
    return mentorship_request_create(
        mentee=mentee, mentor=mentor, message=kwargs.pop("message", "Help with SQL"), **kwargs
    )


# --- profiles ---------------------------------------------------------------------------------


def test_mentor_profile_upsert_creates_with_user_timezone_and_language():
    user = UserFactory(roles=("Mentor",), timezone="Asia/Kolkata", language="hi")
    python = TagFactory(name="python", slug="python")
    profile = mentor_profile_upsert(
        user=user, data={"headline": "  Data mentor ", "expertise": [python], "capacity": 3}
    )
    assert profile.headline == "Data mentor"
    assert profile.timezone == "Asia/Kolkata"
    assert profile.capacity == 3
    assert [t.slug for t in profile.expertise.all()] == ["python"]
    assert list(profile.languages.values_list("code", flat=True)) == ["hi"]


def test_mentor_profile_upsert_updates_only_given_fields_and_languages():
    user = UserFactory(roles=("Mentor",))
    mentor_profile_upsert(user=user, data={"headline": "First", "bio": "Kept"})
    profile = mentor_profile_upsert(
        user=user, data={"headline": "Second", "languages": ["DE", "en", "de"]}
    )
    assert (profile.headline, profile.bio) == ("Second", "Kept")
    assert sorted(profile.languages.values_list("code", flat=True)) == ["de", "en"]


def test_mentor_profile_upsert_refuses_students():
    with pytest.raises(PermissionDenied):
        mentor_profile_upsert(user=UserFactory(), data={"headline": "x"})


def test_mentor_profile_upsert_refuses_unknown_language():
    user = UserFactory(roles=("Mentor",))
    with pytest.raises(ValidationError) as caught:
        mentor_profile_upsert(user=user, data={"headline": "x", "languages": ["xx"]})
    assert "languages" in caught.value.errors


def test_mentor_profile_upsert_refuses_bad_fields():
    user = UserFactory(roles=("Mentor",))
    with pytest.raises(DjangoValidationError) as caught:
        mentor_profile_upsert(
            user=user, data={"headline": "", "timezone": "Mars/Base", "session_lengths": [5]}
        )
    assert {"headline", "timezone", "session_lengths"} <= set(caught.value.message_dict)


def test_learner_preference_upsert_sets_interests_languages_goals():
    user = UserFactory()
    sql = TagFactory(name="sql", slug="sql")
    pref = learner_preference_upsert(
        user=user, data={"interests": [sql], "languages": ["en", "hi"], "goals": " A job "}
    )
    assert pref.languages == ["en", "hi"] and pref.goals == "A job"
    pref = learner_preference_upsert(user=user, data={"goals": "Data analyst"})
    assert [t.slug for t in pref.interests.all()] == ["sql"] and pref.languages == ["en", "hi"]


# --- requests ---------------------------------------------------------------------------------


def test_mentorship_request_create_notifies_the_mentor(django_capture_on_commit_callbacks):
    profile = MentorProfileFactory()
    with django_capture_on_commit_callbacks(execute=True):
        request = _request(profile=profile, topics=[TagFactory()])
    assert request.status == "pending" and request.topics.count() == 1
    assert Notification.objects.filter(
        recipient=profile.user, kind="mentorship.request_received"
    ).exists()


def test_mentorship_request_create_refuses_self():
    profile = MentorProfileFactory()
    with pytest.raises(ValidationError):
        _request(profile=profile, mentee=profile.user)


@pytest.mark.parametrize("field", ["is_accepting", "is_listed"])
def test_mentorship_request_create_refuses_closed_mentor(field):
    profile = MentorProfileFactory(**{field: False})
    with pytest.raises(Conflict) as caught:
        _request(profile=profile)
    assert caught.value.code == "not_accepting"


def test_mentorship_request_create_one_pending_per_pair():
    profile, mentee = MentorProfileFactory(), UserFactory()
    _request(profile=profile, mentee=mentee)
    with pytest.raises(Conflict) as caught:
        _request(profile=profile, mentee=mentee)
    assert caught.value.code == "already_requested"


def test_mentorship_request_create_refuses_when_mentorship_open():
    profile, mentee = MentorProfileFactory(), UserFactory()
    MentorshipFactory(mentor=profile.user, mentee=mentee, status="paused")
    with pytest.raises(Conflict) as caught:
        _request(profile=profile, mentee=mentee)
    assert caught.value.code == "already_mentored"


def test_mentorship_request_create_needs_a_message():
    with pytest.raises(ValidationError) as caught:
        _request(message="   ")
    assert "message" in caught.value.errors


def test_mentorship_request_accept_starts_mentorship(django_capture_on_commit_callbacks):
    course = CourseFactory()
    request = _request(course=course)
    seen = []

    def listener(sender, **kwargs):
        seen.append((kwargs["change"], kwargs["by"].pk))

    mentorship_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            mentorship = mentorship_request_accept(request=request, by=request.mentor)
    finally:
        mentorship_changed.disconnect(listener)
    request.refresh_from_db()
    assert request.status == "accepted" and request.mentorship == mentorship
    assert mentorship.status == "active" and mentorship.course == course
    assert mentorship.started_on == timezone.localdate()
    assert seen == [("started", request.mentor_id)]
    assert Notification.objects.filter(
        recipient=request.mentee, kind="mentorship.request_accepted"
    ).exists()


def test_mentorship_request_accept_over_capacity_conflicts():
    profile = MentorProfileFactory(capacity=1)
    MentorshipFactory(mentor=profile.user, status="paused")  # a paused one keeps its place
    request = _request(profile=profile)
    with pytest.raises(Conflict) as caught:
        mentorship_request_accept(request=request, by=profile.user)
    assert caught.value.code == "over_capacity"
    request.refresh_from_db()
    assert request.status == "pending"


def test_mentorship_request_accept_only_by_its_mentor_and_once():
    request = _request()
    with pytest.raises(NotFound):
        mentorship_request_accept(request=request, by=request.mentee)
    mentorship_request_accept(request=request, by=request.mentor)
    with pytest.raises(Conflict):
        mentorship_request_accept(request=request, by=request.mentor)


def test_mentorship_request_decline_needs_reason_and_notifies(django_capture_on_commit_callbacks):
    request = _request()
    with pytest.raises(ValidationError) as caught:
        mentorship_request_decline(request=request, by=request.mentor, reason=" ")
    assert "reason" in caught.value.errors
    with django_capture_on_commit_callbacks(execute=True):
        mentorship_request_decline(request=request, by=request.mentor, reason="Fully booked")
    request.refresh_from_db()
    assert (request.status, request.decline_reason) == ("declined", "Fully booked")
    note = Notification.objects.get(recipient=request.mentee, kind="mentorship.request_declined")
    assert note.data["reason"] == "Fully booked" and "Fully booked" in note.body


def test_mentorship_request_withdraw_by_mentee_only():
    request = _request()
    with pytest.raises(NotFound):
        mentorship_request_withdraw(request=request, by=request.mentor)
    mentorship_request_withdraw(request=request, by=request.mentee)
    request.refresh_from_db()
    assert request.status == "withdrawn"
    with pytest.raises(Conflict):
        mentorship_request_withdraw(request=request, by=request.mentee)
    # withdrawn: asking again is allowed
    again = _request(profile=request.mentor.mentor_profile, mentee=request.mentee)
    assert again.status == MentorshipRequest.Status.PENDING


# --- lifecycle --------------------------------------------------------------------------------


def test_mentorship_pause_resume_by_either_side():
    mentorship = MentorshipFactory()
    mentorship = mentorship_pause(mentorship=mentorship, by=mentorship.mentee)
    assert mentorship.status == "paused"
    with pytest.raises(Conflict):
        mentorship_pause(mentorship=mentorship, by=mentorship.mentor)
    mentorship = mentorship_resume(mentorship=mentorship, by=mentorship.mentor)
    assert mentorship.status == "active"
    with pytest.raises(Conflict):
        mentorship_resume(mentorship=mentorship, by=mentorship.mentor)


def test_mentorship_lifecycle_refuses_others():
    mentorship = MentorshipFactory()
    staff = UserFactory(is_staff=True)
    for user in (UserFactory(), staff):
        with pytest.raises(NotFound):
            mentorship_pause(mentorship=mentorship, by=user)


def test_mentorship_end_cancels_future_sessions_and_tells_the_other_side(
    django_capture_on_commit_callbacks,
):
    future = MentorSessionFactory()
    mentorship = future.mentorship
    past = MentorSessionFactory(
        mentorship=mentorship,
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=1),
    )
    changes = []

    def listener(sender, **kwargs):
        changes.append((kwargs["session"].pk, kwargs["change"]))

    session_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ended = mentorship_end(mentorship=mentorship, by=mentorship.mentee, reason="Done")
    finally:
        session_changed.disconnect(listener)
    assert ended.status == Mentorship.Status.ENDED and ended.ended_by == mentorship.mentee
    assert ended.end_reason == "Done" and ended.ended_at is not None
    future.refresh_from_db()
    past.refresh_from_db()
    assert future.status == MentorSession.Status.CANCELLED and future.ical_sequence == 1
    assert past.status == MentorSession.Status.BOOKED
    assert changes == [(future.pk, "cancelled")]
    assert Notification.objects.filter(
        recipient=mentorship.mentor, kind="mentorship.mentorship_ended"
    ).exists()
    with pytest.raises(Conflict):
        mentorship_end(mentorship=ended, by=mentorship.mentor, reason="Again")


def test_mentorship_end_needs_reason():
    mentorship = MentorshipFactory()
    with pytest.raises(ValidationError):
        mentorship_end(mentorship=mentorship, by=mentorship.mentor, reason="")
