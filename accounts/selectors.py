"""Reads on accounts."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import PendingSignup, User


def account_data_counts(*, user: User) -> dict[str, int]:
    """How much the user has stored: shown before they delete their account."""
    return {
        "interviews": user.interviews.count(),
        "attempts": user.attempts.count(),
        "review_cards": user.review_cards.count(),
    }


def pending_signup_for_key(*, key: str) -> PendingSignup | None:
    """The sign-up the emailed link with ``key`` finishes, unless used or expired."""
    cutoff = timezone.now() - timedelta(seconds=settings.SIGNUP_CONFIRM_TIMEOUT)
    return PendingSignup.objects.filter(
        key_digest=PendingSignup.digest(key), created__gte=cutoff
    ).first()
