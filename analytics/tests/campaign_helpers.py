"""Helpers shared by the campaign and at-risk tests."""

from datetime import timedelta

from django.utils import timezone

from analytics.models import Campaign, Segment


def ago(**kwargs) -> object:
    return timezone.now() - timedelta(**kwargs)


def segment(rules, name="Segment") -> Segment:
    return Segment.objects.create(name=name, rules=rules)


def campaign(seg: Segment, channels=("in_app", "email"), **fields) -> Campaign:
    values = {
        "inapp_title": "New exercises",
        "inapp_body": "Pick up where you left off.",
        "email_subject": "We miss you",
        "email_body": "Hello! See https://kalpla.example/courses/x/ for more.",
        "sms_text": "Kalpla: new exercises",
        "push_title": "New exercises",
        "push_body": "Pick up where you left off.",
        **fields,
    }
    return Campaign.objects.create(name="Come back", segment=seg, channels=list(channels), **values)
