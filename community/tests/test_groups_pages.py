"""Site pages of groups: directory, create, members, settings, requests, invitations."""

import pytest
from django.test import Client

from accounts.tests.factories import UserFactory
from community.models import Channel, Group, GroupMembership, Invitation, JoinRequest
from community.services import membership
from community.tests.factories import client_for

pytestmark = pytest.mark.django_db


def group_of(visibility="public", name="Study buddies"):
    owner = UserFactory()
    return membership.topic_group_create(user=owner, name=name, visibility=visibility), owner


def test_directory_lists_public_and_mine_and_searches(django_assert_max_num_queries):
    user = UserFactory()
    group_of("public", name="Open chess")
    group_of("private", name="Hidden club")
    client = client_for(user)
    page = client.get("/groups/")
    assert page.status_code == 200
    assert b"Open chess" in page.content and b"Hidden club" not in page.content
    assert b"Join group" in page.content and b'href="/groups/"' in page.content  # the nav
    assert b"Open chess" not in client.get("/groups/?q=zzz").content
    assert b"You are in no group yet" in client.get("/groups/?mine=1").content
    for n in range(25):
        group_of(name=f"Group {n:02}")
    with django_assert_max_num_queries(14):
        assert client.get("/groups/?page=2").status_code == 200


def test_create_page_makes_a_group_and_shows_errors():
    user = UserFactory()
    client = client_for(user)
    bad = client.post("/groups/new/", {"name": "", "visibility": "public"})
    assert bad.status_code == 400 and b"field--error" in bad.content
    done = client.post("/groups/new/", {"name": "Chess", "visibility": "private"})
    group = Group.objects.get(name="Chess")
    assert done.status_code == 302 and done["Location"] == f"/groups/{group.pk}/members/"
    assert GroupMembership.objects.get(group=group, user=user).role == "owner"


def test_join_request_and_decision_through_the_pages():
    group, owner = group_of("private")
    user = UserFactory()
    client = client_for(user)
    page = client.get(f"/groups/{group.pk}/members/")
    assert page.status_code == 200 and b"Ask to join" in page.content
    assert b"members see who is in it" in page.content
    client.post(f"/groups/{group.pk}/request/", {"message": "Please"})
    request = JoinRequest.objects.get(group=group, user=user)
    assert b"Request sent" in client.get(f"/groups/{group.pk}/members/").content
    assert client.get(f"/groups/{group.pk}/requests/").status_code == 403
    owner_client = client_for(owner)
    listing = owner_client.get(f"/groups/{group.pk}/requests/")
    assert b"Please" in listing.content
    owner_client.post(f"/groups/{group.pk}/requests/{request.pk}/decide/", {"decision": "approve"})
    assert GroupMembership.objects.filter(group=group, user=user).exists()


def test_invitation_pages_invite_by_email_and_accept():
    group, owner = group_of("invite")
    user = UserFactory(email="friend@example.com")
    owner_client = client_for(owner)
    unknown = owner_client.post(f"/groups/{group.pk}/invitations/", {"email": "no@example.com"})
    assert unknown.status_code == 400 and b"Nobody with this email" in unknown.content
    sent = owner_client.post(f"/groups/{group.pk}/invitations/", {"email": "FRIEND@example.com"})
    assert sent.status_code == 302
    invitation = Invitation.objects.get(group=group, user=user)
    client = client_for(user)
    mine = client.get("/groups/invitations/")
    assert group.name.encode() in mine.content
    done = client.post(f"/groups/invitations/{invitation.pk}/respond/", {"decision": "accept"})
    assert done["Location"] == f"/groups/{group.pk}/members/"
    assert GroupMembership.objects.filter(group=group, user=user).exists()


def test_members_page_roles_remove_leave(django_assert_max_num_queries):
    group, owner = group_of("public")
    member = UserFactory()
    membership.group_join(group=group, user=member)
    owner_client = client_for(owner)
    page = owner_client.get(f"/groups/{group.pk}/members/")
    assert b"Change role" in page.content and b"Remove" in page.content
    owner_client.post(f"/groups/{group.pk}/members/{member.pk}/role/", {"role": "moderator"})
    assert GroupMembership.objects.get(group=group, user=member).role == "moderator"
    refused = client_for(owner).post(f"/groups/{group.pk}/leave/", follow=True)
    assert b"only owner" in refused.content
    owner_client.post(f"/groups/{group.pk}/members/{member.pk}/remove/")
    assert not GroupMembership.objects.filter(group=group, user=member).exists()
    for _ in range(60):
        membership.group_join(group=group, user=UserFactory())
    with django_assert_max_num_queries(14):
        assert owner_client.get(f"/groups/{group.pk}/members/?page=2").status_code == 200


def test_settings_page_edits_the_group_and_its_channels():
    group, owner = group_of("public")
    member = UserFactory()
    membership.group_join(group=group, user=member)
    assert client_for(member).get(f"/groups/{group.pk}/settings/").status_code == 403
    client = client_for(owner)
    assert client.get(f"/groups/{group.pk}/settings/").status_code == 200
    client.post(
        f"/groups/{group.pk}/settings/",
        {"name": "Renamed", "description": "", "visibility": "private"},
    )
    group.refresh_from_db()
    assert (group.name, group.visibility) == ("Renamed", "private")
    client.post(f"/groups/{group.pk}/channels/new/", {"new-name": "homework", "new-topic": ""})
    channel = Channel.objects.get(group=group, slug="homework")
    client.post(
        f"/groups/{group.pk}/channels/{channel.pk}/",
        {
            f"c{channel.pk}-name": "homework",
            f"c{channel.pk}-topic": "T",
            f"c{channel.pk}-archived": "1",
        },
    )
    channel.refresh_from_db()
    assert channel.topic == "T" and channel.archived_at is not None


def test_search_page_and_private_group_hidden_from_anonymous():
    group, _owner = group_of("private")
    assert client_for(UserFactory()).get("/search/community/").status_code == 200
    assert Client().get(f"/groups/{group.pk}/members/").status_code == 302


def test_invitation_withdrawn_from_the_invitations_page_and_the_api():
    group, owner = group_of("invite")
    alice, bob = UserFactory(), UserFactory()
    to_alice = membership.invitation_create(group=group, user=owner, invitee_id=alice.pk)
    to_bob = membership.invitation_create(group=group, user=owner, invitee_id=bob.pk)
    owner_client = client_for(owner)
    assert b"Withdraw" in owner_client.get(f"/groups/{group.pk}/invitations/").content
    done = owner_client.post(f"/groups/{group.pk}/invitations/{to_alice.pk}/revoke/", follow=True)
    assert b"Invitation withdrawn." in done.content
    assert Invitation.objects.get(pk=to_alice.pk).status == Invitation.Status.REVOKED
    assert group.name.encode() not in client_for(alice).get("/groups/invitations/").content
    api = owner_client.delete(f"/api/v1/groups/{group.pk}/invitations/{to_bob.pk}/")
    assert api.status_code == 204
    assert Invitation.objects.get(pk=to_bob.pk).status == Invitation.Status.REVOKED
    missing = owner_client.delete(f"/api/v1/groups/{group.pk}/invitations/999999/")
    assert missing.status_code == 404 and missing.json()["code"] == "invitation_not_found"
