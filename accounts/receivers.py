"""What the accounts app does when allauth reports account events."""

from typing import Any

from allauth.account.signals import password_reset
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.invitations import invited_email_verify
from activity.tracking import track
from activity.verbs import Verb
from activity.visitor import visitor_id


@receiver(password_reset, dispatch_uid="accounts.invitations.password_reset")
def _password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The link came by email (an invitation or "forgot password"): the address is theirs.
    invited_email_verify(user=user)


@receiver(user_logged_in, dispatch_uid="accounts.activity.logged_in")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The visitor id links what this browser did before signing in to the account.
    context = {"anonymous_id": visitor_id(request, create=False)} if request is not None else {}
    track(actor=user, verb=Verb.LOGGED_IN, object=user, context=context)
