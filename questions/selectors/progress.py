"""Reads for the progress dashboard: coverage of a bank, scores over time, topic
mastery, practice streaks and totals. Aggregates run in the database; Python only
sees bounded results (one row per level, tag or practice day)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Trunc, TruncDate
from django.utils import timezone

from accounts.models import User
from questions.models import (
    Attempt,
    AttemptStatus,
    Bank,
    Level,
    MockInterview,
    Question,
    SelfRating,
    Tag,
)
from questions.selectors.history import (
    DONE_STATUSES,
    done_attempts,
    outcome_counts,
    score,
    time_used,
)


def practice_moment():
    """When an attempt was practised: its submission, or its start if it has none."""
    return Coalesce("submitted", "started")


@dataclass(frozen=True)
class LevelCoverage:
    level: str
    label: str
    seen: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.seen / self.total) if self.total else 0


def bank_coverage(*, user: User, bank: Bank) -> list[LevelCoverage]:
    """Per level: active questions of ``bank`` the user has practised, of all (one query)."""
    practised = done_attempts(user=user).filter(question=OuterRef("pk"))
    rows = (
        Question.objects.active()
        .filter(bank=bank)
        .annotate(practised=Exists(practised))
        .values("level")
        .annotate(total=Count("pk"), seen=Count("pk", filter=Q(practised=True)))
        .order_by()
    )
    by_level = {row["level"]: row for row in rows}
    return [
        LevelCoverage(
            level=value,
            label=label,
            seen=by_level.get(value, {}).get("seen", 0),
            total=by_level.get(value, {}).get("total", 0),
        )
        for value, label in Level.choices
    ]


@dataclass(frozen=True)
class DayScore:
    """Scores of one period (a day, week or month) starting on ``day``."""

    day: date
    attempts: int
    coverage: float
    rated: int
    rating: float | None


MAX_POINTS = 60


def score_period(*, first: date | None, last: date | None) -> str:
    """The period to plot scores by so a chart keeps at most about 60 points:
    "day" for up to 60 days of history, "week" for up to 60 weeks, else "month"."""
    if first is None or last is None or (last - first).days < MAX_POINTS:
        return "day"
    if (last - first).days < MAX_POINTS * 7:
        return "week"
    return "month"


def scores_over_time(
    *, user: User, bank: Bank | None = None, period: str = "day"
) -> list[DayScore]:
    """Average coverage and self-rating per day, week or month of practice, in the user's
    time zone (weeks start on Monday). A skipped answer counts as 0 coverage."""
    qs = done_attempts(user=user)
    if bank is not None:
        qs = qs.filter(interview__bank=bank)
    if period == "day":
        start = TruncDate(practice_moment(), tzinfo=user.tzinfo)
    else:
        start = Trunc(practice_moment(), period, tzinfo=user.tzinfo)
    rows = (
        qs.annotate(start=start)
        .values("start")
        .annotate(
            attempts=Count("pk"),
            coverage=Avg(score()),
            rated=Count("self_rating"),
            rating=Avg("self_rating"),
        )
        .order_by("start")
    )
    return [
        DayScore(
            day=row.pop("start") if period == "day" else row.pop("start").date(),
            **row,
        )
        for row in rows
    ]


def practice_days(*, user: User) -> list[date]:
    """The distinct days (user's time zone) on which the user practised, oldest first."""
    return list(
        done_attempts(user=user)
        .annotate(day=TruncDate(practice_moment(), tzinfo=user.tzinfo))
        .values_list("day", flat=True)
        .distinct()
        .order_by("day")
    )


def practice_day_counts(*, user: User) -> list[tuple[date, int]]:
    """How many questions the user practised on each day they practised (in their time
    zone), oldest first: the data of the calendar heatmap and of the streak (one query)."""
    rows = (
        done_attempts(user=user)
        .annotate(day=TruncDate(practice_moment(), tzinfo=user.tzinfo))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    return [(row["day"], row["n"]) for row in rows]


HEATMAP_DAYS = 365


def heatmap_days(
    day_counts: Iterable[tuple[date, int]], *, today: date, days: int = HEATMAP_DAYS
) -> list[tuple[date, int]]:
    """Every day of the last ``days`` (today included), oldest first, with its count."""
    counts = dict(day_counts)
    first = today - timedelta(days=days - 1)
    every = (first + timedelta(days=i) for i in range(days))
    return [(day, counts.get(day, 0)) for day in every]


@dataclass(frozen=True)
class Streak:
    current: int
    longest: int
    practised_today: bool


def streak_from_days(days: Iterable[date], *, today: date) -> Streak:
    """Consecutive practice days ending today, or yesterday if today has none yet."""
    unique = sorted(set(days))
    longest = run = 0
    previous = None
    for day in unique:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    practised = set(unique)
    start = today if today in practised else today - timedelta(days=1)
    current = 0
    while start - timedelta(days=current) in practised:
        current += 1
    return Streak(current=current, longest=longest, practised_today=today in practised)


def local_today(*, user: User, now: datetime | None = None) -> date:
    """Today's date where the user lives."""
    return (now or timezone.now()).astimezone(user.tzinfo).date()


def practice_streak(*, user: User, now: datetime | None = None) -> Streak:
    return streak_from_days(practice_days(user=user), today=local_today(user=user, now=now))


@dataclass(frozen=True)
class Totals:
    """``attempts`` counts every finished question: ``answered`` in time, ``timed_out``
    (the answer kept) and ``skipped``."""

    attempts: int
    answered: int
    timed_out: int
    skipped: int
    interviews: int
    questions: int
    time_used: timedelta
    average_coverage: float | None
    first: datetime | None
    last: datetime | None
    retention: "Retention | None" = None

    @property
    def answers(self) -> int:
        """Questions with an answer: given in time, or kept when time ran out (not skips)."""
        return self.answered + self.timed_out


RETENTION_WINDOWS = (7, 30, 365)


@dataclass(frozen=True)
class RetentionWindow:
    """Reviews of questions seen before, over the last ``days`` local days (today
    included), and how many of them were recalled."""

    days: int
    reviews: int
    recalled: int

    @property
    def rate(self) -> float | None:
        """The share recalled, 0–100, or None without reviews."""
        return 100 * self.recalled / self.reviews if self.reviews else None


@dataclass(frozen=True)
class Retention:
    windows: list[RetentionWindow]


def review_outcome() -> tuple[Q, Q]:
    """``(reviewed, recalled)``: an attempt that reviewed its card, as
    ``questions.services.reviews.rating_for_attempt`` rates it, and one rated Hard, Good
    or Easy. A timed-out or empty answer counts as Again, so it is a review, not recalled."""
    failed = (
        Q(timed_out=True)
        | Q(status=AttemptStatus.TIMED_OUT)
        | Q(answer__regex=r"^\s*$")
        | Q(self_rating=SelfRating.AGAIN)
    )
    reviewed = failed | Q(self_rating__isnull=False)
    recalled = ~failed & Q(self_rating__gte=SelfRating.HARD)
    return reviewed, recalled


def seen_before() -> Exists:
    """The attempt's question was practised by its owner before it (an earlier practice
    moment, or the same one and a lower id)."""
    moment = practice_moment()
    outer = Coalesce(OuterRef("submitted"), OuterRef("started"))
    earlier = (
        Attempt.objects.filter(
            owner=OuterRef("owner"), question=OuterRef("question"), status__in=DONE_STATUSES
        )
        .annotate(moment=moment)
        .filter(Q(moment__lt=outer) | Q(moment=outer, pk__lt=OuterRef("pk")))
    )
    return Exists(earlier)


def _retention_aggregates(*, user: User, today: date) -> dict[str, Count]:
    """Counts of the annotations ``review`` and ``recall`` within each window."""
    aggregates = {}
    for days in RETENTION_WINDOWS:
        since = datetime.combine(today - timedelta(days=days - 1), time.min, tzinfo=user.tzinfo)
        window = Q(moment__gte=since)
        aggregates[f"reviews_{days}"] = Count("pk", filter=window & Q(review=True))
        aggregates[f"recalled_{days}"] = Count("pk", filter=window & Q(recall=True))
    return aggregates


def practice_totals(*, user: User, now: datetime | None = None) -> Totals:
    """All the user's practice in every bank, and the retention of their reviews over the
    last 7, 30 and 365 days (one query)."""
    today = local_today(user=user, now=now)
    reviewed, recalled = review_outcome()
    row = (
        done_attempts(user=user)
        .annotate(moment=practice_moment(), seen_before=seen_before())
        .annotate(
            review=ExpressionWrapper(reviewed & Q(seen_before=True), output_field=BooleanField()),
            recall=ExpressionWrapper(recalled & Q(seen_before=True), output_field=BooleanField()),
        )
        .aggregate(
            attempts=Count("pk"),
            **outcome_counts(),
            interviews=Count("interview", distinct=True),
            questions=Count("question", distinct=True),
            time_used=Sum(time_used()),
            average_coverage=Avg(score()),
            first=Min(practice_moment()),
            last=Max(practice_moment()),
            **_retention_aggregates(user=user, today=today),
        )
    )
    row["time_used"] = row["time_used"] or timedelta(0)
    retention = Retention(
        windows=[
            RetentionWindow(
                days=days,
                reviews=row.pop(f"reviews_{days}"),
                recalled=row.pop(f"recalled_{days}"),
            )
            for days in RETENTION_WINDOWS
        ]
    )
    return Totals(**row, retention=retention)


def tag_mastery(*, user: User, bank: Bank) -> list[Tag]:
    """Topics of ``bank``, weakest first, with the user's mastery of each (one query).

    Mastery is the average coverage of the user's latest attempt at each practised
    question of the topic, so it follows the user's current level rather than their
    past. Annotations: ``total`` (active questions), ``seen`` (practised ones),
    ``mastery`` (0–100 or None when none is practised) and ``rating`` (average of the
    latest self-ratings). Topics never practised come last.
    """
    latest = (
        done_attempts(user=user)
        .filter(question=OuterRef("questions"))
        .order_by("-submitted", "-pk")
    )
    latest_score = Subquery(latest.annotate(score=score()).values("score")[:1])
    latest_rating = Subquery(latest.values("self_rating")[:1])
    active = Q(questions__is_active=True)
    return list(
        Tag.objects.filter(bank=bank)
        .annotate(
            total=Count("questions", filter=active),
            seen=Count(latest_score, filter=active),
            mastery=Avg(latest_score, filter=active),
            rating=Avg(latest_rating, filter=active),
        )
        .filter(total__gt=0)
        .order_by(F("mastery").asc(nulls_last=True), "name")
    )


def weakest_tags(tags: Iterable[Tag], *, count: int = 3) -> list[Tag]:
    """The ``count`` practised topics with the lowest mastery (``tags`` sorted weakest first)."""
    return [tag for tag in tags if tag.mastery is not None][:count]


def last_practised_bank_id(*, user: User) -> int | None:
    """The bank of the user's latest interview, to open the dashboard on."""
    return (
        MockInterview.objects.filter(owner=user)
        .order_by("-started")
        .values_list("bank_id", flat=True)
        .first()
    )
