"""API routes under /api/v1/: in-app list and preferences (views_inapp), devices and phone
(views_channels)."""

from django.urls import URLPattern, path

from notifications.api import views_channels, views_inapp

urlpatterns: list[URLPattern] = [
    path("notifications/", views_inapp.NotificationListApi.as_view(), name="notifications"),
    path(
        "notifications/read-all/",
        views_inapp.NotificationReadAllApi.as_view(),
        name="notifications-read-all",
    ),
    path(
        "notifications/unread-count/",
        views_inapp.UnreadCountApi.as_view(),
        name="notifications-unread-count",
    ),
    path(
        "notifications/<int:notification_id>/read/",
        views_inapp.NotificationReadApi.as_view(),
        name="notification-read",
    ),
    path(
        "notification-preferences/",
        views_inapp.NotificationPreferencesApi.as_view(),
        name="notification-preferences",
    ),
    path("me/phone/", views_channels.PhoneApi.as_view(), name="me-phone"),
    path("me/phone/verify/", views_channels.PhoneVerifyApi.as_view(), name="me-phone-verify"),
    path("me/devices/", views_channels.DeviceListRegisterApi.as_view(), name="me-devices"),
    path("me/devices/<int:device_id>/", views_channels.DeviceApi.as_view(), name="me-device"),
]
