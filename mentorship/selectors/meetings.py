"""Reads for meetings: the session behind a meeting page or a join request."""

from django.utils.translation import gettext as _

from kalpla.exceptions import NotFound
from mentorship.models import MentorSession


def session_for_meeting(*, session_id: int) -> MentorSession:
    """The session with its two people (for the page title and the meeting's title)."""
    session = MentorSession.objects.select_related("mentor", "mentee").filter(pk=session_id).first()
    if session is None:
        raise NotFound(_("No such mentoring session."))
    return session
