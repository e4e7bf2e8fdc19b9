"""Full-text search over courses.

``Course.search_document`` holds the searchable text (title, subtitle, description, category,
tags, module and lesson titles); ``course_search_document_refresh`` rebuilds it after edits.

On PostgreSQL the match uses ``to_tsvector('simple', search_document)``, the same expression
as the GIN index of migration 0002 (so the planner can use it), and results are ranked by a
weighted vector: title A, subtitle and tags B, the whole document C. On SQLite (the embedded
default) every word must occur, case-insensitively, in the title, subtitle or document.
"""

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    Case,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce

from courses.models import Course, Lesson, Module, Tag

SEARCH_CONFIG = "simple"
MAX_QUERY_LENGTH = 200


def course_search_document_build(*, course: Course) -> str:
    parts: list[str] = [course.title, course.subtitle, course.description]
    if course.category_id is not None:
        parts.append(course.category.name if course.category else "")
    parts.extend(course.tags.order_by("name").values_list("name", flat=True))
    # Drafts stay out: a search must not reveal what students cannot open yet.
    parts.extend(Module.objects.visible().filter(course=course).values_list("title", flat=True))
    parts.extend(Lesson.objects.visible().filter(course=course).values_list("title", flat=True))
    return "\n".join(p.strip() for p in parts if p and p.strip())


def course_search_document_refresh(*, course: Course) -> str:
    """Rebuild ``course.search_document``; call after editing the course, its tags or outline.

    Writes with ``update()``: no ``updated_at`` bump and no post_save signal.
    """
    document = course_search_document_build(course=course)
    Course.objects.filter(pk=course.pk).update(search_document=document)
    course.search_document = document
    return document


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def search_document_vector() -> SearchVector:
    """The indexed expression: keep it identical to the index of migration 0002."""
    return SearchVector("search_document", config=SEARCH_CONFIG)


def _tag_names() -> Subquery:
    names = (
        Tag.objects.filter(courses=OuterRef("pk"))
        .order_by()
        .values("courses")
        .annotate(names=StringAgg("name", delimiter=" "))
        .values("names")
    )
    return Subquery(names)


def _weighted_vector() -> CombinedExpression:
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("subtitle", weight="B", config=SEARCH_CONFIG)
        + SearchVector(
            Coalesce(_tag_names(), Value(""), output_field=TextField()),
            weight="B",
            config=SEARCH_CONFIG,
        )
        + SearchVector("search_document", weight="C", config=SEARCH_CONFIG)
    )


def course_search(*, queryset: QuerySet[Course], query: str) -> QuerySet[Course]:
    """Filter ``queryset`` to courses matching ``query`` and annotate ``relevance``.

    ``query`` follows web search syntax on PostgreSQL: ``"exact phrase"``, ``-excluded``,
    ``either or other``.
    """
    query = query.strip()[:MAX_QUERY_LENGTH]
    if not query:
        return queryset.annotate(relevance=Value(0.0, output_field=FloatField()))
    if is_postgresql():
        search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        return (
            queryset.annotate(document_vector=search_document_vector())
            .filter(document_vector=search_query)
            .annotate(relevance=SearchRank(_weighted_vector(), search_query, cover_density=False))
        )
    return _fallback_search(queryset=queryset, query=query)


def _fallback_search(*, queryset: QuerySet[Course], query: str) -> QuerySet[Course]:
    words = [w for w in query.replace('"', " ").split() if not w.startswith("-")][:10]
    for word in words:
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(subtitle__icontains=word)
            | Q(search_document__icontains=word)
        )
    first = words[0] if words else query
    return queryset.annotate(
        relevance=Case(
            When(title__icontains=first, then=Value(3.0)),
            When(subtitle__icontains=first, then=Value(2.0)),
            default=Value(1.0),
            output_field=FloatField(),
        )
    )
