"""Reads of mock interviews: which questions to ask, where an interview stands, its summary."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Avg, Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from questions.models import (
    Attempt,
    AttemptStatus,
    Bank,
    InterviewStatus,
    MockInterview,
    Question,
    SelfRating,
    Tag,
)
from questions.selectors.reviews import due_questions

# An answer below this coverage counts as missed when offering a retry.
LOW_COVERAGE = 50
FINISHED_STATUSES = (AttemptStatus.ANSWERED, AttemptStatus.TIMED_OUT, AttemptStatus.SKIPPED)


# --- choosing questions ---------------------------------------------------------------


def candidate_questions(
    *,
    bank: Bank,
    levels: Sequence[str] = (),
    tag_slugs: Sequence[str] = (),
    question_ids: Iterable[int] | None = None,
) -> QuerySet[Question]:
    """Active questions of ``bank`` at any of ``levels`` with any of ``tag_slugs``.

    Empty ``levels`` or ``tag_slugs`` mean no restriction; ``question_ids`` (when given)
    restricts to those questions.
    """
    qs = Question.objects.active().filter(bank=bank)
    if levels:
        qs = qs.filter(level__in=list(levels))
    if tag_slugs:
        qs = qs.filter(
            pk__in=Question.objects.filter(bank=bank, tags__slug__in=list(tag_slugs)).values("pk")
        )
    if question_ids is not None:
        qs = qs.filter(pk__in=list(question_ids))
    return qs


def _weakness(coverage: float | None, rating: float | None) -> float:
    """0 (weakest) to 1 (strongest) from average coverage and average self-rating."""
    parts = []
    if coverage is not None:
        parts.append(coverage / 100)
    if rating is not None:
        parts.append((rating - SelfRating.AGAIN) / (SelfRating.EASY - SelfRating.AGAIN))
    return sum(parts) / len(parts) if parts else 0.0


def questions_for_interview(
    *,
    user: User,
    bank: Bank,
    count: int,
    levels: Sequence[str] = (),
    tag_slugs: Sequence[str] = (),
    question_ids: Iterable[int] | None = None,
    include_due: bool = False,
    rng: random.Random | None = None,
) -> list[Question]:
    """Up to ``count`` questions for a new interview, in the order they will be asked.

    Among the matches: questions due for review first (with ``include_due``), then
    questions the user has never finished, then the ones with the weakest results
    (lowest average coverage, a skip counting as 0, and lowest self-rating). Ties are
    broken at random, and the chosen questions are asked in random order.
    """
    rng = rng or random.Random()
    finished = Q(attempts__owner=user, attempts__status__in=FINISHED_STATUSES)
    rows = list(
        candidate_questions(
            bank=bank, levels=levels, tag_slugs=tag_slugs, question_ids=question_ids
        )
        .annotate(
            finished_attempts=Count("attempts", filter=finished),
            average_coverage=Avg(Coalesce("attempts__coverage", Value(0)), filter=finished),
            average_rating=Avg("attempts__self_rating", filter=finished),
        )
        .prefetch_related("tags")
    )
    due: set[int] = set()
    if include_due and rows:
        due = set(
            due_questions(user=user, bank=bank)
            .filter(pk__in=[q.pk for q in rows])
            .values_list("pk", flat=True)
        )

    def priority(question: Question) -> tuple[int, int, float, float]:
        return (
            0 if question.pk in due else 1,
            1 if question.finished_attempts else 0,
            _weakness(question.average_coverage, question.average_rating),
            rng.random(),
        )

    chosen = sorted(rows, key=priority)[:count]
    rng.shuffle(chosen)
    return chosen


def due_count(*, user: User, bank: Bank) -> int:
    return due_questions(user=user, bank=bank).count()


# --- a running interview --------------------------------------------------------------


def running_interview(*, user: User) -> MockInterview | None:
    """The user's interview in progress, if any, with its bank."""
    return (
        MockInterview.objects.filter(owner=user, status=InterviewStatus.IN_PROGRESS)
        .select_related("bank")
        .order_by("-started", "-pk")
        .first()
    )


class StepKind(StrEnum):
    QUESTION = "question"
    FEEDBACK = "feedback"


@dataclass(frozen=True)
class Step:
    """Where an interview in progress stands: a question to answer, or feedback to rate."""

    kind: StepKind
    attempt: Attempt

    @property
    def is_question(self) -> bool:
        return self.kind == StepKind.QUESTION


def interview_step(*, interview: MockInterview) -> Step | None:
    """The current step, or None when every question is answered and rated (one query).

    Questions are asked in order of position; an answered or timed-out question waits
    for its self-rating before the next one is shown. A skipped one needs no rating.
    """
    waiting = (
        interview.attempts.filter(
            Q(status=AttemptStatus.PENDING)
            | Q(status__in=(AttemptStatus.ANSWERED, AttemptStatus.TIMED_OUT), rated__isnull=True)
        )
        .order_by("position")
        .first()
    )
    if waiting is None:
        return None
    kind = StepKind.QUESTION if waiting.status == AttemptStatus.PENDING else StepKind.FEEDBACK
    return Step(kind=kind, attempt=waiting)


def expired_attempt_ids(*, interview: MockInterview, cutoff) -> list[int]:
    """Open attempts of ``interview`` whose deadline passed before ``cutoff``."""
    return list(
        interview.attempts.filter(
            status=AttemptStatus.PENDING, deadline__isnull=False, deadline__lt=cutoff
        )
        .order_by()
        .values_list("pk", flat=True)
    )


# --- the summary ----------------------------------------------------------------------


def is_missed(attempt: Attempt) -> bool:
    """Whether an attempt is worth another go: timed out, skipped, low coverage, Again/Hard."""
    if attempt.status in (AttemptStatus.SKIPPED, AttemptStatus.TIMED_OUT) or attempt.timed_out:
        return True
    if attempt.status != AttemptStatus.ANSWERED:
        return False
    if attempt.coverage is not None and attempt.coverage < LOW_COVERAGE:
        return True
    return attempt.self_rating in (SelfRating.AGAIN, SelfRating.HARD)


def missed_question_ids(*, interview: MockInterview) -> list[int]:
    """The questions of ``interview`` worth retrying, in the order they were asked."""
    attempts = interview.attempts.only(
        "pk", "question_id", "status", "timed_out", "coverage", "self_rating", "position"
    ).order_by("position")
    return [a.question_id for a in attempts if is_missed(a)]


@dataclass
class TagResult:
    slug: str
    name: str
    questions: int = 0
    scored: int = 0
    coverage_total: int = 0
    missed: int = 0

    @property
    def average_coverage(self) -> int | None:
        return round(self.coverage_total / self.scored) if self.scored else None


@dataclass
class InterviewSummary:
    """``answered`` counts the answers given in time; ``timed_out`` the answers kept when
    time ran out; ``skipped`` the questions passed over. Each question is in one of them."""

    interview: MockInterview
    attempts: list[Attempt]
    tags: list[TagResult] = field(default_factory=list)
    answered: int = 0
    timed_out: int = 0
    skipped: int = 0
    average_coverage: int | None = None
    average_rating: float | None = None
    seconds_used: int = 0
    seconds_allowed: int | None = None
    missed: int = 0

    @property
    def total(self) -> int:
        return len(self.attempts)

    @property
    def not_reached(self) -> int:
        return max(0, self.interview.question_count - self.total)


def interview_summary(*, interview: MockInterview) -> InterviewSummary:
    """Per-question results, totals and a per-topic breakdown of one interview (two queries).

    Coverage averages count every finished question: a timed-out answer is scored as it
    stands, a skipped question covers nothing (0 %). Each attempt carries
    ``question_active``: whether its question can still be practised.
    """
    attempts = list(
        interview.attempts.order_by("position")
        .defer("model_answer", "draft")
        .annotate(question_active=F("question__is_active"))
    )
    summary = InterviewSummary(interview=interview, attempts=attempts)
    slugs = sorted({slug for a in attempts for slug in a.tag_slugs})
    names = dict(
        Tag.objects.filter(bank_id=interview.bank_id, slug__in=slugs).values_list("slug", "name")
    )
    by_tag = {slug: TagResult(slug=slug, name=names.get(slug, slug)) for slug in slugs}

    coverage_sum = coverage_n = rating_sum = rating_n = 0
    allowed_total = 0
    for attempt in attempts:
        missed = is_missed(attempt)
        summary.missed += missed
        scored = attempt.coverage is not None
        if attempt.status == AttemptStatus.ANSWERED:
            summary.answered += 1
        elif attempt.status == AttemptStatus.TIMED_OUT:
            summary.timed_out += 1
        elif attempt.status == AttemptStatus.SKIPPED:
            summary.skipped += 1
        if scored:
            coverage_sum += attempt.coverage
            coverage_n += 1
        if attempt.self_rating is not None:
            rating_sum += attempt.self_rating
            rating_n += 1
        summary.seconds_used += attempt.seconds_used or 0
        if attempt.seconds_allowed is not None:
            allowed_total += attempt.seconds_allowed
        for slug in attempt.tag_slugs:
            result = by_tag[slug]
            result.questions += 1
            result.missed += missed
            if scored:
                result.scored += 1
                result.coverage_total += attempt.coverage

    summary.average_coverage = round(coverage_sum / coverage_n) if coverage_n else None
    summary.average_rating = round(rating_sum / rating_n, 1) if rating_n else None
    summary.seconds_allowed = allowed_total if interview.is_timed else None
    summary.tags = sorted(
        by_tag.values(),
        key=lambda t: (
            t.average_coverage if t.average_coverage is not None else -1,
            -t.questions,
            t.name.lower(),
        ),
    )
    return summary


def recent_interviews(*, user: User, limit: int = 3) -> QuerySet[MockInterview]:
    """The user's latest finished interviews with their average coverage, newest first.

    The latest ones are chosen first, in a subquery, so that only their attempts are
    aggregated rather than the user's whole history.
    """
    newest_first = (F("finished").desc(nulls_last=True), "-pk")
    latest = (
        MockInterview.objects.filter(owner=user)
        .exclude(status=InterviewStatus.IN_PROGRESS)
        .order_by(*newest_first)
        .values("pk")[:limit]
    )
    return (
        MockInterview.objects.filter(pk__in=latest)
        .annotate(
            average_coverage=Avg("attempts__coverage"),
            questions_asked=Count("attempts"),
        )
        .select_related("bank")
        .order_by(*newest_first)
    )
