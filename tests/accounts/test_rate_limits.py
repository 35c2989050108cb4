"""The fixed-window counters behind the sign-up and password-reset limits."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache

from accounts.rate_limits import Limit, rate_limit_hit, rate_limits_hit

HOUR_START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
THREE_AN_HOUR = Limit("test", 3, 3600)


def at(minutes: float):
    return time_machine.travel(HOUR_START + timedelta(minutes=minutes), tick=False)


def test_it_allows_up_to_the_limit_then_says_how_long_to_wait():
    with at(15):
        waits = [rate_limit_hit(limit=THREE_AN_HOUR, key="a@example.com") for _ in range(5)]

    assert waits == [0, 0, 0, 45 * 60, 45 * 60]


def test_the_count_starts_again_in_the_next_window():
    with at(59):
        for _ in range(4):
            rate_limit_hit(limit=THREE_AN_HOUR, key="a@example.com")
    with at(60):
        assert rate_limit_hit(limit=THREE_AN_HOUR, key="a@example.com") == 0


def test_keys_and_limits_are_counted_apart():
    with at(0):
        for _ in range(3):
            rate_limit_hit(limit=THREE_AN_HOUR, key="a@example.com")

        assert rate_limit_hit(limit=THREE_AN_HOUR, key="b@example.com") == 0
        assert rate_limit_hit(limit=Limit("other", 3, 3600), key="a@example.com") == 0
        assert rate_limit_hit(limit=THREE_AN_HOUR, key="a@example.com") > 0


def test_several_limits_answer_with_the_longest_wait():
    per_minute = Limit("minute", 1, 60)
    with at(10.5):
        first = rate_limits_hit(hits=[(per_minute, "k"), (THREE_AN_HOUR, "k")])
        second = rate_limits_hit(hits=[(per_minute, "k"), (THREE_AN_HOUR, "k")])
        rate_limits_hit(hits=[(per_minute, "k"), (THREE_AN_HOUR, "k")])
        fourth = rate_limits_hit(hits=[(per_minute, "k"), (THREE_AN_HOUR, "k")])

    assert (first, second, fourth) == (0, 30, 49.5 * 60)


def test_no_address_appears_in_the_cache():
    if not isinstance(cache._cache, dict):
        pytest.skip("looks into the local-memory cache")
    with at(0):
        rate_limit_hit(limit=THREE_AN_HOUR, key="private@example.com")

    keys = list(cache._cache)  # the local-memory cache's own store
    assert keys
    assert not any("private" in key for key in keys)
