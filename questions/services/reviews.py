"""Spaced repetition (FSRS) of questions per user."""

from questions.models import Attempt, ReviewCard


def review_attempt(*, attempt: Attempt) -> ReviewCard | None:
    """Review the (owner, question) card with the outcome of ``attempt``.

    Idempotent per attempt. A timed-out or empty answer counts as Again; otherwise the
    self-rating is used; an attempt with neither is not reviewed.
    """
    return None
