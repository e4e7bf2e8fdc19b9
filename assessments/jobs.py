"""Job handlers of the assessments app (named in settings.KALPLA_JOB_KINDS).

``assessments.certificate_pdf``: a certificate's PDF (assessments/certificate_pdf.py).

``assessments.submission_transcript``: the transcript of a spoken submission, made by the
Transcribe integration (pocketsphinx offline) and shown to the grader beside the recording.
Its status is the job's (ProcessingJob) and the submission's ``transcript_state``.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from jobs.models import ProcessingJob
from jobs.runs import JOB_RETRY
from jobs.services import job_set_external_id
from kalpla.integrations.base import CapabilityUnavailable, JobNotReady, TransientIntegrationError
from mediatools.speech import transcription_job_name, transcription_run

from .certificate_pdf import certificate_pdf
from .models import Certificate, Submission, TranscriptState, certificate_upload_to


def submission_transcript_job(job: ProcessingJob) -> dict[str, Any]:
    submission = (
        Submission.objects.select_related("assignment__course")
        .filter(pk=int(job.object_id or 0))
        .first()
    )
    if submission is None or not submission.file:
        raise ValidationError("The submission or its recording no longer exists.")
    name = str(submission.file.name)
    rows = Submission.objects.filter(pk=submission.pk, file=name)
    job_name = transcription_job_name(job)
    known = job.external_id if job.external_id.endswith(job_name) else ""
    try:
        result = transcription_run(
            media_name=name,
            language=submission.assignment.course.language,
            job_name=job_name,
            external_id=known,
            on_started=lambda external_id: _record(job, external_id),
        )
    except CapabilityUnavailable as exc:
        rows.update(transcript_state=TranscriptState.UNAVAILABLE)
        return {"note": str(exc)}
    except JobNotReady:
        raise
    except TransientIntegrationError:
        if job.attempts >= JOB_RETRY.max_attempts:  # the task gives up after this attempt
            rows.update(transcript_state=TranscriptState.FAILED)
        raise
    except Exception:
        rows.update(transcript_state=TranscriptState.FAILED)
        raise
    text = result.text.strip()
    rows.update(
        transcript=text,
        transcript_state=TranscriptState.READY if text else TranscriptState.NO_SPEECH,
    )
    return {"words": result.words}


def _record(job: ProcessingJob, external_id: str) -> None:
    job_set_external_id(job=job, external_id=external_id)


def certificate_pdf_job(job: ProcessingJob) -> dict[str, Any]:
    """Render the certificate's PDF and store it privately (a rerun replaces it).

    The file is named by the certificate's unique code, so only a rerun or a retry (a run that
    may have stored it before failing) can find one there: a first run writes without asking
    the storage first (on S3, two requests fewer per certificate)."""
    certificate = Certificate.objects.filter(pk=int(job.object_id or 0)).first()
    if certificate is None:
        raise ValidationError("The certificate no longer exists.")
    data = certificate_pdf(certificate=certificate, verify_url=certificate_verify_url(certificate))
    name = certificate_upload_to(certificate, "certificate.pdf")
    if (certificate.pdf or job.attempts > 1) and default_storage.exists(name):
        default_storage.delete(name)
    stored = default_storage.save(name, ContentFile(data))
    Certificate.objects.filter(pk=certificate.pk).update(pdf=stored)
    return {"pdf": stored, "bytes": len(data)}


def certificate_verify_url(certificate: Certificate) -> str:
    path = reverse("assessments:certificate_verify", args=[certificate.code])
    return settings.SITE_URL.rstrip("/") + path
