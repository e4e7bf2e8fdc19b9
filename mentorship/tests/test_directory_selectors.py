"""The mentor directory: filters, waking-hours overlap, card data and query bounds."""

from datetime import UTC, date, datetime

import pytest
from django.core.paginator import Paginator

from accounts.tests.factories import UserFactory
from courses.tests.factories import TagFactory
from mentorship.selectors.directory import (
    DirectoryFilters,
    mentor_directory,
    mentor_profile_get,
    places_left,
    waking_overlap_hours,
)
from mentorship.tests.factories import (
    AvailabilityRuleFactory,
    MentorProfileFactory,
    MentorSessionFactory,
    MentorshipFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def _names(viewer, **filters):
    rows = mentor_directory(viewer=viewer, filters=DirectoryFilters(**filters), now=NOW)
    return [p.user.name for p in rows]


def _mentor(name, **kwargs):
    return MentorProfileFactory(user=UserFactory(name=name, roles=("Mentor",)), **kwargs)


# --- waking-hours overlap, by hand --------------------------------------------------------------


def test_waking_overlap_hours_same_zone_is_the_whole_waking_day():
    assert waking_overlap_hours("Europe/Berlin", "Europe/Berlin", on=date(2026, 1, 15)) == 14


def test_waking_overlap_hours_across_the_date_line_counts_both_days():
    # Kolkata (UTC+5:30) is awake 02:30-16:30 UTC; Chicago in January (UTC-6) 14:00-04:00 UTC.
    # Chicago's day meets Kolkata's same day 14:00-16:30 (2.5 h) and Kolkata's next day
    # 02:30-04:00 (1.5 h): 4 hours, from either side.
    day = date(2026, 1, 15)
    assert waking_overlap_hours("America/Chicago", "Asia/Kolkata", on=day) == 4
    assert waking_overlap_hours("Asia/Kolkata", "America/Chicago", on=day) == 4


def test_waking_overlap_hours_follows_daylight_saving_on_the_date():
    # 20 March 2026: New York is on summer time (UTC-4), Berlin not yet (UTC+1): 5 hours
    # apart, 14 - 5 = 9 hours shared. 10 April: Berlin on summer time too (UTC+2): 6 apart, 8.
    assert waking_overlap_hours("Europe/Berlin", "America/New_York", on=date(2026, 3, 20)) == 9
    assert waking_overlap_hours("Europe/Berlin", "America/New_York", on=date(2026, 4, 10)) == 8


def test_waking_overlap_hours_half_hour_zone():
    # Berlin in January 07:00-21:00 UTC, Kolkata 02:30-16:30 UTC: 07:00-16:30 = 9.5 hours
    assert waking_overlap_hours("Europe/Berlin", "Asia/Kolkata", on=date(2026, 1, 15)) == 9.5


# --- filters ----------------------------------------------------------------------------------


def test_mentor_directory_lists_listed_active_mentors_by_name():
    _mentor("Bina")
    _mentor("Arun")
    _mentor("Hidden", is_listed=False)
    gone = _mentor("Gone")
    gone.user.is_active = False
    gone.user.save()
    assert _names(UserFactory()) == ["Arun", "Bina"]


def test_mentor_directory_search_name_headline_bio_and_tag():
    _mentor("Arun", headline="Backend engineer")
    _mentor("Bina", bio="I teach statistics")
    _mentor("Chandra", expertise=[TagFactory(name="rust", slug="rust")])
    viewer = UserFactory()
    assert _names(viewer, search="arun") == ["Arun"]
    assert _names(viewer, search="BACKEND") == ["Arun"]
    assert _names(viewer, search="statistics") == ["Bina"]
    assert _names(viewer, search="rust") == ["Chandra"]
    assert _names(viewer, search="nobody") == []


def test_mentor_directory_filters_tag_and_language():
    python = TagFactory(slug="python", name="python")
    _mentor("Arun", expertise=[python], languages=["en", "hi"])
    _mentor("Bina", languages=["de"])
    viewer = UserFactory()
    assert _names(viewer, tag="python") == ["Arun"]
    assert _names(viewer, language="HI") == ["Arun"]
    assert _names(viewer, language="de") == ["Bina"]


def test_mentor_directory_filters_waking_overlap_with_the_viewer():
    viewer = UserFactory(timezone="Europe/Berlin")
    _mentor("Berlin", timezone="Europe/Berlin")  # 14 hours
    _mentor("Kolkata", timezone="Asia/Kolkata")  # 9.5 hours
    _mentor("Chicago", timezone="America/Chicago")  # 7 hours (14:00-21:00 UTC)
    assert _names(viewer, overlap_hours=8) == ["Berlin", "Kolkata"]
    assert _names(viewer, overlap_hours=7) == ["Berlin", "Chicago", "Kolkata"]
    assert _names(viewer, overlap_hours=10) == ["Berlin"]


def test_mentor_directory_filters_has_room_counting_paused_mentorships():
    full = _mentor("Full", capacity=2)
    MentorshipFactory(mentor=full.user)
    MentorshipFactory(mentor=full.user, status="paused")
    MentorshipFactory(mentor=full.user, status="ended")
    roomy = _mentor("Roomy", capacity=2)
    MentorshipFactory(mentor=roomy.user)
    assert _names(UserFactory(), has_room=True) == ["Roomy"]
    cards = {
        p.user.name: places_left(p)
        for p in mentor_directory(viewer=UserFactory(), filters=DirectoryFilters(), now=NOW)
    }
    assert cards == {"Full": 0, "Roomy": 1}


def test_mentor_directory_filters_available_this_week():
    free = _mentor("Free")
    AvailabilityRuleFactory(mentor=free, valid_from=date(2026, 1, 1))
    _mentor("No hours")
    assert _names(UserFactory(), available=True) == ["Free"]


def test_mentor_directory_card_has_rating_average_and_count():
    profile = _mentor("Rated")
    mentorship = MentorshipFactory(mentor=profile.user)
    MentorSessionFactory(mentorship=mentorship, rating=5)
    MentorSessionFactory(
        mentorship=mentorship,
        rating=4,
        starts_at=NOW.replace(hour=14),
        ends_at=NOW.replace(hour=15),
    )
    card = mentor_directory(viewer=UserFactory(), filters=DirectoryFilters(), now=NOW).get()
    assert float(card.rating_average) == 4.5 and card.rating_count == 2


def test_mentor_directory_page_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    tags = [TagFactory() for _ in range(3)]
    for n in range(15):
        profile = _mentor(f"Mentor {n:02}", expertise=tags, languages=["en", "hi"])
        MentorshipFactory(mentor=profile.user)
    viewer = UserFactory(timezone="Asia/Kolkata")
    filters = DirectoryFilters(search="mentor", language="en", overlap_hours=4, has_room=True)
    # count, the page, tags, languages (+ the distinct zones for the overlap filter)
    with django_assert_max_num_queries(5):
        page = Paginator(mentor_directory(viewer=viewer, filters=filters, now=NOW), 12).get_page(1)
        rows = [(p.user.name, [t.slug for t in p.expertise.all()], places_left(p)) for p in page]
    assert len(rows) == 12 and rows[0][2] == 4


def test_mentor_profile_get_hides_unlisted_from_others():
    hidden = _mentor("Hidden", is_listed=False)
    assert mentor_profile_get(mentor_profile_id=hidden.pk, viewer=hidden.user) == hidden
    assert mentor_profile_get(mentor_profile_id=hidden.pk, viewer=UserFactory(is_staff=True))
    with pytest.raises(Exception) as caught:
        mentor_profile_get(mentor_profile_id=hidden.pk, viewer=UserFactory())
    assert caught.typename == "NotFound"
