"""Celery tasks of campaigns: the beat job that sends due campaigns, and "send now"."""

from celery import shared_task

from analytics.services.campaign_sending import campaign_deliver, campaigns_due_ids


@shared_task(name="analytics.campaign_send", acks_late=True)
def campaign_send_task(campaign_id: int) -> bool:
    return campaign_deliver(campaign_id=campaign_id)


@shared_task(name="analytics.campaigns_send_due", acks_late=True)
def campaigns_send_due_task() -> int:
    """Every minute: send each scheduled campaign whose time came (each exactly once)."""
    return sum(1 for pk in campaigns_due_ids() if campaign_deliver(campaign_id=pk))
