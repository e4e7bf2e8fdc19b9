from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses.filters import CourseCatalogueFilter
from courses.models import Course
from courses.selectors.catalogue import (
    category_list,
    course_catalogue_base,
    course_catalogue_filter,
    duration_clock,
    duration_words,
    price_label,
)
from courses.tests.factories import (
    CategoryFactory,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def slugs(queryset) -> list[str]:
    return [course.slug for course in queryset]


def course_catalogue(**filters):
    """The catalogue as the site and the API build it: published courses, then the filters."""
    return course_catalogue_filter(queryset=course_catalogue_base(), **filters)


def test_course_catalogue_lists_published_courses_only():
    published = CourseFactory()
    for status in (Course.Status.DRAFT, Course.Status.REVIEW, Course.Status.ARCHIVED):
        CourseFactory(status=status)
    assert slugs(course_catalogue()) == [published.slug]


def test_course_catalogue_filters():
    parent = CategoryFactory(slug="programming")
    child = CategoryFactory(slug="python", parent=parent)
    other = CategoryFactory(slug="art")
    py = CourseFactory(category=child, level="beginner", language="en", rating_average="4.6")
    prog = CourseFactory(category=parent, level="advanced", language="hi", price=Decimal("49"))
    art = CourseFactory(category=other, level="beginner", language="en", rating_average="3.2")

    assert set(slugs(course_catalogue(category="programming"))) == {py.slug, prog.slug}
    assert slugs(course_catalogue(category="python")) == [py.slug]
    assert slugs(course_catalogue(category="nope")) == []
    assert set(slugs(course_catalogue(level="beginner"))) == {py.slug, art.slug}
    assert slugs(course_catalogue(language="hi")) == [prog.slug]
    assert slugs(course_catalogue(is_free=False)) == [prog.slug]
    assert set(slugs(course_catalogue(is_free=True))) == {py.slug, art.slug}
    assert slugs(course_catalogue(min_rating=Decimal("4"))) == [py.slug]


def test_course_catalogue_sorts():
    now = timezone.now()
    old = CourseFactory(published_at=now - timedelta(days=30), enrollment_count=50)
    new = CourseFactory(published_at=now, rating_average="3.0", rating_count=2)
    mid = CourseFactory(published_at=now - timedelta(days=3), rating_average="4.8", rating_count=9)

    assert slugs(course_catalogue()) == [new.slug, mid.slug, old.slug]  # newest by default
    assert slugs(course_catalogue(ordering="newest")) == [new.slug, mid.slug, old.slug]
    assert slugs(course_catalogue(ordering="popular"))[0] == old.slug
    assert slugs(course_catalogue(ordering="rating")) == [mid.slug, new.slug, old.slug]
    # relevance without a search falls back to newest
    assert slugs(course_catalogue(ordering="relevance")) == [new.slug, mid.slug, old.slug]


def test_course_catalogue_card_annotations():
    course = CourseFactory()
    module = ModuleFactory(course=course)
    LessonFactory.create_batch(3, module=module, duration=120)

    card = course_catalogue_base().get(pk=course.pk)

    assert card.lesson_total == 3
    assert card.lesson_duration == 360


def test_filterset_validates_and_hands_over_parameters():
    valid = CourseCatalogueFilter({"level": "beginner", "is_free": "true", "min_rating": "4"})
    assert valid.is_valid()
    assert valid.params()["is_free"] is True and valid.params()["min_rating"] == Decimal("4")

    invalid = CourseCatalogueFilter({"level": "wizard", "min_rating": "9", "ordering": "x"})
    assert not invalid.is_valid()
    assert {"level", "min_rating", "ordering"} <= set(invalid.errors)
    assert invalid.params()["level"] == ""  # invalid values are dropped, not applied


def test_category_list_counts_published_courses():
    category = CategoryFactory()
    CourseFactory.create_batch(2, category=category)
    CourseFactory(category=category, status=Course.Status.DRAFT)
    assert {c.slug: c.course_count for c in category_list()}[category.slug] == 2


def test_display_helpers():
    assert duration_clock(75) == "01:15"
    assert duration_clock(3725) == "1:02:05"
    assert duration_words(0) == ""
    assert duration_words(45 * 60) == "45 min"
    assert duration_words(2 * 3600 + 300) == "2 h 05 min"
    assert price_label(Course(price=Decimal("0"))) == "Free"
    assert price_label(Course(price=Decimal("49.00"), currency="INR")) == "₹49"
    assert price_label(Course(price=Decimal("1499.50"), currency="INR")) == "₹1,499.50"
    assert price_label(Course(price=Decimal("10"), currency="JPY")) == "10 JPY"


# --- the catalogue page ---------------------------------------------------------------------


def test_catalogue_page_shows_cards_with_count_price_and_rating(client):
    CourseFactory(title="Free thing", rating_average="4.50", rating_count=8)
    CourseFactory(title="Paid thing", price=Decimal("49"))

    response = client.get(reverse("courses:catalogue"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "2 courses" in body
    assert "Free thing" in body and "Paid thing" in body
    assert "₹49" in body and "Free" in body
    assert "4.5" in body and "(8)" in body
    assert "course-card__placeholder" in body  # no cover: a placeholder


def test_catalogue_page_filters_by_query_parameters(client):
    category = CategoryFactory(name="Music", slug="music")
    CourseFactory(title="Tabla rhythms", category=category)
    CourseFactory(title="Spreadsheets")

    response = client.get(reverse("courses:catalogue"), {"category": "music"})

    body = response.content.decode()
    assert "Tabla rhythms" in body and "Spreadsheets" not in body
    assert "1 course" in body
    assert "<h1>Music</h1>" in body  # the category names the page and the breadcrumb


def test_catalogue_page_paginates_and_keeps_filters(client):
    for _ in range(15):
        CourseFactory(level="beginner")

    first = client.get(reverse("courses:catalogue"), {"level": "beginner"})
    second = client.get(reverse("courses:catalogue"), {"level": "beginner", "page": 2})

    assert len(first.context["page"].object_list) == 12
    assert len(second.context["page"].object_list) == 3
    assert "level=beginner&amp;page=2" in first.content.decode()
    assert "15 courses" in second.content.decode()
    assert "page 2 of 2" in second.content.decode()


def test_catalogue_page_empty_state_offers_a_reset(client):
    CourseFactory(title="Yoga")

    response = client.get(reverse("courses:catalogue"), {"search": "zzzz-nothing"})

    body = response.content.decode()
    assert "No courses match “zzzz-nothing”" in body
    assert f'href="{reverse("courses:catalogue")}"' in body
    assert "Reset search and filters" in body


def test_catalogue_page_shows_invalid_filters_and_ignores_them(client):
    CourseFactory(title="Anything")
    response = client.get(reverse("courses:catalogue"), {"min_rating": "banana"})
    assert response.status_code == 200
    assert "Anything" in response.content.decode()
    assert response.context["form"].errors


def test_catalogue_page_search(client):
    CourseFactory(title="Carnatic singing")
    CourseFactory(title="Accounting")
    body = client.get(reverse("courses:catalogue"), {"search": "carnatic"}).content.decode()
    assert "Carnatic singing" in body and "Accounting" not in body


def test_catalogue_page_query_count_is_bounded(client, django_assert_max_num_queries):
    # given: many courses with instructors, tags and lessons (an N+1 would show)
    mentors = UserFactory.create_batch(3, roles=("Mentor",))
    tags = TagFactory.create_batch(3)
    for n in range(14):
        course = CourseFactory(instructors=mentors[: 1 + n % 3], tags=tags[: 1 + n % 3])
        LessonFactory(module=ModuleFactory(course=course))

    # then: count, page, instructors, tags, categories
    with django_assert_max_num_queries(6):
        response = client.get(reverse("courses:catalogue"), {"search": "course"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 12


def test_catalogue_page_signed_in_query_count_is_bounded(
    client, student, django_assert_max_num_queries
):
    for _ in range(14):
        CourseFactory(instructors=[UserFactory()], tags=[TagFactory()])
    client.force_login(student)
    client.get(reverse("courses:catalogue"))  # the first request records the user session
    # The anonymous five, plus the site's own per-request work for a signed-in user: session,
    # user, roles and allauth's user-session tracking (3) and savepoints around it.
    with django_assert_max_num_queries(13):
        assert client.get(reverse("courses:catalogue")).status_code == 200


def test_catalogue_page_is_cached_and_follows_edits(client, django_assert_max_num_queries):
    course = CourseFactory(title="Old name")
    url = reverse("courses:catalogue")
    assert "Old name" in client.get(url).content.decode()
    with django_assert_max_num_queries(0):  # anonymous browsing: straight from the cache
        assert "Old name" in client.get(url).content.decode()
    course.title = "New name"
    course.save()
    body = client.get(url).content.decode()
    assert "New name" in body and "Old name" not in body


def test_catalogue_searches_and_odd_parameters_are_not_cached(client):
    CourseFactory(title="Sitar")
    url = reverse("courses:catalogue")
    assert "Sitar" in client.get(url, {"search": "sitar"}).content.decode()
    Course.objects.bulk_create(  # no signal: a cached answer would miss it
        [Course(slug="sitar-2", title="Sitar two", search_document="Sitar two", status="published")]
    )
    assert "Sitar two" in client.get(url, {"search": "sitar"}).content.decode()
    assert client.get(url, {"utm_source": "mail"}).status_code == 200
    assert client.get(url, {"level": "wizard"}).status_code == 200


def test_catalogue_category_title_and_breadcrumb_from_the_cache(client):
    category = CategoryFactory(name="Music", slug="music")
    CourseFactory(category=category)
    url = reverse("courses:catalogue") + "?category=music"
    for _ in range(2):  # rendered, then cached
        body = client.get(url).content.decode()
        assert "<title>Music · Course catalogue · Kalpla</title>" in body
        assert 'href="/courses/?category=music" aria-current="page"' in body


def test_category_names_follow_the_reader_language(client, django_assert_max_num_queries):
    from courses.tests.factories import CategoryFactory

    category = CategoryFactory(slug="design", name="Design", name_en="Design", name_hi="डिज़ाइन")
    blank = CategoryFactory(slug="music", name="Music", name_en="Music", name_hi="")
    for n in range(6):
        CourseFactory(category=category if n % 2 else blank, title=f"Course {n}")

    english = client.get("/courses/", HTTP_ACCEPT_LANGUAGE="en")
    hindi = client.get("/courses/", HTTP_ACCEPT_LANGUAGE="hi")
    with django_assert_max_num_queries(12):
        api = client.get("/api/v1/courses/", HTTP_ACCEPT_LANGUAGE="hi")

    assert "Design" in english.text and "डिज़ाइन" not in english.text
    assert "डिज़ाइन" in hindi.text
    assert "Music" in hindi.text  # no Hindi name yet: the English one, not an empty label
    names = {course["category"]["name"] for course in api.json()["results"]}
    assert names == {"डिज़ाइन", "Music"}
    # the English API page is cached apart from the Hindi one
    english_api = client.get("/api/v1/courses/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert {course["category"]["name"] for course in english_api["results"]} == {"Design", "Music"}
