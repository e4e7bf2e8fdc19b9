"""The chat suite: live chat through uvicorn and the Redis channel layer, as production runs it.

1. Seeds a fan-out room (1 sender, ``FANOUT`` listeners) and ``ROOMS`` rooms of ``ROOM_SIZE``
   members, each with a signed-in session (bench/chat_steps.py).
2. Fan-out: one uvicorn process (DJANGO_DEBUG=false, Redis layer); ``FANOUT`` WebSockets in
   one room; the sender's ``send`` frames, one at a time, each timed until the last listener
   has its ``message.new``. Against it, in alternating blocks in the same run: a raw Redis
   PUBLISH to ``FANOUT`` subscribers (redis-py asyncio, one connection each), timed the same
   way. Targets: p95 to the last client within 5x of raw's p95 and under 50 ms; no drops.
3. Idle sockets: a fresh server process; its RSS with no socket (after a warm-up), then with
   ``IDLE`` chat sockets open and signed in (each has had its first presence frame): the
   memory per socket is reported.
4. Send path: two server processes; in each room half of the members on each; every member
   sends in turn at ``RATE`` messages/s overall for ``SECONDS`` s (open loop: sends are not
   held back by slow answers). Every ``message.new`` every member gets is counted against
   what was sent. Targets: at least 500 messages/s delivered, p95 delivery to every member
   under 100 ms, nothing lost (every send acknowledged, stored and heard by all members).
5. Writes the figures to bench/results/chat.txt.

The load generator is this process (asyncio, the ``websockets`` client), on the same 2 CPUs
as the servers, PostgreSQL and Redis: what it costs is in every figure, raw Redis's included.
"""

import asyncio
import json
import os
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

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
    purge_queue,
    server_cpu_seconds,
    start_server,
    start_worker,
    stop_group,
    write_result,
)

FANOUT = 100
ROOMS = 50
ROOM_SIZE = 10
IDLE = 1000
FRAME_TIMEOUT = 10.0
DRAIN_LIMIT = 300.0  # seconds the send path waits for its backlog after the last send
TASK_QUEUE = "kalpla-bench-chat"  # the servers' Celery tasks, run by the suite's own worker


# --- sockets ----------------------------------------------------------------------------


@dataclass
class Client:
    """One chat socket and what it heard: message bodies -> arrival (perf_counter)."""

    user_id: int
    ws: ClientConnection
    heard: dict[str, float] = field(default_factory=dict)
    acks: dict[str, dict] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    present: asyncio.Event = field(default_factory=asyncio.Event)
    on_message: Callable[[str, float], None] | None = None
    closed_by_server: str = ""  # close code and reason when the server ended the socket

    async def read(self) -> None:
        try:
            await self._read()
        except ConnectionClosed as closed:
            self.closed_by_server = (
                f"{closed.rcvd.code} {closed.rcvd.reason}" if closed.rcvd else "?"
            )

    async def _read(self) -> None:
        async for raw in self.ws:
            now = time.perf_counter()
            frame = json.loads(raw)
            kind = frame["type"]
            if kind == "message.new":
                body = frame["payload"]["message"]["body"]
                self.heard[body] = now
                if self.on_message is not None:
                    self.on_message(body, now)
            elif kind == "ack":
                self.acks[str(frame["id"])] = frame["payload"]
            elif kind == "error":
                self.errors.append(frame)
            elif kind == "presence" and self.user_id in frame["payload"]["online"]:
                self.present.set()

    async def send(self, body: str) -> None:
        frame = {"type": "send", "id": uuid.uuid4().hex, "payload": {"body": body}}
        await self.ws.send(json.dumps(frame))


async def open_clients(
    port: int, cookie: str, room_id: int, members: list[dict[str, Any]], tasks: set
) -> list[Client]:
    """Sockets for ``members`` of the room, each signed in and in the room (it has had the
    presence frame that names its user)."""

    async def one(member: dict[str, Any]) -> Client:
        ws = await connect(
            f"ws://{HOST}:{port}/ws/chat/{room_id}/",
            additional_headers={"Cookie": f"{cookie}={member['session']}"},
            max_size=None,
            ping_interval=None,
            open_timeout=60,
        )
        client = Client(user_id=member["id"], ws=ws)
        task = asyncio.create_task(client.read())
        tasks.add(task)
        await asyncio.wait_for(client.present.wait(), 60)
        return client

    return list(await asyncio.gather(*(one(m) for m in members)))


async def in_batches(factories: list[Callable[[], Awaitable[list[Client]]]], size: int) -> list:
    out: list = []
    for start in range(0, len(factories), size):
        for batch in await asyncio.gather(*(f() for f in factories[start : start + size])):
            out.extend(batch)
    return out


async def close_all(clients: list[Client], tasks: set) -> None:
    await asyncio.gather(*(c.ws.close() for c in clients), return_exceptions=True)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    tasks.clear()


# --- fan-out ------------------------------------------------------------------------------


@dataclass
class FanOut:
    chat: list[float] = field(default_factory=list)  # ms to the last listener, per message
    raw: list[float] = field(default_factory=list)
    chat_drops: int = 0
    raw_drops: int = 0
    server_cpu: float = 0.0  # the server's CPU seconds over the measured messages


class Arrivals:
    """Counts arrivals of one body at a time; ``done`` when every listener has it."""

    def __init__(self, listeners: int) -> None:
        self.listeners = listeners
        self.body = ""
        self.count = 0
        self.last = 0.0
        self.done = asyncio.Event()

    def expect(self, body: str) -> None:
        self.body, self.count, self.last = body, 0, 0.0
        self.done.clear()

    def __call__(self, body: str, now: float) -> None:
        if body == self.body:
            self.count += 1
            self.last = max(self.last, now)
            if self.count == self.listeners:
                self.done.set()


async def timed(arrivals: Arrivals, body: str, send: Callable[[], Awaitable[Any]]) -> float | None:
    """ms from just before ``send`` to the last listener's arrival (None: someone missed it)."""
    arrivals.expect(body)
    started = time.perf_counter()
    await send()
    try:
        await asyncio.wait_for(arrivals.done.wait(), FRAME_TIMEOUT)
    except TimeoutError:
        return None
    return (arrivals.last - started) * 1000


async def raw_subscribers(
    redis_url: str, channel: str, arrivals: Arrivals, count: int
) -> tuple[list[Any], list[asyncio.Task]]:
    pubsubs, tasks = [], []
    for _ in range(count):
        client = aioredis.Redis.from_url(redis_url)
        pubsub = client.pubsub()
        await pubsub.subscribe(channel)
        await pubsub.get_message(timeout=5)  # the subscribe confirmation

        async def listen(pubsub: Any = pubsub) -> None:
            async for message in pubsub.listen():
                if message["type"] == "message":
                    arrivals(message["data"].decode(), time.perf_counter())

        pubsubs.append((client, pubsub))
        tasks.append(asyncio.create_task(listen()))
    return pubsubs, tasks


async def fanout(
    port: int,
    groups: list[int],
    seeded: dict,
    redis_url: str,
    prefix: str,
    messages: int,
    log: Log,
) -> FanOut:
    room = seeded["fanout"]
    sender_info, *listeners_info = room["members"]
    tasks: set = set()
    listeners = await in_batches(
        [
            lambda chunk=chunk: open_clients(port, seeded["cookie"], room["id"], chunk, tasks)
            for chunk in (listeners_info[i : i + 25] for i in range(0, len(listeners_info), 25))
        ],
        size=1,
    )
    [sender] = await open_clients(port, seeded["cookie"], room["id"], [sender_info], tasks)
    chat_arrivals = Arrivals(len(listeners))
    for listener in listeners:
        listener.on_message = chat_arrivals
    raw_arrivals = Arrivals(len(listeners))
    channel = f"{prefix}:raw-fanout"
    pubs, raw_tasks = await raw_subscribers(redis_url, channel, raw_arrivals, len(listeners))
    publisher = aioredis.Redis.from_url(redis_url)
    result = FanOut()
    try:
        for n in range(10):  # warm-up, not measured
            await timed(chat_arrivals, f"warm {n}", lambda n=n: sender.send(f"warm {n}"))
            await timed(
                raw_arrivals, f"warm {n}", lambda n=n: publisher.publish(channel, f"warm {n}")
            )
        # Alternating blocks: a burst of other work on the machine hits both sides alike.
        block = 25
        cpu_before = sum(server_cpu_seconds(g) for g in groups)
        for start in range(0, messages, block):
            log(f"fan-out: messages {start + 1}-{min(start + block, messages)} of {messages}")
            for n in range(start, min(start + block, messages)):
                body = f"fan-out {n}"
                took = await timed(chat_arrivals, body, lambda body=body: sender.send(body))
                if took is None:
                    result.chat_drops += 1
                else:
                    result.chat.append(took)
                took = await timed(
                    raw_arrivals, body, lambda body=body: publisher.publish(channel, body)
                )
                if took is None:
                    result.raw_drops += 1
                else:
                    result.raw.append(took)
        result.server_cpu = sum(server_cpu_seconds(g) for g in groups) - cpu_before
        # A message some listener missed shows as a timeout above; count every frame too.
        for listener in listeners:
            missing = sum(1 for n in range(messages) if f"fan-out {n}" not in listener.heard)
            result.chat_drops = max(result.chat_drops, missing)
    finally:
        for task in raw_tasks:
            task.cancel()
        await asyncio.gather(*raw_tasks, return_exceptions=True)
        for client, pubsub in pubs:
            await pubsub.aclose()
            await client.aclose()
        await publisher.aclose()
        await close_all([*listeners, sender], tasks)
    return result


# --- idle sockets -------------------------------------------------------------------------


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


@dataclass
class Idle:
    sockets: int = 0
    before_kib: int = 0
    after_kib: int = 0
    held_kib: int = 0

    @property
    def per_socket_kib(self) -> float:
        return (max(self.after_kib, self.held_kib) - self.before_kib) / max(self.sockets, 1)


async def idle(port: int, pid: int, seeded: dict, count: int, log: Log) -> Idle:
    rooms = seeded["rooms"]
    tasks: set = set()
    # warm-up: every code path of a socket's life has run once before the first reading
    warm = await open_clients(port, seeded["cookie"], rooms[0]["id"], rooms[0]["members"], tasks)
    await close_all(warm, tasks)
    result = Idle(before_kib=rss_kib(pid))
    per_room = -(-count // len(rooms))  # sockets per room (members connect more than once)
    plan = []
    for room in rooms:
        members = [room["members"][i % len(room["members"])] for i in range(per_room)]
        plan.append((room["id"], members))
    plan_count = sum(len(m) for _r, m in plan)
    log(f"idle: opening {plan_count} sockets")
    clients = await in_batches(
        [
            lambda room_id=room_id, members=members: open_clients(
                port, seeded["cookie"], room_id, members, tasks
            )
            for room_id, members in plan
        ],
        size=5,
    )
    result.sockets = len(clients)
    result.after_kib = rss_kib(pid)
    await asyncio.sleep(3)  # held: what the idle sockets keep, after the connect bursts
    result.held_kib = rss_kib(pid)
    await close_all(clients, tasks)
    return result


# --- send path ----------------------------------------------------------------------------


@dataclass
class SendPath:
    offered_rate: float = 0.0
    seconds: float = 0.0
    sent: int = 0
    send_seconds: float = 0.0  # first to last send
    acked: int = 0
    errors: int = 0
    stored: int = 0
    expected_frames: int = 0
    frames: int = 0
    latencies: list[float] = field(default_factory=list)  # ms, every member's delivery
    first_send: float = 0.0
    last_delivery: float = 0.0
    server_cpu: float = 0.0  # both servers' CPU seconds from the first send to the end
    closed: dict[str, int] = field(default_factory=dict)  # sockets the server closed, by code
    held: set[str] = field(default_factory=set)  # bodies moderation held (heard by the author)

    @property
    def delivered_rate(self) -> float:
        """Messages heard by all their members per second, first send to last delivery."""
        span = self.last_delivery - self.first_send
        complete = self.frames / ROOM_SIZE
        return complete / span if span > 0 else 0.0


async def send_path(
    ports: list[int], groups: list[int], seeded: dict, rate: float, seconds: float, log: Log
) -> SendPath:
    rooms = seeded["rooms"]
    tasks: set = set()
    factories = []
    for room in rooms:
        half = len(room["members"]) // 2
        for port, members in (
            (ports[0], room["members"][:half]),
            (ports[1], room["members"][half:]),
        ):
            factories.append(
                lambda port=port, room=room, members=members: open_clients(
                    port, seeded["cookie"], room["id"], members, tasks
                )
            )
    log(f"send path: opening {len(rooms) * ROOM_SIZE} sockets on two processes")
    clients: list[Client] = await in_batches(factories, size=10)
    by_room = [clients[i * ROOM_SIZE : (i + 1) * ROOM_SIZE] for i in range(len(rooms))]
    sent_at: dict[str, float] = {}
    result = SendPath(offered_rate=rate, seconds=seconds)
    # warm-up: one message per room, every member hears it
    for n, members in enumerate(by_room):
        await members[0].send(f"warm {n}")
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline and not all(
        f"warm {n}" in c.heard for n, members in enumerate(by_room) for c in members
    ):
        await asyncio.sleep(0.05)
    for c in clients:
        c.heard.clear()
        c.acks.clear()
    # Open loop: the n-th send is due at start + n / rate whatever the answers do.
    total = int(rate * seconds)
    senders = [c for members in zip(*by_room, strict=True) for c in members]  # rooms interleaved
    log(f"send path: {total} messages at {rate:.0f}/s over {seconds:.0f} s")
    cpu_before = sum(server_cpu_seconds(g) for g in groups)
    start = time.perf_counter()
    result.first_send = start
    for n in range(total):
        due = start + n / rate
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        body = f"m{n}"
        sent_at[body] = time.perf_counter()
        await senders[n % len(senders)].send(body)
    result.sent = total
    result.send_seconds = time.perf_counter() - start
    room_of = {id(c): i for i, members in enumerate(by_room) for c in members}
    sender_room = [room_of[id(s)] for s in senders]
    want: dict[int, set[str]] = {i: set() for i in range(len(by_room))}
    for body in sent_at:
        want[sender_room[int(body[1:]) % len(senders)]].add(body)

    # Wait for every frame and every ack while they keep coming: an overloaded server drains
    # its backlog after the last send, and stopping it earlier counted frames still on their
    # way as lost (and messages not yet stored). Bounded: FRAME_TIMEOUT s without a new frame
    # or ack, or DRAIN_LIMIT s in all. The delivered rate counts to the last delivery, so a
    # long drain shows as a low rate, never as a better one.
    # A message moderation's screening holds (its ack says "held") reaches only its author, by
    # design: the local analyser reads some bodies as words ("m4554"). Not expected of the
    # others, and not counted as delivered.
    def held() -> set[str]:
        return {
            p["message"]["body"]
            for c in clients
            for p in c.acks.values()
            if p["message"].get("status") == "held" and p["message"]["body"] in sent_at
        }

    body_room = {body: sender_room[int(body[1:]) % len(senders)] for body in sent_at}

    def expected() -> int:
        held_in = dict.fromkeys(want, 0)
        for body in result.held:
            held_in[body_room[body]] += 1
        return sum((len(want[i]) - held_in[i]) * len(by_room[i]) for i in want)

    def complete() -> bool:
        frames = sum(1 for c in clients for b in c.heard if b in want[room_of[id(c)]] - result.held)
        acks = sum(1 for c in clients for p in c.acks.values() if p["message"]["body"] in sent_at)
        return frames >= result.expected_frames and acks >= total

    # Polled every 50 ms while the servers drain: counted cheaply (every socket's tallies),
    # the exact count only once the tallies reach what is expected, so that the load
    # generator does not take the CPU the servers drain with (500 sockets' frames counted
    # one by one took a fifth of a CPU).
    last_progress, last_count = time.perf_counter(), -1
    give_up = time.perf_counter() + DRAIN_LIMIT
    next_note = time.perf_counter() + 15
    while time.perf_counter() < give_up:
        result.held = held()
        result.expected_frames = expected()
        heard = sum(len(c.heard) for c in clients)
        acks = sum(len(c.acks) for c in clients)
        if heard >= result.expected_frames and acks >= total and complete():
            break
        if heard + acks != last_count:
            last_progress, last_count = time.perf_counter(), heard + acks
        elif time.perf_counter() - last_progress > FRAME_TIMEOUT:
            break
        if time.perf_counter() >= next_note:
            log(f"send path: draining, {heard}/{result.expected_frames} frames, {acks} acks")
            next_note += 15
        await asyncio.sleep(0.05)
    result.server_cpu = sum(server_cpu_seconds(g) for g in groups) - cpu_before
    result.held = held()
    result.expected_frames = expected()
    for c in clients:
        for body, arrived in c.heard.items():
            if body in sent_at and body not in result.held:
                result.latencies.append((arrived - sent_at[body]) * 1000)
                result.last_delivery = max(result.last_delivery, arrived)
        result.frames += sum(1 for b in c.heard if b in want[room_of[id(c)]] - result.held)
        # acks of the measured sends (a late warm-up ack is not one)
        result.acked += sum(1 for p in c.acks.values() if p["message"]["body"] in sent_at)
        result.errors += len(c.errors)
        if c.closed_by_server:
            result.closed[c.closed_by_server] = result.closed.get(c.closed_by_server, 0) + 1
    await close_all(clients, tasks)
    return result


# --- the suite ----------------------------------------------------------------------------


def seed(env: dict[str, str]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json") as handle:
        django_run(
            [
                "-m",
                "bench.chat_steps",
                "seed",
                handle.name,
                str(FANOUT),
                str(ROOMS),
                str(ROOM_SIZE),
            ],
            env,
            timeout=600,
        )
        return json.loads(Path(handle.name).read_text())


def stored(env: dict[str, str], room_ids: list[int]) -> int:
    with tempfile.NamedTemporaryFile(suffix=".json") as handle:
        django_run(["-m", "bench.chat_steps", "count", handle.name, *map(str, room_ids)], env)
        return int(json.loads(Path(handle.name).read_text())["stored"])


def checks_of(fan: FanOut, path: SendPath) -> Checks:
    chat95, raw95 = percentile(fan.chat, 95), percentile(fan.raw, 95)
    lat95 = percentile(path.latencies, 95)
    lost = path.expected_frames - path.frames
    return [
        (
            f"fan-out to {FANOUT} sockets: p95 to the last one within 5x raw Redis PUBLISH: "
            f"{chat95:.1f} ms vs {raw95:.1f} ms = {chat95 / raw95:.1f}x",
            chat95 <= 5 * raw95,
        ),
        (f"fan-out p95 to the last socket < 50 ms: {chat95:.1f} ms", chat95 < 50),
        (
            f"fan-out: no drops: chat {fan.chat_drops}, raw {fan.raw_drops}",
            fan.chat_drops == 0 and fan.raw_drops == 0,
        ),
        (
            f"send path >= 500 messages/s delivered to every member: "
            f"{path.delivered_rate:.0f}/s (offered {path.offered_rate:.0f}/s, sent in "
            f"{path.send_seconds:.1f} s)",
            path.delivered_rate >= 500,
        ),
        (f"send path p95 delivery to every member < 100 ms: {lat95:.1f} ms", lat95 < 100),
        (
            f"send path: nothing lost: {path.sent} sent, {path.acked} acknowledged, "
            f"{path.stored} stored, {path.frames}/{path.expected_frames} frames heard, "
            f"{path.errors} error frames",
            lost == 0 and path.errors == 0 and path.acked == path.sent and path.stored == path.sent,
        ),
    ]


def report(
    fan: FanOut, held: Idle, path: SendPath, checks: Checks, load_before: tuple, messages: int
) -> str:
    def row(label: str, values: list[float]) -> str:
        return (
            f"{label:<44} {percentile(values, 50):8.1f} {percentile(values, 95):8.1f} "
            f"{percentile(values, 99):8.1f} {max(values, default=float('nan')):8.1f} "
            f"{len(values):>7}"
        )

    head = f"{'':<44} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'count':>7}"
    lines = [
        f"Kalpla bench, chat suite, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"uvicorn (1 worker per process) on {HOST}, DJANGO_DEBUG=false, PostgreSQL + Redis "
        f"channel layer, the servers' Celery tasks on a worker of their own (its CPU counted "
        f"with the servers'); {os.cpu_count()} CPUs shared with the load generator (this process)",
        machine_line(load_before),
        "",
        f"Fan-out: one message to {FANOUT} sockets in one room, {messages} messages one at a "
        "time, in alternating blocks of 25 with raw Redis (time to the last receiver):",
        head,
        row(f"chat: send frame -> {FANOUT} x message.new", fan.chat),
        row(f"raw Redis: PUBLISH -> {FANOUT} subscribers", fan.raw),
        f"  server and worker CPU per fan-out message: "
        f"{fan.server_cpu * 1000 / max(len(fan.chat), 1):.1f} ms",
        "",
        f"Idle sockets: {held.sockets} chat sockets held by one server process",
        f"  RSS {held.before_kib / 1024:.1f} MiB before, {held.after_kib / 1024:.1f} MiB with "
        f"them open, {held.held_kib / 1024:.1f} MiB 3 s later: "
        f"{held.per_socket_kib:.1f} KiB per socket",
        "",
        f"Send path: {ROOMS} rooms of {ROOM_SIZE}, half of each room on each of two server "
        f"processes, every member sending in turn, {path.offered_rate:.0f} messages/s offered "
        f"for {path.seconds:.0f} s:",
        f"  {path.sent} sent in {path.send_seconds:.1f} s, {path.acked} acknowledged, "
        f"{path.stored} stored, {path.frames}/{path.expected_frames} message.new frames heard, "
        f"{path.errors} error frames; {path.delivered_rate:.0f} messages/s delivered to every "
        "member (first send to last delivery)",
        f"  held by moderation's screening (shown to their author only, by design; not expected "
        f"of the others): {len(path.held)}"
        + (f" ({', '.join(sorted(path.held))})" if path.held else ""),
        "  sockets the server closed during the run (their later acks and frames are lost to "
        "this client, which does not reconnect): "
        + (", ".join(f"{n} with {code}" for code, n in sorted(path.closed.items())) or "none"),
        head,
        row("send frame -> message.new, every member", path.latencies),
        f"  both servers' and the worker's CPU: {path.server_cpu:.1f} s, "
        f"{path.server_cpu * 1000 / max(path.stored, 1):.1f} ms per stored message "
        f"(500 messages/s needs under {2000 / 500:.0f} ms on these 2 CPUs with nothing else running)",
        "",
        "Targets:",
        *(f"  [{'PASS' if ok else 'FAIL'}] {text}" for text, ok in checks),
    ]
    return "\n".join(lines) + "\n"


def run(
    *,
    database_url: str,
    log: Log,
    messages: int = 200,
    rate: float = 500.0,
    seconds: float = 10.0,
) -> Checks:
    """Seed, serve and drive the chat; write bench/results/chat.txt; the targets' outcomes."""
    load_before = os.getloadavg()
    prefix = "kalpla-bench-chat"
    env = bench_env(database_url, prefix=prefix)
    # Per-user frame limits stop spam; the bench's senders are many users' worth.
    env.update(KALPLA_CHAT_FRAMES_PER_ROOM="100000000", KALPLA_CHAT_FRAMES_PER_USER="100000000")
    # Likewise the moderation's spam limits (messages a minute, the same text twice), and its
    # new accounts' pre-moderation: the seeded members are established ones. Every message
    # is still screened.
    env.update(
        KALPLA_MODERATION_NEW_ACCOUNT_POSTS="0",
        KALPLA_MODERATION_MESSAGES_PER_MINUTE="0",
        KALPLA_MODERATION_DUPLICATE_WINDOW="0",
    )
    started = time.monotonic()
    log("chat: seeding rooms and sessions")
    seeded = seed(env)
    # The servers queue their Celery tasks (the unread pushes) for a worker, as production
    # does; the suite's own worker runs them on the same CPUs and its CPU time is counted.
    server_env = {
        **bench_env(database_url, prefix=prefix, workers_on=TASK_QUEUE),
        **{k: v for k, v in env.items() if k.startswith("KALPLA_")},
    }
    purge_queue(server_env)
    servers = []
    worker = start_worker(server_env, concurrency=1)
    try:
        ports = [free_port(), free_port()]
        log(f"chat: starting uvicorn on {HOST}:{ports[0]}")
        servers.append(start_server(server_env, ports[0], 1))
        fan = asyncio.run(
            fanout(
                ports[0],
                [servers[0].pid, worker.pid],
                seeded,
                env["REDIS_URL"],
                prefix,
                messages,
                log,
            )
        )
        idle_port = free_port()
        log(f"chat: starting a fresh uvicorn on {HOST}:{idle_port} for idle sockets")
        idle_server = start_server(server_env, idle_port, 1)
        try:
            held = asyncio.run(idle(idle_port, idle_server.pid, seeded, IDLE, log))
        finally:
            stop_group(idle_server)
        log(f"chat: starting a second uvicorn on {HOST}:{ports[1]}")
        servers.append(start_server(server_env, ports[1], 1))
        groups = [s.pid for s in servers] + [worker.pid]
        path = asyncio.run(send_path(ports, groups, seeded, rate, seconds, log))
    finally:
        for server in servers:
            stop_group(server)
        stop_group(worker)
        purge_queue(server_env)
        cache_clear(env)
    path.stored = stored(env, [r["id"] for r in seeded["rooms"]]) - len(seeded["rooms"])
    checks = checks_of(fan, path)
    text = report(fan, held, path, checks, load_before, messages)
    text += f"\n(run time {time.monotonic() - started:.0f} s)\n"
    log(f"chat: written to {write_result('chat', text)}")
    return checks
