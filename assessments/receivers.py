"""What assessments does when other apps (and its own grading) say something happened: a
graded attempt goes into the gradebook; a completed course, or a course total that changed,
may earn the student a certificate; and a certificate the badges earned by passing the course."""

from typing import Any

from django.dispatch import receiver

from enrollments.signals import course_completed, enrollment_changed

from .services.certificates import certificate_issue_if_earned, certificates_issue_for_course
from .services.gradebook import course_grades_refresh, quiz_grade_changed
from .signals import attempt_graded, certificate_issued, course_grade_changed
from .tasks import badges_award_for_certificate_task


@receiver(course_completed)
def certificate_on_completion(sender: Any, enrollment: Any, **kwargs: Any) -> None:
    """The total is brought up to date first; its change signal then checks the certificate."""
    course_grades_refresh(course_id=enrollment.course_id, student_id=enrollment.user_id)


@receiver(attempt_graded)
def gradebook_on_grade(sender: Any, attempt_id: int, **kwargs: Any) -> None:
    quiz_grade_changed(attempt_id=attempt_id)


@receiver(enrollment_changed)
def gradebook_on_enrollment(
    sender: Any, user_id: int, course_id: int, active: bool, **kwargs: Any
) -> None:
    """A new learner has a row in the gradebook at once (missing work counts for them too)."""
    if active:
        course_grades_refresh(course_id=course_id, student_id=user_id)


@receiver(course_grade_changed)
def certificate_on_grade(
    sender: Any, course_id: int, student_id: int | None, **kwargs: Any
) -> None:
    if student_id is None:
        certificates_issue_for_course(course_id=course_id)
    else:
        certificate_issue_if_earned(student_id=student_id, course_id=course_id)


@receiver(certificate_issued)
def badges_on_certificate(sender: Any, certificate_id: int, **kwargs: Any) -> None:
    badges_award_for_certificate_task.delay(certificate_id=certificate_id)
