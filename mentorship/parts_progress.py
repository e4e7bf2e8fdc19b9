"""The progress area's parts of the shared session and mentorship pages (mentorship/pages.py):
``templates/mentorship/sessions/_outcome.html`` and ``templates/mentorship/mentorships/
_progress.html`` read the ``progress_*`` keys these return. A fixed number of queries each."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from mentorship.forms_progress import (
    ActionItemForm,
    GoalForm,
    MilestoneForm,
    NoteForm,
    ProgressUpdateForm,
    RatingForm,
)
from mentorship.models import MentorSession, Mentorship
from mentorship.pages import MENTORSHIP_PAGE_PARTS, SESSION_PAGE_PARTS
from mentorship.policies import mentorship_is_participant
from mentorship.selectors import progress as selectors
from mentorship.selectors.timeline import mentorship_timeline
from mentorship.services.outcomes import NO_SHOW_WINDOW, RATING_WINDOW

TIMELINE_ON_PAGE = 10


def _can_write(user: Any, mentorship: Any) -> bool:
    return mentorship.status != Mentorship.Status.ENDED and mentorship_is_participant(
        user=user, mentor_id=mentorship.mentor_id, mentee_id=mentorship.mentee_id
    )


def session_outcome_part(*, request: HttpRequest, session: Any) -> dict[str, Any]:
    user = request.user
    now = timezone.now()
    is_mentee = user.pk == session.mentee_id
    started = now >= session.starts_at
    can_write = _can_write(user, session.mentorship)
    took_place = session.status != MentorSession.Status.CANCELLED and not (
        session.status == MentorSession.Status.NO_SHOW
        and session.no_show_party == MentorSession.Party.MENTEE
    )
    can_rate = (
        can_write
        and is_mentee
        and took_place
        and started
        and now <= session.ends_at + RATING_WINDOW
    )
    no_show_party = ""
    if (
        can_write
        and session.status in (MentorSession.Status.BOOKED, MentorSession.Status.COMPLETED)
        and started
        and now <= session.ends_at + NO_SHOW_WINDOW
    ):
        no_show_party = "mentor" if is_mentee else "mentee"
    rating_initial = {"rating": session.rating, "feedback": session.feedback}
    return {
        "progress_session": session,
        "progress_can_write": can_write and session.status != MentorSession.Status.CANCELLED,
        "progress_is_mentee": is_mentee,
        "progress_is_mentor": user.pk == session.mentor_id,
        "progress_notes": list(selectors.session_note_list(session=session, user=user)),
        "progress_note_form": NoteForm(mentee=is_mentee),
        "progress_action_items": list(
            selectors.action_item_list(mentorship=session.mentorship_id, session=session)
        ),
        "progress_action_form": ActionItemForm(initial={"session": session.pk}),
        "progress_can_rate": can_rate,
        "progress_rating_form": RatingForm(initial=rating_initial),
        "progress_no_show_party": no_show_party,
        "progress_next": request.get_full_path(),
    }


def mentorship_progress_part(*, request: HttpRequest, mentorship: Any) -> dict[str, Any]:
    user = request.user
    goals = list(selectors.goal_list(mentorship=mentorship))
    for goal in goals:
        setattr(goal, "percent_done", selectors.goal_progress_percent(goal))  # noqa: B010
    return {
        "progress_mentorship": mentorship,
        "progress_can_write": _can_write(user, mentorship),
        "progress_goals": goals,
        "progress_open_items": list(
            selectors.action_item_list(mentorship=mentorship, open_only=True)
        ),
        "progress_goal_form": GoalForm(),
        "progress_milestone_form": MilestoneForm(),
        "progress_update_form": ProgressUpdateForm(goals=goals),
        "progress_action_form": ActionItemForm(),
        "timeline": mentorship_timeline(mentorship=mentorship, viewer=user, limit=TIMELINE_ON_PAGE),
        "timeline_url": reverse("mentorship:progress_timeline", args=[mentorship.pk]),
        "progress_next": request.get_full_path(),
    }


def register() -> None:
    if session_outcome_part not in SESSION_PAGE_PARTS:
        SESSION_PAGE_PARTS.append(session_outcome_part)
    if mentorship_progress_part not in MENTORSHIP_PAGE_PARTS:
        MENTORSHIP_PAGE_PARTS.append(mentorship_progress_part)
