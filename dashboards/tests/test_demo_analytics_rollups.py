"""seed_demo's analytics: the past 60 days rolled up, the demo mentor's course dashboard has
figures and charts; running it twice adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from analytics.models import CourseDay, Event, SiteDay
from dashboards.demo import MENTOR_EMAIL

pytestmark = pytest.mark.django_db


def test_seed_demo_rolls_up_analytics_idempotently(client):
    call_command("seed_demo", "--force", stdout=StringIO())
    events = Event.objects.count()
    days = SiteDay.objects.count()
    course_days = CourseDay.objects.count()
    assert events > 0 and days == 60 and course_days > 0
    call_command("seed_demo", "--force", stdout=StringIO())
    assert Event.objects.count() == events
    assert (SiteDay.objects.count(), CourseDay.objects.count()) == (days, course_days)
    mentor = User.objects.get(email=MENTOR_EMAIL)
    client.force_login(mentor)
    listing = client.get(reverse("analytics:courses"))
    assert listing.status_code == 200
    (first, *_rest) = listing.context["tables"]["courses"].rows
    page = client.get(first["url"])
    assert page.status_code == 200
    head = {h["key"]: h["value"] for h in page.context["data"]["headline"]}
    assert head["enrollments"] > 0
    assert "chart-learners" in page.content.decode()
