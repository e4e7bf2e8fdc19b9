"""The rules the database itself keeps."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from mentorship.models import MentorSession
from mentorship.tests.factories import MentorSessionFactory, MentorshipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("postgresql_only")
def test_two_booked_sessions_of_one_mentor_cannot_overlap_in_the_database():
    first = MentorSessionFactory()
    other_mentee = MentorshipFactory(mentor=first.mentor)
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorSessionFactory(
            mentorship=other_mentee,
            starts_at=first.starts_at + timedelta(minutes=30),
            ends_at=first.ends_at + timedelta(minutes=30),
        )
    # back to back is fine, and so is an overlap with a cancelled session
    MentorSessionFactory(
        mentorship=other_mentee, starts_at=first.ends_at, ends_at=first.ends_at + timedelta(hours=1)
    )
    first.status = MentorSession.Status.CANCELLED
    first.save(update_fields=["status"])
    MentorSessionFactory(mentorship=other_mentee, starts_at=first.starts_at, ends_at=first.ends_at)


def test_a_pair_has_one_open_mentorship_at_a_time():
    mentorship = MentorshipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorshipFactory(mentor=mentorship.mentor, mentee=mentorship.mentee)
