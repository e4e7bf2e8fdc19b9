"""Site routes of at-risk learners and campaigns (joined into analytics/urls.py)."""

from django.urls import URLPattern, path

from analytics import views_campaigns as views

urlpatterns: list[URLPattern] = [
    path("courses/<int:course_id>/at-risk/", views.at_risk, name="at_risk"),
    path("courses/<int:course_id>/at-risk/nudge/", views.at_risk_nudge, name="at_risk_nudge"),
    path("campaigns/", views.campaigns_home, name="campaigns"),
    path("campaigns/segments/new/", views.segment_edit, name="segment_new"),
    path("campaigns/segments/<int:segment_id>/", views.segment_edit, name="segment_edit"),
    path("campaigns/segments/count/", views.segment_count, name="segment_count"),
    path("campaigns/new/", views.campaign_edit, name="campaign_new"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/edit/", views.campaign_edit, name="campaign_edit"),
    path(
        "campaigns/<int:campaign_id>/<str:action>/",
        views.campaign_action,
        name="campaign_action",
    ),
    path("o/<str:token>.gif", views.campaign_open, name="campaign_open"),
    path("c/<str:token>/", views.campaign_click, name="campaign_click"),
]
