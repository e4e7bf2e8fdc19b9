from django.urls import path

from analytics.api.views_events import EventIngestApi, XapiStatementListApi

urlpatterns = [
    path("events/", EventIngestApi.as_view(), name="events-ingest"),
    path("analytics/xapi/", XapiStatementListApi.as_view(), name="analytics-xapi"),
]
