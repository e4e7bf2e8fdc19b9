"""seed_demo's at-risk learners and campaigns: there to click through, and idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from analytics.models import Campaign, CampaignInteraction, Segment
from analytics.selectors.at_risk import at_risk_learners
from courses.models import Course

pytestmark = pytest.mark.django_db


def _seed() -> None:
    call_command("seed_demo", "--force", stdout=StringIO())


def test_seed_demo_campaigns_and_at_risk_learners_once():
    _seed()
    _seed()
    assert Segment.objects.count() == 2
    sent = Campaign.objects.get(status="sent")
    assert sent.targeted >= 2 and sent.recipients.count() == sent.targeted
    assert CampaignInteraction.objects.filter(campaign=sent, kind="open").count() == 2
    assert CampaignInteraction.objects.filter(campaign=sent, kind="click").count() == 1
    assert Campaign.objects.filter(status="scheduled").count() == 1
    course = Course.objects.filter(instructors__email="mentor@example.com").order_by("pk").first()
    names = {x.email for x in at_risk_learners(course_id=course.pk)}
    assert {"meera.stalled@example.com", "arjun.stalled@example.com"} <= names


@pytest.mark.django_db(transaction=True)
def test_the_stalled_segment_finds_the_stalled_learners():
    """Their enrolling five weeks ago is their last activity (the seed commits their events
    first, then dates them back)."""
    from analytics.segments import segment_users

    _seed()
    stalled = Segment.objects.get(name__startswith="Stalled in")
    emails = set(segment_users(stalled.rules).values_list("email", flat=True))
    assert {"meera.stalled@example.com", "arjun.stalled@example.com"} <= emails
    assert "sana.behind@example.com" not in emails  # active yesterday
