"""Beat tasks of subscriptions: thin; the rules live in commerce/services/subscription_sweeps.py."""

from typing import Any

from celery import shared_task

from commerce.services.subscription_sweeps import subscription_reminders_send, subscriptions_sweep

RETRIED: dict[str, Any] = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 3,
}


@shared_task(name="commerce.subscriptions_sweep", **RETRIED)
def subscriptions_sweep_task() -> dict[str, int]:
    return subscriptions_sweep()


@shared_task(name="commerce.subscription_reminders", **RETRIED)
def subscription_reminders_task() -> int:
    return subscription_reminders_send()
