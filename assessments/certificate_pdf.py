"""The certificate as a PDF: ReportLab (pure Python, no system libraries; about 15 ms of CPU a
page, most of it the QR code), one A4 landscape page with the name, course, date,
instructors, the verification code and a QR code to the public verification page."""

from io import BytesIO

from django.utils.formats import date_format
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from .models import Certificate

ACCENT = HexColor("#4f46e5")
INK = HexColor("#111827")
MUTED = HexColor("#5b6472")


def certificate_pdf(*, certificate: Certificate, verify_url: str) -> bytes:
    buffer = BytesIO()
    width, height = landscape(A4)
    page = canvas.Canvas(buffer, pagesize=(width, height))
    page.setTitle(f"Certificate {certificate.code}")
    page.setAuthor("Kalpla")
    page.setStrokeColor(ACCENT)
    page.setLineWidth(6)
    page.rect(24, 24, width - 48, height - 48)
    page.setFillColor(ACCENT)
    page.setFont("Helvetica-Bold", 16)
    page.drawCentredString(width / 2, height - 90, "KALPLA")
    page.setFillColor(INK)
    page.setFont("Helvetica-Bold", 34)
    page.drawCentredString(width / 2, height - 150, "Certificate of completion")
    page.setFont("Helvetica", 15)
    page.setFillColor(MUTED)
    page.drawCentredString(width / 2, height - 195, "This certifies that")
    page.setFillColor(INK)
    page.setFont("Helvetica-Bold", 28)
    page.drawCentredString(width / 2, height - 240, certificate.name)
    page.setFont("Helvetica", 15)
    page.setFillColor(MUTED)
    page.drawCentredString(width / 2, height - 280, "completed the course")
    page.setFillColor(INK)
    page.setFont("Helvetica-Bold", 22)
    page.drawCentredString(width / 2, height - 318, certificate.course_title)
    page.setFont("Helvetica", 13)
    page.setFillColor(MUTED)
    issued = date_format(certificate.issued_at, "j F Y")
    page.drawCentredString(width / 2, height - 352, f"Issued on {issued}")
    if certificate.instructors:
        page.drawCentredString(width / 2, height - 374, f"Instructors: {certificate.instructors}")
    page.setFont("Helvetica", 11)
    page.drawString(60, 70, f"Verification code: {certificate.code}")
    page.drawString(60, 54, f"Check it at {verify_url}")
    size = 120
    # Sized up front: asking the widget for its bounds would encode the QR code a second time
    # (a third of the page's rendering time).
    qr = QrCodeWidget(verify_url, barWidth=size, barHeight=size)
    drawing = Drawing(size, size)
    drawing.add(qr)
    renderPDF.draw(drawing, page, width - 60 - size, 44)
    page.showPage()
    page.save()
    return buffer.getvalue()
