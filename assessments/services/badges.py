"""Badges: their classes (per course, or platform-wide), awarding (once per learner: on a
certificate, or by a course's mentor), revoking with a reason. The public documents that
verify an award are built in ``assessments.badges.openbadges``."""

import uuid
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.services.media import files_delete_later
from enrollments.access import course_is_enrolled
from files.uploads import validate_upload
from kalpla.exceptions import Conflict, PermissionDenied, ValidationError
from notifications.services.notify import notify

from ..badges.images import default_image, image_as_png
from ..badges.openbadges import identity_hash, new_salt
from ..badges.policies import badge_can_manage
from ..badges.selectors import badge_classes_earned_by_passing
from ..jobs import certificate_verify_url
from ..models import BadgeAward, BadgeClass, Certificate


def _refuse_unless_manager(user: Any, course: Any | None) -> None:
    if not badge_can_manage(user=user, course=course):
        if course is None:
            raise PermissionDenied(_("Only staff manage platform-wide badges."))
        raise PermissionDenied(_("Only the course's mentors manage its badges."))


def _image_set(badge: BadgeClass, image: IO[bytes] | None) -> None:
    """A new image for the badge: the upload (checked by the upload layer) as a square PNG,
    or without one a generated image. The replaced file goes once the change commits."""
    old = badge.image
    if image is not None:
        try:
            validate_upload(image, kind="image")
        except DjangoValidationError as exc:
            raise ValidationError(" ".join(exc.messages), errors={"image": exc.messages}) from None
        data = image_as_png(image)
    else:
        data = default_image(badge.name)
    public = storages["public"]
    badge.image = public.save(
        f"badges/{badge.uid.hex}-{uuid.uuid4().hex[:8]}.png", ContentFile(data)
    )
    if old:
        files_delete_later(names=[old], storage=public)


def badge_class_create(
    *,
    user: Any,
    course: Any | None,
    name: str,
    description: str,
    criteria: str,
    trigger: str = BadgeClass.Trigger.COURSE_PASSED,
    image: IO[bytes] | None = None,
) -> BadgeClass:
    """A badge of ``course`` (None: platform-wide, staff only), with ``image`` or a
    generated one."""
    _refuse_unless_manager(user, course)
    badge = BadgeClass(
        course=course,
        name=name.strip(),
        description=description.strip(),
        criteria=criteria.strip(),
        trigger=trigger,
        created_by=user if getattr(user, "pk", None) else None,
    )
    badge.full_clean(exclude=["image"])
    with transaction.atomic():
        _image_set(badge, image)
        badge.save()
    return badge


def badge_class_update(
    *,
    user: Any,
    badge: BadgeClass,
    name: str,
    description: str,
    criteria: str,
    trigger: str,
    image: IO[bytes] | None = None,
) -> BadgeClass:
    """Change a badge; its awards keep pointing at it (their documents show the new text).
    The image changes only when a new one is given."""
    _refuse_unless_manager(user, badge.course)
    badge.name = name.strip()
    badge.description = description.strip()
    badge.criteria = criteria.strip()
    badge.trigger = trigger
    badge.full_clean(exclude=["image"])
    with transaction.atomic():
        if image is not None or not badge.image:
            _image_set(badge, image)
        badge.save()
    return badge


def badge_award(
    *,
    badge: BadgeClass,
    recipient: Any,
    awarded_by: Any | None = None,
    evidence_url: str = "",
    narrative: str = "",
) -> BadgeAward:
    """Award ``badge`` to ``recipient``, once: a learner who holds it (revoked too) gets the
    award they have back, unchanged. ``awarded_by`` (a mentor awarding by hand) must manage
    the badge, and the recipient must be enrolled in its course; None is the platform itself.
    The learner is notified of a new award."""
    if awarded_by is not None:
        _refuse_unless_manager(awarded_by, badge.course)
        if badge.course is not None and not course_is_enrolled(user=recipient, course=badge.course):
            raise _not_a_learner()
    existing = BadgeAward.objects.filter(badge=badge, recipient=recipient).first()
    if existing is not None:
        return existing
    salt = new_salt()
    award = BadgeAward(
        badge=badge,
        recipient=recipient,
        salt=salt,
        identity_hash=identity_hash(email=recipient.email, salt=salt),
        issued_at=timezone.now(),
        awarded_by=awarded_by,
        evidence_url=evidence_url,
        narrative=narrative.strip(),
    )
    award.full_clean(exclude=["badge", "recipient", "awarded_by"])
    try:
        with transaction.atomic():
            award.save()
            _notify(award)
    except IntegrityError:  # awarded at the same moment by another request
        return BadgeAward.objects.get(badge=badge, recipient=recipient)
    return award


def _notify(award: BadgeAward) -> None:
    badge = award.badge
    notify(
        recipients=[award.recipient],
        kind="assessments.badge_awarded",
        context={
            "badge_name": badge.name,
            "course_title": badge.course.title if badge.course is not None else "",
        },
        url=reverse("assessments:badge_award", args=[award.uid]),
        dedupe_key=f"badge-awarded:{award.uid}",
    )


def badge_award_by_email(
    *, user: Any, badge: BadgeClass, email: str, narrative: str = ""
) -> BadgeAward:
    """A mentor awards the badge to the learner of its course with this email."""
    _refuse_unless_manager(user, badge.course)
    recipient = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if recipient is None:
        raise _not_a_learner()
    if BadgeAward.objects.filter(badge=badge, recipient=recipient).exists():
        raise Conflict(_("This learner already has this badge."), code="already_awarded")
    return badge_award(badge=badge, recipient=recipient, awarded_by=user, narrative=narrative)


def _not_a_learner() -> ValidationError:
    return ValidationError(
        _("Only learners of this course can get its badges."),
        code="not_enrolled",
        errors={"email": [_("No learner of this course has this email.")]},
    )


@transaction.atomic
def badge_award_revoke(*, user: Any, award: BadgeAward, reason: str) -> BadgeAward:
    """Revoke an award, saying why: its hosted assertion answers 410 with the reason, its page
    shows it revoked. It cannot be awarded again."""
    _refuse_unless_manager(user, award.badge.course)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _("Say why the badge is revoked."), errors={"reason": [_("This field is required.")]}
        )
    award = BadgeAward.objects.select_for_update().get(pk=award.pk)
    if award.is_revoked:
        raise Conflict(_("Already revoked."), code="already_revoked")
    award.revoked_at = timezone.now()
    award.revoked_by = user
    award.revoked_reason = reason[:500]
    award.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    return award


def badges_award_for_certificate(*, certificate_id: int) -> list[BadgeAward]:
    """The badges a newly issued certificate earns (its course's, and platform-wide ones that
    any passed course earns), with the certificate's public check page as evidence. None for a
    certificate revoked (or gone) since."""
    certificate = (
        Certificate.objects.select_related("student", "course")
        .filter(pk=certificate_id, status=Certificate.Status.VALID)
        .first()
    )
    if certificate is None:
        return []
    return [
        badge_award(
            badge=badge,
            recipient=certificate.student,
            evidence_url=certificate_verify_url(certificate),
        )
        for badge in badge_classes_earned_by_passing(course_id=certificate.course_id)
    ]
