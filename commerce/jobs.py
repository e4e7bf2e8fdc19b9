"""Job handlers of the commerce app (named in settings.KALPLA_JOB_KINDS).

``commerce.invoice_send``: an invoice's or credit note's PDF, stored privately under its
number, then the buyer told (a receipt, or a refund notice) through ``notify()``: email, in
the app and on their phone. A rerun replaces the PDF and sends nothing twice.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from jobs.models import ProcessingJob
from notifications.services.notify import notify

from .invoice_pdf import invoice_pdf, money
from .models import Invoice


def invoice_pdf_name(invoice: Invoice) -> str:
    return f"private/invoices/{invoice.year}/{invoice.number}.pdf"


def invoice_send_job(job: ProcessingJob) -> dict[str, Any]:
    invoice = (
        Invoice.objects.select_related("payment__order__user")
        .filter(pk=int(job.object_id or 0))
        .first()
    )
    if invoice is None:
        raise ValidationError("The invoice no longer exists.")
    data = invoice_pdf(details=invoice.details)
    name = invoice_pdf_name(invoice)
    if default_storage.exists(name):
        default_storage.delete(name)
    stored = default_storage.save(name, ContentFile(data))
    Invoice.objects.filter(pk=invoice.pk).update(pdf=stored)
    if invoice.emailed_at is None:
        _tell_buyer(invoice)
        Invoice.objects.filter(pk=invoice.pk).update(emailed_at=timezone.now())
    return {"pdf": stored, "bytes": len(data)}


def _tell_buyer(invoice: Invoice) -> None:
    order = invoice.payment.order
    details = invoice.details
    titles = ", ".join(line["title"] for line in details["lines"])
    credit = invoice.kind == Invoice.Kind.CREDIT_NOTE
    notify(
        recipients=[order.user],
        kind="commerce.refund" if credit else "commerce.receipt",
        context={
            "number": invoice.number,
            "order": order.number,
            "title": titles.removeprefix("Refund: "),
            "total": money(details["totals"]["total"], details["currency"]),
            "reason": details.get("reason", ""),
            "revoked": bool(details.get("access_revoked")),
        },
        url=reverse("billing:receipt", args=[order.pk]),
        dedupe_key=f"invoice:{invoice.number}",
    )
