"""Mentor suggestions for a student, each with the reasons it was made.

Score of a mentor for a student (higher first)::

    3   per shared topic     (mentor's expertise ∩ the student's topics)
  + 2   per shared language  (mentor's languages ∩ the student's languages)
  + 0.5 per hour of waking-time overlap between the two zones, counting at most 8 hours
  - load                     (open mentorships / capacity, 0 to 1)

The student's topics are the tags of the courses they are enrolled in plus the interests in
their mentoring preferences; their languages are the preference's languages plus their site
language (``user.language``). Mentors who are full, not accepting, not listed, already
mentoring the student, or the student themselves are left out. Ties go to the mentor with
more places left, then by name, then by profile id.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses.selectors.topics import tags_of_courses
from enrollments.selectors import live_enrollments_by_course
from mentorship.models import LearnerPreference, MentorProfile, Mentorship
from mentorship.selectors.directory import (
    OPEN_STATUSES,
    mentor_cards_base,
    places_left,
    waking_overlap_hours,
    zone_info,
)

TOPIC_POINTS = 3.0
LANGUAGE_POINTS = 2.0
OVERLAP_POINTS = 0.5
OVERLAP_CAP_HOURS = 8.0


@dataclass(frozen=True)
class Suggestion:
    mentor: MentorProfile
    score: float
    shared_topics: list[str]
    shared_languages: list[str]
    overlap_hours: float
    places_left: int
    explanation: str


@dataclass(frozen=True)
class StudentNeeds:
    topic_ids: set[int]
    languages: set[str]
    timezone: str


def student_needs(*, student: Any) -> StudentNeeds:
    """What matching knows of the student. Three queries at most."""
    preference = (
        LearnerPreference.objects.filter(user_id=student.pk).prefetch_related("interests").first()
    )
    topic_ids = {
        t.pk for t in tags_of_courses(course_ids=live_enrollments_by_course(user_id=student.pk))
    }
    languages: set[str] = set()
    if preference is not None:
        topic_ids |= {t.pk for t in preference.interests.all()}
        languages |= {str(code).lower() for code in preference.languages or []}
    if getattr(student, "language", ""):
        languages.add(student.language[:2].lower())
    return StudentNeeds(
        topic_ids=topic_ids, languages=languages, timezone=student.timezone or "UTC"
    )


def _hours(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def explain(*, topics: list[str], languages: list[str], overlap: float, places: int) -> str:
    """ "shares 3 topics (python, data, sql), speaks en, 4 hours of overlap, 2 places left" """
    parts = []
    if topics:
        parts.append(
            ngettext(
                "shares %(n)d topic (%(names)s)", "shares %(n)d topics (%(names)s)", len(topics)
            )
            % {"n": len(topics), "names": ", ".join(topics)}
        )
    if languages:
        parts.append(_("speaks %(codes)s") % {"codes": ", ".join(languages)})
    hours = round(overlap * 2) / 2
    parts.append(
        ngettext("%(h)s hour of overlap", "%(h)s hours of overlap", 1 if hours == 1 else 2)
        % {"h": _hours(hours)}
    )
    parts.append(ngettext("%(n)d place left", "%(n)d places left", places) % {"n": places})
    return ", ".join(parts)


def mentor_score(
    *, topics: int, languages: int, overlap_hours: float, open_mentees: int, capacity: int
) -> float:
    """The documented score (module docstring)."""
    load = min(open_mentees / capacity, 1.0) if capacity else 1.0
    return (
        TOPIC_POINTS * topics
        + LANGUAGE_POINTS * languages
        + OVERLAP_POINTS * min(overlap_hours, OVERLAP_CAP_HOURS)
        - load
    )


def mentor_suggestions(
    *, student: Any, limit: int = 20, now: datetime | None = None
) -> list[Suggestion]:
    """The best ``limit`` mentors for ``student``, best first. Six queries."""
    now = now or timezone.now()
    needs = student_needs(student=student)
    today = now.astimezone(zone_info(needs.timezone)).date()
    already = Mentorship.objects.filter(mentee_id=student.pk, status__in=OPEN_STATUSES).values(
        "mentor_id"
    )
    candidates = (
        mentor_cards_base()
        .filter(is_listed=True, is_accepting=True, user__is_active=True)
        .exclude(user_id=student.pk)
        .exclude(user_id__in=already)
    )
    overlaps: dict[str, float] = {}
    found: list[Suggestion] = []
    for profile in candidates:
        places = places_left(profile)
        if places <= 0:
            continue
        topics = sorted(t.name for t in profile.expertise.all() if t.pk in needs.topic_ids)
        languages = sorted(
            lang.code for lang in profile.languages.all() if lang.code in needs.languages
        )
        if profile.timezone not in overlaps:
            overlaps[profile.timezone] = waking_overlap_hours(
                needs.timezone, profile.timezone, on=today
            )
        overlap = overlaps[profile.timezone]
        score = mentor_score(
            topics=len(topics),
            languages=len(languages),
            overlap_hours=overlap,
            open_mentees=profile.open_mentees,  # type: ignore[attr-defined]
            capacity=profile.capacity,
        )
        found.append(
            Suggestion(
                mentor=profile,
                score=round(score, 4),
                shared_topics=topics,
                shared_languages=languages,
                overlap_hours=overlap,
                places_left=places,
                explanation=explain(
                    topics=topics, languages=languages, overlap=overlap, places=places
                ),
            )
        )
    found.sort(
        key=lambda s: (-s.score, -s.places_left, s.mentor.user.display_name.lower(), s.mentor.pk)
    )
    return found[:limit]
