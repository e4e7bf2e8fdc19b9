"""Demo badges (seed_demo): Git and GitHub's badge, earned by passing the course (the demo
student holds it, with their certificate as evidence), and a badge its mentor awards by hand,
given to the demo student for their help in the course's discussions. Both with generated
images. Idempotent: a rerun finds the badges and awards the first run made."""

from accounts.models import User
from assessments.models import BadgeAward, BadgeClass, Certificate
from assessments.services.badges import (
    badge_award,
    badge_class_create,
    badges_award_for_certificate,
)
from courses.models import Course

COURSE = "git-and-github"
BADGES = (
    (
        "Git Explorer",
        "course_passed",
        "Knows how to branch, merge, resolve conflicts and open a pull request on GitHub.",
        "Complete every lesson of Git and GitHub and pass its quizzes.",
    ),
    (
        "Helpful Peer",
        "manual",
        "Helped other learners of Git and GitHub with clear, kind answers.",
        "Awarded by the course's mentor for helping others in the discussions.",
    ),
)


def seed_badges(*, courses: dict[str, Course], mentor: User | None, student: User | None) -> int:
    """The demo badges; returns how many the demo student holds."""
    course = courses.get(COURSE)
    if course is None or mentor is None:
        return 0
    badges = {
        name: BadgeClass.objects.filter(course=course, name=name).first()
        or badge_class_create(
            user=mentor,
            course=course,
            name=name,
            description=description,
            criteria=criteria,
            trigger=trigger,
        )
        for name, trigger, description, criteria in BADGES
    }
    if student is None:
        return 0
    # normally awarded when the certificate is issued; the demo asks again so a rerun (or a
    # seeding before the badge existed) has it too
    for certificate in Certificate.objects.filter(
        student=student, course=course, status=Certificate.Status.VALID
    ):
        badges_award_for_certificate(certificate_id=certificate.pk)
    badge_award(
        badge=badges["Helpful Peer"],
        recipient=student,
        awarded_by=mentor,
        narrative="Answered three questions about rebasing in the course discussions.",
    )
    return BadgeAward.objects.filter(recipient=student).count()
