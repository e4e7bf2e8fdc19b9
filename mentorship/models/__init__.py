"""Models of the mentorship app: mentors and matching, availability, booked sessions and what
comes out of them, goals, live classes and calendar feeds. One module per subdomain; every
model is importable from ``mentorship.models``.
"""

from mentorship.models.availability import AvailabilityException, AvailabilityRule
from mentorship.models.calendar import CalendarFeed
from mentorship.models.goals import Goal, Milestone, ProgressUpdate
from mentorship.models.live import LOCAL_MAX_VIEWERS, LiveClass, LiveClassAttendance
from mentorship.models.profiles import (
    LearnerPreference,
    MentorLanguage,
    MentorProfile,
    Mentorship,
    MentorshipRequest,
)
from mentorship.models.sessions import ActionItem, MentorSession, SessionNote

__all__ = [
    "LOCAL_MAX_VIEWERS",
    "ActionItem",
    "AvailabilityException",
    "AvailabilityRule",
    "CalendarFeed",
    "Goal",
    "LearnerPreference",
    "LiveClass",
    "LiveClassAttendance",
    "MentorLanguage",
    "MentorProfile",
    "MentorSession",
    "Mentorship",
    "MentorshipRequest",
    "Milestone",
    "ProgressUpdate",
    "SessionNote",
]
