"""Invoices and credit notes: numbered without gaps per kind and year, frozen when issued.

``invoice_issue(payment=...)`` runs in the payment's transaction (``payment_record`` calls it
through ``PAYMENT_RECORDED_HOOKS``): the number comes from ``InvoiceCounter`` under its row
lock, so concurrent payments queue for the next number, and a payment whose transaction rolls
back gives its number back. ``credit_note_issue(refund=...)`` does the same for a refund. The
PDF is made and the buyer emailed by the job ``commerce.invoice_send`` once the transaction
commits (commerce/jobs.py).

What a document says (seller, buyer, lines, tax, totals) is stored in ``Invoice.details``
when it is issued: later changes to the seller settings, the course title or the buyer's name
do not rewrite an issued invoice.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from jobs.services import job_enqueue

from ..models import ZERO, Invoice, InvoiceCounter, Payment, Refund

CENT = Decimal("0.01")
PREFIXES = {Invoice.Kind.INVOICE: "INV", Invoice.Kind.CREDIT_NOTE: "CN"}
SEND_JOB = "commerce.invoice_send"


def invoice_number(*, kind: str, year: int, sequence: int) -> str:
    return f"{PREFIXES[Invoice.Kind(kind)]}-{year}-{sequence:06d}"


def invoice_sequence_next(*, kind: str, year: int) -> int:
    """The next number of ``kind`` in ``year``; the counter row stays locked until the
    caller's transaction ends (a rollback gives the number back)."""
    assert transaction.get_connection().in_atomic_block, "call inside the issuing transaction"
    counter, _created = InvoiceCounter.objects.select_for_update().get_or_create(
        kind=kind, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@transaction.atomic
def invoice_issue(*, payment: Payment) -> Invoice:
    """The invoice of a succeeded payment (the one it has, when issued before)."""
    existing = Invoice.objects.filter(payment=payment, kind=Invoice.Kind.INVOICE).first()
    if existing is not None:
        return existing
    details = _invoice_details(payment)
    return _issue(kind=Invoice.Kind.INVOICE, payment=payment, refund=None, details=details)


@transaction.atomic
def credit_note_issue(*, refund: Refund, access_revoked: bool = False) -> Invoice:
    """The credit note of a succeeded refund (the one it has, when issued before);
    ``access_revoked`` tells the buyer's notice that the course was taken back."""
    existing = Invoice.objects.filter(refund=refund).first()
    if existing is not None:
        return existing
    payment = refund.payment
    details = {**_credit_note_details(refund, payment), "access_revoked": access_revoked}
    return _issue(kind=Invoice.Kind.CREDIT_NOTE, payment=payment, refund=refund, details=details)


def _today() -> date:
    return timezone.localdate()


def _issue(*, kind: str, payment: Payment, refund: Refund | None, details: dict) -> Invoice:
    today = _today()
    year = today.year
    try:
        with transaction.atomic():
            sequence = invoice_sequence_next(kind=kind, year=year)
            number = invoice_number(kind=kind, year=year, sequence=sequence)
            invoice = Invoice.objects.create(
                kind=kind,
                number=number,
                year=year,
                sequence=sequence,
                payment=payment,
                refund=refund,
                details={**details, "number": number, "issued_on": today.isoformat()},
            )
    except IntegrityError:
        # the same payment's invoice issued at this moment by a concurrent delivery: the
        # savepoint gave the number back
        return Invoice.objects.get(
            payment=payment, kind=kind, **({"refund": refund} if refund else {})
        )
    job_enqueue(kind=SEND_JOB, target=invoice)
    return invoice


def _seller() -> dict[str, str]:
    return {
        "name": settings.KALPLA_SELLER_NAME,
        "address": settings.KALPLA_SELLER_ADDRESS,
        "tax_id": settings.KALPLA_SELLER_TAX_ID,
    }


def _buyer(user: Any) -> dict[str, str]:
    return {"name": user.name or user.email, "email": user.email}


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def _invoice_details(payment: Payment) -> dict[str, Any]:
    order = payment.order
    lines = []
    for item in order.items.order_by("pk"):
        taxable = item.total - item.tax
        lines.append(
            {
                "title": item.title,
                "list_price": _money(item.list_price),
                "discount": _money(item.discount),
                "taxable": _money(taxable),
                "tax": _money(item.tax),
                "total": _money(item.total),
            }
        )
    return {
        "kind": Invoice.Kind.INVOICE,
        "seller": _seller(),
        "buyer": _buyer(order.user),
        "order": order.number,
        "gateway": payment.gateway,
        "payment": payment.gateway_payment_id,
        "paid_at": payment.created_at.isoformat(),
        "currency": order.currency,
        "tax": _tax(order.tax_rate, order.tax_inclusive),
        "coupon": order.coupon.code if order.coupon is not None else "",
        "lines": lines,
        "totals": {
            "subtotal": _money(order.subtotal),
            "discount": _money(order.discount),
            "taxable": _money(order.total - order.tax),
            "tax": _money(order.tax),
            "total": _money(order.total),
            "paid": _money(payment.amount),
        },
    }


def _tax(rate: Decimal, inclusive: bool) -> dict[str, Any]:
    return {"name": settings.KALPLA_TAX_NAME, "rate": str(rate), "inclusive": inclusive}


def refund_tax_share(*, amount: Decimal, order_total: Decimal, order_tax: Decimal) -> Decimal:
    """The tax inside a refund of ``amount``: the order's tax in proportion."""
    if order_total <= 0:
        return ZERO
    return (amount * order_tax / order_total).quantize(CENT, rounding=ROUND_HALF_UP)


def _credit_note_details(refund: Refund, payment: Payment) -> dict[str, Any]:
    order = payment.order
    tax = refund_tax_share(amount=refund.amount, order_total=order.total, order_tax=order.tax)
    original = Invoice.objects.filter(payment=payment, kind=Invoice.Kind.INVOICE).first()
    titles = ", ".join(item.title for item in order.items.order_by("pk"))
    return {
        "kind": Invoice.Kind.CREDIT_NOTE,
        "seller": _seller(),
        "buyer": _buyer(order.user),
        "order": order.number,
        "gateway": payment.gateway,
        "payment": payment.gateway_payment_id,
        "refund": refund.gateway_refund_id,
        "refers_to": original.number if original else "",
        "reason": refund.reason,
        "currency": order.currency,
        "tax": _tax(order.tax_rate, True),
        "lines": [
            {
                "title": f"Refund: {titles}"[:200],
                "list_price": _money(refund.amount),
                "discount": _money(ZERO),
                "taxable": _money(refund.amount - tax),
                "tax": _money(tax),
                "total": _money(refund.amount),
            }
        ],
        "totals": {
            "subtotal": _money(refund.amount),
            "discount": _money(ZERO),
            "taxable": _money(refund.amount - tax),
            "tax": _money(tax),
            "total": _money(refund.amount),
            "paid": _money(refund.amount),
        },
    }
