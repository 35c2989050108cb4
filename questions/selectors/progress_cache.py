"""The progress aggregates of ``questions/selectors/progress.py``, cached per user.

The aggregates read all of a user's finished attempts, which only change through the
services that raise the user's ``activity_version`` (``questions/services/activity.py``).
Every key names:

- the user: id and the instant they joined, so an account made later under a reused id
  never meets the entries of a deleted one;
- their activity version, so a new answer, skip, time-out, rating or review makes every
  entry of the user stale at once, in every process;
- their time zone, which places attempts on days, weeks and months;
- their local date, so no entry outlives the day it was made on;
- for a bank's topics and levels, ``Bank.content_key``, which moves with every edit of
  its questions and tags.

Nothing that depends on the time of day is cached: the streak and the calendar heatmap
are worked out from the cached counts per practice day and today's date on each
request, and the review queue (what is due today, the forecast, what comes next, each
card's retrievability) is always read from the database. The retention of reviews over
the last 7, 30 and 365 days counts whole local days, so it keeps with the date.

These take a user loaded for the current request (``request.user``): a user object
kept across a change would carry an old version.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from django.core.cache import cache

from accounts.models import User
from questions.charts import Heatmap, calendar_heatmap
from questions.models import Bank, Tag
from questions.selectors.progress import (
    DayScore,
    LevelCoverage,
    Streak,
    Totals,
    bank_coverage,
    heatmap_days,
    local_today,
    practice_day_counts,
    practice_totals,
    scores_over_time,
    streak_from_days,
    tag_mastery,
)

# Raise when the shape of a cached value changes, so no process reads the old shape.
KEY_VERSION = 3
# Entries are stale after the user's day ends anyway; this only bounds what is kept.
TIMEOUT = 24 * 60 * 60
_MISSING = object()

T = TypeVar("T")


def progress_key(*, user: User, name: str, now: datetime | None = None) -> str:
    """The cache key of one aggregate of ``user`` as their practice stands now."""
    return ":".join(
        (
            f"progress{KEY_VERSION}",
            f"{user.pk}-{user.date_joined.timestamp():.6f}",
            str(user.activity_version),
            user.timezone,
            local_today(user=user, now=now).isoformat(),
            name,
        )
    )


def _remember(key: str, compute: Callable[[], T]) -> T:
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def cached_practice_totals(*, user: User, now: datetime | None = None) -> Totals:
    """Totals and review retention (its windows end on today, or on the day of ``now``)."""
    return _remember(
        progress_key(user=user, name="totals", now=now),
        lambda: practice_totals(user=user, now=now),
    )


def cached_practice_day_counts(
    *, user: User, now: datetime | None = None
) -> list[tuple[date, int]]:
    """Questions practised per local day, oldest first (the heatmap's and streak's data)."""
    return _remember(
        progress_key(user=user, name="day-counts", now=now),
        lambda: practice_day_counts(user=user),
    )


def cached_practice_heatmap(*, user: User, now: datetime | None = None) -> Heatmap:
    """The calendar of the last year, its squares and table rows already rendered (a year
    of practice is some 700 elements: built once per user and day, not on every view)."""

    def compute() -> Heatmap:
        days = cached_practice_day_counts(user=user, now=now)
        heatmap = calendar_heatmap(heatmap_days(days, today=local_today(user=user, now=now)))
        heatmap.render()
        return heatmap

    return _remember(progress_key(user=user, name="heatmap", now=now), compute)


def cached_practice_streak(*, user: User, now: datetime | None = None) -> Streak:
    """The streak as of today (or ``now``), from the cached practice days."""
    days = [day for day, _ in cached_practice_day_counts(user=user, now=now)]
    return streak_from_days(days, today=local_today(user=user, now=now))


def cached_scores_over_time(*, user: User, bank: Bank | None, period: str) -> list[DayScore]:
    scope = "all" if bank is None else f"bank{bank.pk}"
    return _remember(
        progress_key(user=user, name=f"scores:{scope}:{period}"),
        lambda: scores_over_time(user=user, bank=bank, period=period),
    )


def cached_tag_mastery(*, user: User, bank: Bank) -> list[Tag]:
    return _remember(
        progress_key(user=user, name=f"mastery:{bank.content_key}"),
        lambda: tag_mastery(user=user, bank=bank),
    )


def cached_bank_coverage(*, user: User, bank: Bank) -> list[LevelCoverage]:
    return _remember(
        progress_key(user=user, name=f"coverage:{bank.content_key}"),
        lambda: bank_coverage(user=user, bank=bank),
    )
