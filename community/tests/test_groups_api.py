"""/api/v1/groups/..., /api/v1/me/invitations/: status, shape, permissions, query counts."""

import pytest

from accounts.tests.factories import UserFactory
from community.models import GroupMembership, Invitation, JoinRequest
from community.services import membership
from community.tests.factories import client_for

pytestmark = pytest.mark.django_db
JSON = "application/json"


def group_of(visibility="public", name="Study buddies"):
    owner = UserFactory()
    return membership.topic_group_create(user=owner, name=name, visibility=visibility), owner


def test_create_and_list_groups():
    user = UserFactory()
    client = client_for(user)
    created = client.post(
        "/api/v1/groups/", {"name": "Chess", "visibility": "private"}, content_type=JSON
    )
    assert created.status_code == 201
    body = created.json()
    assert body["my_role"] == "owner" and body["member_count"] == 1
    assert body["visibility"] == "private"
    bad = client.post("/api/v1/groups/", {"name": "", "visibility": "x"}, content_type=JSON)
    assert bad.status_code == 400 and {"name", "visibility"} <= set(bad.json()["errors"])
    hidden, _owner = group_of("private", name="Secret club")
    public, _owner = group_of("public", name="Open chess")
    names = [g["name"] for g in client.get("/api/v1/groups/").json()["results"]]
    assert "Chess" in names and "Open chess" in names and hidden.name not in names
    found = client.get("/api/v1/groups/?search=open").json()["results"]
    assert [g["id"] for g in found] == [public.pk]
    mine = client.get("/api/v1/groups/?mine=true").json()["results"]
    assert [g["name"] for g in mine] == ["Chess"]


def test_directory_query_count_does_not_grow_with_groups(django_assert_max_num_queries):
    user = UserFactory()
    client = client_for(user)
    for n in range(3):
        group_of(name=f"G{n}")
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/groups/").status_code == 200
    for n in range(20):
        group, _owner = group_of(name=f"H{n}")
        membership.group_join(group=group, user=UserFactory())
    with django_assert_max_num_queries(10):
        assert len(client.get("/api/v1/groups/").json()["results"]) == 20


def test_join_leave_and_private_join_request_flow():
    public, _owner = group_of("public")
    private, owner = group_of("private")
    user = UserFactory()
    client = client_for(user)
    joined = client.post(f"/api/v1/groups/{public.pk}/join/")
    assert joined.status_code == 200 and joined.json()["my_role"] == "member"
    assert client.post(f"/api/v1/groups/{public.pk}/leave/").status_code == 204
    refused = client.post(f"/api/v1/groups/{private.pk}/join/")
    assert refused.status_code == 409 and refused.json()["code"] == "request_required"
    asked = client.post(
        f"/api/v1/groups/{private.pk}/requests/", {"message": "Hi"}, content_type=JSON
    )
    assert asked.status_code == 201
    again = client.post(f"/api/v1/groups/{private.pk}/requests/", {}, content_type=JSON)
    assert again.status_code == 200 and again.json()["id"] == asked.json()["id"]
    assert client.get(f"/api/v1/groups/{private.pk}/").json()["my_request_pending"] is True
    # the requester cannot see the list nor decide
    assert client.get(f"/api/v1/groups/{private.pk}/requests/").status_code == 403
    owner_client = client_for(owner)
    listed = owner_client.get(f"/api/v1/groups/{private.pk}/requests/").json()["results"]
    assert [r["user"]["id"] for r in listed] == [user.pk]
    request_id = asked.json()["id"]
    url = f"/api/v1/groups/{private.pk}/requests/{request_id}/approve/"
    assert client.post(url).status_code == 403
    approved = owner_client.post(url)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert owner_client.post(url).status_code == 409
    assert client.get(f"/api/v1/groups/{private.pk}/").json()["my_role"] == "member"


def test_invite_only_group_is_hidden_until_invited_and_invitation_answered():
    group, owner = group_of("invite")
    user = UserFactory()
    client = client_for(user)
    assert client.get(f"/api/v1/groups/{group.pk}/").status_code == 404
    invited = client_for(owner).post(
        f"/api/v1/groups/{group.pk}/invitations/", {"user_id": user.pk}, content_type=JSON
    )
    assert invited.status_code == 201
    assert client.get(f"/api/v1/groups/{group.pk}/").status_code == 200
    mine = client.get("/api/v1/me/invitations/").json()["results"]
    assert [i["group"]["id"] for i in mine] == [group.pk]
    other = UserFactory()
    invitation_id = mine[0]["id"]
    foreign = client_for(other).post(f"/api/v1/me/invitations/{invitation_id}/accept/")
    assert foreign.status_code == 404
    accepted = client.post(f"/api/v1/me/invitations/{invitation_id}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert GroupMembership.objects.filter(group=group, user=user).exists()
    assert client.get("/api/v1/me/invitations/").json()["results"] == []
    missing = client_for(owner).post(
        f"/api/v1/groups/{group.pk}/invitations/", {"user_id": 2**40}, content_type=JSON
    )
    assert missing.status_code == 400 and "user_id" in missing.json()["errors"]


def test_members_roles_remove_and_transfer():
    group, owner = group_of("private")
    member, outsider = UserFactory(), UserFactory()
    invitation = membership.invitation_create(group=group, user=owner, invitee_id=member.pk)
    membership.invitation_respond(invitation=invitation, user=member, accept=True)
    owner_client = client_for(owner)
    members = owner_client.get(f"/api/v1/groups/{group.pk}/members/").json()["results"]
    assert [(m["user"]["id"], m["role"]) for m in members] == [
        (owner.pk, "owner"),
        (member.pk, "member"),
    ]
    assert client_for(outsider).get(f"/api/v1/groups/{group.pk}/members/").status_code == 403
    url = f"/api/v1/groups/{group.pk}/members/{member.pk}/"
    bad = owner_client.patch(url, {"role": "king"}, content_type=JSON)
    assert bad.status_code == 400 and "role" in bad.json()["errors"]
    promoted = owner_client.patch(url, {"role": "moderator"}, content_type=JSON)
    assert promoted.status_code == 200 and promoted.json()["role"] == "moderator"
    last = owner_client.patch(
        f"/api/v1/groups/{group.pk}/members/{owner.pk}/", {"role": "member"}, content_type=JSON
    )
    assert last.status_code == 409 and last.json()["code"] == "last_owner"
    handed = owner_client.post(
        f"/api/v1/groups/{group.pk}/transfer/", {"user_id": member.pk}, content_type=JSON
    )
    assert handed.status_code == 200 and handed.json()["role"] == "owner"
    removed = client_for(member).delete(f"/api/v1/groups/{group.pk}/members/{owner.pk}/")
    assert removed.status_code == 204
    assert not GroupMembership.objects.filter(group=group, user=owner).exists()


def test_members_list_query_count_does_not_grow(django_assert_max_num_queries):
    group, owner = group_of("public")
    client = client_for(owner)
    for _ in range(3):
        membership.group_join(group=group, user=UserFactory())
    with django_assert_max_num_queries(11):
        assert client.get(f"/api/v1/groups/{group.pk}/members/").status_code == 200
    for _ in range(25):
        membership.group_join(group=group, user=UserFactory())
    with django_assert_max_num_queries(11):
        assert len(client.get(f"/api/v1/groups/{group.pk}/members/").json()["results"]) == 20


def test_channels_api_create_update_archive():
    group, owner = group_of("public")
    member = UserFactory()
    membership.group_join(group=group, user=member)
    client = client_for(owner)
    created = client.post(
        f"/api/v1/groups/{group.pk}/channels/", {"name": "homework"}, content_type=JSON
    )
    assert created.status_code == 201 and created.json()["socket_url"].startswith("/ws/chat/")
    denied = client_for(member).post(
        f"/api/v1/groups/{group.pk}/channels/", {"name": "x"}, content_type=JSON
    )
    assert denied.status_code == 403
    url = f"/api/v1/groups/{group.pk}/channels/{created.json()['id']}/"
    archived = client.patch(url, {"archived": True, "topic": "Old"}, content_type=JSON)
    assert archived.status_code == 200 and archived.json()["archived"] is True
    room_id = created.json()["room_id"]
    sent = client_for(member).post(
        f"/api/v1/chat/rooms/{room_id}/messages/", {"body": "Hi"}, content_type=JSON
    )
    assert sent.status_code == 409 and sent.json()["code"] == "channel_archived"
    listed = client_for(member).get(f"/api/v1/groups/{group.pk}/channels/").json()["results"]
    assert [c["name"] for c in listed] == ["general", "homework"]
    assert client_for(UserFactory()).get(f"/api/v1/groups/{group.pk}/channels/").status_code == 403


def test_group_update_owner_only():
    group, owner = group_of("public")
    member = UserFactory()
    membership.group_join(group=group, user=member)
    url = f"/api/v1/groups/{group.pk}/"
    assert client_for(member).patch(url, {"name": "X"}, content_type=JSON).status_code == 403
    changed = client_for(owner).patch(url, {"visibility": "invite"}, content_type=JSON)
    assert changed.status_code == 200 and changed.json()["visibility"] == "invite"
    unknown = client_for(owner).patch(url, {"colour": "red"}, content_type=JSON)
    assert unknown.status_code == 400


def test_unknown_ids_are_404_not_500():
    client = client_for(UserFactory())
    assert client.get(f"/api/v1/groups/{2**63}/").status_code == 404
    assert client.post(f"/api/v1/me/invitations/{2**63}/accept/").status_code == 404
    assert JoinRequest.objects.count() == 0 and Invitation.objects.count() == 0
