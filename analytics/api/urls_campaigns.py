"""API routes of at-risk learners and campaigns (joined into analytics/api/urls.py)."""

from django.urls import URLPattern, path

from analytics.api import views_campaigns as views

urlpatterns: list[URLPattern] = [
    path(
        "analytics/courses/<int:course_id>/at-risk/",
        views.AtRiskListApi.as_view(),
        name="analytics-at-risk",
    ),
    path(
        "analytics/courses/<int:course_id>/nudges/",
        views.NudgesApi.as_view(),
        name="analytics-nudges",
    ),
    path("analytics/segments/", views.SegmentListApi.as_view(), name="analytics-segments"),
    path(
        "analytics/segments/count/",
        views.SegmentCountApi.as_view(),
        name="analytics-segment-count",
    ),
    path(
        "analytics/segments/<int:segment_id>/",
        views.SegmentDetailApi.as_view(),
        name="analytics-segment",
    ),
    path("analytics/campaigns/", views.CampaignListApi.as_view(), name="analytics-campaigns"),
    path(
        "analytics/campaigns/<int:campaign_id>/",
        views.CampaignDetailApi.as_view(),
        name="analytics-campaign",
    ),
    path(
        "analytics/campaigns/<int:campaign_id>/send/",
        views.CampaignSendApi.as_view(),
        name="analytics-campaign-send",
    ),
    path(
        "analytics/campaigns/<int:campaign_id>/schedule/",
        views.CampaignScheduleApi.as_view(),
        name="analytics-campaign-schedule",
    ),
    path(
        "analytics/campaigns/<int:campaign_id>/report/",
        views.CampaignReportApi.as_view(),
        name="analytics-campaign-report",
    ),
]
