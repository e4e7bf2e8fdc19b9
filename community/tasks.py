"""Celery tasks of the community app: thin wrappers, the rules live in services."""

from celery import shared_task

from community.services.messages import room_unread_push


@shared_task(name="community.chat_unread_push", ignore_result=True)
def chat_unread_push_task(message_id: int) -> int:
    """Push the unread counts of a message's room to its members (after a send or delete)."""
    return room_unread_push(message_id=message_id)
