"""A small closed-loop HTTP/1.1 load generator (asyncio, keep-alive, loopback only).

Each virtual user holds one connection and sends its next request when the previous answer
has arrived, after an optional think time. Latency is measured per request, from writing the
request to reading the last byte of the answer.
"""

import asyncio
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Result:
    name: str
    users: int
    seconds: float
    think: tuple[float, float] | None
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    answered: int = 0
    """Every answer, the warm-up's included (the server's CPU time is divided by it)."""

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0] * 1000
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(p) - 1] * 1000

    @property
    def ok(self) -> bool:
        return not self.errors and set(self.statuses) == {200}


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def _user(
    *,
    host: str,
    port: int,
    request: bytes,
    start: float,
    warmup_end: float,
    end: float,
    think: tuple[float, float] | None,
    result: Result,
    rng: random.Random,
) -> None:
    if think:  # spread the users out instead of firing all at once
        await asyncio.sleep(rng.uniform(0, think[1]))
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            writer.write(request)
            try:
                status = await _read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                result.errors[type(exc).__name__] += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            t1 = time.perf_counter()
            result.answered += 1
            if t0 >= warmup_end and t1 <= end:
                result.latencies.append(t1 - t0)
                result.statuses[status] += 1
            if think:
                await asyncio.sleep(rng.uniform(*think))
    finally:
        writer.close()


async def run(
    *,
    name: str,
    host: str,
    port: int,
    path: str,
    users: int,
    seconds: float,
    warmup: float = 2.0,
    cookie: str | None = None,
    think: tuple[float, float] | None = None,
) -> Result:
    headers = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: kalpla-bench\r\n"
    if cookie:
        headers += f"Cookie: {cookie}\r\n"
    request = (headers + "Connection: keep-alive\r\n\r\n").encode()
    result = Result(name=name, users=users, seconds=seconds, think=think)
    start = time.perf_counter()
    warmup_end = start + warmup
    end = warmup_end + seconds
    rng = random.Random(7)
    await asyncio.gather(
        *(
            _user(
                host=host,
                port=port,
                request=request,
                start=start,
                warmup_end=warmup_end,
                end=end,
                think=think,
                result=result,
                rng=rng,
            )
            for _ in range(users)
        )
    )
    return result


async def send_once(
    *,
    host: str,
    port: int,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes = b"",
    at: float = 0.0,
) -> tuple[int, float]:
    """One request on its own connection, ``at`` seconds from now: (status, latency in s),
    status 0 on a connection error. The latency counts from opening the connection."""
    await asyncio.sleep(at)
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "User-Agent: kalpla-bench"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    lines += [f"Content-Length: {len(body)}", "Connection: close", "", ""]
    t0 = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError:
        return 0, time.perf_counter() - t0
    try:
        writer.write("\r\n".join(lines).encode() + body)
        status = await _read_response(reader)
        return status, time.perf_counter() - t0
    except (asyncio.IncompleteReadError, ConnectionError):
        return 0, time.perf_counter() - t0
    finally:
        writer.close()
