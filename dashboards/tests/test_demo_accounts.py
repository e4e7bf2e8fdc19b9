"""Every demo account can sign in and has something to look at."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from courses.models import Lesson
from dashboards.demo import LEARNERS, MENTOR_EMAIL
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _seed() -> None:
    call_command("seed_demo", "--force", stdout=StringIO())


def test_seed_demo_learners_sign_in_with_the_demo_password(client):
    _seed()
    for email, _name in LEARNERS:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD), email
        assert client.login(email=email, password=DEMO_PASSWORD), email
        client.logout()


def test_seed_demo_gives_learners_seeded_earlier_the_demo_password():
    email = LEARNERS[0][0]
    earlier = User.objects.create(email=email, name="Kiran Learner")
    earlier.set_unusable_password()
    earlier.save()
    _seed()
    assert User.objects.get(email=email).check_password(DEMO_PASSWORD)


def test_seed_demo_mentor_has_notifications_once():
    _seed()
    mentor = User.objects.get(email=MENTOR_EMAIL)
    kinds = list(Notification.objects.filter(recipient=mentor).values_list("kind", flat=True))
    assert "courses.published" in kinds
    _seed()
    assert Notification.objects.filter(recipient=mentor).count() == len(kinds)


def test_seed_demo_text_lessons_mention_narration_only_when_they_have_it():
    _seed()
    lessons = Lesson.objects.filter(kind=Lesson.Kind.TEXT)
    assert lessons.exists()
    for lesson in lessons:
        mentions = "narration" in lesson.content.lower()
        assert mentions == bool(lesson.narration), (lesson.title, lesson.narration.name)
