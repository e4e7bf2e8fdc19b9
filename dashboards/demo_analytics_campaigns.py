"""Demo data of at-risk learners and campaigns: a few learners of the demo mentor's first course
who stopped (or fell behind), two segments, one sent campaign with some opens and clicks, and
one scheduled for tomorrow. Idempotent: everything is found by name or email first."""

from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from accounts.roles import Role
from accounts.services import user_roles_set
from analytics.models import Campaign, CampaignInteraction, CampaignRecipient, Event, Segment
from analytics.services.campaign_sending import campaign_deliver
from analytics.services.events import buffer_mode, events_buffer_drain, events_flush
from courses.models import Course
from enrollments.models import Enrollment
from enrollments.services import enrollment_create

AT_RISK = (
    ("meera.stalled@example.com", "Meera Stalled", 12, 20),
    ("arjun.stalled@example.com", "Arjun Stalled", 20, 5),
    ("sana.behind@example.com", "Sana Behind", 1, 2),
)
SENT_NAME = "Welcome back to your course"
SCHEDULED_NAME = "New Hindi courses this month"


def _learner(email: str, name: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"name": name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        user_roles_set(user=user, roles=(Role.STUDENT,))
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _at_risk(course: Course) -> None:
    now = timezone.now()
    for email, name, idle_days, progress in AT_RISK:
        user = _learner(email, name)
        enrollment = Enrollment.objects.filter(user=user, course=course).first()
        if enrollment is None:
            enrollment = enrollment_create(user=user, course=course)
        # enrolled five weeks ago; last lesson opened ``idle_days`` ago
        Enrollment.objects.filter(pk=enrollment.pk).update(
            status=Enrollment.Status.ACTIVE,
            created_at=now - timedelta(days=35),
            last_viewed_at=now - timedelta(days=idle_days),
            progress_percent=progress,
        )
    # Enrolling is activity: their "enrolled" events (recorded when the seed commits) go back
    # five weeks with the enrollments, so "inactive for a week" finds the stalled ones.
    transaction.on_commit(lambda: _enrolled_events_back(course, now - timedelta(days=35)))


def _enrolled_events_back(course: Course, when: Any) -> None:
    if buffer_mode() == "redis":
        events_flush()  # this process's batch into the buffer, then the buffer into the table
        events_buffer_drain()
    Event.objects.filter(
        actor__email__in=[email for email, *_rest in AT_RISK], course_id=course.pk, verb="enrolled"
    ).update(occurred_at=when)


def _segments(course: Course) -> tuple[Segment, Segment]:
    stalled, _c = Segment.objects.update_or_create(
        name=f"Stalled in {course.title}",
        defaults={
            "description": "Enrolled, inactive for a week, not completed.",
            "rules": {
                "match": "all",
                "rules": [
                    {"type": "enrolled_in", "course": course.pk},
                    {"type": "inactive_days", "days": 7},
                    {"type": "not_completed", "course": course.pk},
                ],
            },
        },
    )
    hindi, _c = Segment.objects.update_or_create(
        name="Hindi speakers or new students",
        defaults={
            "description": "Language Hindi, or signed up in the last 30 days.",
            "rules": {
                "match": "any",
                "rules": [
                    {"type": "language", "language": "hi"},
                    {"type": "signed_up_within_days", "days": 30},
                ],
            },
        },
    )
    return stalled, hindi


def _sent_campaign(segment: Segment, course: Course) -> None:
    if Campaign.objects.filter(name=SENT_NAME).exists():
        return
    campaign = Campaign.objects.create(
        name=SENT_NAME,
        segment=segment,
        channels=["in_app", "email", "sms"],
        inapp_title=f"{course.title} is waiting for you",
        inapp_body="Pick up where you left off: ten minutes today keeps you on track.",
        email_subject=f"Your place in {course.title} is saved",
        email_body="Hello! Your progress is saved. Pick up where you left off.",
        sms_text=f"Kalpla: {course.title} is waiting for you.",
        link_url=f"/courses/{course.slug}/",
        status=Campaign.Status.SCHEDULED,
        scheduled_at=timezone.now(),
    )
    campaign_deliver(campaign_id=campaign.pk)
    recipients = list(CampaignRecipient.objects.filter(campaign=campaign).order_by("id"))
    opens = [
        CampaignInteraction(campaign=campaign, user_id=r.user_id, kind="open", channel="email")
        for r in recipients[:2]
    ]
    clicks = [
        CampaignInteraction(
            campaign=campaign,
            user_id=r.user_id,
            kind="click",
            channel="email",
            url=campaign.link_url,
        )
        for r in recipients[:1]
    ]
    CampaignInteraction.objects.bulk_create([*opens, *clicks])


def _scheduled_campaign(segment: Segment) -> None:
    Campaign.objects.get_or_create(
        name=SCHEDULED_NAME,
        defaults={
            "segment": segment,
            "channels": ["in_app", "push"],
            "inapp_title": "New courses in Hindi",
            "inapp_body": "Three new courses in Hindi start this month.",
            "push_title": "New courses in Hindi",
            "push_body": "Three new courses start this month.",
            "link_url": "/courses/",
            "status": Campaign.Status.SCHEDULED,
            "scheduled_at": timezone.now() + timedelta(days=1),
        },
    )


def seed_analytics_campaigns(*, courses: dict[str, Course], mentor: Any) -> int:
    """Returns how many at-risk demo learners there are (0 without the demo mentor)."""
    taught = [
        c
        for c in courses.values()
        if mentor is not None and c.instructors.filter(pk=mentor.pk).exists()
    ]
    if not taught:
        return 0
    course = sorted(taught, key=lambda c: c.pk)[0]
    _at_risk(course)
    stalled, hindi = _segments(course)
    _sent_campaign(stalled, course)
    _scheduled_campaign(hindi)
    return len(AT_RISK)
