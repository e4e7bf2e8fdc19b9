"""A/B experiments: deterministic assignment, exposure once, merging a visitor into the
account, and the staff's writes (create, edit, start, stop, winner).

Assignment: a unit (``user:<id>`` or ``visitor:<kalpla_vid>``) hashes with the experiment's key
(SHA-256, so the same in every process and on every machine, unlike ``hash()``) to a bucket in
[0, 1), which picks a variant by the cumulative weights. The first assignment is stored and
from then on read back, so changing weights later moves only units not assigned yet.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.tracking import ObjectRef, track
from activity.verbs import Verb
from activity.visitor import visitor_id
from analytics.models import Assignment, Experiment, ExperimentStatus, ResultsView, Variant
from analytics.policies import analytics_can_view_platform
from analytics.selectors.experiments import (
    ExperimentConfig,
    ExperimentResults,
    experiment_config,
    experiment_config_forget,
    experiment_results,
    results_warnings,
)
from kalpla.exceptions import Conflict, PermissionDenied, ValidationError

if TYPE_CHECKING:
    from django.http import HttpRequest

logger = logging.getLogger(__name__)

DEFAULT_VARIANT = "control"
MAX_GOALS = 5
MAX_VARIANTS = 10
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,64}$")


# --- deterministic assignment ----------------------------------------------------------------


def assignment_bucket(*, experiment_key: str, unit: str) -> float:
    """Where ``unit`` falls in [0, 1) for this experiment: the same everywhere, always."""
    digest = hashlib.sha256(f"{experiment_key}:{unit}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def variant_for_bucket(*, variants: Sequence[tuple[int, str, int]], bucket: float) -> str:
    """The variant whose share of the cumulative weights holds ``bucket``."""
    total = sum(weight for _id, _key, weight in variants)
    point = bucket * total
    cumulative = 0
    for _id, key, weight in variants:
        cumulative += weight
        if point < cumulative:
            return key
    return variants[-1][1]


@dataclass(frozen=True)
class AssignmentOutcome:
    experiment: str
    variant: str
    reason: str
    """``assigned`` (running), ``winner`` (stopped with one), ``not_running``, ``unknown``."""
    exposed_at: datetime | None = None


def _unit(request: HttpRequest | None, user: Any, anonymous_id: str) -> tuple[Any | None, str]:
    """(user, visitor id): the signed-in user first, else the visitor's first-party id."""
    if user is not None and getattr(user, "is_authenticated", False):
        return user, ""
    request_user = getattr(request, "user", None)
    if request_user is not None and request_user.is_authenticated:
        return request_user, ""
    if anonymous_id:
        return None, anonymous_id
    if request is not None:
        return None, visitor_id(request)
    return None, ""


def experiment_assign(
    *,
    experiment_key: str,
    request: HttpRequest | None = None,
    user: Any = None,
    anonymous_id: str = "",
    expose: bool = True,
) -> AssignmentOutcome:
    """The unit's variant of ``experiment_key`` (stored on first use); exposure recorded the
    first time ``expose`` is true. The control when the experiment is unknown or not running,
    the winner once it is stopped with one."""
    config = experiment_config(key=experiment_key)
    if config is None:
        return AssignmentOutcome(experiment_key, DEFAULT_VARIANT, "unknown")
    if config.status == ExperimentStatus.STOPPED and config.winner:
        return AssignmentOutcome(experiment_key, config.winner, "winner")
    if config.status != ExperimentStatus.RUNNING or not config.variants:
        return AssignmentOutcome(experiment_key, config.control, "not_running")
    unit_user, visitor = _unit(request, user, anonymous_id)
    if unit_user is None and not visitor:
        return AssignmentOutcome(experiment_key, config.control, "not_running")
    row, created = _assignment(config, unit_user, visitor, expose=expose)
    if created and row.exposed_at is not None:
        _exposed(config, row, unit_user, visitor)
    elif expose and row.exposed_at is None:
        _expose(config, row, unit_user, visitor)
    return AssignmentOutcome(
        experiment_key, config.key_of(row.variant_id), "assigned", row.exposed_at
    )


def experiment_variant(
    *,
    experiment_key: str,
    request: HttpRequest | None = None,
    user: Any = None,
    expose: bool = True,
) -> str:
    """The variant key to branch on; never an error on a page (the control when in doubt)."""
    try:
        return experiment_assign(
            experiment_key=experiment_key, request=request, user=user, expose=expose
        ).variant
    except DatabaseError:
        logger.exception("experiment %s: assignment failed, showing the control", experiment_key)
        config = experiment_config(key=experiment_key)
        return config.control if config else DEFAULT_VARIANT


def _assignment(
    config: ExperimentConfig, user: Any, visitor: str, *, expose: bool
) -> tuple[Assignment, bool]:
    """The unit's stored assignment, or a new one (exposed at once when ``expose``)."""
    lookup = {"user": user} if user is not None else {"anonymous_id": visitor}
    row = Assignment.objects.filter(experiment_id=config.id, **lookup).first()
    if row is not None:
        return row, False
    unit = f"user:{user.pk}" if user is not None else f"visitor:{visitor}"
    key = variant_for_bucket(
        variants=config.variants,
        bucket=assignment_bucket(experiment_key=config.key, unit=unit),
    )
    variant_id = next(vid for vid, vkey, _w in config.variants if vkey == key)
    row = Assignment(
        experiment_id=config.id,
        variant_id=variant_id,
        user=user,
        anonymous_id=visitor,
        exposed_at=timezone.now() if expose else None,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # the same unit, assigned by a parallel request
        return Assignment.objects.get(experiment_id=config.id, **lookup), False
    return row, True


def _expose(config: ExperimentConfig, row: Assignment, user: Any, visitor: str) -> None:
    now = timezone.now()
    # Only the first request to get here sets it (and reports it).
    if not Assignment.objects.filter(pk=row.pk, exposed_at__isnull=True).update(exposed_at=now):
        row.refresh_from_db(fields=["exposed_at"])
        return
    row.exposed_at = now
    _exposed(config, row, user, visitor)


def _exposed(config: ExperimentConfig, row: Assignment, user: Any, visitor: str) -> None:
    """Report the exposure (once: the caller is the one request that recorded it)."""
    track(
        actor=user,
        verb=Verb.EXPERIMENT_EXPOSED,
        object=ObjectRef("experiment", config.id, config.key),
        context={
            "experiment": config.key,
            "variant": config.key_of(row.variant_id),
            "anonymous_id": visitor,
        },
        occurred_at=row.exposed_at,
    )


# --- a visitor becomes a user ----------------------------------------------------------------


def experiment_assignments_merge(*, user: Any, anonymous_id: str) -> int:
    """The visitor's assignments become the user's, for experiments where the user has none
    (theirs wins: it may have been shown on another device). Returns how many moved."""
    if not anonymous_id or user is None or user.pk is None:
        return 0
    taken = Assignment.objects.filter(user=user).values("experiment_id")
    try:
        with transaction.atomic():
            return (
                Assignment.objects.filter(anonymous_id=anonymous_id, user__isnull=True)
                .exclude(experiment_id__in=taken)
                .update(user=user)
            )
    except IntegrityError:  # the user was assigned meanwhile: theirs stays
        logger.info("merging visitor assignments into user %s raced; kept theirs", user.pk)
        return 0


def merge_on_signup(sender: Any, *, user: Any, **kwargs: Any) -> None:
    """``accounts.signals.user_signup_completed``: the sign-up request holds the cookie."""
    from allauth.core import context

    request = context.request
    if request is not None:
        experiment_assignments_merge(user=user, anonymous_id=visitor_id(request, create=False))


def merge_on_login(sender: Any, *, request: Any, user: Any, **kwargs: Any) -> None:
    """Django's ``user_logged_in``."""
    if request is not None:
        experiment_assignments_merge(user=user, anonymous_id=visitor_id(request, create=False))


# --- staff writes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VariantInput:
    key: str
    name: str
    weight: int
    is_control: bool = False


SETTINGS = (
    "name",
    "hypothesis",
    "goal_verbs",
    "primary_goal",
    "baseline_rate",
    "minimum_detectable_effect",
    "alpha",
    "power",
)
RUNNING_EDITABLE = {"name", "hypothesis"}
RESERVED_KEYS = {"new"}  # /analytics/experiments/new/ is the form


def _check_staff(by: Any) -> None:
    if not analytics_can_view_platform(user=by):
        raise PermissionDenied(_("Only staff may manage experiments."), code="not_staff")


def _changed(experiment: Experiment) -> None:
    key = experiment.key
    experiment_config_forget(key=key)
    transaction.on_commit(lambda: experiment_config_forget(key=key))


def _validate_settings(data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    verbs = {v.value for v in Verb}
    goals = data.get("goal_verbs") or []
    if not goals:
        errors["goal_verbs"] = [_("Choose at least one goal.")]
    elif len(goals) > MAX_GOALS:
        errors["goal_verbs"] = [_("Choose at most %(n)d goals.") % {"n": MAX_GOALS}]
    elif any(goal not in verbs for goal in goals):
        errors["goal_verbs"] = [_("Unknown goal: choose from the activity verbs.")]
    if data.get("primary_goal") not in goals:
        errors["primary_goal"] = [_("The primary goal must be one of the goals.")]
    baseline, mde = data.get("baseline_rate"), data.get("minimum_detectable_effect")
    if baseline is not None and mde is not None and not 0 < baseline + mde < 1:
        errors["minimum_detectable_effect"] = [
            _("The baseline rate plus the effect must stay between 0 and 1.")
        ]
    if errors:
        raise ValidationError(_("Check the experiment's settings."), errors=errors)


def _validate_variants(variants: Sequence[VariantInput]) -> None:
    problems: list[str] = []
    keys = [v.key for v in variants]
    if not 2 <= len(variants) <= MAX_VARIANTS:
        problems.append(_("An experiment has 2 to %(n)d variants.") % {"n": MAX_VARIANTS})
    if len(set(keys)) != len(keys):
        problems.append(_("Each variant needs its own key."))
    if any(not _SLUG.match(k) for k in keys):
        problems.append(_("Variant keys use letters, digits, hyphens and underscores only."))
    if sum(1 for v in variants if v.is_control) != 1:
        problems.append(_("Exactly one variant is the control."))
    if any(not isinstance(v.weight, int) or v.weight < 1 for v in variants):
        problems.append(_("Weights are whole numbers of 1 or more."))
    if any(not v.name.strip() for v in variants):
        problems.append(_("Every variant needs a name."))
    if problems:
        raise ValidationError(_("Check the variants."), errors={"variants": problems})


def _save_variants(experiment: Experiment, variants: Sequence[VariantInput]) -> None:
    existing = {v.key: v for v in experiment.variants.all()}
    wanted = {v.key for v in variants}
    Variant.objects.filter(experiment=experiment).exclude(key__in=wanted).delete()
    # one control at a time: clear the flag before moving it
    Variant.objects.filter(experiment=experiment).update(is_control=False)
    for item in variants:
        row = existing.get(item.key) or Variant(experiment=experiment, key=item.key)
        row.name, row.weight, row.is_control = item.name.strip(), item.weight, item.is_control
        row.full_clean(exclude=["experiment"])
        row.save()


@transaction.atomic
def experiment_create(
    *, by: Any, key: str, variants: Sequence[VariantInput], **settings: Any
) -> Experiment:
    _check_staff(by)
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise TypeError(f"unknown experiment settings: {sorted(unknown)}")
    experiment = Experiment(key=key, **settings)
    _validate_settings({f: getattr(experiment, f) for f in SETTINGS})
    _validate_variants(variants)
    if key in RESERVED_KEYS:
        raise ValidationError(
            _("Check the experiment's settings."),
            errors={"key": [_("This key is reserved; choose another.")]},
        )
    if Experiment.objects.filter(key=key).exists():
        raise ValidationError(
            _("Check the experiment's settings."),
            errors={"key": [_("An experiment with this key exists.")]},
        )
    experiment.full_clean()
    experiment.save()
    _save_variants(experiment, variants)
    _changed(experiment)
    logger.info("experiment %s created by %s", key, by.pk)
    return experiment


@transaction.atomic
def experiment_update(
    *,
    experiment: Experiment,
    by: Any,
    variants: Sequence[VariantInput] | None = None,
    **settings: Any,
) -> Experiment:
    """Draft: everything but the key. Running: name, hypothesis and the variants' names and
    weights (existing assignments keep their variant). Stopped: name and hypothesis."""
    _check_staff(by)
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise TypeError(f"unknown experiment settings: {sorted(unknown)}")
    changed = {f for f, v in settings.items() if getattr(experiment, f) != v}
    if experiment.status != ExperimentStatus.DRAFT and changed - RUNNING_EDITABLE:
        raise Conflict(
            _("Only the name and hypothesis change once an experiment has started."),
            code="experiment_started",
        )
    for name, value in settings.items():
        setattr(experiment, name, value)
    _validate_settings({f: getattr(experiment, f) for f in SETTINGS})
    if variants is not None:
        _update_variants(experiment, variants)
    experiment.full_clean()
    experiment.save()
    _changed(experiment)
    return experiment


def _update_variants(experiment: Experiment, variants: Sequence[VariantInput]) -> None:
    _validate_variants(variants)
    current = {v.key: v for v in experiment.variants.all()}
    if experiment.status == ExperimentStatus.DRAFT:
        _save_variants(experiment, variants)
        return
    same_shape = set(current) == {v.key for v in variants} and all(
        current[v.key].is_control == v.is_control for v in variants
    )
    if experiment.status == ExperimentStatus.STOPPED:
        if not same_shape or any(
            (current[v.key].weight, current[v.key].name) != (v.weight, v.name.strip())
            for v in variants
        ):
            raise Conflict(
                _("A stopped experiment's variants are final."), code="experiment_stopped"
            )
        return
    if not same_shape:
        raise Conflict(
            _("While it runs, only the variants' names and weights may change."),
            code="experiment_started",
        )
    _save_variants(experiment, variants)


@transaction.atomic
def experiment_delete(*, experiment: Experiment, by: Any) -> None:
    _check_staff(by)
    if experiment.status != ExperimentStatus.DRAFT:
        raise Conflict(
            _("Only a draft may be deleted; stop a running experiment instead."),
            code="experiment_started",
        )
    _changed(experiment)
    experiment.delete()


@transaction.atomic
def experiment_start(*, experiment: Experiment, by: Any) -> Experiment:
    _check_staff(by)
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if experiment.status != ExperimentStatus.DRAFT:
        raise Conflict(_("This experiment has already started."), code="experiment_started")
    variants = list(experiment.variants.all())
    _validate_variants([VariantInput(v.key, v.name, v.weight, v.is_control) for v in variants])
    experiment.status = ExperimentStatus.RUNNING
    experiment.started_at = timezone.now()
    experiment.save(update_fields=["status", "started_at", "updated_at"])
    _changed(experiment)
    logger.info("experiment %s started by %s", experiment.key, by.pk)
    return experiment


def _variant(experiment: Experiment, key: str) -> Variant:
    found = experiment.variants.filter(key=key).first()
    if found is None:
        raise ValidationError(
            _("No such variant."), errors={"winner": [_("Choose one of the variants.")]}
        )
    return found


@transaction.atomic
def experiment_stop(*, experiment: Experiment, by: Any, winner: str = "") -> Experiment:
    """Stop it (final: a restart would spoil the statistics); with ``winner``, everyone gets
    that variant from now on, else everyone gets the control."""
    _check_staff(by)
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if experiment.status != ExperimentStatus.RUNNING:
        raise Conflict(_("Only a running experiment can be stopped."), code="not_running")
    experiment.status = ExperimentStatus.STOPPED
    experiment.stopped_at = timezone.now()
    experiment.winner = _variant(experiment, winner) if winner else None
    experiment.save(update_fields=["status", "stopped_at", "winner", "updated_at"])
    _changed(experiment)
    logger.info("experiment %s stopped by %s (winner %r)", experiment.key, by.pk, winner)
    return experiment


@transaction.atomic
def experiment_winner_set(*, experiment: Experiment, by: Any, winner: str) -> Experiment:
    """Choose (or, with "", clear) the winner of a stopped experiment."""
    _check_staff(by)
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if experiment.status != ExperimentStatus.STOPPED:
        raise Conflict(_("Stop the experiment before choosing a winner."), code="not_stopped")
    experiment.winner = _variant(experiment, winner) if winner else None
    experiment.save(update_fields=["winner", "updated_at"])
    _changed(experiment)
    return experiment


def experiment_results_look(*, experiment: Experiment, viewer: Any) -> ExperimentResults:
    """The results, and the look recorded: while it runs below the planned sample size,
    the look is a peek, counted in ``results.peeks`` (this one included)."""
    _check_staff(viewer)
    results = experiment_results(experiment=experiment)
    running = experiment.status == ExperimentStatus.RUNNING
    ResultsView.objects.create(
        experiment=experiment,
        viewer=viewer,
        while_running=running,
        before_planned_sample=not results.enough_sample,
        smallest_sample=results.smallest_sample,
    )
    if running and not results.enough_sample:
        results.peeks += 1
        results.warnings = results_warnings(results)
    return results


def variant_inputs(rows: Iterable[dict[str, Any]]) -> list[VariantInput]:
    """Variants from forms' or serializers' cleaned rows."""
    return [
        VariantInput(
            key=row["key"],
            name=row["name"],
            weight=row["weight"],
            is_control=bool(row.get("is_control")),
        )
        for row in rows
    ]
