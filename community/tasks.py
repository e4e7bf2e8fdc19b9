"""Celery tasks of the community app: thin; the rules live in community.services."""

from typing import Any

from celery import shared_task

from community.services.posts import mentions_notify

RETRYING: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="community.mentions_notify", **RETRYING)
def mentions_notify_task(user_ids: list[int], post_id: int, comment_id: int | None = None) -> int:
    return mentions_notify(user_ids=user_ids, post_id=post_id, comment_id=comment_id)
