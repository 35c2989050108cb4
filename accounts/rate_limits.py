"""Fixed-window request counters in the cache: how often sign-up and password reset may
send email, per client address and per email address.

Each window of ``Limit.seconds`` has its own counter, so a burst is cut off at the limit
and the count starts again with the next window. The cache is the app's own (local
memory, or Redis with REDIS_URL, shared by every worker and server).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone


@dataclass(frozen=True)
class Limit:
    """At most ``count`` requests per ``seconds`` for each key of ``name``."""

    name: str
    count: int
    seconds: int


def rate_limit_hit(*, limit: Limit, key: str) -> int:
    """Count one request of ``key`` against ``limit``.

    Returns 0 when it is within the limit, otherwise the seconds until the window ends.
    Keys are stored as digests, so no address appears in the cache.
    """
    now = timezone.now().timestamp()
    window = int(now // limit.seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"rate-limit:{limit.name}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=limit.seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the counter expired between add and incr
        cache.set(cache_key, 1, timeout=limit.seconds)
        count = 1
    if count <= limit.count:
        return 0
    return max(1, math.ceil((window + 1) * limit.seconds - now))


def rate_limits_hit(*, hits: list[tuple[Limit, str]]) -> int:
    """Count one request against each (limit, key); the longest wait, 0 when all allow it."""
    return max((rate_limit_hit(limit=limit, key=key) for limit, key in hits), default=0)
