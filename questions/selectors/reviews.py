"""Reads of the spaced-repetition queue: which questions are due for a user."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from fsrs import Card

from accounts.models import User
from questions.models import Bank, Question, ReviewCard
from questions.services.reviews import scheduler_for


def end_of_local_day(*, user: User, now: datetime | None = None) -> datetime:
    """The first instant of the user's tomorrow (in their time zone) as an aware datetime."""
    local = (now or timezone.now()).astimezone(user.tzinfo)
    return datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=user.tzinfo)


def due_questions(
    *, user: User, bank: Bank | None = None, now: datetime | None = None
) -> QuerySet[Question]:
    """Active questions whose card falls due before the end of the user's today.

    The most overdue come first.
    """
    cutoff = end_of_local_day(user=user, now=now)
    qs = Question.objects.active().filter(review_cards__owner=user, review_cards__due__lt=cutoff)
    if bank is not None:
        qs = qs.filter(bank=bank)
    return qs.order_by("review_cards__due", "number", "pk")


def due_counts_by_bank(*, user: User, now: datetime | None = None) -> dict[int, int]:
    """How many questions are due today in each bank: ``{bank_id: count}`` (one query)."""
    cutoff = end_of_local_day(user=user, now=now)
    rows = (
        ReviewCard.objects.filter(owner=user, due__lt=cutoff, question__is_active=True)
        .values("question__bank_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["question__bank_id"]: row["n"] for row in rows}


def next_due(*, user: User, bank: Bank, now: datetime | None = None) -> datetime | None:
    """When the next card of ``bank`` falls due after today, if any (one query)."""
    cutoff = end_of_local_day(user=user, now=now)
    return (
        ReviewCard.objects.filter(
            owner=user, question__bank=bank, question__is_active=True, due__gte=cutoff
        )
        .order_by("due")
        .values_list("due", flat=True)
        .first()
    )


FORECAST_DAYS = 30


@dataclass(frozen=True)
class ReviewForecast:
    """Reviews of one bank falling due: ``overdue`` now, then per local day from today
    (``days``: ``FORECAST_DAYS`` pairs of date and count, today first), ``later`` after
    that, and ``next_due``, the first due instant after today."""

    overdue: int
    days: list[tuple[date, int]]
    later: int = 0
    next_due: datetime | None = None

    @property
    def due_today(self) -> int:
        """Due before the end of today: the overdue ones and those due later today."""
        return self.overdue + self.days[0][1]

    @property
    def upcoming(self) -> int:
        """Due from now to the end of the forecast."""
        return sum(n for _, n in self.days)


def _empty_days(today: date, days: int) -> dict[date, int]:
    return {today + timedelta(days=i): 0 for i in range(days)}


def review_forecasts(
    *, user: User, now: datetime | None = None, days: int = FORECAST_DAYS
) -> dict[int, ReviewForecast]:
    """The forecast of due reviews of every bank with a card: ``{bank_id: forecast}``.

    One query grouped by bank, overdue or not, and local day within the forecast (a card
    overdue or due after the forecast has no day), so it returns a bounded number of rows.
    Only active questions count, as in ``due_questions``.
    """
    now = now or timezone.now()
    tz = user.tzinfo
    today = now.astimezone(tz).date()
    window_end = datetime.combine(today + timedelta(days=days), time.min, tzinfo=tz)
    rows = (
        ReviewCard.objects.filter(owner=user, question__is_active=True)
        .annotate(
            overdue=ExpressionWrapper(Q(due__lt=now), output_field=BooleanField()),
            day=Case(
                When(Q(due__lt=now) | Q(due__gte=window_end), then=Value(None)),
                default=TruncDate("due", tzinfo=tz),
                output_field=DateField(),
            ),
        )
        .values("question__bank_id", "overdue", "day")
        .annotate(n=Count("pk"), first=Min("due"))
        .order_by()
    )
    found: dict[int, dict] = {}
    for row in rows:
        bank = found.setdefault(
            row["question__bank_id"],
            {"overdue": 0, "days": _empty_days(today, days), "later": 0, "next_due": None},
        )
        if row["overdue"]:
            bank["overdue"] += row["n"]
            continue
        if row["day"] is None:
            bank["later"] += row["n"]
        else:
            bank["days"][row["day"]] += row["n"]
        after_today = row["day"] is None or row["day"] > today
        if after_today and (bank["next_due"] is None or row["first"] < bank["next_due"]):
            bank["next_due"] = row["first"]
    return {
        bank_id: ReviewForecast(
            overdue=bank["overdue"],
            days=sorted(bank["days"].items()),
            later=bank["later"],
            next_due=bank["next_due"],
        )
        for bank_id, bank in found.items()
    }


def empty_forecast(
    *, user: User, now: datetime | None = None, days: int = FORECAST_DAYS
) -> ReviewForecast:
    """The forecast of a bank without cards: nothing due."""
    today = (now or timezone.now()).astimezone(user.tzinfo).date()
    return ReviewForecast(overdue=0, days=sorted(_empty_days(today, days).items()))


@dataclass(frozen=True)
class CardRecall:
    """One question's card and the chance, as FSRS predicts it, of recalling it now."""

    question: Question
    retrievability: float
    due: datetime
    reviews: int

    @property
    def percent(self) -> float:
        return 100 * self.retrievability


def card_retrievability(*, user: User, bank: Bank, now: datetime | None = None) -> list[CardRecall]:
    """Every reviewed card of ``bank`` with its current retrievability, least likely to be
    recalled first (one query; at most one row per question of the bank)."""
    now = now or timezone.now()
    scheduler = scheduler_for(user.desired_retention)
    rows = ReviewCard.objects.filter(
        owner=user, question__bank=bank, question__is_active=True, last_review__isnull=False
    ).select_related("question")
    recalls = []
    for row in rows:
        try:
            card = Card.from_dict(row.card)
        except (KeyError, TypeError, ValueError):
            continue
        recalls.append(
            CardRecall(
                question=row.question,
                retrievability=scheduler.get_card_retrievability(card, current_datetime=now),
                due=row.due,
                reviews=row.reviews,
            )
        )
    recalls.sort(key=lambda r: (r.retrievability, r.question.number, r.question.pk))
    return recalls
