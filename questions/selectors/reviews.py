"""Reads of the spaced-repetition queue: which questions are due for a user."""

from datetime import datetime, time, timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone

from accounts.models import User
from questions.models import Bank, Question, ReviewCard


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
