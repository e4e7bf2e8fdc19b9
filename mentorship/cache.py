"""What retires a mentee's cached next sessions (read by
``mentorship.selectors.home.mentee_upcoming_sessions`` for the signed-in home).

Every student's home shows their next booked sessions as a mentee, so the rows are kept in
the cache per mentee instead of costing a query on every visit. The receivers below are the
only invalidation: any save or deletion of a session (booking, cancelling, rescheduling,
admin edits) moves its mentee's scope when it commits (at once outside a transaction). The
two bulk updates that skip them change nothing the home shows: reminders mark when they were sent, and sessions are
marked completed only after they ended, when the home no longer lists them (an entry never
outlives the end of the first session it holds). The mentors' names come with their users'
scopes (``accounts.selectors.user_cache_scope``), moved on every save of the user.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from kalpla.cache import cache_version_bump_on_commit
from mentorship.models import MentorSession


def mentee_sessions_scope(user_id: int) -> str:
    return f"mentorship:mentee-sessions:{user_id}"


@receiver(post_save, sender=MentorSession, dispatch_uid="mentorship.cache.session_saved")
@receiver(post_delete, sender=MentorSession, dispatch_uid="mentorship.cache.session_deleted")
def _session_changed(sender: type[MentorSession], instance: MentorSession, **kwargs: Any) -> None:
    # on commit only: no service reads a mentee's home rows in the transaction that books,
    # cancels or moves a session, and a booking holds its mentor's lock until it commits
    cache_version_bump_on_commit(mentee_sessions_scope(instance.mentee_id), now=False)
