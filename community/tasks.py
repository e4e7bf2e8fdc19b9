"""Celery tasks of the community app: thin wrappers, the rules live in services. Each task is
defined beside the service that queues it (unread counts: ``community.services.unread``;
mention notices: ``community.services.posts``); importing them here registers them wherever
Celery's autodiscovery imports this module."""

from community.services.posts import mentions_notify_task
from community.services.unread import chat_unread_push_task

__all__ = ["chat_unread_push_task", "mentions_notify_task"]
