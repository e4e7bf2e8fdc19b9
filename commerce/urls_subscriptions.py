"""Site routes of plans and subscriptions (mounted at the site's root: /plans/,
/account/subscriptions/, /staff/subscriptions/)."""

from django.urls import path

from . import views_subscriptions as views

app_name = "subscriptions"

urlpatterns = [
    path("plans/", views.plans, name="plans"),
    path("plans/<slug:slug>/", views.plan, name="plan"),
    path("plans/<slug:slug>/subscribe/", views.plan_subscribe, name="subscribe"),
    path("account/subscriptions/", views.my_subscriptions, name="mine"),
    path("account/subscriptions/<int:subscription_id>/", views.subscription_detail, name="detail"),
    path(
        "account/subscriptions/<int:subscription_id>/cancel/",
        views.subscription_cancel,
        name="cancel",
    ),
    path(
        "account/subscriptions/<int:subscription_id>/resume/",
        views.subscription_resume,
        name="resume",
    ),
    path(
        "account/subscriptions/<int:subscription_id>/manage/",
        views.subscription_manage,
        name="manage",
    ),
    path("staff/subscriptions/", views.staff_subscriptions, name="staff"),
    path(
        "staff/subscriptions/<int:subscription_id>/mark-paid/",
        views.staff_subscription_mark_paid,
        name="staff_mark_paid",
    ),
]
