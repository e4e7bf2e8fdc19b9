"""Site routes of the community app, under /moderation/."""

from django.urls import URLPattern, path

from community import views

app_name = "community"

urlpatterns: list[URLPattern] = [
    path("", views.moderation_queue, name="moderation"),
    path("<int:item_id>/decide/", views.moderation_decide, name="moderation_decide"),
    path("audit/", views.moderation_audit, name="moderation_audit"),
    path(
        "messages/<int:message_id>/",
        views.moderation_message_context,
        name="moderation_message_context",
    ),
    path("report/<str:kind>/<int:object_id>/", views.report_content, name="report"),
]
