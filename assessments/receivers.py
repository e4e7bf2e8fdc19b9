"""What assessments does when other apps (and its own grading) say something happened:
a completed course or a graded attempt may earn the student a certificate, and a certificate
the badges earned by passing the course."""

from typing import Any

from django.dispatch import receiver

from enrollments.signals import course_completed

from .models import Attempt
from .services.certificates import certificate_issue_if_earned
from .signals import attempt_graded, certificate_issued
from .tasks import badges_award_for_certificate_task


@receiver(course_completed)
def certificate_on_completion(sender: Any, enrollment: Any, **kwargs: Any) -> None:
    certificate_issue_if_earned(student_id=enrollment.user_id, course_id=enrollment.course_id)


@receiver(attempt_graded)
def certificate_on_grade(sender: Any, attempt_id: int, **kwargs: Any) -> None:
    attempt = Attempt.objects.select_related("quiz").filter(pk=attempt_id).first()
    if attempt is not None and not attempt.is_preview:
        certificate_issue_if_earned(student_id=attempt.student_id, course_id=attempt.quiz.course_id)


@receiver(certificate_issued)
def badges_on_certificate(sender: Any, certificate_id: int, **kwargs: Any) -> None:
    badges_award_for_certificate_task.delay(certificate_id=certificate_id)
