"""Campaigns: sending through notify() once, opt-outs, quiet hours, suppression, the open
pixel, tracked links (redirect safety, click counting) and the report's figures."""

import re
from datetime import UTC, datetime, time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from accounts.tests.factories import UserFactory
from analytics.models import Campaign, CampaignInteraction, CampaignRecipient, Event
from analytics.selectors.campaigns import campaign_report
from analytics.services import campaigns as services
from analytics.services.campaign_sending import campaign_deliver
from analytics.tasks_campaigns import campaigns_send_due_task
from analytics.tests.campaign_helpers import ago, campaign, segment
from analytics.tracking import click_read, click_url, link_is_allowed, open_url
from kalpla.exceptions import Conflict, PermissionDenied, ValidationError
from notifications.models import (
    Delivery,
    Device,
    EmailSuppression,
    Notification,
    NotificationPreference,
    NotificationSettings,
    PhoneNumber,
)

pytestmark = pytest.mark.django_db
HI = {"match": "all", "rules": [{"type": "language", "language": "hi"}]}


@pytest.fixture(autouse=True)
def site(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://kalpla.example"
    settings.KALPLA_CAMPAIGN_LINK_HOSTS = ["help.kalpla.example"]


def person(**fields):
    user = UserFactory(language="hi", **fields)
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def staff():
    return UserFactory(is_staff=True, roles=("Admin",))


def send(c: Campaign, capture, now=None) -> bool:
    Campaign.objects.filter(pk=c.pk).update(status="scheduled", scheduled_at=now or timezone.now())
    with capture(execute=True):
        done = campaign_deliver(campaign_id=c.pk, now=now)
    c.refresh_from_db()
    return done


def test_campaign_sends_each_chosen_channel_through_notify(django_capture_on_commit_callbacks):
    a, b = person(), person()
    UserFactory(language="en")  # not in the segment
    c = campaign(segment(HI))
    assert send(c, django_capture_on_commit_callbacks)
    c.refresh_from_db()
    assert c.status == "sent" and c.targeted == 2
    notes = Notification.objects.filter(dedupe_key=c.dedupe_key)
    assert {n.recipient_id for n in notes} == {a.pk, b.pk}
    assert {n.kind for n in notes} == {"analytics.campaign"}
    assert notes.first().title == "New exercises"
    assert len(mail.outbox) == 2
    body = mail.outbox[0].alternatives[0][0]
    # links are tracked and the open pixel is there
    assert "/analytics/c/" in body and "/analytics/o/" in body
    assert CampaignRecipient.objects.filter(campaign=c, notification_id__isnull=False).count() == 2


def test_campaign_respects_marketing_opt_outs(django_capture_on_commit_callbacks):
    keen, no_email, nothing = person(), person(), person()
    NotificationPreference.objects.create(
        user=no_email, category="marketing", channel="email", enabled=False
    )
    for channel in ("email", "in_app"):
        NotificationPreference.objects.create(
            user=nothing, category="marketing", channel=channel, enabled=False
        )
    c = campaign(segment(HI))
    send(c, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[keen.email]]
    assert not Notification.objects.filter(recipient=nothing).exists()
    # email off only: the bell still shows it
    assert Notification.objects.get(recipient=no_email).read_at is None
    assert CampaignRecipient.objects.get(campaign=c, user=nothing).notification_id is None
    report = campaign_report(campaign=c)
    assert report.targeted == 3 and report.reached == 2


def test_campaign_only_uses_its_channels(django_capture_on_commit_callbacks):
    user = person()
    c = campaign(segment(HI), channels=("email",))
    send(c, django_capture_on_commit_callbacks)
    note = Notification.objects.get(recipient=user)
    # in-app was not chosen: stored read (the email renders from it), no bell badge
    assert note.read_at is not None
    assert len(mail.outbox) == 1


def test_campaign_holds_sms_and_push_in_quiet_hours(django_capture_on_commit_callbacks):
    user = person(timezone="Asia/Kolkata")
    PhoneNumber.objects.create(user=user, number="+919800000001", verified_at=timezone.now())
    Device.objects.create(user=user, platform="fcm", token="t1", endpoint_id="arn:1")
    for channel in ("sms", "push"):
        NotificationPreference.objects.create(
            user=user, category="marketing", channel=channel, enabled=True
        )
    NotificationSettings.objects.create(user=user, quiet_start=time(22), quiet_end=time(7))
    at_23_ist = datetime(2026, 3, 10, 17, 30, tzinfo=UTC)
    c = campaign(segment(HI), channels=("sms", "push"))
    send(c, django_capture_on_commit_callbacks, now=at_23_ist)
    statuses = dict(Delivery.objects.filter(user=user).values_list("channel", "status"))
    assert statuses == {"sms": "held", "push": "held"}
    report = campaign_report(campaign=c)
    sms = next(r for r in report.channels if r.channel == "sms")
    assert sms.pending == 1 and sms.sent == 0 and sms.opened is None and sms.clicked is None


def test_campaign_sms_is_opt_in(django_capture_on_commit_callbacks):
    user = person()
    PhoneNumber.objects.create(user=user, number="+919800000002", verified_at=timezone.now())
    c = campaign(segment(HI), channels=("sms", "in_app"))
    send(c, django_capture_on_commit_callbacks)
    assert not Delivery.objects.filter(user=user, channel="sms").exists()


def test_campaign_email_to_a_suppressed_address_is_not_sent(django_capture_on_commit_callbacks):
    user = person()
    EmailSuppression.objects.create(email=user.email, active=True, reason="hard_bounce")
    c = campaign(segment(HI), channels=("email",))
    send(c, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert Delivery.objects.get(user=user).status == "suppressed"
    email = campaign_report(campaign=c).channels[0]
    assert email.not_delivered == 1 and email.sent == 0


def test_scheduled_campaign_is_sent_exactly_once_by_the_beat_job(
    django_capture_on_commit_callbacks,
):
    person(), person()
    c = campaign(segment(HI))
    services.campaign_schedule(
        actor=staff(), campaign=c, at=timezone.now() + timezone.timedelta(minutes=5)
    )
    # not due yet
    assert campaigns_send_due_task() == 0
    Campaign.objects.filter(pk=c.pk).update(scheduled_at=ago(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert campaigns_send_due_task() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert campaigns_send_due_task() == 0
        assert campaign_deliver(campaign_id=c.pk) is False
    assert Notification.objects.filter(dedupe_key=c.dedupe_key).count() == 2
    assert len(mail.outbox) == 2


def test_send_now_goes_through_celery_once(django_capture_on_commit_callbacks):
    person()
    c = campaign(segment(HI))
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_schedule(actor=staff(), campaign=c, at=None)
    c.refresh_from_db()
    assert c.status == "sent" and c.targeted == 1
    with pytest.raises(Conflict):
        services.campaign_schedule(actor=staff(), campaign=c, at=None)


def test_campaign_checks_messages_links_and_staff():
    seg = segment(HI)
    with pytest.raises(PermissionDenied):
        services.campaign_create(actor=UserFactory(), data={"name": "x", "segment": seg})
    with pytest.raises(ValidationError) as caught:
        services.campaign_create(
            actor=staff(),
            data={
                "name": "x",
                "segment": seg,
                "channels": ["email", "sms"],
                "email_subject": "Hi",
                "email_body": "See https://evil.example/phish",
                "link_url": "//evil.example/",
            },
        )
    errors = caught.value.errors
    assert set(errors) >= {"email_body", "link_url", "sms_text"}
    with pytest.raises(ValidationError):
        services.campaign_schedule(actor=staff(), campaign=campaign(seg), at=ago(minutes=1))


def test_link_is_allowed_only_for_this_site_and_allowed_hosts():
    assert link_is_allowed("/courses/x/")
    assert link_is_allowed("https://kalpla.example/courses/")
    assert link_is_allowed("https://help.kalpla.example/faq")
    for bad in (
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "https://kalpla.example.evil.example/",
        "",
    ):
        assert not link_is_allowed(bad), bad


def test_tracked_link_counts_the_click_and_redirects(client, django_capture_on_commit_callbacks):
    user = person()
    c = campaign(segment(HI))
    url = click_url(campaign_id=c.pk, user_id=user.pk, channel="email", url="/courses/x/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url.replace("https://kalpla.example", ""))
    assert response.status_code == 302 and response["Location"] == "/courses/x/"
    click = CampaignInteraction.objects.get(campaign=c)
    assert (click.kind, click.user_id, click.channel) == ("click", user.pk, "email")
    assert Event.objects.filter(verb="campaign_clicked", actor=user, object_id=c.pk).exists()


def test_tracked_link_never_redirects_off_site(client, settings):
    c = campaign(segment(HI))
    # a token signed for a host that is no longer allowed: home, and no click counted
    url = click_url(
        campaign_id=c.pk, user_id=None, channel="email", url="https://help.kalpla.example/x"
    )
    settings.KALPLA_CAMPAIGN_LINK_HOSTS = []
    response = client.get(url.replace("https://kalpla.example", ""))
    assert response.status_code == 302 and response["Location"] == "/"
    assert not CampaignInteraction.objects.exists()
    # a forged token is a 404
    assert client.get("/analytics/c/not-a-token/").status_code == 404
    token = url.rsplit("/c/", 1)[1].strip("/")
    assert client.get(f"/analytics/c/{token[:-2]}xx/").status_code == 404
    assert click_read("garbage") is None


def test_shared_link_click_counts_the_signed_in_person(client):
    user = person()
    c = campaign(segment(HI), link_url="/courses/x/")
    client.force_login(user)
    url = click_url(campaign_id=c.pk, user_id=None, channel="link", url="/courses/x/")
    assert client.get(url.replace("https://kalpla.example", "")).status_code == 302
    assert CampaignInteraction.objects.get().user_id == user.pk


def test_open_pixel_records_the_open_and_returns_a_gif(client, django_capture_on_commit_callbacks):
    user = person()
    c = campaign(segment(HI))
    url = open_url(campaign_id=c.pk, user_id=user.pk).replace("https://kalpla.example", "")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    assert response.content.startswith(b"GIF89a")
    assert CampaignInteraction.objects.get().kind == "open"
    assert Event.objects.filter(verb="campaign_opened", actor=user).exists()
    # a bad token still gets the image, and counts nothing
    assert client.get("/analytics/o/bad.gif").status_code == 200
    assert CampaignInteraction.objects.count() == 1


def test_report_figures_from_sends_reads_opens_and_clicks(
    client, django_capture_on_commit_callbacks
):
    a, b, c_user = person(), person(), person()
    c = campaign(segment(HI), channels=("in_app", "email", "push"), link_url="/courses/x/")
    send(c, django_capture_on_commit_callbacks)
    # a read it in the app; a and b opened the email (b twice); b clicked an email link
    Notification.objects.filter(recipient=a).update(
        read_at=timezone.now() + timezone.timedelta(seconds=5)
    )
    html = {m.to[0]: m.alternatives[0][0] for m in mail.outbox}
    for user in (a, b, b):
        pixel = re.search(r'src="(https://kalpla.example/analytics/o/[^"]+)"', html[user.email])
        client.get(pixel.group(1).replace("https://kalpla.example", "").replace("&amp;", "&"))
    link = re.search(r'href="(https://kalpla.example/analytics/c/[^"]+)"', html[b.email])
    client.get(link.group(1).replace("https://kalpla.example", ""))
    report = campaign_report(campaign=c)
    rows = {r.channel: r for r in report.channels}
    assert report.targeted == 3 and report.reached == 3
    assert (rows["in_app"].sent, rows["in_app"].opened, rows["in_app"].clicked) == (3, 1, None)
    assert (rows["email"].sent, rows["email"].opened, rows["email"].clicked) == (3, 2, 1)
    # nobody has a device: push carried nothing, and its opens are not measurable
    assert rows["push"].sent == 0 and rows["push"].opened is None
    assert report.opened_people == 2 and report.clicked_people == 1
    del c_user


def test_report_runs_a_fixed_number_of_queries(
    django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for _ in range(12):
        person()
    c = campaign(segment(HI))
    send(c, django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(5):
        campaign_report(campaign=c)


def test_segment_in_use_cannot_be_deleted():
    seg = segment(HI)
    campaign(seg)
    with pytest.raises(Conflict):
        services.segment_delete(actor=staff(), segment=seg)
