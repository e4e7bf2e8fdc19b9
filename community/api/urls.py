from django.urls import URLPattern, path

from community.api import views

urlpatterns: list[URLPattern] = [
    path("moderation/items/", views.ModerationQueueApi.as_view(), name="moderation-items"),
    path(
        "moderation/items/<int:item_id>/decide/",
        views.ModerationDecideApi.as_view(),
        name="moderation-item-decide",
    ),
]
