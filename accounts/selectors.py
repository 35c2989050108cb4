"""Reads on accounts."""

from accounts.models import User


def account_data_counts(*, user: User) -> dict[str, int]:
    """How much the user has stored: shown before they delete their account."""
    return {
        "interviews": user.interviews.count(),
        "attempts": user.attempts.count(),
        "review_cards": user.review_cards.count(),
    }
