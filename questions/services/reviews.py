"""Spaced repetition (FSRS) of questions per user.

Every finished attempt reviews the (owner, question) card once: the self-rating
Again/Hard/Good/Easy is the FSRS rating, and a timed-out or empty answer counts as
Again. The scheduler works in whole days (no minute-long learning steps): a question
practised in an interview comes back tomorrow at the earliest.
"""

from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from django.db import transaction
from django.utils import timezone
from fsrs import Card, Rating, Scheduler

from questions.models import Attempt, AttemptStatus, ReviewCard

DEFAULT_RETENTION = Decimal("0.90")


@lru_cache(maxsize=32)
def scheduler_for(desired_retention: Decimal = DEFAULT_RETENTION) -> Scheduler:
    """The FSRS scheduler aiming at ``desired_retention`` (the user's setting, 0.70–0.97)."""
    return Scheduler(
        desired_retention=float(desired_retention),
        learning_steps=(),
        relearning_steps=(),
        enable_fuzzing=False,
    )


SCHEDULER = scheduler_for(DEFAULT_RETENTION)


def rating_for_attempt(*, attempt: Attempt) -> Rating | None:
    """The FSRS rating an attempt earns, or None while it has no outcome yet."""
    if attempt.status == AttemptStatus.PENDING:
        return None
    if attempt.timed_out or attempt.status == AttemptStatus.TIMED_OUT:
        return Rating.Again
    if not attempt.answer.strip():
        return Rating.Again
    if attempt.self_rating is None:
        return None
    return Rating(attempt.self_rating)


def _review_time(attempt: Attempt) -> datetime:
    return attempt.rated or attempt.submitted or timezone.now()


def review_attempt(*, attempt: Attempt) -> ReviewCard | None:
    """Review the (owner, question) card with the outcome of ``attempt``.

    Idempotent per attempt: the first call that finds an outcome reviews the card and
    stamps ``attempt.reviewed``; later calls return the card unchanged. A timed-out or
    empty answer counts as Again; otherwise the self-rating is used; an attempt with
    neither is not reviewed and None is returned.

    Its callers (the services of ``questions/services/interviews.py``) raise the user's
    activity version once they are done, outside the locks they hold here.
    """
    with transaction.atomic():
        locked = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("owner")
            .get(pk=attempt.pk)
        )
        if locked.reviewed is not None:
            return ReviewCard.objects.filter(
                owner_id=locked.owner_id, question_id=locked.question_id
            ).first()
        rating = rating_for_attempt(attempt=locked)
        if rating is None:
            return None

        reviewed_at = _review_time(locked)
        row, _ = ReviewCard.objects.get_or_create(
            owner_id=locked.owner_id,
            question_id=locked.question_id,
            defaults={
                "card": Card(card_id=locked.question_id, due=reviewed_at).to_dict(),
                "due": reviewed_at,
            },
        )
        row = ReviewCard.objects.select_for_update().get(pk=row.pk)
        card = Card.from_dict(row.card)
        # Reviews arrive in order almost always; never let one go back in time.
        if card.last_review is not None and reviewed_at < card.last_review:
            reviewed_at = card.last_review
        scheduler = scheduler_for(locked.owner.desired_retention)
        card, _log = scheduler.review_card(card, rating, review_datetime=reviewed_at)

        row.card = card.to_dict()
        row.due = card.due
        row.last_review = reviewed_at
        row.reviews += 1
        row.save(update_fields=["card", "due", "last_review", "reviews"])

        locked.reviewed = timezone.now()
        locked.save(update_fields=["reviewed"])
        attempt.reviewed = locked.reviewed
        return row
