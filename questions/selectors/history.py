"""Reads of a user's past practice: interviews, attempts and per-question histories.

Everything here is aggregated in the database so a page costs the same number of
queries whatever the amount of history.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Least

from accounts.models import User
from questions.models import Attempt, AttemptStatus, MockInterview, Question, SelfRating

DONE_STATUSES = (AttemptStatus.ANSWERED, AttemptStatus.TIMED_OUT, AttemptStatus.SKIPPED)
# An untimed (practice) attempt left open counts for at most this long.
MAX_UNTIMED = timedelta(minutes=30)
RATING_FIELDS = {rating.value: f"rated_{rating.label.lower()}" for rating in SelfRating}


def time_used(prefix: str = "") -> ExpressionWrapper:
    """The time an attempt took: from its start to its submission, capped by its deadline.

    ``prefix`` reaches the attempt through a relation, e.g. ``"attempts__"``.
    """
    started = F(f"{prefix}started")
    end = Coalesce(F(f"{prefix}submitted"), started)
    cap = Coalesce(F(f"{prefix}deadline"), started + MAX_UNTIMED)
    return ExpressionWrapper(
        Least(end, cap, output_field=DateTimeField()) - started, output_field=DurationField()
    )


def score(prefix: str = "") -> Coalesce:
    """An attempt's coverage, counting a skipped (unscored) attempt as 0."""
    return Coalesce(F(f"{prefix}coverage"), 0)


def outcome_counts() -> dict[str, Count]:
    """Aggregates counting attempts by outcome: ``answered`` (in time), ``timed_out`` (the
    answer kept when time ran out) and ``skipped``. Every finished attempt is in one."""
    return {
        "answered": Count("pk", filter=Q(status=AttemptStatus.ANSWERED)),
        "timed_out": Count("pk", filter=Q(status=AttemptStatus.TIMED_OUT)),
        "skipped": Count("pk", filter=Q(status=AttemptStatus.SKIPPED)),
    }


def done_attempts(*, user: User) -> QuerySet[Attempt]:
    """The user's attempts that have an outcome (answered, timed out or skipped)."""
    return Attempt.objects.filter(owner=user, status__in=DONE_STATUSES)


def interviews_for_history(*, user: User) -> QuerySet[MockInterview]:
    """The user's interviews, newest first (totals come from ``interview_totals``)."""
    return (
        MockInterview.objects.filter(owner=user).select_related("bank").order_by("-started", "-pk")
    )


@dataclass(frozen=True)
class InterviewTotals:
    done: int = 0
    answered: int = 0
    timed_out: int = 0
    skipped: int = 0
    avg_coverage: float | None = None
    time_used: timedelta | None = None
    ratings: dict[int, int] = field(default_factory=dict)


def interview_totals(*, interviews: list[MockInterview]) -> dict[int, InterviewTotals]:
    """Totals of each of ``interviews`` (one query over their attempts only, so a page of
    history costs the same however long the history is).

    ``done`` counts the attempts with an outcome (``answered`` in time, ``timed_out`` or
    ``skipped``), ``avg_coverage`` averages their
    coverage (a skip counts as 0), ``time_used`` sums their time and ``ratings`` counts
    the self-ratings by value. Interviews without a finished attempt get empty totals.
    """
    ratings = {
        name: Count("pk", filter=Q(self_rating=value)) for value, name in RATING_FIELDS.items()
    }
    rows = (
        Attempt.objects.filter(
            interview_id__in=[i.pk for i in interviews], status__in=DONE_STATUSES
        )
        .values("interview_id")
        .annotate(
            done=Count("pk"),
            **outcome_counts(),
            avg_coverage=Avg(score()),
            time_used=Sum(time_used()),
            **ratings,
        )
        .order_by()
    )
    totals = {interview.pk: InterviewTotals() for interview in interviews}
    for row in rows:
        totals[row["interview_id"]] = InterviewTotals(
            done=row["done"],
            answered=row["answered"],
            timed_out=row["timed_out"],
            skipped=row["skipped"],
            avg_coverage=row["avg_coverage"],
            time_used=row["time_used"],
            ratings={value: row[name] for value, name in RATING_FIELDS.items()},
        )
    return totals


def questions_practised(*, user: User) -> QuerySet[Question]:
    """Every question the user has an outcome for, most recently practised first.

    Annotations: ``attempt_count``, ``best_coverage``, ``latest_coverage``,
    ``last_practised`` and ``first_practised``.
    """
    latest = (
        done_attempts(user=user)
        .filter(question=OuterRef("pk"))
        .order_by("-submitted", "-pk")
        .annotate(score=score())
        .values("score")[:1]
    )
    return (
        Question.objects.filter(attempts__owner=user, attempts__status__in=DONE_STATUSES)
        .select_related("bank")
        .annotate(
            attempt_count=Count("attempts"),
            best_coverage=Max(score("attempts__")),
            last_practised=Max("attempts__submitted"),
            first_practised=Min("attempts__submitted"),
            latest_coverage=Subquery(latest),
        )
        .order_by(F("last_practised").desc(nulls_last=True), "pk")
    )


def attempts_for_question(*, user: User, question: Question) -> QuerySet[Attempt]:
    """The user's attempts at ``question`` that have an outcome, oldest first."""
    return (
        done_attempts(user=user)
        .filter(question=question)
        .select_related("interview")
        .annotate(used=time_used())
        .order_by("submitted", "pk")
    )


@dataclass(frozen=True)
class QuestionRecord:
    attempts: int
    answered: int
    timed_out: int
    skipped: int
    best: int | None
    average: float | None
    average_rating: float | None
    first: datetime | None
    last: datetime | None


def question_record(*, user: User, question: Question) -> QuestionRecord:
    """Totals of the user's attempts at one question (one query)."""
    row = (
        done_attempts(user=user)
        .filter(question=question)
        .aggregate(
            attempts=Count("pk"),
            **outcome_counts(),
            best=Max(score()),
            average=Avg(score()),
            average_rating=Avg("self_rating"),
            first=Min("submitted"),
            last=Max("submitted"),
        )
    )
    return QuestionRecord(**row)


def coverage_series(*, user: User, question: Question, limit: int = 100) -> list[tuple]:
    """(submitted, coverage) of the latest ``limit`` attempts at ``question``, oldest first."""
    rows = list(
        done_attempts(user=user)
        .filter(question=question, submitted__isnull=False)
        .annotate(score=score())
        .order_by("-submitted", "-pk")
        .values_list("submitted", "score")[:limit]
    )
    rows.reverse()
    return rows


def point_names(points: list) -> list[str]:
    """Talking-point terms from a stored list of terms or of ``{"term": …}`` objects."""
    return [p.get("term", "") if isinstance(p, dict) else str(p) for p in points or []]


def talking_point_outcome(*, attempt: Attempt) -> tuple[list[str], list[str]]:
    """The talking points of ``attempt`` (as asked) it covered, and the ones it missed."""
    covered = point_names(attempt.covered_points)
    covered_set = set(covered)
    missed = [term for term in point_names(attempt.talking_points) if term not in covered_set]
    return covered, missed
