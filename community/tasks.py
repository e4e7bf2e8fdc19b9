"""Celery tasks of the community app: thin; the rules live in community.services (where the
tasks are defined, next to the services that queue them, as notifications does)."""

from community.services.posts import mentions_notify_task

__all__ = ["mentions_notify_task"]
