"""Invoices and credit notes: gapless numbers per kind and year, frozen details, the PDF, and
the buyer's email once the payment commits."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.db import connection, transaction
from pypdf import PdfReader

from commerce.invoice_pdf import invoice_pdf
from commerce.models import Invoice, InvoiceCounter, Payment
from commerce.services import invoices
from commerce.services.invoices import credit_note_issue, invoice_issue
from commerce.tests.factories import CouponFactory, OrderFactory, PaymentFactory, RefundFactory
from commerce.tests.postgres import require_postgresql
from courses.tests.factories import CourseFactory
from jobs.models import ProcessingJob
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def paid_payment(**order_kwargs) -> Payment:
    order = OrderFactory(paid=True, **order_kwargs)
    return order.payments.get()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_invoice_issue_numbers_each_kind_without_gaps(monkeypatch):
    monkeypatch.setattr(invoices, "_today", lambda: date(2026, 3, 1))
    first, second = invoice_issue(payment=paid_payment()), invoice_issue(payment=paid_payment())
    assert (first.number, second.number) == ("INV-2026-000001", "INV-2026-000002")
    assert (first.year, first.sequence, second.sequence) == (2026, 1, 2)
    note = credit_note_issue(refund=RefundFactory(payment=first.payment, amount=Decimal("10")))
    assert note.number == "CN-2026-000001"
    assert note.kind == Invoice.Kind.CREDIT_NOTE


def test_invoice_issue_starts_again_each_year(monkeypatch):
    monkeypatch.setattr(invoices, "_today", lambda: date(2026, 12, 31))
    assert invoice_issue(payment=paid_payment()).number == "INV-2026-000001"
    monkeypatch.setattr(invoices, "_today", lambda: date(2027, 1, 1))
    assert invoice_issue(payment=paid_payment()).number == "INV-2027-000001"
    assert invoice_issue(payment=paid_payment()).number == "INV-2027-000002"


def test_invoice_issue_is_once_per_payment():
    payment = paid_payment()
    assert invoice_issue(payment=payment) == invoice_issue(payment=payment)
    assert Invoice.objects.count() == 1
    assert InvoiceCounter.objects.get().last == 1


def test_invoice_issue_rolled_back_gives_its_number_back():
    payment = paid_payment()
    with pytest.raises(RuntimeError), transaction.atomic():
        invoice_issue(payment=paid_payment())
        raise RuntimeError("the payment's transaction failed")
    assert invoice_issue(payment=payment).sequence == 1


def test_invoice_details_are_frozen_with_seller_buyer_lines_and_tax(settings):
    settings.KALPLA_SELLER_NAME = "Kalpla Learning Pvt. Ltd."
    settings.KALPLA_SELLER_TAX_ID = "29ABCDE1234F1Z5"
    coupon = CouponFactory(code="TEN")
    payment = paid_payment(
        subtotal=Decimal("1180.00"),
        discount=Decimal("118.00"),
        tax=Decimal("162.00"),
        total=Decimal("1062.00"),
        coupon=coupon,
        user__name="Asha Rao",
    )
    details = invoice_issue(payment=payment).details
    assert details["seller"]["tax_id"] == "29ABCDE1234F1Z5"
    assert details["buyer"]["name"] == "Asha Rao"
    assert details["tax"] == {"name": "GST", "rate": "18.00", "inclusive": True}
    assert details["coupon"] == "TEN"
    assert details["totals"] == {
        "subtotal": "1180.00",
        "discount": "118.00",
        "taxable": "900.00",
        "tax": "162.00",
        "total": "1062.00",
        "paid": "1062.00",
    }
    assert details["lines"][0]["taxable"] == "900.00"
    # renaming the seller later does not rewrite the issued invoice
    settings.KALPLA_SELLER_NAME = "Someone else"
    assert Invoice.objects.get().details["seller"]["name"] == "Kalpla Learning Pvt. Ltd."


def test_credit_note_takes_its_share_of_the_tax():
    payment = paid_payment(total=Decimal("1180.00"), tax=Decimal("180.00"))
    invoice = invoice_issue(payment=payment)
    refund = RefundFactory(payment=payment, amount=Decimal("590.00"), reason="Changed my mind")
    note = credit_note_issue(refund=refund, access_revoked=False)
    assert note.details["refers_to"] == invoice.number
    assert note.details["totals"]["tax"] == "90.00"
    assert note.details["totals"]["total"] == "590.00"
    assert note.details["reason"] == "Changed my mind"
    assert credit_note_issue(refund=refund) == note


def test_invoice_pdf_reads_back_with_seller_buyer_lines_and_totals(settings):
    settings.KALPLA_SELLER_ADDRESS = "12 MG Road, Bengaluru"
    payment = paid_payment(
        subtotal=Decimal("1180.00"),
        tax=Decimal("180.00"),
        total=Decimal("1180.00"),
        user__name="Asha <Rao>",
        items__course=CourseFactory(title="Data & Python"),
    )
    invoice = invoice_issue(payment=payment)
    text = pdf_text(invoice_pdf(details=invoice.details))
    assert "Tax invoice" in text
    assert invoice.number in text
    assert "12 MG Road, Bengaluru" in text
    assert "Asha <Rao>" in text
    assert "Data & Python" in text
    assert "GST 18.00%" in text
    assert "INR 180.00" in text
    assert "INR 1,180.00" in text
    assert "included in the prices" in text


def test_credit_note_pdf_names_the_invoice_and_reason():
    payment = paid_payment()
    invoice = invoice_issue(payment=payment)
    note = credit_note_issue(refund=RefundFactory(payment=payment, reason="Duplicate purchase"))
    text = pdf_text(invoice_pdf(details=note.details))
    assert "Credit note" in text
    assert f"against invoice {invoice.number}" in text
    assert "Duplicate purchase" in text


def test_invoice_send_job_stores_the_pdf_and_emails_the_buyer_after_commit(
    django_capture_on_commit_callbacks,
):
    payment = paid_payment(user__email="buyer@example.com")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invoice = invoice_issue(payment=payment)
    assert callbacks  # the job is queued only once the payment commits
    job = ProcessingJob.objects.get(kind="commerce.invoice_send")
    assert job.status == ProcessingJob.Status.SUCCEEDED
    invoice.refresh_from_db()
    assert invoice.pdf.name == f"private/invoices/{invoice.year}/{invoice.number}.pdf"
    with default_storage.open(invoice.pdf.name) as stored:
        assert invoice.number in pdf_text(stored.read())
    assert invoice.emailed_at is not None
    notice = Notification.objects.get(recipient=payment.order.user)
    assert notice.kind == "commerce.receipt"
    assert notice.url == f"/orders/{payment.order_id}/receipt/"
    assert [m.to for m in mail.outbox] == [["buyer@example.com"]]
    assert invoice.number in mail.outbox[0].subject


@pytest.mark.django_db(transaction=True)
def test_invoice_issue_concurrent_payments_get_distinct_gapless_numbers(settings):
    require_postgresql(settings, "concurrent invoicing")
    payments = [PaymentFactory() for _ in range(12)]

    def one(payment: Payment) -> int:
        try:
            with transaction.atomic():
                invoice_issue(payment=payment)
                invoice_issue(payment=payment)  # a replayed delivery in the same transaction
                if payment.pk % 4 == 0:
                    raise RuntimeError("this payment's transaction fails")
            return 1
        except RuntimeError:
            return 0
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        committed = sum(pool.map(one, payments))
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, committed + 1))
    assert len(set(Invoice.objects.values_list("number", flat=True))) == committed
