"""The analytics_dashboard suite: the per-course dashboard over 1,000,000 raw events
(bench/analytics_dashboard_steps.py says what each step does).

Targets:

- the mentor's course dashboard page (90 days, figures rebuilt from the rollups, i.e. the
  cached figures retired first as a rollup does) at 1,000,000 raw events: p95 < 100 ms;
- the same for the course API and its lessons (drop-off) API;
- the statements of each request are the same at 100,000 and at 1,000,000 events (the
  dashboards read rollups, never the raw events).

Also reported: the rollup job's time for one day (about 11,000 events a day at 1M) and for
the 90 days. Figures go to bench/results/analytics_dashboard.txt.
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
    write_result,
)

P95_MS = 100
SMALL, LARGE = 100_000, 1_000_000


def run(*, database_url: str, log: Log, rounds: int = 30) -> Checks:
    env = bench_env(database_url, prefix="kalpla-bench-analytics")
    # static files of this tree's own (the shared bench static root may be another tree's)
    env["KALPLA_STATIC_ROOT"] = str(Path(tempfile.gettempdir()) / "kalpla-bench-analytics-static")
    load_before = os.getloadavg()
    started = time.monotonic()
    steps = ["-m", "bench.analytics_dashboard_steps"]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = {name: str(Path(tmp) / f"{name}.json") for name in ("r1", "m1", "r2", "m2")}
            django_run(["manage.py", "collectstatic", "--noinput", "-v", "0"], env)
            log("analytics_dashboard: 20 courses, a mentor; 100,000 raw events")
            django_run([*steps, "prepare"], env)
            django_run([*steps, "events", str(SMALL), "0"], env, timeout=600)
            log("analytics_dashboard: rollups of 90 days at 100,000")
            django_run([*steps, "rollup", out["r1"]], env, timeout=1200)
            log("analytics_dashboard: the dashboard at 100,000")
            django_run([*steps, "measure", out["m1"], str(rounds)], env, timeout=600)
            log("analytics_dashboard: 900,000 more raw events (1,000,000)")
            django_run([*steps, "events", str(LARGE - SMALL), "1"], env, timeout=1200)
            django_run([*steps, "rollup", out["r2"]], env, timeout=2400)
            log("analytics_dashboard: the dashboard at 1,000,000")
            django_run([*steps, "measure", out["m2"], str(rounds)], env, timeout=600)
            data = {k: json.loads(Path(v).read_text()) for k, v in out.items()}
    finally:
        cache_clear(env)
    checks, text = _report(data, load_before)
    text += f"\n(run time {time.monotonic() - started:.0f} s)\n"
    log(f"analytics_dashboard: written to {write_result('analytics_dashboard', text)}")
    return checks


def _ms(values: list[float]) -> list[float]:
    return [v * 1000 for v in values]


def _report(data: dict, load_before: tuple[float, float, float]) -> tuple[Checks, str]:
    small, large = data["m1"], data["m2"]
    checks: Checks = []
    for name, label in (
        ("page", "course dashboard page"),
        ("api", "course API"),
        ("lessons_api", "lessons (drop-off) API"),
    ):
        cold, warm = _ms(large[name]["cold_s"]), _ms(large[name]["warm_s"])
        p95 = percentile(cold, 95)
        checks.append(
            (
                f"{label} at {data['r2']['events']:,} events, 90 days, figures rebuilt: p95 "
                f"{p95:.1f} ms < {P95_MS} ms (median {statistics.median(cold):.1f} ms; cached: "
                f"median {statistics.median(warm):.1f} ms, p95 {percentile(warm, 95):.1f} ms)",
                p95 < P95_MS,
            )
        )
        at_small = sorted(set(small[name]["statements"]))
        at_large = sorted(set(large[name]["statements"]))
        checks.append(
            (
                f"{label} statements the same at {data['r1']['events']:,} and "
                f"{data['r2']['events']:,} events: {at_small} and {at_large}",
                at_small == at_large and len(at_large) == 1,
            )
        )
    days = data["r2"]["days"]
    busiest = max(days, key=lambda d: d[0])
    total = sum(seconds for _events, seconds in days)
    lines = [
        f"Kalpla bench, analytics_dashboard suite, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "PostgreSQL. Raw events written with one INSERT ... SELECT over generate_series "
        "(5,000 actors, 20 courses of 10 lessons, 90 days, the issue's verbs and result "
        "conventions); the 90 days rolled up by rollup_day; requests through the Django test "
        "client as the course's mentor, each measured round after retiring the cached figures "
        "(the cost right after a rollup), then once cached",
        machine_line(load_before),
        f"rollup job, one day at 1M: {busiest[0]:,} events in {busiest[1] * 1000:.0f} ms "
        f"(busiest day); 90 days: {total:.1f} s; at 100k: 90 days in "
        f"{sum(s for _e, s in data['r1']['days']):.1f} s",
        "",
        "Targets:",
        *(f"  [{'PASS' if ok else 'FAIL'}] {t}" for t, ok in checks),
    ]
    return checks, "\n".join(lines) + "\n"
