"""The web suite: the site's pages under load, against a bare Django JSON view.

1. Seeds 200 courses (2 x 3 lessons each), one course of 10 modules x 10 lessons with 30
   reviews and a student part of the way through it, and two students with 1 and 20
   enrollments; counts the queries of each page in-process with the Django test client.
2. Starts uvicorn like production (DJANGO_DEBUG=false, 2 workers, loopback only) with
   ``bench.settings`` (the site's settings plus a bare JSON baseline at /bench/baseline/);
   the Celery tasks its pages queue (the analytics buffer's drain) go to a queue of their
   own that no worker takes and that is purged, since production runs them on workers.
3. Drives each page with 50 concurrent users: a closed loop without think time (throughput,
   req/s and latency at saturation) in at least 3 rounds, each page run right after a run of
   the baseline, and reports the median of the page/baseline ratios and the server's CPU time
   per request against the baseline's (steadier than req/s when other work shares the
   machine); then, for the pages with latency targets, 50 users who think 0.5-1.5 s between
   requests (latency under that load; the two dashboards, whose p95s are compared, side by
   side in one longer run).
4. Writes the figures against the targets to bench/results/web.txt.
"""

import asyncio
import json
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from bench.common import (
    HOST,
    Checks,
    Log,
    bench_env,
    cache_clear,
    django_run,
    free_port,
    machine_line,
    purge_queue,
    server_cpu_seconds,
    start_server,
    stop_group,
    write_result,
)
from bench.load import Result
from bench.load import run as load_run

THINK = (0.5, 1.5)
TASK_QUEUE = "kalpla-bench-web"
"""Where the server's Celery tasks go (no worker takes them; purged): as in production, a
page's background work (the analytics buffer's drain) runs on workers, not in the server."""


PAGES = {
    "catalogue_api": "GET /api/v1/courses/ (20 cards)",
    "catalogue_page": "catalogue page (12 cards)",
    "course_page": "course page 10x10, anonymous",
    "course_page_student": "course page 10x10, enrolled",
    "dashboard_1": "dashboard, 1 enrollment",
    "dashboard_20": "dashboard, 20 enrollments",
}
PACED = ("course_page", "course_page_student")
PACED_TOGETHER = ("dashboard_1", "dashboard_20")
"""Compared with each other under load (p95 within 1.3x), so run side by side with the users
split between them (the server sees the same load as in the other paced runs) for
``TOGETHER_SECONDS`` times as long: a burst of other work on the machine hits both alike, and
each p95 comes from about twice as many requests as a run of its own would give."""
TOGETHER_SECONDS = 4


@dataclass
class Rounds:
    """One page measured in several rounds, each right after a run of the baseline."""

    page: list[Result] = field(default_factory=list)
    baseline: list[Result] = field(default_factory=list)
    # The server's CPU seconds per answered request in each run (warm-up included in both).
    page_cpu: list[float] = field(default_factory=list)
    baseline_cpu: list[float] = field(default_factory=list)

    @property
    def ratios(self) -> list[float]:
        return [
            p.rps / b.rps if b.rps else 0.0 for p, b in zip(self.page, self.baseline, strict=True)
        ]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def rps(self) -> float:
        return statistics.median(r.rps for r in self.page)

    @property
    def cpu_ms(self) -> float:
        return statistics.median(self.page_cpu) * 1000

    @property
    def cpu_ratio(self) -> float:
        """The baseline's CPU time per request over the page's (1.0: as cheap as the baseline)."""
        return statistics.median(
            b / p if p else 0.0 for p, b in zip(self.page_cpu, self.baseline_cpu, strict=True)
        )

    def merged(self) -> Result:
        first = self.page[0]
        out = Result(name=first.name, users=first.users, seconds=first.seconds, think=None)
        for r in self.page:
            out.latencies += r.latencies
            out.statuses.update(r.statuses)
            out.errors.update(r.errors)
        return out


def fmt_row(label: str, r: Result, rps: float, ratio: str, queries: str, cpu: str) -> str:
    bad = sum(n for s, n in r.statuses.items() if s != 200) + sum(r.errors.values())
    return (
        f"{label:<32} {rps:7.0f} {r.percentile(50):7.1f} {r.percentile(95):7.1f} "
        f"{r.percentile(99):7.1f} {ratio:>16} {cpu:>12} {queries:>7} {r.requests:>7} {bad:>4}"
    )


async def drive(
    port: int, group: int, prepared: dict, users: int, seconds: float, rounds: int, log: Log
) -> tuple[dict[str, Rounds], dict[str, Result]]:
    cookie_name = prepared["cookie"]
    targets = prepared["targets"]

    def cookie(name: str) -> str | None:
        session = targets[name]["session"]
        return f"{cookie_name}={session}" if session else None

    async def saturate(name: str) -> tuple[Result, float]:
        cpu_before = server_cpu_seconds(group)
        result = await load_run(
            name=name, host=HOST, port=port, path=targets[name]["path"], users=users,
            seconds=seconds, cookie=cookie(name),
        )  # fmt: skip
        return result, (server_cpu_seconds(group) - cpu_before) / max(result.answered, 1)

    saturated = {name: Rounds() for name in PAGES}
    for number in range(1, rounds + 1):
        # Baseline and page alternate, so a burst of other work on the machine hits a pair
        # and the pair's ratio rather than one page's figure.
        for name in PAGES:
            log(f"round {number}/{rounds}: baseline, then {name} ({users} users, no think time)")
            result, cpu = await saturate("baseline")
            saturated[name].baseline.append(result)
            saturated[name].baseline_cpu.append(cpu)
            result, cpu = await saturate(name)
            saturated[name].page.append(result)
            saturated[name].page_cpu.append(cpu)
    paced: dict[str, Result] = {}
    for name in PACED:
        log(f"{name}: {users} users thinking {THINK[0]}-{THINK[1]} s, {seconds:.0f} s")
        paced[name] = await load_run(
            name=name, host=HOST, port=port, path=targets[name]["path"], users=users,
            seconds=seconds, cookie=cookie(name), think=THINK,
        )  # fmt: skip
    together = seconds * TOGETHER_SECONDS
    log(f"{' and '.join(PACED_TOGETHER)} side by side: {users} users thinking, {together:.0f} s")
    each = users // len(PACED_TOGETHER)
    runs = [
        load_run(
            name=name,
            host=HOST,
            port=port,
            path=targets[name]["path"],
            users=each,
            seconds=together,
            cookie=cookie(name),
            think=THINK,
        )
        for name in PACED_TOGETHER
    ]
    results = await asyncio.gather(*runs)
    paced.update(zip(PACED_TOGETHER, results, strict=True))
    return saturated, paced


def targets_check(
    prepared: dict, saturated: dict[str, Rounds], paced: dict[str, Result]
) -> list[tuple[str, bool]]:
    q = {name: prepared["queries"][name]["queries"] for name in prepared["queries"]}
    qc = {name: prepared["queries"][name]["queries_cold"] for name in prepared["queries"]}
    page = paced["course_page"]
    d1, d20 = paced["dashboard_1"], paced["dashboard_20"]
    s1, s20 = saturated["dashboard_1"].merged(), saturated["dashboard_20"].merged()

    def at_least(name: str, target: float, what: str) -> tuple[str, bool]:
        ratio = saturated[name].ratio
        return (
            f"{what} >= {target}x baseline req/s (median of rounds): {ratio:.2f}x "
            f"(rounds {', '.join(f'{x:.2f}' for x in saturated[name].ratios)}; "
            f"CPU time {saturated[name].cpu_ratio:.2f}x)",
            ratio >= target,
        )

    every = [*(r for rs in saturated.values() for r in rs.page + rs.baseline), *paced.values()]
    return [
        at_least("catalogue_api", 0.8, "catalogue API"),
        at_least("course_page_student", 0.35, "course page, enrolled student"),
        at_least("dashboard_1", 0.3, "dashboard, 1 enrollment"),
        at_least("dashboard_20", 0.3, "dashboard, 20 enrollments"),
        (
            f"catalogue API <= 5 queries: {q['catalogue_api']} (cache miss {qc['catalogue_api']})",
            max(q["catalogue_api"], qc["catalogue_api"]) <= 5,
        ),
        (
            f"course page p95 < 50 ms under load: {page.percentile(95):.1f} ms "
            f"(at saturation {saturated['course_page'].merged().percentile(95):.1f} ms)",
            page.percentile(95) < 50,
        ),
        (
            f"course page <= 10 queries: {q['course_page']} (cache miss {qc['course_page']}); "
            f"enrolled {q['course_page_student']} (cache miss {qc['course_page_student']})",
            max(q["course_page"], qc["course_page"]) <= 10,
        ),
        (
            f"dashboard p95 20 vs 1 enrollments within 1.3x under load: "
            f"{d20.percentile(95) / d1.percentile(95):.2f}x "
            f"(at saturation {s20.percentile(95) / s1.percentile(95):.2f}x)",
            d20.percentile(95) <= 1.3 * d1.percentile(95),
        ),
        (
            f"dashboard queries independent of enrollments: {q['dashboard_1']} vs "
            f"{q['dashboard_20']}",
            q["dashboard_1"] == q["dashboard_20"],
        ),
        (
            "every answer 200 "
            + ", ".join(
                f"{r.name}: {dict(r.statuses)} {dict(r.errors)}" for r in every if not r.ok
            ),
            all(r.ok for r in every),
        ),
        (
            "signed in where a session was sent: "
            + ", ".join(
                f"{n}={prepared['queries'][n]['signed_in']}"
                for n, t in prepared["targets"].items()
                if t["session"]
            ),
            all(
                prepared["queries"][n]["signed_in"]
                for n, t in prepared["targets"].items()
                if t["session"]
            ),
        ),
    ]


def report(
    prepared: dict,
    saturated: dict[str, Rounds],
    paced: dict[str, Result],
    checks: list[tuple[str, bool]],
    args: SimpleNamespace,
) -> str:
    q = {name: prepared["queries"][name]["queries"] for name in prepared["queries"]}
    qc = {name: prepared["queries"][name]["queries_cold"] for name in prepared["queries"]}
    qs = {name: f"{q[name]}/{qc[name]}" for name in q}
    head = (
        f"{'':<32} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'ratio (rounds)':>16} {'CPU ms (x)':>12} {'queries':>7} {'reqs':>7} {'!200':>4}"
    )
    notes = (
        "(req/s: median of the rounds; ratio: median of page/baseline over rounds, each page run "
        "right after a baseline run;\n CPU ms: the server processes' CPU time per request, "
        "(x) = the baseline's CPU time / the page's;\n queries: warm/cold cache, one request "
        "measured in-process; latencies over all rounds)"
    )
    base_rps = statistics.median(r.rps for rs in saturated.values() for r in rs.baseline)
    base_all = Rounds(page=[r for rs in saturated.values() for r in rs.baseline])
    base_cpu = statistics.median(c for rs in saturated.values() for c in rs.baseline_cpu) * 1000
    sat_rows = [
        fmt_row(
            "baseline (bare Django JSON)", base_all.merged(), base_rps, "-", "0/0",
            f"{base_cpu:.2f}",
        )
    ]  # fmt: skip
    for name, rounds in saturated.items():
        ratio = f"{rounds.ratio:.2f}x ({min(rounds.ratios):.2f}-{max(rounds.ratios):.2f})"
        cpu_text = f"{rounds.cpu_ms:.2f} ({rounds.cpu_ratio:.2f})"
        sat_rows.append(
            fmt_row(PAGES[name], rounds.merged(), rounds.rps, ratio, qs[name], cpu_text)
        )
    paced_rows = [fmt_row(PAGES[n], r, r.rps, "-", qs[n], "-") for n, r in paced.items()]
    lines = [
        f"Kalpla bench, web suite, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"uvicorn {args.workers} workers on {HOST}, DJANGO_DEBUG=false, PostgreSQL + Redis; "
        f"{os.cpu_count()} CPUs shared with the load generator; the server's Celery tasks "
        "queued, not run inline (production runs them on workers)",
        machine_line(args.load_before),
        f"data: {prepared['courses']} courses, {prepared['lessons']} lessons; "
        f"{args.users} concurrent users, {args.seconds:.0f} s per run after 2 s warm-up, "
        f"{args.rounds} rounds",
        "",
        f"Saturation ({args.users} users, no think time):",
        head,
        notes,
        *sat_rows,
        "",
        f"Under load ({args.users} users thinking {THINK[0]}-{THINK[1]} s between requests; "
        f"the two dashboards side by side, {args.users // len(PACED_TOGETHER)} users each, "
        f"{args.seconds * TOGETHER_SECONDS:.0f} s):",
        head,
        *paced_rows,
        "",
        "Targets:",
        *(f"  [{'PASS' if ok else 'FAIL'}] {text}" for text, ok in checks),
    ]
    return "\n".join(lines) + "\n"


def run(
    *,
    database_url: str,
    log: Log,
    seconds: float = 5.0,
    rounds: int = 5,
    users: int = 50,
    workers: int = 2,
    courses: int = 200,
) -> Checks:
    """Seed, serve and drive the pages; write bench/results/web.txt; the targets' outcomes.

    ``database_url``: a migrated, empty bench database (static files already collected)."""
    if rounds < 3:
        raise SystemExit(
            "--rounds must be at least 3: one round on a shared machine proves nothing"
        )
    args = SimpleNamespace(
        seconds=seconds,
        rounds=rounds,
        users=users,
        workers=workers,
        courses=courses,
        load_before=os.getloadavg(),
    )
    env = bench_env(database_url)
    started = time.monotonic()
    log("web: seeding and counting queries")
    with tempfile.NamedTemporaryFile(suffix=".json") as handle:
        # counted in-process with the pages kept in memory off: each count reads the cache
        prepare_env = {**env, "KALPLA_CATALOGUE_MEMORY_SECONDS": "0"}
        django_run(["-m", "bench.prepare", handle.name, str(courses)], prepare_env)
        prepared = json.loads(Path(handle.name).read_text())
    for name, info in prepared["queries"].items():
        if info["status"] != 200:
            raise SystemExit(f"{name} answered {info['status']} in-process; fix that first.")

    port = free_port()
    log(f"web: starting uvicorn on {HOST}:{port}")
    server_env = bench_env(database_url, workers_on=TASK_QUEUE)
    purge_queue(server_env)
    server = start_server(server_env, port, workers)
    try:
        saturated, paced = asyncio.run(
            drive(port, server.pid, prepared, users, seconds, rounds, log)
        )
    finally:
        stop_group(server)
        purge_queue(server_env)
        cache_clear(env)
    checks = targets_check(prepared, saturated, paced)
    text = report(prepared, saturated, paced, checks, args)
    text += f"\n(run time {time.monotonic() - started:.0f} s)\n"
    log(f"web: written to {write_result('web', text)}")
    return checks
