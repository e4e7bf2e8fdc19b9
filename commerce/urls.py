"""Site routes of commerce (mounted at the top level by kalpla/urls.py)."""

from django.urls import path

from commerce import views

app_name = "commerce"

urlpatterns = [
    path("checkout/<slug:slug>/", views.checkout, name="checkout"),
    path("orders/<int:order_id>/", views.order_detail, name="order"),
    path("orders/<int:order_id>/status/", views.order_status, name="order_status"),
    path("orders/<int:order_id>/pay/", views.order_pay, name="order_pay"),
    path("orders/<int:order_id>/cancel/", views.order_cancel, name="order_cancel"),
    path("staff/orders/", views.staff_orders, name="staff_orders"),
    path("staff/orders/<int:order_id>/", views.staff_order, name="staff_order"),
    path("webhooks/stripe/", views.stripe_webhook, name="webhook_stripe"),
    path("webhooks/razorpay/", views.razorpay_webhook, name="webhook_razorpay"),
]
