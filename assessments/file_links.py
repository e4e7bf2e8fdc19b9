"""Links to the files students hand in (``/files/d/`` links naming the submission, never a
storage path). Every request checks again who asks: the submission's student and the course's
editors; nobody else, and a mentor removed from the course loses the link they had."""

from typing import Any

from accounts.policies import user_is_staff
from files.services import FileLinkKind, file_access_refused, file_link_url, file_not_found
from kalpla.integrations.s3 import DownloadGrant

from .models import Certificate, Submission
from .policies import quiz_can_edit

SUBMISSION_FILE = "assignment-submission"
LINK_SECONDS = 15 * 60


def submission_file_link(*, submission: Submission) -> str:
    if not submission.file:
        return ""
    return file_link_url(kind=SUBMISSION_FILE, object_id=submission.pk, role="file")


def _submission_file(object_id: str, role: str, user: Any) -> DownloadGrant:
    if role != "file" or not object_id.isdigit():
        raise file_not_found()
    submission = (
        Submission.objects.select_related("assignment__course").filter(pk=int(object_id)).first()
    )
    if submission is None or not submission.file:
        raise file_not_found()
    mine = getattr(user, "pk", None) == submission.student_id
    if not (mine or quiz_can_edit(user=user, course=submission.assignment.course)):
        raise file_access_refused()
    return DownloadGrant(name=str(submission.file.name), filename=submission.file_name or None)


CERTIFICATE = "certificate"


def certificate_link(*, certificate: Certificate) -> str:
    if not certificate.pdf:
        return ""
    return file_link_url(kind=CERTIFICATE, object_id=certificate.pk, role="pdf")


def _certificate_pdf(object_id: str, role: str, user: Any) -> DownloadGrant:
    """A certificate's PDF: its student and staff (anyone may check it by its code)."""
    if role != "pdf" or not object_id.isdigit():
        raise file_not_found()
    certificate = Certificate.objects.filter(pk=int(object_id)).first()
    if certificate is None or not certificate.pdf:
        raise file_not_found()
    if getattr(user, "pk", None) != certificate.student_id and not user_is_staff(user):
        raise file_access_refused()
    return DownloadGrant(
        name=str(certificate.pdf.name), filename=f"certificate-{certificate.code}.pdf"
    )


# Named in settings.KALPLA_FILE_LINK_KINDS under CERTIFICATE and SUBMISSION_FILE.
CERTIFICATE_LINK = FileLinkKind(resolve=_certificate_pdf, max_age=LINK_SECONDS)
SUBMISSION_FILE_LINK = FileLinkKind(resolve=_submission_file, max_age=LINK_SECONDS)
