"""API routes of plans and subscriptions under /api/v1/."""

from django.urls import URLPattern, path

from . import views_subscriptions as views

urlpatterns: list[URLPattern] = [
    path("plans/", views.PlanListApi.as_view(), name="plans"),
    path("plans/<slug:slug>/", views.PlanDetailApi.as_view(), name="plan"),
    path("plans/<slug:slug>/subscribe/", views.PlanSubscribeApi.as_view(), name="plan-subscribe"),
    path("me/subscriptions/", views.MySubscriptionsApi.as_view(), name="me-subscriptions"),
    path(
        "me/subscriptions/<int:subscription_id>/",
        views.MySubscriptionApi.as_view(),
        name="me-subscription",
    ),
    path(
        "me/subscriptions/<int:subscription_id>/cancel/",
        views.MySubscriptionCancelApi.as_view(),
        name="me-subscription-cancel",
    ),
    path(
        "me/subscriptions/<int:subscription_id>/resume/",
        views.MySubscriptionResumeApi.as_view(),
        name="me-subscription-resume",
    ),
    path(
        "me/subscriptions/<int:subscription_id>/portal/",
        views.MySubscriptionPortalApi.as_view(),
        name="me-subscription-portal",
    ),
    path(
        "subscriptions/<int:subscription_id>/mark-paid/",
        views.SubscriptionMarkPaidApi.as_view(),
        name="subscription-mark-paid",
    ),
]
