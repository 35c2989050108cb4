"""A small HTTP load generator: client threads with keep-alive connections.

Each client sends one request at a time for a fixed duration and records the latency
of every response. Pure standard library, so the bench needs nothing but Python.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from dataclasses import dataclass, field

# In a request body, replaced by a fresh number on every request (so that, say, an
# autosave really has new text to store each time).
COUNTER = b"__N__"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    expect: tuple[int, ...] = (200,)


@dataclass
class Measurement:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]
    error_samples: list[str]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile_ms(self, percent: int) -> float:
        if not self.latencies:
            return 0.0
        if len(self.latencies) == 1:
            return self.latencies[0] * 1000
        cuts = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return cuts[percent - 1] * 1000


def _client(
    host: str,
    port: int,
    request: Request,
    start: threading.Barrier,
    deadline_box: list[float],
    latencies: list[float],
    errors: list[str],
) -> None:
    connection = http.client.HTTPConnection(host, port, timeout=30)
    varies = COUNTER in request.body
    sent = 0
    start.wait()
    deadline = deadline_box[0]
    perf_counter = time.perf_counter
    while perf_counter() < deadline:
        sent += 1
        body = request.body.replace(COUNTER, str(sent).encode()) if varies else request.body
        began = perf_counter()
        try:
            connection.request(request.method, request.path, body or None, request.headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            connection.close()
            continue
        latencies.append(perf_counter() - began)
        if response.status not in request.expect:
            location = response.getheader("Location", "")
            errors.append(f"HTTP {response.status} {location}".strip())
    connection.close()


def measure(
    *,
    host: str,
    port: int | list[int],
    requests: list[Request],
    clients: int,
    seconds: float,
) -> Measurement:
    """Run ``clients`` concurrent clients for ``seconds``; client i sends requests[i % n]
    to ports[i % number of ports] (one port per app server)."""
    ports = [port] if isinstance(port, int) else port
    per_client: list[tuple[list[float], list[str]]] = [([], []) for _ in range(clients)]
    deadline_box = [0.0]
    start = threading.Barrier(clients + 1)
    threads = [
        threading.Thread(
            target=_client,
            args=(
                host,
                ports[i % len(ports)],
                requests[i % len(requests)],
                start,
                deadline_box,
                *results,
            ),
            daemon=True,
        )
        for i, results in enumerate(per_client)
    ]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline_box[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.perf_counter() - began
    latencies = [value for values, _ in per_client for value in values]
    errors = [error for _, errs in per_client for error in errs]
    return Measurement(
        requests=len(latencies),
        errors=len(errors),
        seconds=elapsed,
        latencies=latencies,
        error_samples=sorted(set(errors))[:5],
    )
