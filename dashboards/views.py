"""The signed-in home of each role: it reads from every app below, and writes nothing."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from accounts import selectors as account_selectors
from accounts.policies import user_is_mentor, user_is_mentor_or_admin, user_is_moderator
from accounts.roles import primary_role
from assessments.selectors import grading_waiting_count
from community.selectors import (
    moderation_pending_total,
    moderation_queue,
    moderation_queue_rows,
)
from courses.policies import course_can_review
from courses.selectors import catalogue as course_selectors
from courses.selectors.authoring import review_queue, teach_course_list
from enrollments import selectors as enrollment_selectors
from enrollments.cache import LEARNING_TTL
from kalpla.cache import cache_read_ahead, page_reads_ahead
from kalpla.templatetags.kalpla_shell import page_shell_fill, page_shell_shared
from mentorship.selectors.home import (
    mentee_upcoming_cache_key,
    mentee_upcoming_sessions,
    mentor_mentees,
    mentor_pending_requests,
)
from notifications.selectors import (
    recent_notifications_cache_keys,
    recent_notifications_with_unread,
)

HOME_PAGE = "home.html"
RECENT_NOTIFICATIONS = 5
RECENT_REPORTS = 5
RECOMMENDED_TTL = 10 * 60
TAUGHT_COURSES = 50


def _recommended_cards(user: object) -> list[dict[str, object]]:
    return [
        {
            "slug": course.slug,
            "title": course.title,
            "category": course.category.name if course.category else "",
            "rating": course.rating_average if course.rating_count else None,
            "rating_count": course.rating_count,
            "price": course_selectors.price_label(course),
            "thumbnail": course_selectors.course_thumbnail_url(course),
        }
        for course in enrollment_selectors.course_recommendations(user=user)
    ]


LEARNING_PARTS = ("list-html", "recent-html", "recommended-html")


def _home_reads(request: HttpRequest, user_id: int | None) -> tuple[list[str], list[str]]:
    """The student's cached parts, the notifications and the next sessions: read in one round
    trip, the session's (``page_reads_ahead``)."""
    if user_id is None:
        return [], []
    return [
        *enrollment_selectors.learning_cached_part_keys(user_id=user_id, parts=LEARNING_PARTS),
        mentee_upcoming_cache_key(user_id=user_id),
    ], recent_notifications_cache_keys(user_id)


@page_reads_ahead(_home_reads)
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "home_anonymous.html")
    user = request.user
    keys, plain = _home_reads(request, user.pk)  # those not read with the session's
    with cache_read_ahead(keys, plain=plain):
        return _home(request, user)


def _home(request: HttpRequest, user: Any) -> HttpResponse:
    # The student's own parts, rendered once, cached until their enrollments change.
    learning = enrollment_selectors.learning_cached_parts(
        user_id=user.pk,
        parts={
            "list-html": (
                lambda: render_to_string(
                    "enrollments/_learning_list.html",
                    {"enrollments": enrollment_selectors.learning_list(user=user)},
                ),
                LEARNING_TTL,
            ),
            "recent-html": (
                lambda: render_to_string(
                    "dashboards/_recent_lessons.html",
                    {"recent_lessons": enrollment_selectors.recently_viewed_cards(user=user)},
                ),
                LEARNING_TTL,
            ),
            "recommended-html": (
                lambda: render_to_string(
                    "dashboards/_recommended.html", {"recommended": _recommended_cards(user)}
                ),
                RECOMMENDED_TTL,
            ),
        },
    )
    # the home's list and the bell's count (otherwise the context processor's) in one read
    recent, unread = recent_notifications_with_unread(user_id=user.pk, limit=RECENT_NOTIFICATIONS)
    context: dict[str, object] = {
        "role": primary_role(user),
        "first_visit": account_selectors.is_first_visit(request),
        "learning_list": learning["list-html"],
        "recent_lessons_html": learning["recent-html"],
        "recent_notifications": recent,
        "notifications_unread": unread,
        "recommended_html": learning["recommended-html"],
    }
    if user_is_moderator(user):
        context["moderation_pending"] = moderation_pending_total()
        context["moderation_recent"] = moderation_queue_rows(
            list(moderation_queue(status="pending")[:RECENT_REPORTS])
        )
    # mentoring: a mentee's next sessions; a mentor's mentees at a glance and pending requests
    context["upcoming_sessions"] = mentee_upcoming_sessions(user=user)
    if user_is_mentor(user):
        context["mentees"] = mentor_mentees(mentor=user)
        context["mentee_requests_pending"] = mentor_pending_requests(mentor=user)
    if user_is_mentor_or_admin(user):
        context["taught_courses"] = list(teach_course_list(user=user)[:TAUGHT_COURSES])
        context["grading_waiting"] = grading_waiting_count(user=user)
    if course_can_review(user=user):
        queue = review_queue()
        context["review_queue_count"] = queue.count()
        context["review_queue_recent"] = list(queue[:RECENT_REPORTS])
    # the page's shared text once per process and language, this user's parts filled in
    html = page_shell_fill(page_shell_shared(HOME_PAGE), HOME_PAGE, context, request)
    return HttpResponse(html)
