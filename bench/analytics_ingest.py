"""The analytics_ingest suite: batched event ingestion through ``POST /api/v1/events/`` into
PostgreSQL (bench/analytics_ingest_steps.py is its Django side).

1. Makes one signed-in learner per client (the app's X-Session-Token) and starts uvicorn as
   production runs it (2 workers, loopback only, the psycopg pool), with the events
   throttles raised (one client stands in for thousands of players).
2. In each round: the baseline, a psycopg COPY of the rows the endpoint stores for the
   round's batches into the same table (emptied before and after); then ``CLIENTS`` clients
   on keep-alive connections send the same batches (500 ``video_progress`` events each, the
   player's quartiles) as fast as answers come back; then the rows in the table are counted.
3. Writes the figures against the targets to bench/results/analytics_ingest.txt.

Targets: >= 5,000 events/s stored (median of the rounds; counted in the table, not taken
from the answers) with the ratio to the COPY baseline beside it; every event sent is stored
exactly once and every answer is a 200 that accepted its whole batch.
"""

import asyncio
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import (
    HOST,
    Checks,
    Log,
    bench_env,
    cache_clear,
    django_run,
    free_port,
    machine_line,
    percentile,
    start_server,
    stop_group,
    write_result,
)

PATH = "/api/v1/events/"
BATCH = 500
TARGET_EPS = 5000
WORKERS = 2


@dataclass
class Round:
    sent: int
    seconds: float
    stored: int
    distinct: int
    baseline_seconds: float
    baseline_stored: int
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    accepted: int = 0

    @property
    def rate(self) -> float:
        return self.stored / self.seconds if self.seconds else 0.0

    @property
    def baseline_rate(self) -> float:
        return self.baseline_stored / self.baseline_seconds if self.baseline_seconds else 0.0


def make_batches(clients: list[dict], batches: int, rng: random.Random) -> list[dict]:
    """``batches`` request bodies of ``BATCH`` video quartiles each, round-robin over the
    clients; each event a new client id, as a player makes them."""
    out = []
    now = datetime.now(UTC)
    for b in range(batches):
        client = clients[b % len(clients)]
        sent_at = now + timedelta(milliseconds=b)
        events = []
        for i in range(BATCH):
            course = rng.randint(1, 40)
            events.append(
                {
                    "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "verb": "video_progress",
                    "object": {"type": "lesson", "id": course * 100 + rng.randint(1, 30)},
                    "course": course,
                    "timestamp": (sent_at - timedelta(seconds=BATCH - i)).isoformat(),
                    "result": {
                        "progress": rng.choice((0.25, 0.5, 0.75, 1.0)),
                        "duration": round(rng.uniform(20, 240), 1),
                    },
                    "context": {"player": "html5"},
                }
            )
        body = {"sent_at": sent_at.isoformat(), "platform": "web", "events": events}
        out.append({"user": client["user"], "token": client["token"], "body": body})
    return out


async def _read(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        key, _sep, value = line.partition(":")
        if key.strip().lower() == "content-length":
            length = int(value.strip())
    return status, await reader.readexactly(length)


async def send_all(port: int, batches: list[dict], clients: int) -> tuple[float, Round]:
    """Send every batch over ``clients`` keep-alive connections, each taking the next batch
    when its previous answer is in; (wall seconds, answers)."""
    requests: asyncio.Queue[bytes] = asyncio.Queue()
    for batch in batches:
        body = json.dumps(batch["body"]).encode()
        head = (
            f"POST {PATH} HTTP/1.1\r\nHost: {HOST}\r\nUser-Agent: kalpla-bench\r\n"
            f"Content-Type: application/json\r\nX-Session-Token: {batch['token']}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
        )
        requests.put_nowait(head.encode() + body)
    answers = Round(sent=0, seconds=0, stored=0, distinct=0, baseline_seconds=0, baseline_stored=0)

    async def client() -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            while not requests.empty():
                request = requests.get_nowait()
                t0 = time.perf_counter()
                writer.write(request)
                status, body = await _read(reader)
                answers.latencies.append(time.perf_counter() - t0)
                answers.statuses[status] = answers.statuses.get(status, 0) + 1
                if status == 200:
                    answers.accepted += json.loads(body)["accepted"]
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return time.perf_counter() - started, answers


def _json(path: Path) -> dict:
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def run(
    *, database_url: str, log: Log, rounds: int = 3, batches: int = 80, clients: int = 8
) -> Checks:
    env = {
        **bench_env(database_url, prefix="kalpla-bench-events"),
        # one client stands in for thousands of players: no 429 in the measured run
        "KALPLA_THROTTLE_EVENTS": "100000000/min",
        "KALPLA_THROTTLE_EVENTS_ANON": "100000000/min",
    }
    load_before = os.getloadavg()
    started = time.monotonic()
    rng = random.Random(15)
    done: list[Round] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        log(f"analytics_ingest: {clients} learners with sessions")
        django_run(["-m", "bench.analytics_ingest_steps", "prepare", str(out), str(clients)], env)
        people = _json(out)["clients"]
        port = free_port()
        server = start_server(env, port, WORKERS)
        try:
            log("analytics_ingest: warm-up (every worker, its pool and imports)")
            asyncio.run(send_all(port, make_batches(people, clients * 2, rng), clients))
            for number in range(1, rounds + 1):
                work = make_batches(people, batches, rng)
                batches_path = Path(tmp) / "batches.json"
                batches_path.write_text(json.dumps(work))
                log(f"round {number}/{rounds}: COPY baseline of {batches * BATCH} events")
                django_run(
                    ["-m", "bench.analytics_ingest_steps", "baseline", str(batches_path), str(out)],
                    env,
                )
                base = _json(out)
                log(f"round {number}/{rounds}: {batches} batches over {clients} clients")
                seconds, answers = asyncio.run(send_all(port, work, clients))
                django_run(["-m", "bench.analytics_ingest_steps", "count", str(out)], env)
                stored = _json(out)
                answers.sent = batches * BATCH
                answers.seconds = seconds
                answers.stored = stored["rows"]
                answers.distinct = stored["distinct"]
                answers.baseline_seconds = base["seconds"]
                answers.baseline_stored = base["stored"]
                done.append(answers)
                log(
                    f"round {number}/{rounds}: {answers.rate:.0f} events/s stored, "
                    f"COPY {answers.baseline_rate:.0f} events/s"
                )
        finally:
            stop_group(server)
            cache_clear(env)
    checks, text = report(done, clients=clients, load_before=load_before)
    text += f"\n(run time {time.monotonic() - started:.0f} s)\n"
    log(f"analytics_ingest: written to {write_result('analytics_ingest', text)}")
    return checks


def report(
    done: list[Round], *, clients: int, load_before: tuple[float, float, float]
) -> tuple[Checks, str]:
    rates = [r.rate for r in done]
    ratios = [r.rate / r.baseline_rate if r.baseline_rate else 0.0 for r in done]
    rate = statistics.median(rates)
    latencies = [s * 1000 for r in done for s in r.latencies]
    exact = all(
        r.stored == r.sent == r.distinct == r.accepted and r.baseline_stored == r.sent for r in done
    )
    statuses: dict[int, int] = {}
    for r in done:
        for status, n in r.statuses.items():
            statuses[status] = statuses.get(status, 0) + n
    checks: Checks = [
        (
            f"events stored through POST {PATH} (batches of {BATCH}, {clients} clients): "
            f"{rate:.0f}/s >= {TARGET_EPS}/s (median of rounds: "
            f"{', '.join(f'{x:.0f}' for x in rates)}); "
            f"{statistics.median(ratios):.2f}x the COPY of the same rows "
            f"({', '.join(f'{r.baseline_rate:.0f}' for r in done)}/s)",
            rate >= TARGET_EPS,
        ),
        (
            "stored = sent, each event once, every batch answered 200 and accepted whole: "
            + "; ".join(
                f"sent {r.sent}, stored {r.stored} ({r.distinct} distinct ids), accepted "
                f"{r.accepted}, COPY {r.baseline_stored}"
                for r in done
            )
            + f"; answers {dict(sorted(statuses.items()))}",
            exact and set(statuses) == {200},
        ),
    ]
    lines = [
        f"Kalpla bench, analytics_ingest suite, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"PostgreSQL, uvicorn with {WORKERS} workers (loopback, psycopg pool), {clients} "
        f"signed-in clients (X-Session-Token) on keep-alive connections, each sending its next "
        f"batch of {BATCH} video_progress events when the previous answer is in; baseline: a "
        "psycopg COPY of the same rows into the same (emptied) table in one transaction",
        machine_line(load_before),
        f"{len(done)} rounds of {done[0].sent if done else 0} events after a warm-up; batch "
        f"latency median {statistics.median(latencies):.0f} ms, p95 "
        f"{percentile(latencies, 95):.0f} ms",
        *(
            f"round {i}: {r.sent} events in {r.seconds:.2f} s = {r.rate:.0f}/s stored; COPY "
            f"{r.baseline_seconds:.2f} s = {r.baseline_rate:.0f}/s"
            for i, r in enumerate(done, 1)
        ),
        "",
        "Targets:",
        *(f"  [{'PASS' if ok else 'FAIL'}] {t}" for t, ok in checks),
    ]
    return checks, "\n".join(lines) + "\n"
