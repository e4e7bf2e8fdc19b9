"""What the accounts app does when allauth reports account events."""

from typing import Any

from allauth.account.signals import password_reset
from django.dispatch import receiver

from accounts.invitations import invited_email_verify


@receiver(password_reset, dispatch_uid="accounts.invitations.password_reset")
def _password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The link came by email (an invitation or "forgot password"): the address is theirs.
    invited_email_verify(user=user)
