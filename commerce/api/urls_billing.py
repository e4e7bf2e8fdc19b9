"""API routes of purchases, invoices, coupon checks, refunds and revenue (under /api/v1/)."""

from django.urls import URLPattern, path

from . import views_billing as views

urlpatterns: list[URLPattern] = [
    path("me/orders/", views.MyOrdersApi.as_view(), name="me-orders"),
    path(
        "me/invoices/<int:invoice_id>/pdf/", views.MyInvoicePdfApi.as_view(), name="me-invoice-pdf"
    ),
    path("coupons/check/", views.CouponCheckApi.as_view(), name="coupons-check"),
    path("orders/<int:order_id>/refunds/", views.OrderRefundApi.as_view(), name="order-refunds"),
    path("revenue/", views.RevenueApi.as_view(), name="revenue"),
]
