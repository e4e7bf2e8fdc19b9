"""Certificates: issued when a student has completed a course and their course total (the
gradebook's, released marks only) is at or above the course's pass mark, checked when the
course is completed and whenever their course total changes. The PDF is made by a job
(``assessments.certificate_pdf``); staff revoke with a reason and reissue (after a name
change). The public page ``/certificates/<code>/`` says valid or revoked, without sign-in.
"""

import secrets
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policies import user_is_staff
from activity.tracking import ObjectRef, track
from activity.verbs import Verb
from courses.selectors.lessons import course_list
from enrollments.selectors import enrollment_get
from jobs.services import job_enqueue
from kalpla.exceptions import Conflict, PermissionDenied

from ..models import Assignment, Certificate, CourseGrade, GradeItem, Quiz
from ..signals import certificate_issued

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def certificate_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def course_passed(*, student_id: int, course_id: int) -> bool:
    """The course total the student sees (released marks) at or above the course's pass mark;
    a course with no quiz or assignment (published, or in its gradebook) is passed by
    completing it. At most four queries."""
    graded = (
        GradeItem.objects.filter(course_id=course_id, max_points__gt=0).exists()
        or Quiz.objects.filter(course_id=course_id, lesson__is_published=True).exists()
        or Assignment.objects.filter(course_id=course_id, lesson__is_published=True).exists()
    )
    if not graded:
        return True
    return CourseGrade.objects.filter(
        course_id=course_id, student_id=student_id, released_passed=True
    ).exists()


def certificate_issue_if_earned(*, student_id: int, course_id: int) -> Certificate | None:
    """Issue the student's certificate for the course when earned and not yet issued."""
    student = get_user_model().objects.filter(pk=student_id).first()
    existing = Certificate.objects.filter(
        student_id=student_id, course_id=course_id, status=Certificate.Status.VALID
    ).first()
    if student is None or existing is not None:
        return existing
    enrollment = _completed_enrollment(student, course_id)
    if enrollment is None or not course_passed(student_id=student_id, course_id=course_id):
        return None
    return _issue(student, enrollment.course)


def certificates_issue_for_course(*, course_id: int) -> int:
    """After the course's totals were recomputed (new weights, pass mark): a certificate for
    each learner who now passes and has none (completion is checked for each). Returns how
    many were issued."""
    holders = Certificate.objects.filter(course_id=course_id, status=Certificate.Status.VALID)
    passing = CourseGrade.objects.filter(course_id=course_id, released_passed=True).exclude(
        student_id__in=holders.values("student_id")
    )
    student_ids = list(passing.values_list("student_id", flat=True))
    issued = 0
    for start in range(0, len(student_ids), ISSUE_CHUNK):
        # One transaction per chunk: the chunk's PDF jobs reach the workers in shared
        # messages (KALPLA_JOB_BATCH_SIZES) once it commits, while the next chunk is issued.
        with transaction.atomic():
            for student_id in student_ids[start : start + ISSUE_CHUNK]:
                if certificate_issue_if_earned(student_id=student_id, course_id=course_id):
                    issued += 1
    return issued


ISSUE_CHUNK = 50
"""Certificates issued per transaction when a whole course's are (two messages' worth of PDF
jobs: the workers start on a chunk while the next is issued)."""


def _completed_enrollment(student: Any, course_id: int) -> Any:
    course = course_list().filter(pk=course_id).first()
    if course is None:
        return None
    enrollment = enrollment_get(user=student, course=course)
    if enrollment is None or enrollment.status != "completed":
        return None
    return enrollment


def _issue(student: Any, course: Any) -> Certificate | None:
    instructors = ", ".join(
        (u.name or u.email) for u in course.instructors.order_by("name", "email")
    )
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                student=student,
                course=course,
                code=certificate_code(),
                name=(student.name or student.email)[:200],
                course_title=course.title[:200],
                instructors=instructors[:500],
                issued_at=timezone.now(),
            )
            job_enqueue(kind="assessments.certificate_pdf", target=certificate)
            transaction.on_commit(
                partial(certificate_issued.send, sender=Certificate, certificate_id=certificate.pk)
            )
            track(
                actor=student,
                verb=Verb.CERTIFICATE_ISSUED,
                object=ObjectRef("certificate", certificate.pk),
                context={"course": course.pk},
            )
    except IntegrityError:  # issued at the same moment by another check
        return Certificate.objects.filter(
            student=student, course=course, status=Certificate.Status.VALID
        ).first()
    return certificate


@transaction.atomic
def certificate_revoke(*, user: Any, certificate: Certificate, reason: str) -> Certificate:
    if not user_is_staff(user):
        raise PermissionDenied(_("Only staff revoke certificates."))
    if certificate.status == Certificate.Status.REVOKED:
        raise Conflict(_("Already revoked."), code="already_revoked")
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = user
    certificate.revoked_reason = (reason or _("Revoked by staff."))[:500]
    certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revoked_reason"])
    return certificate


@transaction.atomic
def certificate_reissue(*, user: Any, certificate: Certificate) -> Certificate:
    """A new certificate with the student's current name; the old one is revoked."""
    if certificate.status == Certificate.Status.VALID:
        certificate_revoke(user=user, certificate=certificate, reason=_("Reissued."))
    elif not user_is_staff(user):
        raise PermissionDenied(_("Only staff reissue certificates."))
    new = _issue(certificate.student, certificate.course)
    if new is None:
        raise Conflict(_("Could not reissue."), code="conflict")
    return new
