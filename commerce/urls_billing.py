"""Site routes of receipts, purchases, refunds and revenue (mounted at the site's root)."""

from django.urls import URLPattern, path

from . import views_billing as views

app_name = "billing"

urlpatterns: list[URLPattern] = [
    path("orders/<int:order_id>/receipt/", views.receipt, name="receipt"),
    path("invoices/<int:invoice_id>/pdf/", views.invoice_download, name="invoice_pdf"),
    path("account/purchases/", views.purchases, name="purchases"),
    path("staff/orders/<int:order_id>/refund/", views.refund_page, name="refund"),
    path("staff/revenue/", views.revenue, name="revenue"),
]
