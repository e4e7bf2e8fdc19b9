"""Demo mentors: the demo mentor and two more in other time zones (directory area), the demo
student's preferences and active mentorship with the demo mentor, and a learner's pending
request. Everything goes through the services and is idempotent."""

from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from accounts.roles import Role
from accounts.services import user_roles_set
from courses.selectors.topics import tags_by_slugs, tags_of_courses_taught_by
from mentorship.models import MentorProfile, Mentorship, MentorshipRequest
from mentorship.services.profiles import learner_preference_upsert, mentor_profile_upsert
from mentorship.services.requests import mentorship_request_accept, mentorship_request_create

# email, name, time zone, headline, bio, expertise (tag slugs), languages, capacity
EXTRA_MENTORS: tuple[tuple[str, str, str, str, str, tuple[str, ...], list[str], int], ...] = (
    (
        "mentor.berlin@example.com",
        "Lena Fischer",
        "Europe/Berlin",
        "Product designer: UX research, interfaces and portfolios",
        "Twelve years designing products in Berlin studios. I help with portfolio reviews, "
        "user research plans and moving from web development into design.",
        ("design", "ux", "web"),
        ["de", "en"],
        4,
    ),
    (
        "mentor.austin@example.com",
        "Marcus Reed",
        "America/Chicago",
        "Data engineer: SQL, pipelines and analytics careers",
        "I build data platforms in Austin. Bring your SQL questions, your first pipeline or "
        "your interview preparation for analyst and data engineering roles.",
        ("data", "sql", "python"),
        ["en", "es"],
        3,
    ),
)
DEMO_MENTOR_PROFILE = {
    "headline": "Full-stack developer and teacher: Python, web and data",
    "bio": "I teach the Python and web courses here. As a mentor I help with projects, code "
    "reviews and the first steps into a developer job.",
    "timezone": "Asia/Kolkata",
    "languages": ["en", "hi"],
    "capacity": 5,
    "session_lengths": [30, 60],
    "is_accepting": True,
    "is_listed": True,
}


def _mentor_user(email: str, name: str, zone: str) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"name": name, "timezone": zone}
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)  # every demo account can sign in
        user.save()
    if created:
        user_roles_set(user=user, roles=(Role.MENTOR,))
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _profile(user: User, data: dict[str, Any], expertise: list[Any]) -> MentorProfile:
    return mentor_profile_upsert(user=user, data={**data, "expertise": expertise})


def _open_mentorship(*, mentor: User, mentee: User) -> Mentorship | None:
    return Mentorship.objects.filter(
        mentor=mentor, mentee=mentee, status__in=("active", "paused")
    ).first()


def _pending(*, mentor: User, mentee: User) -> MentorshipRequest | None:
    return MentorshipRequest.objects.filter(
        mentor=mentor, mentee=mentee, status=MentorshipRequest.Status.PENDING
    ).first()


@transaction.atomic
def seed_mentors(
    *, courses: dict[str, Any], mentor: Any, student: Any, learners: list[Any]
) -> list[Any]:
    """The mentor profiles of the demo: the demo mentor's (Asia/Kolkata, with the tags of the
    courses they teach) and two more mentors in Berlin and Chicago."""
    profiles: list[MentorProfile] = []
    demo_profile = None
    if mentor is not None:
        taught = tags_of_courses_taught_by(user_id=mentor.pk)
        demo_profile = _profile(mentor, DEMO_MENTOR_PROFILE, taught)
        profiles.append(demo_profile)
    for email, name, zone, headline, bio, slugs, languages, capacity in EXTRA_MENTORS:
        user = _mentor_user(email, name, zone)
        data = {
            "headline": headline,
            "bio": bio,
            "timezone": zone,
            "languages": languages,
            "capacity": capacity,
        }
        profiles.append(_profile(user, data, tags_by_slugs(slugs=slugs)))
    if student is not None:
        learner_preference_upsert(
            user=student,
            data={
                "interests": tags_by_slugs(slugs=("python", "data", "sql")),
                "languages": ["en", "hi"],
                "goals": "Finish my Python projects and get ready for a junior data role.",
            },
        )
    if demo_profile is not None and student is not None:
        _student_mentorship(profile=demo_profile, student=student, courses=courses)
    if demo_profile is not None and learners:
        learner = learners[0]
        if not _open_mentorship(mentor=mentor, mentee=learner) and not _pending(
            mentor=mentor, mentee=learner
        ):
            mentorship_request_create(
                mentee=learner,
                mentor=demo_profile,
                message="Could you help me plan a portfolio project with Python and SQL?",
                topics=tags_by_slugs(slugs=("python", "sql")),
            )
    return profiles


def _student_mentorship(*, profile: MentorProfile, student: Any, courses: dict[str, Any]) -> None:
    """The demo student's active mentorship with the demo mentor: asked, then accepted."""
    mentor = profile.user
    if _open_mentorship(mentor=mentor, mentee=student):
        return
    request = _pending(mentor=mentor, mentee=student) or mentorship_request_create(
        mentee=student,
        mentor=profile,
        message="I am working through Python basics and would like guidance on my project.",
        course=courses.get("python-basics"),
        topics=tags_by_slugs(slugs=("python",)),
    )
    mentorship_request_accept(request=request, by=mentor)
