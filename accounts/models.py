import hashlib
import zoneinfo
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone as django_timezone


class ExtraTime(models.TextChoices):
    NONE = "1.0", "No extra time"
    HALF = "1.5", "Extra time ×1.5"
    DOUBLE = "2.0", "Extra time ×2"


class User(AbstractUser):
    """A candidate or an editor. Practice preferences live here so they load with the user."""

    email = models.EmailField("email address")

    default_question_count = models.PositiveSmallIntegerField(
        "questions per interview",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    default_seconds_junior = models.PositiveIntegerField(
        "time per freshers & intermediate question (seconds)",
        default=180,
        validators=[MinValueValidator(10), MaxValueValidator(1800)],
    )
    default_seconds_senior = models.PositiveIntegerField(
        "time per senior question (seconds)",
        default=300,
        validators=[MinValueValidator(10), MaxValueValidator(1800)],
    )
    extra_time = models.CharField(
        "extra time accommodation",
        max_length=3,
        choices=ExtraTime.choices,
        default=ExtraTime.NONE,
        help_text="Multiplies the time of every timed interview.",
    )
    timezone = models.CharField(
        "time zone",
        max_length=64,
        default="UTC",
        help_text="Used for practice streaks and dates.",
    )
    desired_retention = models.DecimalField(
        "desired retention",
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.90"),
        validators=[MinValueValidator(Decimal("0.70")), MaxValueValidator(Decimal("0.97"))],
        help_text="The share of due questions spaced repetition aims for you to recall.",
    )
    activity_version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Goes up whenever the user's practice changes (an answer, skip, time-out, "
        "rating or review); keys the cached progress aggregates (questions/services/activity.py).",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message=(
                    "That username is taken (upper and lower case count as the same)."
                ),
            ),
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message="An account with this email address already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(default_question_count__gte=1, default_question_count__lte=60),
                name="accounts_user_question_count_range",
            ),
            models.CheckConstraint(
                condition=models.Q(default_seconds_junior__gte=10, default_seconds_junior__lte=1800)
                & models.Q(default_seconds_senior__gte=10, default_seconds_senior__lte=1800),
                name="accounts_user_seconds_range",
            ),
            models.CheckConstraint(
                condition=models.Q(desired_retention__gte=Decimal("0.70"))
                & models.Q(desired_retention__lte=Decimal("0.97")),
                name="accounts_user_desired_retention_range",
            ),
        ]

    def save(self, *args, **kwargs) -> None:
        # activity_version only moves forward, through an UPDATE of its own: saving a user
        # loaded before an answer (a settings form, a password change) must not write
        # back an older number.
        if not self._state.adding and kwargs.get("update_fields") is None:
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.name != "activity_version"
                and field.attname not in deferred
            ]
        super().save(*args, **kwargs)

    @property
    def extra_time_factor(self) -> Decimal:
        return Decimal(self.extra_time)

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")


class PendingSignup(models.Model):
    """A sign-up waiting for its owner to open the link emailed to the address.

    No account exists (and no username is held) until the link is opened, so sign-up
    answers the same whether or not the address already has an account. Only a digest
    of the link's key is stored.
    """

    key_digest = models.CharField(max_length=64, unique=True)
    username = models.CharField(max_length=150)
    email = models.EmailField()
    password = models.CharField(max_length=128, help_text="Hashed, as on User.")
    created = models.DateTimeField(default=django_timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"Pending sign-up of {self.username}"

    @staticmethod
    def digest(key: str) -> str:
        """What is stored of a link's key."""
        return hashlib.sha256(key.encode()).hexdigest()
