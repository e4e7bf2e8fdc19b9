"""Site routes: in-app pages and preferences (views_inapp), email/phone pages (views_channels)."""

from django.urls import URLPattern, path

from notifications import views_channels, views_inapp

app_name = "notifications"

urlpatterns: list[URLPattern] = [
    path("", views_inapp.notification_list, name="list"),
    path("read-all/", views_inapp.notification_read_all, name="read_all"),
    path("<int:notification_id>/read/", views_inapp.notification_read, name="read"),
    path("<int:notification_id>/open/", views_inapp.notification_open, name="open"),
    path("preferences/", views_inapp.preferences_edit, name="preferences"),
    path("unsubscribe/<str:token>/", views_channels.unsubscribe, name="unsubscribe"),
    path("phone/", views_channels.phone, name="phone"),
    path("phone/sms-sign-in/", views_channels.phone_sms_mfa, name="phone_sms_mfa"),
    path("phone/remove/", views_channels.phone_remove, name="phone_remove"),
    path("sms-code/", views_channels.sms_code, name="sms_code"),
]
