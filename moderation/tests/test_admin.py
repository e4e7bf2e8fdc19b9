import pytest
from django.contrib.auth.models import Permission

from accounts.tests.factories import UserFactory
from moderation.models import ModerationItem
from moderation.services import moderation_flag

pytestmark = pytest.mark.django_db


def test_moderation_queue_admin_approve_records_who_and_when(client, admin_user):
    target = UserFactory()
    item = moderation_flag(target=target, reason="toxic", score=0.9, labels=["insult"])
    client.force_login(admin_user)
    assert client.get("/admin/moderation/moderationitem/").status_code == 200
    client.post(
        "/admin/moderation/moderationitem/", {"action": "reject", "_selected_action": [item.pk]}
    )
    item.refresh_from_db()
    assert item.status == ModerationItem.Status.REJECTED
    assert item.decided_by == admin_user and item.decided_at is not None


def test_moderation_admin_reject_hides_the_content_like_the_queue(client, admin_user):
    from courses.tests.factories import ReviewFactory

    review = ReviewFactory(text="rude")
    item = moderation_flag(target=review, reason="toxic")
    # Staff allowed to work the queue in admin, but without a moderating role.
    clerk = UserFactory(roles=("Student",), is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_moderationitem", "change_moderationitem"])
    )
    client.force_login(clerk)
    response = client.post(
        "/admin/moderation/moderationitem/",
        {"action": "reject", "_selected_action": [item.pk]},
        follow=True,
    )
    assert "was not hidden" in response.content.decode()  # review_hide wants a moderator
    item.refresh_from_db()
    assert item.status == "pending"

    client.force_login(admin_user)  # the Admin role may moderate
    client.post(
        "/admin/moderation/moderationitem/", {"action": "reject", "_selected_action": [item.pk]}
    )
    item.refresh_from_db()
    review.refresh_from_db()
    assert item.status == "rejected" and review.is_hidden is True
