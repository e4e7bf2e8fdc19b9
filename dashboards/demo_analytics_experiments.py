"""Demo A/B experiments (seed_demo): the course page's call to action, running for two weeks
with a few hundred visitors exposed and some enrolled (so /analytics/experiments/course-cta/
shows figures and its warnings), and a catalogue headline test, stopped with a winner.

Visitors are anonymous ids made from fixed names, their variants come from the real
assignment function, and their conversions are ``enrolled`` events with fixed event ids:
a rerun finds every row the first run made.
"""

import random
import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from analytics.models import Assignment, Event, Experiment, ExperimentStatus, Variant
from analytics.selectors.experiments import experiment_config_forget
from analytics.services.experiments import assignment_bucket, variant_for_bucket

NAMESPACE = uuid.UUID("6f1d7a52-4c1e-4f0b-9a57-1b6a0c2f9e11")

EXPERIMENTS: tuple[dict[str, Any], ...] = (
    {
        "key": "course-cta",
        "name": "Course page call to action",
        "hypothesis": "“Start learning for free” sounds lighter than “Enroll for free” and "
        "gets more visitors to enroll.",
        "variants": (
            ("control", "Enroll for free", 50, True, 0.10),
            ("start-learning", "Start learning for free", 50, False, 0.13),
        ),
        "visitors": 420,
        "days": 14,
        "stopped_days": None,
        "winner": "",
    },
    {
        "key": "catalogue-headline",
        "name": "Catalogue headline",
        "hypothesis": "A headline naming the benefit beats one naming the catalogue.",
        "variants": (
            ("control", "Browse our courses", 50, True, 0.08),
            ("benefits", "Learn a skill this week", 50, False, 0.12),
        ),
        "visitors": 900,
        "days": 40,
        "stopped_days": 10,
        "winner": "benefits",
    },
)


def _experiment(spec: dict[str, Any], now: Any) -> Experiment:
    started = now - timedelta(days=spec["days"])
    stopped = now - timedelta(days=spec["stopped_days"]) if spec["stopped_days"] else None
    experiment, created = Experiment.objects.get_or_create(
        key=spec["key"],
        defaults={
            "name": spec["name"],
            "hypothesis": spec["hypothesis"],
            "goal_verbs": ["enrolled"],
            "primary_goal": "enrolled",
            "baseline_rate": 0.1,
            "minimum_detectable_effect": 0.03,
            "status": ExperimentStatus.STOPPED if stopped else ExperimentStatus.RUNNING,
            "started_at": started,
            "stopped_at": stopped,
        },
    )
    for key, name, weight, control, _rate in spec["variants"]:
        Variant.objects.update_or_create(
            experiment=experiment,
            key=key,
            defaults={"name": name, "weight": weight, "is_control": control},
        )
    if created and spec["winner"]:
        experiment.winner = experiment.variants.get(key=spec["winner"])
        experiment.save(update_fields=["winner"])
    experiment_config_forget(key=experiment.key)
    return experiment


def _visitors(experiment: Experiment, spec: dict[str, Any]) -> int:
    """Assignments, exposures and conversions of ``spec["visitors"]`` demo visitors."""
    assert experiment.started_at is not None
    variants = sorted(experiment.variants.all(), key=lambda v: v.pk)
    config = tuple((v.pk, v.key, v.weight) for v in variants)
    by_key = {v.key: v for v in variants}
    rates = {key: rate for key, _n, _w, _c, rate in spec["variants"]}
    rng = random.Random(experiment.key)  # the same visitors and outcomes on every run
    end = experiment.stopped_at or timezone.now()
    span = (end - experiment.started_at).total_seconds()
    assignments, events = [], []
    for n in range(spec["visitors"]):
        visitor = uuid.uuid5(NAMESPACE, f"{experiment.key}:{n}").hex
        key = variant_for_bucket(
            variants=config,
            bucket=assignment_bucket(experiment_key=experiment.key, unit=f"visitor:{visitor}"),
        )
        exposed = experiment.started_at + timedelta(seconds=rng.random() * span * 0.9)
        assignments.append(
            Assignment(
                experiment=experiment,
                variant=by_key[key],
                anonymous_id=visitor,
                exposed_at=exposed,
            )
        )
        if rng.random() < rates[key]:
            events.append(
                Event(
                    event_id=uuid.uuid5(NAMESPACE, f"{experiment.key}:{n}:enrolled"),
                    occurred_at=exposed + timedelta(minutes=rng.randint(2, 600)),
                    anonymous_id=visitor,
                    verb="enrolled",
                    object_type="course",
                    context={"source": "free", "demo": True},
                )
            )
    Assignment.objects.bulk_create(assignments, ignore_conflicts=True)
    Event.objects.bulk_create(events, ignore_conflicts=True)
    return len(assignments)


def seed_experiments() -> int:
    """The demo experiments; returns how many."""
    now = timezone.now()
    for spec in EXPERIMENTS:
        _visitors(_experiment(spec, now), spec)
    return len(EXPERIMENTS)
