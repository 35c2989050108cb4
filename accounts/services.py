"""Writes on accounts."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction

from accounts.models import User


def account_delete(*, user: User) -> None:
    """Delete the user and every record of theirs.

    Interviews, attempts and review cards go with the user (their foreign keys cascade);
    the login records kept under the username (times, addresses, browsers) are removed too.
    """
    username = user.get_username()
    with transaction.atomic():
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username=username).delete()
        user.delete()
