"""The mentoring suite: slot search and concurrent booking (bench/mentoring_steps.py says
what each step does).

Targets:

- slot search for one student over 50 mentors x 4 weeks: p95 < 100 ms, and a bounded number
  of statements (the same in every round, at most 5 with the student's own sessions, whatever
  the number of mentors); the
  ratio to a bare read of the same rows in the same run is reported next to it;
- 50 concurrent bookings against 10 slots (threads, one PostgreSQL connection each): exactly
  10 succeed, one per slot, the other 40 get ``slot_taken``; p95 of a booking call < 200 ms.

Figures go to bench/results/mentoring.txt.
"""

import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import (
    Checks,
    Log,
    bench_env,
    cache_clear,
    django_run,
    machine_line,
    percentile,
    purge_queue,
    write_result,
)

QUEUE = "kalpla-bench-mentoring"
SEARCH_P95_MS = 100
SEARCH_STATEMENTS = 5
BOOK_P95_MS = 200
SLOTS = 10


def run(*, database_url: str, log: Log, rounds: int = 40) -> Checks:
    env = bench_env(database_url, prefix="kalpla-bench-mentoring", workers_on=QUEUE)
    load_before = os.getloadavg()
    started = time.monotonic()
    log("mentoring: preparing 50 mentors, their hours and bookings, and a popular mentor")
    django_run(["-m", "bench.mentoring_steps", "prepare"], env)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            search_out, book_out = str(Path(tmp) / "search.json"), str(Path(tmp) / "book.json")
            log(f"mentoring: slot search, {rounds} rounds against the bare read")
            django_run(["-m", "bench.mentoring_steps", "search", search_out, str(rounds)], env)
            log("mentoring: 50 concurrent bookings against 10 slots")
            # one connection per thread, opened before the barrier (not a pool of 20 that
            # the fiftieth thread would wait for)
            django_run(
                ["-m", "bench.mentoring_steps", "book", book_out],
                {**env, "DATABASE_POOL": "false"},
            )
            search = json.loads(Path(search_out).read_text())
            book = json.loads(Path(book_out).read_text())
    finally:
        purge_queue(env)
        cache_clear(env)
    checks, text = _report(search, book, load_before)
    text += f"\n(run time {time.monotonic() - started:.0f} s)\n"
    log(f"mentoring: written to {write_result('mentoring', text)}")
    return checks


def _report(
    search: dict, book: dict, load_before: tuple[float, float, float]
) -> tuple[Checks, str]:
    search_ms = [s * 1000 for s in search["search_s"]]
    base_ms = [s * 1000 for s in search["baseline_s"]]
    p95, base_p95 = percentile(search_ms, 95), percentile(base_ms, 95)
    ratio = statistics.median(search_ms) / statistics.median(base_ms)
    statements = sorted(set(search["statements"]))
    outcomes = [o for o, _t in book["results"]]
    book_ms = [t * 1000 for _o, t in book["results"]]
    book_p95 = percentile(book_ms, 95)
    booked = outcomes.count("booked")
    checks: Checks = [
        (
            f"slot search, {search['mentors']} mentors x {search['weeks']} weeks: p95 "
            f"{p95:.1f} ms < {SEARCH_P95_MS} ms (median {statistics.median(search_ms):.1f} ms, "
            f"{ratio:.1f}x the bare read of the same rows, median "
            f"{statistics.median(base_ms):.1f} ms, p95 {base_p95:.1f} ms)",
            p95 < SEARCH_P95_MS,
        ),
        (
            f"slot search statements bounded: the same every round, at most "
            f"{SEARCH_STATEMENTS}: {statements}",
            len(statements) == 1 and statements[0] <= SEARCH_STATEMENTS,
        ),
        (
            f"{len(outcomes)} concurrent bookings against {SLOTS} slots: exactly {SLOTS} "
            f"succeed, one per slot: {booked} booked, {outcomes.count('slot_taken')} "
            f"slot_taken, {book['booked_rows']} rows at {book['distinct_starts']} times",
            booked == SLOTS
            and outcomes.count("slot_taken") == len(outcomes) - SLOTS
            and book["booked_rows"] == SLOTS
            and book["distinct_starts"] == SLOTS,
        ),
        (
            f"booking call p95 {book_p95:.0f} ms < {BOOK_P95_MS} ms "
            f"(median {statistics.median(book_ms):.0f} ms, max {max(book_ms):.0f} ms)",
            book_p95 < BOOK_P95_MS,
        ),
    ]
    lines = [
        f"Kalpla bench, mentoring suite, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "PostgreSQL. Slot search: free_slots_for_mentors for one student over 50 mentors in "
        "eight time zones (two weekly rules, a day off, extra hours and four bookings each) "
        "for four weeks, one-hour slots; baseline: bare reads of the same rows. Booking: 50 "
        "threads, one connection each, released together at a barrier, each calling "
        "session_book for one of ten free one-hour slots of one mentor (five per slot); "
        "notices queued to Redis and not run",
        machine_line(load_before),
        f"search: {len(search_ms)} rounds after 3 warm-up rounds; {search['slots']} free slots "
        "found per search",
        "",
        "Targets:",
        *(f"  [{'PASS' if ok else 'FAIL'}] {t}" for t, ok in checks),
    ]
    return checks, "\n".join(lines) + "\n"
