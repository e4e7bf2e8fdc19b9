"""The segment rule language: its schema, its validation and its evaluation as one queryset.

A segment's rules are JSON::

    {"match": "all", "rules": [
        {"type": "enrolled_in", "course": 12},
        {"type": "inactive_days", "days": 7},
        {"type": "not_completed", "course": 12},
        {"match": "any", "rules": [{"type": "language", "language": "hi"},
                                   {"type": "signed_up_within_days", "days": 30}]}
    ]}

``match`` is ``all`` (AND) or ``any`` (OR); a rule may be a group of its own, one level deep.
Every rule becomes a ``Q`` over the user model whose subqueries come from the lower apps'
selectors (enrollments, accounts) and the analytics event table, so a segment of any size is
counted and listed by the database, never by loading everyone into Python.

Activity ("inactive for N days") is the latest of: signing in (``last_login``), opening a
lesson (the enrollment's ``last_viewed_at``) and any recorded learning event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import ALL_ROLES
from accounts.selectors import users_with_role_query
from analytics.models import Event
from enrollments.selectors import (
    course_completed_query,
    course_progress_below_query,
    course_students_query,
    learners_viewed_since_query,
)
from kalpla.exceptions import ValidationError

MAX_RULES = 20
MAX_DAYS = 3650


@dataclass(frozen=True)
class Param:
    kind: str  # "course" | "days" | "percent" | "role" | "language"
    label: str


# rule type -> its parameters (name -> Param); the schema the editor and the API document.
RULE_TYPES: dict[str, dict[str, Param]] = {
    "enrolled_in": {"course": Param("course", "course")},
    "not_enrolled_in": {"course": Param("course", "course")},
    "completed": {"course": Param("course", "course")},
    "not_completed": {"course": Param("course", "course")},
    "progress_below": {"course": Param("course", "course"), "percent": Param("percent", "%")},
    "inactive_days": {"days": Param("days", "days")},
    "active_within_days": {"days": Param("days", "days")},
    "signed_up_within_days": {"days": Param("days", "days")},
    "role": {"role": Param("role", "role")},
    "language": {"language": Param("language", "language")},
}


def rule_labels() -> dict[str, str]:
    """How the editor names each rule type (translated at call time)."""
    return {
        "enrolled_in": _("Enrolled in course"),
        "not_enrolled_in": _("Not enrolled in course"),
        "completed": _("Completed course"),
        "not_completed": _("Has not completed course"),
        "progress_below": _("Progress in course below (%)"),
        "inactive_days": _("Inactive for at least (days)"),
        "active_within_days": _("Active within the last (days)"),
        "signed_up_within_days": _("Signed up within the last (days)"),
        "role": _("Has role"),
        "language": _("Language is"),
    }


def rules_json_schema() -> dict[str, Any]:
    """The rules as a JSON Schema document (published in the API schema and tested)."""
    kinds = {
        "course": {"type": "integer", "minimum": 1},
        "days": {"type": "integer", "minimum": 1, "maximum": MAX_DAYS},
        "percent": {"type": "integer", "minimum": 1, "maximum": 100},
        "role": {"enum": [str(r) for r in ALL_ROLES]},
        "language": {"enum": [code for code, _name in settings.LANGUAGES]},
    }
    rules = [
        {
            "type": "object",
            "properties": {
                "type": {"const": name},
                **{key: kinds[p.kind] for key, p in params.items()},
            },
            "required": ["type", *params],
            "additionalProperties": False,
        }
        for name, params in RULE_TYPES.items()
    ]
    group = {
        "type": "object",
        "properties": {
            "match": {"enum": ["all", "any"]},
            "rules": {"type": "array", "items": {"oneOf": rules}, "maxItems": MAX_RULES},
        },
        "required": ["match", "rules"],
        "additionalProperties": False,
    }
    top_items = {"oneOf": [*rules, group]}
    return {
        "type": "object",
        "properties": {
            "match": {"enum": ["all", "any"]},
            "rules": {"type": "array", "items": top_items, "minItems": 1, "maxItems": MAX_RULES},
        },
        "required": ["match", "rules"],
        "additionalProperties": False,
    }


# --- validation ----------------------------------------------------------------------------


def _int(value: Any, lo: int, hi: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        return None
    return value


def _check_param(kind: str, value: Any, course_ids: set[int] | None) -> str | None:
    """The error for one parameter's value, or None when it is fine."""
    if kind == "course":
        if _int(value, 1, 2**62) is None:
            return _("Choose a course.")
        if course_ids is not None and value not in course_ids:
            return _("There is no such course.")
    elif kind == "days":
        if _int(value, 1, MAX_DAYS) is None:
            return _("Enter a whole number of days from 1 to %(max)s.") % {"max": MAX_DAYS}
    elif kind == "percent":
        if _int(value, 1, 100) is None:
            return _("Enter a whole percentage from 1 to 100.")
    elif kind == "role":
        if value not in [str(r) for r in ALL_ROLES]:
            return _("Choose one of the roles.")
    elif kind == "language" and value not in [code for code, _n in settings.LANGUAGES]:
        return _("Choose one of the site's languages.")
    return None


def _check_rule(rule: Any, where: str, errors: list[str], course_ids: set[int] | None) -> None:
    if not isinstance(rule, dict):
        errors.append(_("%(where)s: a rule must be an object.") % {"where": where})
        return
    params = RULE_TYPES.get(rule.get("type"))  # type: ignore[arg-type]
    if params is None:
        errors.append(_("%(where)s: unknown rule type.") % {"where": where})
        return
    unknown = sorted(set(rule) - {"type", *params})
    if unknown:
        errors.append(
            _("%(where)s: unknown field %(field)s.") % {"where": where, "field": ", ".join(unknown)}
        )
    for key, param in params.items():
        problem = _check_param(param.kind, rule.get(key), course_ids)
        if problem:
            errors.append(f"{where} ({key}): {problem}")


def _check_group(
    group: Any, where: str, errors: list[str], *, depth: int, course_ids: set[int] | None
) -> None:
    if not isinstance(group, dict) or set(group) - {"match", "rules"}:
        errors.append(_("%(where)s: a group has only “match” and “rules”.") % {"where": where})
        return
    if group.get("match") not in ("all", "any"):
        errors.append(_("%(where)s: “match” must be “all” or “any”.") % {"where": where})
    rules = group.get("rules")
    if not isinstance(rules, list) or not rules:
        errors.append(_("%(where)s: add at least one rule.") % {"where": where})
        return
    if len(rules) > MAX_RULES:
        errors.append(_("%(where)s: at most %(n)s rules.") % {"where": where, "n": MAX_RULES})
        return
    for i, rule in enumerate(rules, start=1):
        here = f"{where}.{i}" if where else _("Rule %(n)s") % {"n": i}
        if isinstance(rule, dict) and "rules" in rule:
            if depth >= 1:
                errors.append(_("%(where)s: groups nest one level deep.") % {"where": here})
            else:
                _check_group(rule, here, errors, depth=depth + 1, course_ids=course_ids)
        else:
            _check_rule(rule, here, errors, course_ids)


def rules_validate(rules: Any, *, course_ids: set[int] | None = None) -> dict[str, Any]:
    """The rules if they are well formed; else ValidationError with every problem under
    ``rules``. ``course_ids`` (when given) are the courses that exist."""
    errors: list[str] = []
    _check_group(rules, "", errors, depth=0, course_ids=course_ids)
    if errors:
        raise ValidationError(_("The segment's rules are not valid."), errors={"rules": errors})
    return rules


def rule_course_ids(rules: dict[str, Any]) -> set[int]:
    """Every course a rule names (to check that they exist)."""
    found: set[int] = set()
    for rule in rules.get("rules", []):
        if isinstance(rule, dict) and "rules" in rule:
            found |= rule_course_ids(rule)
        elif isinstance(rule, dict) and isinstance(rule.get("course"), int):
            found.add(rule["course"])
    return found


# --- evaluation ----------------------------------------------------------------------------


def _since(days: int) -> Any:
    return timezone.now() - timedelta(days=days)


def _active_since(days: int) -> Q:
    since = _since(days)
    events = Event.objects.filter(occurred_at__gte=since, actor_id__isnull=False)
    return (
        Q(last_login__gte=since)
        | Q(pk__in=learners_viewed_since_query(since=since))
        | Q(pk__in=events.order_by().values("actor_id"))
    )


RULE_Q: dict[str, Callable[[dict[str, Any]], Q]] = {
    "enrolled_in": lambda r: Q(pk__in=course_students_query(course_id=r["course"])),
    "not_enrolled_in": lambda r: ~Q(pk__in=course_students_query(course_id=r["course"])),
    "completed": lambda r: Q(pk__in=course_completed_query(course_id=r["course"])),
    "not_completed": lambda r: ~Q(pk__in=course_completed_query(course_id=r["course"])),
    "progress_below": lambda r: Q(
        pk__in=course_progress_below_query(course_id=r["course"], percent=r["percent"])
    ),
    "inactive_days": lambda r: ~_active_since(r["days"]),
    "active_within_days": lambda r: _active_since(r["days"]),
    "signed_up_within_days": lambda r: Q(date_joined__gte=_since(r["days"])),
    "role": lambda r: Q(pk__in=users_with_role_query(role=r["role"])),
    "language": lambda r: Q(language=r["language"]),
}


def _group_q(group: dict[str, Any]) -> Q:
    parts = [
        _group_q(rule) if "rules" in rule else RULE_Q[rule["type"]](rule) for rule in group["rules"]
    ]
    combined = parts[0]
    for part in parts[1:]:
        combined = (combined & part) if group["match"] == "all" else (combined | part)
    return combined


def segment_users(rules: dict[str, Any]) -> QuerySet[Any]:
    """The active users the (validated) rules select: one queryset, not evaluated here."""
    return get_user_model().objects.filter(is_active=True).filter(_group_q(rules))
