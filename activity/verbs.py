"""The verbs of the learning event stream and their xAPI identifiers.

Each verb is a short code stored on the event and an IRI for the xAPI export (ADL and
Activity Streams vocabularies where one exists; the platform's own namespace otherwise, under
``settings.KALPLA_XAPI_IRI_BASE``).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    SIGNED_UP = "signed_up", _("signed up")
    LOGGED_IN = "logged_in", _("logged in")
    CATALOGUE_VIEWED = "catalogue_viewed", _("viewed the catalogue")
    COURSE_VIEWED = "course_viewed", _("viewed a course")
    ENROLLED = "enrolled", _("enrolled")
    UNENROLLED = "unenrolled", _("left a course")
    LESSON_VIEWED = "lesson_viewed", _("viewed a lesson")
    LESSON_COMPLETED = "lesson_completed", _("completed a lesson")
    VIDEO_PROGRESS = "video_progress", _("watched a video")
    COURSE_COMPLETED = "course_completed", _("completed a course")
    QUIZ_STARTED = "quiz_started", _("started a quiz")
    QUIZ_SUBMITTED = "quiz_submitted", _("submitted a quiz")
    QUIZ_GRADED = "quiz_graded", _("was graded")
    ASSIGNMENT_SUBMITTED = "assignment_submitted", _("submitted an assignment")
    CERTIFICATE_ISSUED = "certificate_issued", _("earned a certificate")
    COURSE_RATED = "course_rated", _("rated a course")
    POST_CREATED = "post_created", _("posted")
    MESSAGE_SENT = "message_sent", _("sent a message")
    SESSION_BOOKED = "session_booked", _("booked a mentoring session")
    SESSION_ATTENDED = "session_attended", _("attended a mentoring session")
    PAYMENT_SUCCEEDED = "payment_succeeded", _("paid")
    REFUNDED = "refunded", _("was refunded")
    CAMPAIGN_OPENED = "campaign_opened", _("opened a campaign message")
    CAMPAIGN_CLICKED = "campaign_clicked", _("followed a link in a campaign message")
    EXPERIMENT_EXPOSED = "experiment_exposed", _("saw an experiment's variant")


ADL = "http://adlnet.gov/expapi/verbs/"
AS = "http://activitystrea.ms/schema/1.0/"
TINCAN = "http://id.tincanapi.com/verb/"

_IRIS: dict[str, str] = {
    Verb.SIGNED_UP: ADL + "registered",
    Verb.LOGGED_IN: "https://w3id.org/xapi/adl/verbs/logged-in",
    Verb.CATALOGUE_VIEWED: TINCAN + "viewed",
    Verb.COURSE_VIEWED: TINCAN + "viewed",
    Verb.ENROLLED: AS + "join",
    Verb.UNENROLLED: AS + "leave",
    Verb.LESSON_VIEWED: TINCAN + "viewed",
    Verb.LESSON_COMPLETED: ADL + "completed",
    Verb.VIDEO_PROGRESS: ADL + "progressed",
    Verb.COURSE_COMPLETED: ADL + "completed",
    Verb.QUIZ_STARTED: ADL + "attempted",
    Verb.QUIZ_SUBMITTED: AS + "submit",
    Verb.QUIZ_GRADED: ADL + "scored",
    Verb.ASSIGNMENT_SUBMITTED: AS + "submit",
    Verb.CERTIFICATE_ISSUED: TINCAN + "earned",
    Verb.COURSE_RATED: TINCAN + "rated",
    Verb.POST_CREATED: AS + "create",
    Verb.MESSAGE_SENT: AS + "send",
    Verb.SESSION_BOOKED: TINCAN + "scheduled",
    Verb.SESSION_ATTENDED: ADL + "attended",
    Verb.PAYMENT_SUCCEEDED: AS + "purchase",
    Verb.CAMPAIGN_OPENED: AS + "open",
    Verb.CAMPAIGN_CLICKED: AS + "access",
}


@dataclass(frozen=True)
class VerbInfo:
    code: str
    iri: str
    display: str


def verb_info(code: str) -> VerbInfo:
    """The code, xAPI IRI and English display of a verb (unknown codes get the own namespace)."""
    iri = _IRIS.get(code) or f"{settings.KALPLA_XAPI_IRI_BASE.rstrip('/')}/verbs/{code}"
    try:
        display = str(Verb(code).label)
    except ValueError:
        display = code.replace("_", " ")
    return VerbInfo(code=code, iri=iri, display=display)
