"""Matching ranked against hand-computed scores (the formula in mentorship/selectors/matching).

score = 3 per shared topic + 2 per shared language + 0.5 per overlap hour (at most 8) - load
"""

from datetime import UTC, datetime

import pytest

from accounts.tests.factories import UserFactory
from courses.tests.factories import CourseFactory, TagFactory
from enrollments.tests.factories import EnrollmentFactory
from mentorship.selectors.matching import explain, mentor_score, mentor_suggestions
from mentorship.tests.factories import (
    LearnerPreferenceFactory,
    MentorProfileFactory,
    MentorshipFactory,
)

pytestmark = pytest.mark.django_db

# 15 January 2026: Berlin is UTC+1, Chicago UTC-6, Kolkata UTC+5:30 (no summer time).
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def _mentor(name, *, open_mentees=0, **kwargs):
    profile = MentorProfileFactory(user=UserFactory(name=name, roles=("Mentor",)), **kwargs)
    for _ in range(open_mentees):
        MentorshipFactory(mentor=profile.user)
    return profile


@pytest.fixture
def world():
    tags = {slug: TagFactory(name=slug, slug=slug) for slug in ("python", "sql", "data", "go")}
    # the student (Berlin, awake 07:00-21:00 UTC): topics python + sql from preferences, data
    # (and python again) from a course; language en
    student = UserFactory(timezone="Europe/Berlin", language="")
    pref = LearnerPreferenceFactory(user=student, languages=["en"])
    pref.interests.set([tags["python"], tags["sql"]])
    EnrollmentFactory(user=student, course=CourseFactory(tags=[tags["data"], tags["python"]]))
    mentors = {
        # 3 topics (9) + en (2) + 14 h overlap capped at 8 (4) - load 2/4 (0.5) = 14.5
        "A": _mentor(
            "Asha",
            timezone="Europe/Berlin",
            expertise=[tags["python"], tags["data"], tags["sql"]],
            languages=["en", "de"],
            capacity=4,
            open_mentees=2,
        ),
        # 1 topic (3) + no language (0) + 9.5 h (02:30-16:30 vs 07:00-21:00 UTC) capped at 8
        # (4) - load 0/5 (0) = 7
        "B": _mentor(
            "Bala",
            timezone="Asia/Kolkata",
            expertise=[tags["python"]],
            languages=["hi"],
            capacity=5,
        ),
        # 2 topics (6) + en (2) + 7 h (14:00-21:00 UTC) (3.5) - load 1/2 (0.5) = 11
        "C": _mentor(
            "Carl",
            timezone="America/Chicago",
            expertise=[tags["sql"], tags["data"]],
            languages=["en"],
            capacity=2,
            open_mentees=1,
        ),
        # ties at 4 (13 h with UTC, capped at 8: 4; nothing shared; no load): more places
        # first (Bea: 6), then by name (Amy before Cal, 3 places each)
        "Bea": _mentor("Bea", timezone="UTC", expertise=[tags["go"]], languages=["fr"], capacity=6),
        "Cal": _mentor("Cal", timezone="UTC", languages=["fr"], capacity=3),
        "Amy": _mentor("Amy", timezone="UTC", languages=["fr"], capacity=3),
        # left out: full (1/1), not accepting, not listed, already the student's mentor
        "full": _mentor("Full", capacity=1, open_mentees=1, languages=["en"]),
        "closed": _mentor("Closed", is_accepting=False, languages=["en"]),
        "unlisted": _mentor("Unlisted", is_listed=False, languages=["en"]),
        "mine": _mentor("Mine", languages=["en"]),
    }
    MentorshipFactory(mentor=mentors["mine"].user, mentee=student)
    return student, mentors


def test_mentor_score_formula():
    assert mentor_score(topics=3, languages=1, overlap_hours=14, open_mentees=2, capacity=4) == 14.5
    assert mentor_score(topics=0, languages=0, overlap_hours=3, open_mentees=0, capacity=0) == 0.5


def test_mentor_suggestions_rank_hand_computed_scores(world):
    student, _mentors = world
    found = mentor_suggestions(student=student, now=NOW)
    assert [(s.mentor.user.name, s.score) for s in found] == [
        ("Asha", 14.5),
        ("Carl", 11.0),
        ("Bala", 7.0),
        ("Bea", 4.0),
        ("Amy", 4.0),
        ("Cal", 4.0),
    ]


def test_mentor_suggestions_explain_themselves_exactly(world):
    student, _mentors = world
    found = {s.mentor.user.name: s for s in mentor_suggestions(student=student, now=NOW)}
    assert found["Asha"].explanation == (
        "shares 3 topics (data, python, sql), speaks en, 14 hours of overlap, 2 places left"
    )
    assert (
        found["Bala"].explanation == "shares 1 topic (python), 9.5 hours of overlap, 5 places left"
    )
    assert found["Carl"].explanation == (
        "shares 2 topics (data, sql), speaks en, 7 hours of overlap, 1 place left"
    )
    assert found["Amy"].explanation == "13 hours of overlap, 3 places left"
    assert (found["Carl"].shared_topics, found["Carl"].shared_languages) == (
        ["data", "sql"],
        ["en"],
    )


def test_mentor_suggestions_use_the_site_language_too(world):
    student, _mentors = world
    student.language = "hi"
    # Bala now shares hi: 7 + 2 = 9, still behind Carl (11)
    found = [(s.mentor.user.name, s.score) for s in mentor_suggestions(student=student, now=NOW)]
    assert found[:3] == [("Asha", 14.5), ("Carl", 11.0), ("Bala", 9.0)]


def test_mentor_suggestions_leave_out_the_student_as_mentor():
    me = MentorProfileFactory()
    assert mentor_suggestions(student=me.user, now=NOW) == []


def test_explain_singular_and_plural():
    assert explain(topics=["go"], languages=[], overlap=1, places=1) == (
        "shares 1 topic (go), 1 hour of overlap, 1 place left"
    )
    assert explain(topics=[], languages=["en", "hi"], overlap=0, places=2) == (
        "speaks en, hi, 0 hours of overlap, 2 places left"
    )


def test_mentor_suggestions_bounded_queries(world, django_assert_max_num_queries):
    student, _mentors = world
    with django_assert_max_num_queries(8):
        found = mentor_suggestions(student=student, now=NOW)
        [s.mentor.user.name for s in found]
