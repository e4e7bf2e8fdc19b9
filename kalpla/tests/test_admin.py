import pytest
from django.contrib.auth.models import Permission

from accounts.tests.factories import UserFactory
from jobs.models import ProcessingJob
from jobs.registry import job_kinds_register
from kalpla.models import ModerationItem, OutboxMessage
from kalpla.moderation import moderation_flag

pytestmark = pytest.mark.django_db


def _echo(job):
    return {"ok": True}


job_kinds_register({"test.admin_echo": f"{__name__}._echo"})


def test_jobs_admin_lists_filters_and_runs_again(
    client, admin_user, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for n in range(12):
        ProcessingJob.objects.create(
            kind="test.admin_echo", key=f"k{n}", status="failed", error="x"
        )
    client.force_login(admin_user)
    # a fixed number of queries (session, user sessions, counts, filters), not one per row
    with django_assert_max_num_queries(18):
        assert client.get("/admin/jobs/processingjob/").status_code == 200
    failed = client.get("/admin/jobs/processingjob/", {"status__exact": "failed"})
    assert failed.context["cl"].result_count == 12
    job = ProcessingJob.objects.get(key="k0")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/jobs/processingjob/",
            {"action": "run_again", "_selected_action": [job.pk]},
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.SUCCEEDED and job.error == ""


def test_moderation_queue_admin_approve_records_who_and_when(client, admin_user):
    target = UserFactory()
    item = moderation_flag(target=target, reason="toxic", score=0.9, labels=["insult"])
    client.force_login(admin_user)
    assert client.get("/admin/kalpla/moderationitem/").status_code == 200
    client.post(
        "/admin/kalpla/moderationitem/", {"action": "reject", "_selected_action": [item.pk]}
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
        "/admin/kalpla/moderationitem/",
        {"action": "reject", "_selected_action": [item.pk]},
        follow=True,
    )
    assert "was not hidden" in response.content.decode()  # review_hide wants a moderator
    item.refresh_from_db()
    assert item.status == "pending"

    client.force_login(admin_user)  # the Admin role may moderate
    client.post(
        "/admin/kalpla/moderationitem/", {"action": "reject", "_selected_action": [item.pk]}
    )
    item.refresh_from_db()
    review.refresh_from_db()
    assert item.status == "rejected" and review.is_hidden is True


def test_outbox_admin_is_read_only_and_visible(client, admin_user):
    OutboxMessage.objects.create(channel="sms", to="+919876543210", body="hi", message_id="m1")
    client.force_login(admin_user)
    page = client.get("/admin/kalpla/outboxmessage/")
    assert page.status_code == 200 and "+919876543210" in page.content.decode()
    assert client.get("/admin/kalpla/outboxmessage/add/").status_code == 403


@pytest.mark.parametrize("role", ["Student", "Mentor", "Moderator"])
def test_platform_admin_refuses_non_staff(client, role):
    client.force_login(UserFactory(roles=(role,)))
    assert client.get("/admin/jobs/processingjob/").status_code == 302
