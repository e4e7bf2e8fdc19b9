"""The question kinds the engine grades, and the settings that steer their scoring."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True/false")
    SHORT_ANSWER = "short_answer", _("Short answer")
    NUMERIC = "numeric", _("Numeric")
    MATCHING = "matching", _("Matching")
    ORDERING = "ordering", _("Ordering")
    ESSAY = "essay", _("Essay")


class Scoring(models.TextChoices):
    """How a question with several parts turns right and wrong parts into a mark."""

    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
    PARTIAL = "partial", _("Partial credit")


class UnitHandling(models.TextChoices):
    """Whether a numeric answer names its unit."""

    NONE = "none", _("No units")
    OPTIONAL = "optional", _("Units accepted, not required")
    REQUIRED = "required", _("Unit required (penalty when missing or unknown)")


MANUALLY_GRADED = frozenset({QuestionKind.ESSAY})
