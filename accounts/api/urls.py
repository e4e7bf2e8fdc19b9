from django.urls import path

from accounts.api import views

urlpatterns = [
    path("me/", views.MeApi.as_view(), name="me"),
    path("me/api-keys/", views.ApiKeyListCreateApi.as_view(), name="me-api-keys"),
    path("me/api-keys/<int:key_id>/", views.ApiKeyRevokeApi.as_view(), name="me-api-key"),
]
