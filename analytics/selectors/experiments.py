"""Reads of A/B experiments: the cached definition every page asks for, lists, results.

``experiment_config(key)`` is what a page branching on a variant reads: cached (the absence of
an experiment too), so a page without experiments spends no query on them. Its key is
retired by ``experiment_config_forget``, which the experiment services call on every change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from analytics import experiment_stats as st
from analytics.models import Assignment, Event, Experiment, ExperimentStatus, ResultsView
from kalpla.exceptions import NotFound

CONFIG_TTL = 300
_MISSING = "missing"


def _config_key(key: str) -> str:
    return f"analytics:experiment:{key}"


@dataclass(frozen=True)
class ExperimentConfig:
    id: int
    key: str
    status: str
    control: str
    winner: str
    variants: tuple[tuple[int, str, int], ...]
    """(id, key, weight) in a stable order (by id): the order of the cumulative weights."""

    def key_of(self, variant_id: int) -> str:
        for vid, key, _weight in self.variants:
            if vid == variant_id:
                return key
        return self.control


def experiment_config(*, key: str) -> ExperimentConfig | None:
    """The experiment at ``key`` as assignment needs it, or None when there is none."""
    entry = cache.get(_config_key(key))
    if entry == _MISSING:
        return None
    if entry is not None:
        return entry
    experiment = (
        Experiment.objects.filter(key=key).select_related("winner").prefetch_related("variants")
    ).first()
    if experiment is None:
        cache.set(_config_key(key), _MISSING, timeout=CONFIG_TTL)
        return None
    variants = sorted(experiment.variants.all(), key=lambda v: v.pk)
    config = ExperimentConfig(
        id=experiment.pk,
        key=experiment.key,
        status=experiment.status,
        control=next((v.key for v in variants if v.is_control), "control"),
        winner=experiment.winner.key if experiment.winner else "",
        variants=tuple((v.pk, v.key, v.weight) for v in variants),
    )
    cache.set(_config_key(key), config, timeout=CONFIG_TTL)
    return config


def experiment_config_forget(*, key: str) -> None:
    cache.delete(_config_key(key))


def experiment_list() -> QuerySet[Experiment]:
    """Newest first, with their winner and the units assigned and exposed."""
    return (
        Experiment.objects.select_related("winner")
        .annotate(
            assigned=Count("assignments"),
            exposed=Count("assignments", filter=Q(assignments__exposed_at__isnull=False)),
        )
        .order_by("-created_at", "-id")
    )


def experiment_get(*, key: str) -> Experiment:
    experiment = (
        Experiment.objects.select_related("winner").prefetch_related("variants").filter(key=key)
    ).first()
    if experiment is None:
        raise NotFound("No such experiment.", code="experiment_not_found")
    return experiment


# --- results --------------------------------------------------------------------------------


@dataclass
class VariantResult:
    id: int
    key: str
    name: str
    is_control: bool
    weight: int
    assigned: int = 0
    exposed: int = 0
    conversions: int = 0
    goal_conversions: dict[str, int] = field(default_factory=dict)
    comparison: st.Comparison | None = None
    p_adjusted: float | None = None
    significant: bool = False

    @property
    def rate(self) -> float | None:
        return self.conversions / self.exposed if self.exposed else None


@dataclass
class ExperimentResults:
    experiment: Experiment
    variants: list[VariantResult]
    planned_per_variant: int
    smallest_sample: int
    peeks: int
    srm_p: float | None
    independence_p: float | None
    window: tuple[datetime | None, datetime]
    warnings: list[tuple[str, Any]] = field(default_factory=list)
    """(code, figure) pairs; the page and the API word them (``too_small``, ``peeking``...)."""

    @property
    def enough_sample(self) -> bool:
        return self.smallest_sample >= self.planned_per_variant

    @property
    def srm(self) -> bool:
        return self.srm_p is not None and self.srm_p < st.SRM_THRESHOLD


def experiment_planned_sample(experiment: Experiment) -> int:
    return st.planned_sample_size(
        baseline=experiment.baseline_rate,
        mde=experiment.minimum_detectable_effect,
        alpha=experiment.alpha,
        power=experiment.power,
    )


_CONVERSIONS_SQL = """
WITH goal_users AS (
    SELECT actor_id AS unit, MAX(occurred_at) AS last_at FROM {event}
    WHERE verb = %s AND occurred_at >= %s AND occurred_at <= %s AND actor_id IS NOT NULL
    GROUP BY actor_id
), goal_visitors AS (
    SELECT anonymous_id AS unit, MAX(occurred_at) AS last_at FROM {event}
    WHERE verb = %s AND occurred_at >= %s AND occurred_at <= %s AND anonymous_id <> ''
    GROUP BY anonymous_id
)
SELECT a.variant_id,
       SUM(CASE WHEN gu.last_at >= a.exposed_at OR gv.last_at >= a.exposed_at
                THEN 1 ELSE 0 END)
FROM {assignment} a
LEFT JOIN goal_users gu ON gu.unit = a.user_id
LEFT JOIN goal_visitors gv ON a.anonymous_id <> '' AND gv.unit = a.anonymous_id
WHERE a.experiment_id = %s AND a.exposed_at IS NOT NULL
GROUP BY a.variant_id
"""


def _conversions(
    *, experiment_id: int, verb: str, start: datetime, end: datetime
) -> dict[int, int]:
    """Exposed units per variant with a ``verb`` event at or after their exposure.

    One grouped scan of the events in the experiment's time range (the BRIN index on
    ``occurred_at``) joined to the assignments: units counted once however many events.
    """
    sql = _CONVERSIONS_SQL.format(event=Event._meta.db_table, assignment=Assignment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [verb, start, end, verb, start, end, experiment_id])
        return {variant_id: int(count or 0) for variant_id, count in cursor.fetchall()}


def _peeks(experiment: Experiment) -> int:
    return ResultsView.objects.filter(
        experiment=experiment, while_running=True, before_planned_sample=True
    ).count()


def experiment_results(*, experiment: Experiment) -> ExperimentResults:
    """Per variant: assigned, exposed, conversions to each goal; the primary goal compared
    with the control; the warnings. A bounded number of queries (one per goal verb)."""
    variants = [
        VariantResult(id=v.pk, key=v.key, name=v.name, is_control=v.is_control, weight=v.weight)
        for v in sorted(experiment.variants.all(), key=lambda v: v.pk)
    ]
    by_id = {v.id: v for v in variants}
    counts = (
        Assignment.objects.filter(experiment=experiment)
        .values("variant_id")
        .annotate(assigned=Count("id"), exposed=Count("id", filter=Q(exposed_at__isnull=False)))
    )
    for row in counts:
        if row["variant_id"] in by_id:
            by_id[row["variant_id"]].assigned = row["assigned"]
            by_id[row["variant_id"]].exposed = row["exposed"]
    end = experiment.stopped_at or timezone.now()
    start = experiment.started_at
    goals = list(dict.fromkeys([experiment.primary_goal, *experiment.goal_verbs]))
    if start is not None:
        for verb in goals:
            found = _conversions(experiment_id=experiment.pk, verb=verb, start=start, end=end)
            for variant in variants:
                variant.goal_conversions[verb] = found.get(variant.id, 0)
    for variant in variants:
        variant.conversions = variant.goal_conversions.get(experiment.primary_goal, 0)
    _compare(experiment, variants)
    planned = experiment_planned_sample(experiment)
    smallest = min((v.exposed for v in variants), default=0)
    results = ExperimentResults(
        experiment=experiment,
        variants=variants,
        planned_per_variant=planned,
        smallest_sample=smallest,
        peeks=_peeks(experiment),
        srm_p=st.srm_p(
            observed=[v.exposed for v in variants], weights=[v.weight for v in variants]
        ),
        independence_p=(
            st.independence_p([(v.conversions, v.exposed) for v in variants])
            if len(variants) > 2
            else None
        ),
        window=(start, end),
    )
    results.warnings = results_warnings(results)
    return results


def _compare(experiment: Experiment, variants: list[VariantResult]) -> None:
    control = next((v for v in variants if v.is_control), None)
    if control is None:
        return
    treatments = [v for v in variants if v is not control]
    for variant in treatments:
        variant.comparison = st.compare(
            control=(control.conversions, control.exposed),
            treatment=(variant.conversions, variant.exposed),
            alpha=experiment.alpha,
        )
    adjusted = st.holm([v.comparison.p_value if v.comparison else None for v in treatments])
    for variant, p in zip(treatments, adjusted, strict=True):
        variant.p_adjusted = p
        variant.significant = p is not None and p < experiment.alpha


def results_warnings(results: ExperimentResults) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if results.experiment.status == ExperimentStatus.DRAFT:
        out.append(("not_started", None))
    elif results.smallest_sample == 0:
        out.append(("no_exposures", None))
    if results.experiment.status != ExperimentStatus.DRAFT and not results.enough_sample:
        out.append(("too_small", results.planned_per_variant))
    if results.peeks:
        out.append(("peeking", results.peeks))
    if results.srm:
        out.append(("srm", results.srm_p))
    return out
