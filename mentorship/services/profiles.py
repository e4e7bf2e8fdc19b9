"""Mentor profiles and learner preferences: created on first save, updated after.

``data`` holds only the fields to change (a PATCH); tags come as ``courses.Tag`` objects and
languages as ISO 639-1 codes (``en``, ``hi``), checked against Django's list of languages.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import global_settings
from django.db import transaction
from django.utils.translation import gettext as _

from kalpla.exceptions import PermissionDenied, ValidationError
from mentorship.models import LearnerPreference, MentorLanguage, MentorProfile
from mentorship.policies import mentor_can_offer

PROFILE_FIELDS = (
    "headline",
    "bio",
    "timezone",
    "capacity",
    "session_lengths",
    "is_accepting",
    "is_listed",
    "min_notice_minutes",
    "buffer_minutes",
    "max_sessions_per_day",
    "cancel_window_hours",
    "reschedule_window_hours",
    "horizon_days",
    "slot_step_minutes",
)
MAX_LANGUAGES = 10

# ISO 639-1: the two-letter codes among Django's languages ("en", "hi", "de"...).
LANGUAGE_CODES: frozenset[str] = frozenset(
    code for code, _name in global_settings.LANGUAGES if len(code) == 2
)


def language_choices() -> list[tuple[str, str]]:
    """(code, English name) of every language a mentor or learner may pick, by name."""
    names = dict(global_settings.LANGUAGES)
    return sorted(((code, str(names[code])) for code in LANGUAGE_CODES), key=lambda c: c[1])


def languages_clean(codes: Iterable[Any], *, field: str = "languages") -> list[str]:
    """Lower-cased, de-duplicated ISO 639-1 codes in the order given; unknown ones refused."""
    out: list[str] = []
    for code in codes:
        value = str(code).strip().lower()
        if value not in LANGUAGE_CODES:
            raise ValidationError(
                _("“%(code)s” is not a language code such as en or hi.") % {"code": code},
                code="invalid_language",
                errors={field: [_("Unknown language code: %(code)s.") % {"code": code}]},
            )
        if value not in out:
            out.append(value)
    if len(out) > MAX_LANGUAGES:
        raise ValidationError(
            _("Pick at most %(n)d languages.") % {"n": MAX_LANGUAGES},
            code="too_many_languages",
            errors={field: [_("Pick at most %(n)d languages.") % {"n": MAX_LANGUAGES}]},
        )
    return out


def mentor_profile_get_own(*, user: Any) -> MentorProfile | None:
    return MentorProfile.objects.filter(user_id=user.pk).first()


@transaction.atomic
def mentor_profile_upsert(*, user: Any, data: Mapping[str, Any]) -> MentorProfile:
    """Create the user's mentor profile (the Mentor role only) or change the given fields.

    A new profile takes the user's own time zone unless ``data`` names one, and speaks the
    user's language (else English) unless ``data`` lists languages.
    """
    if not mentor_can_offer(user):
        raise PermissionDenied(_("Only mentors have a mentor profile."), code="not_mentor")
    profile = MentorProfile.objects.select_for_update().filter(user_id=user.pk).first()
    created = profile is None
    if profile is None:
        profile = MentorProfile(user=user, timezone=user.timezone or "UTC")
    for name in PROFILE_FIELDS:
        if name in data:
            value = data[name]
            if isinstance(value, str):
                value = value.strip()
            setattr(profile, name, value)
    languages = None
    if "languages" in data:
        languages = languages_clean(data["languages"])
    elif created:
        languages = [user.language[:2]] if user.language[:2] in LANGUAGE_CODES else ["en"]
    profile.full_clean()
    profile.save()
    if "expertise" in data:
        profile.expertise.set(list(data["expertise"]))
    if languages is not None:
        profile.languages.exclude(code__in=languages).delete()
        have = set(profile.languages.values_list("code", flat=True))
        MentorLanguage.objects.bulk_create(
            [MentorLanguage(mentor=profile, code=c) for c in languages if c not in have]
        )
    return profile


@transaction.atomic
def learner_preference_upsert(*, user: Any, data: Mapping[str, Any]) -> LearnerPreference:
    """Create or change what the learner looks for: ``interests`` (tags), ``languages``,
    ``goals``."""
    preference = LearnerPreference.objects.select_for_update().filter(user_id=user.pk).first()
    if preference is None:
        preference = LearnerPreference(user=user)
    if "languages" in data:
        preference.languages = languages_clean(data["languages"])
    if "goals" in data:
        preference.goals = (data["goals"] or "").strip()
    preference.full_clean()
    preference.save()
    if "interests" in data:
        preference.interests.set(list(data["interests"]))
    return preference
