"""Site routes of topic groups, under /groups/ (the group home /groups/<id>/ is the posts')."""

from django.urls import URLPattern, path

from community import views_groups as views

app_name = "groups"

urlpatterns: list[URLPattern] = [
    path("", views.group_directory, name="directory"),
    path("new/", views.group_new, name="new"),
    path("invitations/", views.my_invitations, name="my_invitations"),
    path(
        "invitations/<int:invitation_id>/respond/",
        views.invitation_respond,
        name="invitation_respond",
    ),
    path("<int:group_id>/members/", views.group_members, name="members"),
    path("<int:group_id>/join/", views.group_join, name="join"),
    path("<int:group_id>/leave/", views.group_leave, name="leave"),
    path("<int:group_id>/request/", views.group_request, name="request"),
    path("<int:group_id>/settings/", views.group_settings, name="settings"),
    path("<int:group_id>/channels/new/", views.channel_new, name="channel_new"),
    path("<int:group_id>/channels/<int:channel_id>/", views.channel_edit, name="channel_edit"),
    path("<int:group_id>/members/<int:user_id>/role/", views.member_role, name="member_role"),
    path("<int:group_id>/members/<int:user_id>/remove/", views.member_remove, name="member_remove"),
    path("<int:group_id>/members/<int:user_id>/transfer/", views.group_transfer, name="transfer"),
    path("<int:group_id>/requests/", views.group_requests, name="requests"),
    path(
        "<int:group_id>/requests/<int:request_id>/decide/",
        views.request_decide,
        name="request_decide",
    ),
    path("<int:group_id>/invitations/", views.group_invitations, name="invitations"),
    path(
        "<int:group_id>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]
