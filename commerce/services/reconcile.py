"""Reconciliation (Celery beat): orders left pending are settled by asking their gateway.

A webhook can be lost (the site was down, the endpoint misconfigured) or late. Every few
minutes ``orders_reconcile`` asks the gateway about unpaid orders it knows of that are old
enough for their webhook to be overdue, and records what it says through ``payment_record``
(idempotent: a webhook arriving at the same moment finds the payment already there).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from commerce.gateways import GatewayError, get_gateway
from commerce.selectors import orders_pending_with_gateway
from commerce.services.orders import order_payment_failed, payment_record
from kalpla.exceptions import ValidationError

logger = logging.getLogger(__name__)

# A webhook usually arrives within seconds; after this the gateway is asked.
OVERDUE_AFTER = timedelta(minutes=10)
# Orders older than this are left alone (the gateway's checkout has long expired).
GIVE_UP_AFTER = timedelta(days=7)
BATCH = 200


@dataclass
class ReconcileReport:
    checked: int = 0
    paid: int = 0
    failed: int = 0
    errors: int = 0


def orders_reconcile(*, now: datetime | None = None) -> ReconcileReport:
    now = now or timezone.now()
    report = ReconcileReport()
    pending = orders_pending_with_gateway(created_before=now - OVERDUE_AFTER).filter(
        created_at__gte=now - GIVE_UP_AFTER
    )
    for order in pending.order_by("created_at")[:BATCH]:
        report.checked += 1
        try:
            remote = get_gateway(order.gateway).order_status(order=order)
        except GatewayError as exc:
            logger.warning("reconciling order %s: %s", order.number, exc)
            report.errors += 1
            continue
        if remote is None:
            continue
        if not remote.succeeded:
            if order.status == order.Status.PENDING:
                order_payment_failed(order=order, message=remote.failure_message)
                report.failed += 1
            continue
        try:
            payment_record(
                order=order,
                gateway=order.gateway,
                payment_id=remote.payment_id,
                amount=remote.amount,
                currency=remote.currency,
                note="Recorded by reconciliation.",
            )
        except ValidationError:
            report.errors += 1  # logged by payment_record: staff look into it
            continue
        logger.info("order %s settled by reconciliation", order.number)
        report.paid += 1
    return report
