import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from courses.models import Course
from courses.selectors.catalogue import course_catalogue_base, course_catalogue_filter
from courses.services.search import (
    _fallback_search,
    course_search,
    course_search_document_build,
    course_search_document_refresh,
)
from courses.tests.factories import (
    CategoryFactory,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL"
)


SEARCH_INDEX_NAME = "course_search_document_gin"  # made by migration 0002_search_index


def course_catalogue(**filters):
    """The catalogue as the site and the API build it: published courses, then the filters."""
    return course_catalogue_filter(queryset=course_catalogue_base(), **filters)


def slugs(queryset) -> list[str]:
    return [course.slug for course in queryset]


def test_search_document_has_every_searchable_part():
    course = CourseFactory(
        title="Rangoli basics",
        subtitle="Colours and symmetry",
        description="Patterns at the doorstep",
        category=CategoryFactory(name="Folk art"),
        tags=[TagFactory(name="chalk")],
    )
    module = ModuleFactory(course=course, title="Dots and grids")
    LessonFactory(module=module, title="Drawing lotus petals")

    document = course_search_document_build(course=course)
    course_search_document_refresh(course=course)

    for part in ("Rangoli", "symmetry", "doorstep", "Folk art", "chalk", "Dots", "lotus"):
        assert part in document
    course.refresh_from_db()
    assert course.search_document == document


@postgresql_only
def test_search_title_match_ranks_above_description_match():
    # given: "kubernetes" in one title and in another course's description only
    in_description = CourseFactory(
        title="Cloud operations", description="We also touch kubernetes briefly."
    )
    in_title = CourseFactory(title="Kubernetes from scratch", description="Containers.")
    CourseFactory(title="Watercolour", description="Brushes and paper.")

    # when
    found = slugs(course_catalogue(search="kubernetes"))

    # then: both match, the title match first; the unrelated course is absent
    assert found == [in_title.slug, in_description.slug]


@postgresql_only
def test_search_subtitle_and_tags_rank_above_description():
    in_description = CourseFactory(title="A", subtitle="", description="some pottery here")
    tagged = CourseFactory(
        title="B", subtitle="", description="", tags=[TagFactory(name="pottery")]
    )
    assert slugs(course_catalogue(search="pottery")) == [tagged.slug, in_description.slug]


@postgresql_only
def test_search_websearch_syntax_phrase_exclusion_and_or():
    machine = CourseFactory(title="Machine learning", description="models and data")
    learning_machine = CourseFactory(title="Learning the sewing machine", description="stitches")
    baking = CourseFactory(title="Bread baking", description="sourdough")

    assert slugs(course_catalogue(search='"machine learning"')) == [machine.slug]
    assert slugs(course_catalogue(search="machine -sewing")) == [machine.slug]
    assert set(slugs(course_catalogue(search="sourdough or stitches"))) == {
        baking.slug,
        learning_machine.slug,
    }
    # Unbalanced quotes and stray operators are not errors.
    assert slugs(course_catalogue(search='"bread')) == [baking.slug]
    assert slugs(course_catalogue(search="-")) == []


@postgresql_only
def test_search_finds_lesson_titles_after_refresh():
    course = CourseFactory(title="Guitar")
    LessonFactory(module=ModuleFactory(course=course), title="Barre chords")
    assert slugs(course_catalogue(search="barre")) == []

    course_search_document_refresh(course=course)

    assert slugs(course_catalogue(search="barre")) == [course.slug]


@postgresql_only
def test_search_skips_unpublished_courses():
    CourseFactory(title="Secret draft", status=Course.Status.DRAFT)
    assert slugs(course_catalogue(search="secret")) == []


@postgresql_only
def test_search_gin_index_exists_and_is_used():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'courses_course' AND indexname = %s",
            [SEARCH_INDEX_NAME],
        )
        row = cursor.fetchone()
    assert row is not None
    assert "gin" in row[0].lower() and "to_tsvector" in row[0]

    CourseFactory.create_batch(3)
    # Only the search condition: the status index is no alternative to the GIN index.
    queryset = course_search(queryset=Course.objects.all(), query="anything").order_by()
    queryset = queryset.values("id")  # no ORDER BY: an index that sorts is no alternative
    with connection.cursor() as cursor:
        # Tiny tables favour sequential scans; forbid them to see that the expression matches.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in cursor.fetchall())
    assert SEARCH_INDEX_NAME in plan


def test_search_fallback_matches_every_word_case_insensitively():
    python = CourseFactory(title="Python basics", subtitle="For data people")
    CourseFactory(title="Python web", subtitle="Django")
    CourseFactory(title="Painting")

    found = _fallback_search(queryset=Course.objects.all(), query="python DATA")

    assert list(found) == [python]
    ranked = _fallback_search(queryset=Course.objects.all(), query="python").order_by("-relevance")
    assert all(course.relevance == 3.0 for course in ranked)


def test_search_migrations_apply_on_sqlite(tmp_path: Path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_DEBUG": "true",
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "courses", "--noinput"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "courses.0002_search_index... OK" in result.stdout
