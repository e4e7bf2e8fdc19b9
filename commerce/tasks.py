from celery import shared_task

from commerce.services.reconcile import orders_reconcile


@shared_task(name="commerce.orders_reconcile", acks_late=True)
def orders_reconcile_task() -> dict[str, int]:
    """Beat: settle orders whose webhook is overdue by asking their gateway."""
    report = orders_reconcile()
    return {"checked": report.checked, "paid": report.paid, "failed": report.failed}
