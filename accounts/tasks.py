"""Celery tasks of the accounts app (found by autodiscovery): the invitation emails of invited
accounts, which live with the service that queues them (accounts.invitations)."""

from accounts.invitations import user_invitations_send_task

__all__ = ["user_invitations_send_task"]
