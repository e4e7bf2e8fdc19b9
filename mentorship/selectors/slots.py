"""Free slots: a mentor's weekly hours and exceptions, minus their booked sessions.

Availability is wall-clock time in the mentor's time zone (09:00 stays 09:00 for them across
daylight-saving changes); everything returned is UTC, for the viewer's page to show in their
own zone. Rules recur through dateutil's RFC 5545 ``rrule``.

The computation is a pure function of prefetched rows (``slots_compute``), so a search over
many mentors runs a fixed number of queries (``free_slots_for_mentors``: four, five with the
mentee's own sessions, whatever the number of mentors or weeks).
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.db.models import Q
from django.utils import timezone

from mentorship.models import AvailabilityException, AvailabilityRule, MentorProfile, MentorSession

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC


@dataclass(frozen=True)
class RuleRow:
    """The fields of an AvailabilityRule the computation reads (a plain row: a search over
    many mentors builds no model instances for their rules)."""

    rrule: str
    start_time: time
    end_time: time
    valid_from: date
    valid_until: date | None


@dataclass(frozen=True)
class ExceptionRow:
    date: date
    kind: str
    start_time: time | None
    end_time: time | None


@lru_cache(maxsize=16384)
def _local(day: date, at: time, tz: ZoneInfo) -> datetime:
    """A wall-clock time on a day in ``tz``, as UTC. A time skipped by a spring-forward change
    (02:30 when clocks jump 02:00 -> 03:00) maps to the instant right after the gap."""
    moment = datetime.combine(day, at, tzinfo=tz)
    as_utc = moment.astimezone(UTC)
    if as_utc.astimezone(tz).replace(tzinfo=None) == moment.replace(tzinfo=None):
        return as_utc
    # Nonexistent local time. Its two readings lie either side of the change (02:30 read
    # as EST is 03:30 EDT, read as EDT is 01:30 EST); the change itself, found to the
    # minute between them, is the first instant after the gap (03:00 EDT).
    before, after = sorted((as_utc, moment.replace(fold=1).astimezone(UTC)))
    offset_after = after.astimezone(tz).utcoffset()
    minute = timedelta(minutes=1)
    while after - before > minute:
        middle = before + ((after - before) // minute // 2) * minute
        if middle.astimezone(tz).utcoffset() == offset_after:
            after = middle
        else:
            before = middle
    return after


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(windows: list[Interval], cut: Interval) -> list[Interval]:
    out: list[Interval] = []
    for start, end in windows:
        if cut[1] <= start or cut[0] >= end:
            out.append((start, end))
            continue
        if start < cut[0]:
            out.append((start, cut[0]))
        if cut[1] < end:
            out.append((cut[1], end))
    return out


def _rule_days(rule: AvailabilityRule | RuleRow, first: date, last: date) -> list[date]:
    start = max(first, rule.valid_from)
    stop = min(last, rule.valid_until) if rule.valid_until else last
    if stop < start:
        return []
    recurrence = _recurrence(rule.rrule, rule.valid_from, start)
    return [
        moment.date()
        for moment in recurrence.between(
            datetime.combine(start, time(0)), datetime.combine(stop, time(0)), inc=True
        )
    ]


def _anchor_free(text: str) -> bool:
    """Whether the rule picks the same days from any start: daily, or weekly by named days,
    every period (an INTERVAL or a weekly rule without BYDAY counts from its start)."""
    parts = dict(part.split("=", 1) for part in text.split(";") if "=" in part)
    if parts.get("INTERVAL", "1") != "1" or set(parts) - {"FREQ", "BYDAY", "INTERVAL", "WKST"}:
        return False
    return parts.get("FREQ") == "DAILY" or (parts.get("FREQ") == "WEEKLY" and "BYDAY" in parts)


@lru_cache(maxsize=1024)
def _recurrence_at(text: str, dtstart: date) -> Any:
    return rrulestr(text, dtstart=datetime.combine(dtstart, time(0)))


def _recurrence(text: str, valid_from: date, first: date) -> Any:
    """The parsed rule, started as late as gives the same days: iterating from the rule's
    first day to a search months later would walk every day in between."""
    if _anchor_free(text) and first > valid_from:
        return _recurrence_at(text, first)
    return _recurrence_at(text, valid_from)


def availability_windows(
    *,
    mentor: MentorProfile,
    rules: Sequence[AvailabilityRule | RuleRow],
    exceptions: Sequence[AvailabilityException | ExceptionRow],
    start: datetime,
    end: datetime,
) -> list[Interval]:
    """The mentor's open hours overlapping [start, end), as merged UTC intervals."""
    windows = _open_windows(mentor=mentor, rules=rules, exceptions=exceptions, start=start, end=end)
    return [(max(s, start), min(e, end)) for s, e in windows]


def _open_windows(
    *,
    mentor: MentorProfile,
    rules: Sequence[AvailabilityRule | RuleRow],
    exceptions: Sequence[AvailabilityException | ExceptionRow],
    start: datetime,
    end: datetime,
) -> list[Interval]:
    """Whole open windows (not cut at ``start``/``end``) that overlap [start, end): slots
    are counted from a window's own start, whatever range the caller asks about."""
    tz = ZoneInfo(mentor.timezone)
    # One day either side: a window on a local date can fall on a neighbouring UTC date.
    first = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date() + timedelta(days=1)
    by_day: dict[date, list[Interval]] = defaultdict(list)
    for rule in rules:
        for day in _rule_days(rule, first, last):
            by_day[day].append((_local(day, rule.start_time, tz), _local(day, rule.end_time, tz)))
    for exc in exceptions:
        if not first <= exc.date <= last:
            continue
        if exc.kind == AvailabilityException.Kind.EXTRA:
            assert exc.start_time is not None and exc.end_time is not None
            by_day[exc.date].append(
                (_local(exc.date, exc.start_time, tz), _local(exc.date, exc.end_time, tz))
            )
    windows = _merge(w for day in by_day.values() for w in day)
    for exc in exceptions:
        if exc.kind != AvailabilityException.Kind.OFF or not first <= exc.date <= last:
            continue
        if exc.start_time is None or exc.end_time is None:
            cut = (_local(exc.date, time(0), tz), _local(exc.date + timedelta(days=1), time(0), tz))
        else:
            cut = (_local(exc.date, exc.start_time, tz), _local(exc.date, exc.end_time, tz))
        windows = _subtract(windows, cut)
    return [(s, e) for s, e in windows if e > start and s < end]


def slots_compute(
    *,
    mentor: MentorProfile,
    rules: Sequence[AvailabilityRule | RuleRow],
    exceptions: Sequence[AvailabilityException | ExceptionRow],
    booked: Sequence[Interval],
    start: datetime,
    end: datetime,
    length: timedelta,
    now: datetime,
    also_busy: Sequence[Interval] = (),
) -> list[Slot]:
    """Slots of ``length`` inside open hours, clear of booked sessions (with the mentor's
    buffer either side) and of ``also_busy`` (the mentee's own sessions), at least the
    minimum notice from ``now``, within the booking horizon, on days under the daily cap.

    Slots start every ``slot_step_minutes`` counted from the start of each open window.
    ``booked`` are the mentor's booked sessions around [start, end).
    """
    earliest = max(start, now + timedelta(minutes=mentor.min_notice_minutes))
    latest = min(end, now + timedelta(days=mentor.horizon_days))
    if latest <= earliest:
        return []
    tz = ZoneInfo(mentor.timezone)
    per_day: dict[date, int] = defaultdict(int)
    for s, _e in booked:
        per_day[s.astimezone(tz).date()] += 1
    # a day can only be full when some day has that many bookings
    cap = mentor.max_sessions_per_day
    check_cap = any(count >= cap for count in per_day.values())
    buffer = timedelta(minutes=mentor.buffer_minutes)
    busy = _merge([(s - buffer, e + buffer) for s, e in booked] + list(also_busy))
    busy_ends = [e for _s, e in busy]
    step = timedelta(minutes=mentor.slot_step_minutes)
    slots: list[Slot] = []
    windows = _open_windows(mentor=mentor, rules=rules, exceptions=exceptions, start=start, end=end)
    for window_start, window_end in windows:
        candidate = window_start
        while candidate + length <= window_end:
            slot_end = candidate + length
            # busy is merged and sorted: the first interval ending after the candidate is
            # the only one that can overlap it
            nearest = bisect_right(busy_ends, candidate)
            if (
                candidate >= earliest
                and slot_end <= latest
                and (nearest == len(busy) or busy[nearest][0] >= slot_end)
                and (not check_cap or per_day[candidate.astimezone(tz).date()] < cap)
            ):
                slots.append(Slot(starts_at=candidate, ends_at=slot_end))
            candidate += step
    return slots


def _profiles(
    mentor_ids: Iterable[int],
) -> list[tuple[MentorProfile, list[RuleRow], list[ExceptionRow]]]:
    """Profiles with their rules and exceptions: three queries."""
    profiles = list(MentorProfile.objects.filter(pk__in=list(mentor_ids)))
    ids = [p.pk for p in profiles]
    rules: dict[int, list[RuleRow]] = defaultdict(list)
    for (
        mentor_id,
        rrule,
        start_time,
        end_time,
        valid_from,
        valid_until,
    ) in AvailabilityRule.objects.filter(mentor_id__in=ids).values_list(
        "mentor_id", "rrule", "start_time", "end_time", "valid_from", "valid_until"
    ):
        rules[mentor_id].append(RuleRow(rrule, start_time, end_time, valid_from, valid_until))
    exceptions: dict[int, list[ExceptionRow]] = defaultdict(list)
    for mentor_id, day, kind, from_time, until_time in AvailabilityException.objects.filter(
        mentor_id__in=ids
    ).values_list("mentor_id", "date", "kind", "start_time", "end_time"):
        exceptions[mentor_id].append(ExceptionRow(day, kind, from_time, until_time))
    return [(p, rules.get(p.pk, []), exceptions.get(p.pk, [])) for p in profiles]


def booked_intervals(
    *,
    mentor_user_ids: Iterable[int],
    start: datetime,
    end: datetime,
    pad: timedelta,
    moving: int | None = None,
) -> dict[int, list[Interval]]:
    """Booked sessions of these mentors (by user id) overlapping [start - pad, end + pad),
    widened by a day for the daily cap, but for the session being moved (``moving``, whose
    time is free for its own new time). One query."""
    rows = MentorSession.objects.filter(
        mentor_id__in=list(mentor_user_ids),
        status=MentorSession.Status.BOOKED,
        starts_at__lt=end + pad + timedelta(days=1),
        ends_at__gt=start - pad - timedelta(days=1),
    )
    if moving:
        rows = rows.exclude(pk=moving)
    out: dict[int, list[Interval]] = defaultdict(list)
    for mentor_id, s, e in rows.values_list("mentor_id", "starts_at", "ends_at"):
        out[mentor_id].append((s, e))
    return out


def mentee_busy(
    *, user_id: int, start: datetime, end: datetime, moving: int | None = None
) -> list[Interval]:
    """The mentee's own booked sessions around [start, end) (they cannot be in two), but
    for the session being moved. One query."""
    rows = MentorSession.objects.filter(
        Q(mentee_id=user_id) | Q(mentor_id=user_id),
        status=MentorSession.Status.BOOKED,
        starts_at__lt=end,
        ends_at__gt=start,
    )
    if moving:
        rows = rows.exclude(pk=moving)
    return list(rows.values_list("starts_at", "ends_at"))


def free_slots_for_mentors(
    *,
    mentor_ids: Iterable[int],
    start: datetime,
    end: datetime,
    length: timedelta,
    mentee_id: int | None = None,
    now: datetime | None = None,
    moving: int | None = None,
) -> dict[int, list[Slot]]:
    """Free slots per mentor profile id, in four queries (five with ``mentee_id``) whatever
    the number of mentors. ``moving``: the id of a session being rescheduled, whose own time
    counts as free."""
    now = now or timezone.now()
    rows = _profiles(mentor_ids)
    profiles = [p for p, _r, _e in rows]
    pad = timedelta(minutes=max((p.buffer_minutes for p in profiles), default=0))
    booked = booked_intervals(
        mentor_user_ids=[p.user_id for p in profiles],
        start=start,
        end=end,
        pad=pad,
        moving=moving,
    )
    own = mentee_busy(user_id=mentee_id, start=start, end=end, moving=moving) if mentee_id else []
    return {
        profile.pk: slots_compute(
            mentor=profile,
            rules=rules,
            exceptions=exceptions,
            booked=booked.get(profile.user_id, []),
            start=start,
            end=end,
            length=length,
            now=now,
            also_busy=own,
        )
        for profile, rules, exceptions in rows
    }


@dataclass(frozen=True)
class ProfileHours:
    """A mentor's weekly rules and dated exceptions, and the mentee's own bookings around a
    window: what the slot check needs that the mentor's bookings do not change."""

    rules: list[RuleRow]
    exceptions: list[ExceptionRow]
    also_busy: list[Interval]


def profile_hours(
    *, mentor_user_id: int, mentee_id: int | None, start: datetime, end: datetime
) -> ProfileHours:
    """Read before the booking service takes the mentor's lock (three queries), so that
    those waiting for it are not kept waiting for these reads too."""
    return ProfileHours(
        rules=[
            RuleRow(*row)
            for row in AvailabilityRule.objects.filter(mentor__user_id=mentor_user_id).values_list(
                "rrule", "start_time", "end_time", "valid_from", "valid_until"
            )
        ],
        exceptions=[
            ExceptionRow(*row)
            for row in AvailabilityException.objects.filter(
                mentor__user_id=mentor_user_id
            ).values_list("date", "kind", "start_time", "end_time")
        ],
        also_busy=mentee_busy(user_id=mentee_id, start=start, end=end) if mentee_id else [],
    )


def free_slots_of_profile(
    *,
    profile: MentorProfile,
    hours: ProfileHours,
    start: datetime,
    end: datetime,
    length: timedelta,
    now: datetime | None = None,
) -> list[Slot]:
    """``free_slots`` for a profile already loaded (the booking service holds its row lock)
    and its ``hours`` read before: one query, the mentor's bookings."""
    pad = timedelta(minutes=profile.buffer_minutes)
    booked = booked_intervals(mentor_user_ids=[profile.user_id], start=start, end=end, pad=pad)
    return slots_compute(
        mentor=profile,
        rules=hours.rules,
        exceptions=hours.exceptions,
        booked=booked.get(profile.user_id, []),
        start=start,
        end=end,
        length=length,
        now=now or timezone.now(),
        also_busy=hours.also_busy,
    )


def free_slots(
    *,
    mentor: MentorProfile,
    start: datetime,
    end: datetime,
    length: timedelta,
    mentee_id: int | None = None,
    now: datetime | None = None,
    moving: int | None = None,
) -> list[Slot]:
    return free_slots_for_mentors(
        mentor_ids=[mentor.pk],
        start=start,
        end=end,
        length=length,
        mentee_id=mentee_id,
        now=now,
        moving=moving,
    ).get(mentor.pk, [])


def mentor_ids_with_free_slots(
    *, mentor_ids: Iterable[int], start: datetime, end: datetime, now: datetime | None = None
) -> set[int]:
    """Mentor profile ids with at least one free slot of their shortest length in [start,
    end): the directory's "available this week"."""
    now = now or timezone.now()
    rows = _profiles(mentor_ids)
    profiles = [p for p, _r, _e in rows]
    pad = timedelta(minutes=max((p.buffer_minutes for p in profiles), default=0))
    booked = booked_intervals(
        mentor_user_ids=[p.user_id for p in profiles], start=start, end=end, pad=pad
    )
    found = set()
    for profile, rules, exceptions in rows:
        shortest = timedelta(minutes=min(profile.session_lengths or [30]))
        if slots_compute(
            mentor=profile,
            rules=rules,
            exceptions=exceptions,
            booked=booked.get(profile.user_id, []),
            start=start,
            end=end,
            length=shortest,
            now=now,
        ):
            found.add(profile.pk)
    return found
