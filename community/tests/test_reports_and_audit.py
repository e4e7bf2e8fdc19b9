"""Reports (API and site form), queue actions and filters over the API and the site, the audit
log (page and API) and a group's moderation policy."""

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from community.models import Group, ModerationAction, Report
from community.services.sanctions import moderation_act
from community.tests.factories import direct_room, send, topic_group
from courses.tests.factories import ReviewFactory
from moderation.models import ModerationItem

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def chat(db):
    owner, author, reader = UserFactory(), UserFactory(), UserFactory()
    group, room = topic_group(owner=owner, members=(author, reader))
    message = send(room, author, "Buy followers cheap")
    return group, room, owner, author, reader, message


# --- reports -----------------------------------------------------------------------------------


def test_report_over_the_api_queues_the_message(chat):
    group, _room, _owner, _author, reader, message = chat
    response = api_for(reader).post(
        "/api/v1/reports/",
        {"kind": "message", "id": message.pk, "reason": "spam", "text": "Selling followers"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["reason"] == "spam" and response.json()["kind"] == "message"
    item = ModerationItem.objects.get(object_id=str(message.pk))
    assert (item.reason, item.source, item.context) == ("reported", "report", f"group:{group.pk}")
    assert "Selling followers" in item.detail and item.labels == [{"name": "spam"}]
    # listed as mine
    mine = api_for(reader).get("/api/v1/reports/").json()["results"]
    assert [r["object_id"] for r in mine] == [str(message.pk)]


def test_second_reporter_adds_to_the_same_item_and_nobody_reports_twice(chat):
    _group, _room, owner, _author, reader, message = chat
    body = {"kind": "message", "id": message.pk, "reason": "harassment"}
    assert api_for(reader).post("/api/v1/reports/", body, format="json").status_code == 201
    assert api_for(owner).post("/api/v1/reports/", body, format="json").status_code == 201
    assert api_for(owner).post("/api/v1/reports/", body, format="json").status_code == 409
    item = ModerationItem.objects.get(object_id=str(message.pk))
    assert item.detail.count("Reported by") == 2
    assert Report.objects.count() == 2


def test_reports_of_own_unseen_or_unknown_content_are_refused(chat):
    _group, _room, _owner, author, _reader, message = chat
    outsider = UserFactory()
    body = {"kind": "message", "id": message.pk, "reason": "spam"}
    own = api_for(author).post("/api/v1/reports/", body, format="json")
    assert own.status_code == 400 and own.json()["code"] == "own_content"
    assert api_for(outsider).post("/api/v1/reports/", body, format="json").status_code == 404
    bad = api_for(outsider).post(
        "/api/v1/reports/", {"kind": "poem", "id": 1, "reason": "meh"}, format="json"
    )
    assert bad.status_code == 400 and {"kind", "reason"} <= set(bad.json()["errors"])
    assert not Report.objects.exists()


def test_a_review_can_be_reported_too():
    review = ReviewFactory(text="Meh")
    response = api_for(UserFactory()).post(
        "/api/v1/reports/", {"kind": "review", "id": review.pk, "reason": "other"}, format="json"
    )
    assert response.status_code == 201


def test_report_form_on_the_site(client, chat):
    _group, room, _owner, _author, reader, message = chat
    client.force_login(reader)
    url = f"/moderation/report/message/{message.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and "Buy followers cheap" in page.content.decode()
    invalid = client.post(url, {"reason": ""})
    assert invalid.status_code == 400 and "This field is required" in invalid.content.decode()
    done = client.post(url, {"reason": "spam", "text": "Selling"}, follow=True)
    assert done.redirect_chain[-1][0].startswith(f"/chat/{room.pk}/")
    assert "The moderators will look at it" in done.content.decode()
    assert Report.objects.filter(reporter=reader).exists()
    assert "Report" in client.get(f"/chat/{room.pk}/").content.decode()


# --- queue actions and filters over the API -----------------------------------------------------


def test_api_action_mute_with_days_and_audit_api(chat, moderator):
    group, _room, _owner, author, reader, message = chat
    api_for(reader).post(
        "/api/v1/reports/", {"kind": "message", "id": message.pk, "reason": "spam"}, format="json"
    )
    item = ModerationItem.objects.get(object_id=str(message.pk))
    client = api_for(moderator)
    response = client.post(
        f"/api/v1/moderation/items/{item.pk}/decide/",
        {"action": "mute", "note": "Spam", "days": 3},
        format="json",
    )
    assert response.status_code == 200, response.content
    bad = client.post(
        f"/api/v1/moderation/items/{item.pk}/decide/", {"action": "mute", "days": 0}, format="json"
    )
    assert bad.status_code == 400 and "days" in bad.json()["errors"]
    log = client.get("/api/v1/moderation/audit/").json()
    [row] = log["results"]
    assert row["action"] == "mute" and row["note"] == "Spam" and row["until"]
    assert row["actor"]["id"] == moderator.pk and row["target_user"]["id"] == author.pk
    assert row["group"] == {"id": group.pk, "name": group.name}
    assert row["content_kind"] == "message" and row["item_id"] == item.pk
    assert api_for(reader).get("/api/v1/moderation/audit/").status_code == 403


def test_queue_filters_by_group_kind_and_score(chat, moderator):
    group, _room, _owner, author, _reader, message = chat
    toxic = send(chat[1], author, "I will kill you")  # held, score 0.9
    review = ReviewFactory()
    from moderation.services import moderation_flag

    moderation_flag(target=review, reason="toxic", score=0.6)
    client = api_for(moderator)
    in_group = client.get(f"/api/v1/moderation/items/?group={group.pk}").json()["results"]
    assert [r["target"]["kind"] for r in in_group] == ["message"]
    reviews = client.get("/api/v1/moderation/items/?kind=review").json()["results"]
    assert [r["target"]["kind"] for r in reviews] == ["review"]
    high = client.get("/api/v1/moderation/items/?score_min=0.85").json()["results"]
    assert [r["id"] for r in high] == [ModerationItem.objects.get(object_id=str(toxic.pk)).pk]
    assert client.get("/api/v1/moderation/items/?score_min=2").status_code == 400
    assert client.get("/api/v1/moderation/items/?kind=poem").status_code == 400
    assert message  # the clean message is not queued


def test_queue_page_filters_and_acts(client, chat, moderator):
    group, room, _owner, author, _reader, _message = chat
    held = send(room, author, "I will kill you")
    item = ModerationItem.objects.get(object_id=str(held.pk))
    client.force_login(moderator)
    page = client.get(f"/moderation/?group={group.pk}&kind=message&score_min=0.5")
    body = page.content.decode()
    assert page.status_code == 200 and "kill you" in body and "Ban from the site" in body
    assert client.get("/moderation/?group=x&score_min=abc&kind=poem").status_code == 200
    response = client.post(
        f"/moderation/{item.pk}/decide/", {"action": "warn", "note": "Stop"}, follow=True
    )
    assert "recorded in the audit log" in response.content.decode()
    assert ModerationAction.objects.get().action == "warn"
    audit = client.get("/moderation/audit/")
    assert audit.status_code == 200 and "Warned the author" in audit.content.decode()
    assert client.get("/moderation/audit/?action=ban_site").status_code == 200


def test_queue_and_audit_pages_query_counts_do_not_grow(
    client, moderator, django_assert_max_num_queries
):
    client.force_login(moderator)

    def make(n: int) -> None:
        owner = UserFactory()
        for i in range(n):
            author = UserFactory()
            _g, room = topic_group(owner=owner, members=(author,), name=f"G{i}")
            message = send(room, author, f"I will kill you {i}")
            item = ModerationItem.objects.get(object_id=str(message.pk))
            moderation_act(item=item, by=moderator, action="warn", note="n")

    make(2)
    with django_assert_max_num_queries(25):
        assert client.get("/moderation/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/moderation/audit/").status_code == 200
    make(8)
    with django_assert_max_num_queries(25):
        assert client.get("/moderation/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/moderation/audit/").status_code == 200
    api = api_for(moderator)
    with django_assert_max_num_queries(12):
        assert api.get("/api/v1/moderation/audit/").status_code == 200


# --- a group's policy ---------------------------------------------------------------------------


def test_owners_set_their_groups_moderation_policy(chat, moderator):
    group, _room, owner, author, _reader, _message = chat
    url = f"/api/v1/groups/{group.pk}/moderation-policy/"
    assert api_for(author).get(url).json()["moderation_policy"] == "post"
    refused = api_for(author).put(url, {"moderation_policy": "pre"}, format="json")
    assert refused.status_code == 403
    done = api_for(owner).put(url, {"moderation_policy": "pre"}, format="json")
    assert done.status_code == 200 and done.json()["moderation_policy"] == "pre"
    assert Group.objects.get(pk=group.pk).moderation_policy == "pre"
    bad = api_for(owner).put(url, {"moderation_policy": "maybe"}, format="json")
    assert bad.status_code == 400
    assert api_for(UserFactory()).get(url).status_code == 404
    assert (
        api_for(moderator).put(url, {"moderation_policy": "post"}, format="json").status_code == 200
    )


def test_direct_messages_can_be_reported(db):
    alice, bob = UserFactory(), UserFactory()
    message = send(direct_room(alice, bob), alice, "Hey")
    response = api_for(bob).post(
        "/api/v1/reports/",
        {"kind": "message", "id": message.pk, "reason": "harassment"},
        format="json",
    )
    assert response.status_code == 201
    assert ModerationItem.objects.get(object_id=str(message.pk)).context == ""


def test_a_review_reported_from_the_course_page_is_kept_as_a_report(client):
    review = ReviewFactory()
    reporter = UserFactory()
    client.force_login(reporter)
    url = f"/courses/reviews/{review.pk}/report/"
    assert client.post(url, {"reason": "An advert for another site"}).status_code == 302
    report = Report.objects.get(reporter=reporter)
    assert report.object_id == str(review.pk) and report.reason == "other"
    assert report.text == "An advert for another site"
    assert report.item == ModerationItem.objects.get(object_id=str(review.pk))
    # the same person again: still one report, and the queue item is the same
    assert client.post(url, {"reason": "Still an advert"}).status_code == 302
    assert Report.objects.filter(reporter=reporter).count() == 1
