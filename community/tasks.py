"""Celery tasks of the community app: thin wrappers, the rules live in services. The task
pushing unread counts lives with the service that queues it (``community.services.unread``);
importing it here registers it wherever Celery's autodiscovery imports this module."""

from community.services.unread import chat_unread_push_task

__all__ = ["chat_unread_push_task"]
