from django.urls import path

from commerce.api import views

urlpatterns = [
    path("orders/", views.OrderCreateApi.as_view(), name="orders"),
    path("orders/quote/", views.OrderQuoteApi.as_view(), name="order-quote"),
    path("orders/<int:order_id>/pay/", views.OrderPayApi.as_view(), name="order-pay"),
    path("orders/<int:order_id>/cancel/", views.OrderCancelApi.as_view(), name="order-cancel"),
    path(
        "orders/<int:order_id>/mark-paid/",
        views.OrderMarkPaidApi.as_view(),
        name="order-mark-paid",
    ),
    path("me/orders/<int:order_id>/", views.MyOrderApi.as_view(), name="me-order"),
]
