"""An invoice or credit note as a PDF: ReportLab (pure Python, like the certificates), one A4
page (more when there are many lines) made from the document's frozen ``details``."""

from decimal import Decimal
from io import BytesIO
from typing import TYPE_CHECKING, Any

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

if TYPE_CHECKING:
    from .models import Invoice

ACCENT = colors.HexColor("#4f46e5")
MUTED = colors.HexColor("#5b6472")
TITLES = {"invoice": "Tax invoice", "credit_note": "Credit note"}
GATEWAYS = {"manual": "bank transfer or cash", "stripe": "Stripe", "razorpay": "Razorpay"}


def money(amount: str, currency: str) -> str:
    return f"{currency} {Decimal(amount):,.2f}"


def invoice_pdf(*, details: dict[str, Any]) -> bytes:
    buffer = BytesIO()
    title = TITLES.get(details.get("kind", "invoice"), "Invoice")
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{title} {details['number']}",
        author=details["seller"]["name"],
    )
    document.build(_story(details, title))
    return buffer.getvalue()


def _story(details: dict[str, Any], title: str) -> list[Flowable]:
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    small = ParagraphStyle("small", parent=body, fontSize=9, textColor=MUTED)
    heading = ParagraphStyle("heading", parent=styles["Title"], alignment=0, textColor=ACCENT)
    currency = details["currency"]
    seller, buyer, tax = details["seller"], details["buyer"], details["tax"]
    issued = parse_date(details["issued_on"])
    story: list[Flowable] = [
        Paragraph(f"{title}", heading),
        Paragraph(
            f"<b>Number</b> {details['number']} &nbsp; <b>Date</b> "
            f"{date_format(issued, 'j F Y') if issued else details['issued_on']} &nbsp; "
            f"<b>Order</b> {details['order']}",
            body,
        ),
        Spacer(1, 6 * mm),
    ]
    seller_lines = [f"<b>{_esc(seller['name'])}</b>", _esc(seller["address"])]
    if seller.get("tax_id"):
        seller_lines.append(f"{tax['name']} no. {_esc(seller['tax_id'])}")
    buyer_lines = [f"<b>{_esc(buyer['name'])}</b>", _esc(buyer["email"])]
    parties = Table(
        [
            [Paragraph("From", small), Paragraph("Billed to", small)],
            [
                Paragraph("<br/>".join(seller_lines), body),
                Paragraph("<br/>".join(buyer_lines), body),
            ],
        ],
        colWidths=["50%", "50%"],
    )
    parties.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [parties, Spacer(1, 8 * mm)]
    if details.get("refers_to"):
        story.append(Paragraph(f"Credit note against invoice {details['refers_to']}.", body))
    if details.get("reason"):
        story.append(Paragraph(f"Reason: {_esc(details['reason'])}", body))
    if details.get("refers_to") or details.get("reason"):
        story.append(Spacer(1, 4 * mm))
    story += [_lines_table(details, currency, body), Spacer(1, 6 * mm)]
    story.append(_totals_table(details, currency))
    story.append(Spacer(1, 8 * mm))
    basis = "included in the prices" if tax["inclusive"] else "added to the prices"
    story.append(Paragraph(f"{tax['name']} at {tax['rate']}% is {basis}.", small))
    if details.get("kind") == "credit_note":
        settled = (
            f"Refunded through {GATEWAYS.get(details['gateway'], details['gateway'])} "
            f"(refund {_esc(details.get('refund', ''))} of payment {_esc(details['payment'])})."
        )
    else:
        settled = (
            f"Paid by {GATEWAYS.get(details['gateway'], details['gateway'])} "
            f"(payment {_esc(details['payment'])})."
        )
    story.append(Paragraph(settled, small))
    return story


def _lines_table(details: dict[str, Any], currency: str, body: ParagraphStyle) -> Table:
    tax = details["tax"]
    rows: list[list[Any]] = [
        ["Item", "Price", "Discount", "Taxable value", f"{tax['name']} {tax['rate']}%", "Total"]
    ]
    for line in details["lines"]:
        rows.append(
            [
                Paragraph(_esc(line["title"]), body),
                money(line["list_price"], currency),
                money(line["discount"], currency),
                money(line["taxable"], currency),
                money(line["tax"], currency),
                money(line["total"], currency),
            ]
        )
    table = Table(
        rows, colWidths=[58 * mm, 22 * mm, 22 * mm, 26 * mm, 22 * mm, 24 * mm], repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _totals_table(details: dict[str, Any], currency: str) -> Table:
    totals, tax = details["totals"], details["tax"]
    rows = [["Subtotal", money(totals["subtotal"], currency)]]
    if Decimal(totals["discount"]):
        label = f"Discount ({details['coupon']})" if details.get("coupon") else "Discount"
        rows.append([label, "- " + money(totals["discount"], currency)])
    rows += [
        ["Taxable value", money(totals["taxable"], currency)],
        [f"{tax['name']} {tax['rate']}%", money(totals["tax"], currency)],
        ["Total", money(totals["total"], currency)],
    ]
    table = Table(rows, colWidths=[50 * mm, 36 * mm], hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT),
            ]
        )
    )
    return table


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def invoice_pdf_response(invoice: "Invoice") -> HttpResponseBase:
    """The document as a download: the stored PDF, or (its job still queued) one made now
    from the same frozen details."""
    filename = f"{invoice.number}.pdf"
    name = invoice.pdf.name if invoice.pdf else ""
    if name and default_storage.exists(name):
        return FileResponse(
            default_storage.open(name),
            as_attachment=True,
            filename=filename,
            content_type="application/pdf",
        )
    response = HttpResponse(invoice_pdf(details=invoice.details), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
