"""Writes on accounts."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.formatting import duration_words
from accounts.models import PendingSignup, User

logger = logging.getLogger(__name__)


class AddressTaken(Exception):
    """An account with this email address was created after the sign-up was started."""


class UsernameTaken(Exception):
    """Someone else took the username after the sign-up was started."""


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


# --- sign-up ------------------------------------------------------------------------------


def _send(*, template: str, to: str, context: dict) -> None:
    """Send ``registration/<template>_subject.txt`` and ``_email.txt`` to ``to``.

    A failure is logged, not raised: the page answers the same whether mail went out.
    """
    subject = loader.render_to_string(f"registration/{template}_subject.txt", context)
    body = loader.render_to_string(f"registration/{template}_email.txt", context)
    try:
        EmailMessage(" ".join(subject.split()), body, to=[to]).send()
    except Exception:
        logger.exception("Failed to send the %s email.", template)


def signup_begin(*, username: str, email: str, password: str, site_url: str) -> None:
    """Start a sign-up for ``email``; ``password`` is already hashed.

    When no account uses the address, a link that creates the account is emailed to it
    (nothing is created or reserved before it is opened). When an account uses it, its
    owner is emailed instead: someone tried to sign up with their address, here are their
    username, the login page and a link to choose a new password. Either way the caller
    answers the same, so sign-up does not reveal which addresses have accounts.
    ``site_url`` is the scheme and host the links in the email start with.
    """
    owner = User.objects.filter(email__iexact=email).order_by("pk").first()
    if owner is not None:
        uid = urlsafe_base64_encode(force_bytes(owner.pk))
        token = default_token_generator.make_token(owner)
        reset = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
        _send(
            template="signup_taken",
            to=owner.email,
            context={
                "username": owner.get_username(),
                "site_url": site_url,
                "login_url": site_url + reverse("accounts:login"),
                "reset_url": site_url + reset,
                "link_lifetime": duration_words(settings.PASSWORD_RESET_TIMEOUT),
            },
        )
        return

    key = secrets.token_urlsafe(32)
    cutoff = timezone.now() - timedelta(seconds=settings.SIGNUP_CONFIRM_TIMEOUT)
    with transaction.atomic():
        PendingSignup.objects.filter(created__lt=cutoff).delete()
        PendingSignup.objects.create(
            key_digest=PendingSignup.digest(key), username=username, email=email, password=password
        )
    _send(
        template="signup_confirm",
        to=email,
        context={
            "username": username,
            "site_url": site_url,
            "confirm_url": site_url + reverse("accounts:signup_confirm", kwargs={"key": key}),
            "link_lifetime": duration_words(settings.SIGNUP_CONFIRM_TIMEOUT),
        },
    )


def signup_confirm(*, pending: PendingSignup, username: str) -> User:
    """Create the account of a sign-up whose link was opened, with ``username``.

    Every pending sign-up for the address ends, so each link works once. Raises
    ``UsernameTaken`` or ``AddressTaken`` (and creates nothing) when someone else took
    the username or the address meanwhile.
    """
    with transaction.atomic():
        if User.objects.filter(email__iexact=pending.email).exists():
            raise AddressTaken
        if User.objects.filter(username__iexact=username).exists():
            raise UsernameTaken
        user = User.objects.create(
            username=username, email=pending.email, password=pending.password
        )
        PendingSignup.objects.filter(email__iexact=pending.email).delete()
    return user
