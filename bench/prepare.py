"""Seed the bench database and count queries per page in-process (Django test client).

Run by ``python -m bench`` in a child process with the bench environment; writes JSON to the
path given as the only argument.
"""

import json
import random
import sys
from datetime import timedelta
from decimal import Decimal
from importlib import import_module
from typing import Any

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from accounts.services import user_roles_set  # noqa: E402
from courses.cache import course_invalidate  # noqa: E402
from courses.models import Category, Course, Lesson, Module, Review, Tag  # noqa: E402
from courses.services.reviews import course_rating_refresh  # noqa: E402
from courses.services.search import course_search_document_refresh  # noqa: E402
from enrollments.models import Enrollment, LessonProgress  # noqa: E402

LEVELS = [c[0] for c in Course.Level.choices]
KINDS = [c[0] for c in Lesson.Kind.choices]
WORDS = [
    "python",
    "data",
    "design",
    "music",
    "yoga",
    "finance",
    "marketing",
    "drawing",
    "cooking",
    "physics",
    "history",
    "writing",
    "spreadsheets",
    "photography",
    "guitar",
    "statistics",
    "leadership",
    "biology",
    "chemistry",
    "hindi",
    "tamil",
    "algebra",
    "geometry",
    "robotics",
    "cloud",
    "security",
    "gardening",
    "pottery",
]


def _user(email: str, name: str, role: Role) -> User:
    user = User.objects.create_user(email=email, password="bench-password-123", name=name)
    user_roles_set(user=user, roles=(role,))
    return user


def _lessons(course: Course, modules: int, lessons: int, rng: random.Random) -> list[Lesson]:
    module_objs = Module.objects.bulk_create(
        Module(course=course, title=f"Module {m + 1}: {rng.choice(WORDS).title()}", order=m)
        for m in range(modules)
    )
    return Lesson.objects.bulk_create(
        Lesson(
            module=module,
            course=course,
            title=f"Lesson {m + 1}.{n + 1} {rng.choice(WORDS)}",
            kind=KINDS[(m + n) % len(KINDS)],
            order=n,
            duration=rng.randint(120, 1500),
            is_preview=(m == 0 and n == 0),
        )
        for m, module in enumerate(module_objs)
        for n in range(lessons)
    )


@transaction.atomic
def seed(n_courses: int) -> dict[str, Any]:
    rng = random.Random(42)
    now = timezone.now()
    categories = [
        Category.objects.create(name=name, slug=name.lower(), order=i)
        for i, name in enumerate(["Programming", "Design", "Business", "Languages", "Music"])
    ]
    tags = [Tag.objects.create(name=w, slug=w) for w in WORDS[:12]]
    mentors = [_user(f"mentor{i}@bench.test", f"Mentor {i}", Role.MENTOR) for i in range(6)]

    courses = Course.objects.bulk_create(
        Course(
            slug=f"course-{i}",
            title=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {i}",
            subtitle=f"Learn {rng.choice(WORDS)} and {rng.choice(WORDS)} step by step",
            description="A **practical** course.\n\n- projects\n- quizzes",
            level=LEVELS[i % len(LEVELS)],
            category=categories[i % len(categories)],
            price=Decimal("0") if i % 4 else Decimal("499"),
            status=Course.Status.PUBLISHED,
            published_at=now - timedelta(hours=i),
            rating_average=Decimal(rng.randint(300, 500)) / 100,
            rating_count=rng.randint(0, 300),
            enrollment_count=rng.randint(0, 5000),
        )
        for i in range(n_courses)
    )
    Course.instructors.through.objects.bulk_create(
        Course.instructors.through(course_id=c.pk, user_id=mentors[(i + k) % 6].pk)
        for i, c in enumerate(courses)
        for k in range(2)
    )
    Course.tags.through.objects.bulk_create(
        Course.tags.through(course_id=c.pk, tag_id=tags[(i + k) % 12].pk)
        for i, c in enumerate(courses)
        for k in range(3)
    )
    for course in courses:
        _lessons(course, 2, 3, rng)
        course_search_document_refresh(course=course)

    big = Course.objects.create(
        slug="bench-big-course",
        title="The big course: ten modules of ten lessons",
        subtitle="Outline-heavy course page",
        description="## About\n\nA **long** course with [links](https://example.com).\n\n" * 3,
        category=categories[0],
        status=Course.Status.PUBLISHED,
        published_at=now,
        level=Course.Level.BEGINNER,
    )
    big.instructors.set(mentors[:2])
    big.tags.set(tags[:3])
    big.prerequisites.set(courses[:2])
    _lessons(big, 10, 10, rng)
    course_search_document_refresh(course=big)
    reviewers = [_user(f"reviewer{i}@bench.test", f"Reviewer {i}", Role.STUDENT) for i in range(30)]
    Enrollment.objects.bulk_create(Enrollment(user=u, course=big) for u in reviewers)
    Review.objects.bulk_create(
        Review(course=big, user=u, rating=rng.randint(2, 5), text=f"Review {i}: useful.")
        for i, u in enumerate(reviewers)
    )
    course_rating_refresh(course=big)

    # A student of the big course, part of the way through it, who has not reviewed it: the
    # page every student of a course sees while they take it.
    learner = _user("learner@bench.test", "Big Course Learner", Role.STUDENT)
    big_lessons = list(Lesson.objects.filter(course=big).order_by("module__order", "order"))
    big_enrollment = Enrollment.objects.create(
        user=learner,
        course=big,
        progress_percent=12,
        last_lesson=big_lessons[11],
        last_viewed_at=now,
    )
    LessonProgress.objects.bulk_create(
        LessonProgress(enrollment=big_enrollment, lesson=lesson, completed_at=now)
        for lesson in big_lessons[:12]
    )

    students = {"learner": learner}
    for count in (1, 20):
        student = _user(f"student{count}@bench.test", f"Student {count}", Role.STUDENT)
        for course in courses[10 : 10 + count]:
            first = list(Lesson.objects.filter(course=course).order_by("module__order", "order"))
            enrollment = Enrollment.objects.create(
                user=student,
                course=course,
                progress_percent=50,
                last_lesson=first[2],
                last_viewed_at=now,
            )
            LessonProgress.objects.bulk_create(
                LessonProgress(enrollment=enrollment, lesson=lesson, completed_at=now)
                for lesson in first[:3]
            )
        students[str(count)] = student
    return {"big": big.slug, "students": {k: v.pk for k, v in students.items()}}


def session_for(user: User) -> str:
    """A signed-in session in the site's session store (cached and in the database), as a
    sign-in leaves it; its key is also the app's X-Session-Token."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def count_queries(targets: dict[str, dict[str, str | None]]) -> dict[str, dict[str, Any]]:
    """Queries of one request with cold caches (every course version bumped) and warm."""
    out: dict[str, dict[str, Any]] = {}
    for name, target in targets.items():
        client = Client()
        if target["session"]:
            client.cookies[settings.SESSION_COOKIE_NAME] = str(target["session"])
        client.get(str(target["path"]))  # the user-session row is written on the first visit
        for course_id in Course.objects.values_list("id", flat=True):
            course_invalidate(course_id=course_id, catalogue=True)
        with CaptureQueriesContext(connection) as cold:
            client.get(str(target["path"]))
        with CaptureQueriesContext(connection) as warm:
            response = client.get(str(target["path"]))
        out[name] = {
            "status": response.status_code,
            "queries": len(warm),
            "queries_cold": len(cold),
            "bytes": len(response.content),
            "signed_in": bool(response.wsgi_request.user.is_authenticated),
        }
    return out


def main() -> None:
    output_path = sys.argv[1]
    n_courses = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    cache.clear()  # only this bench's key prefix
    data = seed(n_courses)
    sessions = {k: session_for(User.objects.get(pk=v)) for k, v in data["students"].items()}
    targets = {
        "baseline": {"path": "/bench/baseline/", "session": None},
        "catalogue_api": {"path": "/api/v1/courses/", "session": None},
        "catalogue_page": {"path": "/courses/", "session": None},
        "course_page": {"path": f"/courses/{data['big']}/", "session": None},
        "course_page_student": {"path": f"/courses/{data['big']}/", "session": sessions["learner"]},
        "dashboard_1": {"path": "/", "session": sessions["1"]},
        "dashboard_20": {"path": "/", "session": sessions["20"]},
    }
    queries = count_queries(targets)
    with open(output_path, "w") as handle:
        json.dump(
            {
                "targets": targets,
                "queries": queries,
                "cookie": settings.SESSION_COOKIE_NAME,
                "courses": Course.objects.count(),
                "lessons": Lesson.objects.count(),
            },
            handle,
        )


if __name__ == "__main__":
    main()
