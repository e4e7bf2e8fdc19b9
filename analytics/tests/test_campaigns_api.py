"""The staff API of segments and campaigns: shapes, statuses and permissions."""

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from analytics.models import Campaign, Segment
from analytics.tests.campaign_helpers import campaign, segment

pytestmark = pytest.mark.django_db
HI = {"match": "all", "rules": [{"type": "language", "language": "hi"}]}


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, roles=("Admin",)))
    return client


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_segments_crud_and_count(staff_client):
    UserFactory(language="hi", name="Asha")
    created = post(staff_client, "/api/v1/analytics/segments/", {"name": "Hindi", "rules": HI})
    assert created.status_code == 201
    seg_id = created.json()["id"]
    count = post(staff_client, "/api/v1/analytics/segments/count/", {"rules": HI})
    assert count.status_code == 200
    assert count.json()["count"] == 1 and count.json()["sample"][0]["name"] == "Asha"
    bad = post(
        staff_client,
        "/api/v1/analytics/segments/count/",
        {"rules": {"match": "all", "rules": [{"type": "inactive_days", "days": -1}]}},
    )
    assert bad.status_code == 400 and bad.json()["errors"]["rules"]
    patched = staff_client.patch(
        f"/api/v1/analytics/segments/{seg_id}/",
        {"name": "Hindi speakers"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["rules"] == HI
    listed = staff_client.get("/api/v1/analytics/segments/").json()
    assert listed["count"] == 1 and listed["results"][0]["name"] == "Hindi speakers"
    assert staff_client.delete(f"/api/v1/analytics/segments/{seg_id}/").status_code == 204
    assert staff_client.get(f"/api/v1/analytics/segments/{seg_id}/").status_code == 404


def test_campaigns_create_schedule_send_and_report(
    staff_client, django_capture_on_commit_callbacks
):
    UserFactory(language="hi")
    seg = segment(HI)
    body = {
        "name": "Hello",
        "segment_id": seg.pk,
        "channels": ["in_app"],
        "inapp_title": "Hello",
        "inapp_body": "New courses are out.",
    }
    created = post(staff_client, "/api/v1/analytics/campaigns/", body)
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["status"] == "draft" and data["segment"] == {"id": seg.pk, "name": seg.name}
    missing = post(staff_client, "/api/v1/analytics/campaigns/", {**body, "channels": ["email"]})
    assert missing.status_code == 400 and "email_subject" in missing.json()["errors"]
    later = (timezone.now() + timezone.timedelta(hours=2)).isoformat()
    url = f"/api/v1/analytics/campaigns/{data['id']}/"
    scheduled = post(staff_client, url + "schedule/", {"send_at": later})
    assert scheduled.status_code == 200 and scheduled.json()["status"] == "scheduled"
    with django_capture_on_commit_callbacks(execute=True):
        sent = post(staff_client, url + "send/", {})
    assert sent.status_code == 202
    assert Campaign.objects.get(pk=data["id"]).status == "sent"
    report = staff_client.get(url + "report/").json()
    assert report["targeted"] == 1 and report["channels"][0]["channel"] == "in_app"
    assert report["channels"][0]["clicked"] is None
    assert (
        staff_client.patch(url, {"name": "x"}, content_type="application/json").status_code == 409
    )
    assert staff_client.delete(url).status_code == 409


def test_campaign_api_is_staff_only(client):
    c = campaign(segment(HI))
    for role in ("Student", "Mentor", "Moderator"):
        client.force_login(UserFactory(roles=(role,)))
        assert client.get("/api/v1/analytics/campaigns/").status_code == 403
        assert client.get(f"/api/v1/analytics/campaigns/{c.pk}/report/").status_code == 403
        assert (
            post(client, "/api/v1/analytics/segments/", {"name": "x", "rules": HI}).status_code
            == 403
        )
    assert Segment.objects.count() == 1


def test_campaign_list_queries_are_bounded(staff_client, django_assert_max_num_queries):
    seg = segment(HI)
    for _ in range(15):
        campaign(seg)
    with django_assert_max_num_queries(12):
        response = staff_client.get("/api/v1/analytics/campaigns/")
    assert response.json()["count"] == 15


def test_site_pages_for_staff(staff_client, django_capture_on_commit_callbacks):
    UserFactory(language="hi")
    assert staff_client.get("/analytics/campaigns/").status_code == 200
    saved = staff_client.post(
        "/analytics/campaigns/segments/new/",
        {
            "name": "Hindi",
            "rules": '{"match": "all", "rules": [{"type": "language", "language": "hi"}]}',
        },
    )
    assert saved.status_code == 302
    seg = Segment.objects.get()
    broken = staff_client.post("/analytics/campaigns/segments/new/", {"name": "x", "rules": "{"})
    assert broken.status_code == 200 and b"not valid JSON" in broken.content
    count = staff_client.post(
        "/analytics/campaigns/segments/count/",
        {"rules": '{"match": "all", "rules": [{"type": "language", "language": "hi"}]}'},
    )
    assert b"1 person matches." in count.content
    form = {
        "name": "Hello",
        "segment": seg.pk,
        "channels": ["in_app"],
        "inapp_title": "Hello",
        "inapp_body": "Hi!",
    }
    created = staff_client.post("/analytics/campaigns/new/", form)
    assert created.status_code == 302
    c = Campaign.objects.get()
    page = staff_client.get(f"/analytics/campaigns/{c.pk}/")
    assert b"Send now" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/analytics/campaigns/{c.pk}/send/")
    report = staff_client.get(f"/analytics/campaigns/{c.pk}/")
    assert b"not measurable" in report.content and b"1 people targeted" in report.content
