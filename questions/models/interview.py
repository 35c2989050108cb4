from django.conf import settings
from django.db import models
from django.urls import reverse


class InterviewMode(models.TextChoices):
    MOCK = "mock", "Mock interview"
    PRACTICE = "practice", "Practice"


class InterviewStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    ABANDONED = "abandoned", "Abandoned"


class AttemptStatus(models.TextChoices):
    PENDING = "pending", "Not answered yet"
    ANSWERED = "answered", "Answered"
    SKIPPED = "skipped", "Skipped"
    TIMED_OUT = "timed_out", "Timed out"


class SelfRating(models.IntegerChoices):
    AGAIN = 1, "Again"
    HARD = 2, "Hard"
    GOOD = 3, "Good"
    EASY = 4, "Easy"


class MockInterview(models.Model):
    """One sitting: the settings it was started with and its questions (attempts)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interviews"
    )
    bank = models.ForeignKey("questions.Bank", on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=10, choices=InterviewMode.choices)
    status = models.CharField(
        max_length=12, choices=InterviewStatus.choices, default=InterviewStatus.IN_PROGRESS
    )
    question_count = models.PositiveSmallIntegerField()
    levels = models.JSONField(default=list, blank=True)
    tag_slugs = models.JSONField(default=list, blank=True)
    seconds_junior = models.PositiveIntegerField(null=True, blank=True)
    seconds_senior = models.PositiveIntegerField(null=True, blank=True)
    extra_time = models.DecimalField(max_digits=3, decimal_places=1, default=1)
    started = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started", "-pk"]
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["owner", "-started"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(question_count__gte=1, question_count__lte=60),
                name="questions_interview_question_count_range",
            ),
            models.UniqueConstraint(
                fields=["owner"],
                condition=models.Q(status="in_progress"),
                name="questions_interview_one_running_per_owner",
                violation_error_message="Only one interview can be in progress at a time.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("questions:interview", kwargs={"pk": self.pk})

    def get_summary_url(self) -> str:
        return reverse("questions:interview_summary", kwargs={"pk": self.pk})

    @property
    def is_timed(self) -> bool:
        return self.mode == InterviewMode.MOCK

    @property
    def is_running(self) -> bool:
        return self.status == InterviewStatus.IN_PROGRESS


class Attempt(models.Model):
    """A question as asked in an interview, and what the user answered.

    The prompt, model answer and talking points are copied when the attempt is
    created, so editing the bank later never changes what a past attempt shows.
    """

    interview = models.ForeignKey(MockInterview, on_delete=models.CASCADE, related_name="attempts")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    question = models.ForeignKey(
        "questions.Question", on_delete=models.PROTECT, related_name="attempts"
    )
    position = models.PositiveSmallIntegerField()

    prompt = models.TextField()
    model_answer = models.TextField()
    model_answer_html = models.TextField()
    talking_points = models.JSONField(default=list)
    level = models.CharField(max_length=10)
    tag_slugs = models.JSONField(default=list)

    seconds_allowed = models.PositiveIntegerField(null=True, blank=True)
    started = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted = models.DateTimeField(null=True, blank=True)

    status = models.CharField(
        max_length=10, choices=AttemptStatus.choices, default=AttemptStatus.PENDING
    )
    answer = models.TextField(blank=True)
    draft = models.TextField(blank=True)
    draft_saved = models.DateTimeField(null=True, blank=True)
    timed_out = models.BooleanField(default=False)

    coverage = models.PositiveSmallIntegerField(null=True, blank=True)
    covered_points = models.JSONField(default=list, blank=True)
    self_rating = models.PositiveSmallIntegerField(
        choices=SelfRating.choices, null=True, blank=True
    )
    note = models.TextField(blank=True)
    rated = models.DateTimeField(null=True, blank=True)
    reviewed = models.DateTimeField(
        null=True, blank=True, help_text="When this attempt updated the spaced-repetition card."
    )

    class Meta:
        ordering = ["interview", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "position"], name="questions_attempt_interview_position_unique"
            ),
            models.UniqueConstraint(
                fields=["interview", "question"], name="questions_attempt_interview_question_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(coverage__isnull=True) | models.Q(coverage__lte=100),
                name="questions_attempt_coverage_range",
            ),
            models.CheckConstraint(
                condition=models.Q(self_rating__isnull=True)
                | models.Q(self_rating__gte=1, self_rating__lte=4),
                name="questions_attempt_self_rating_range",
            ),
        ]
        indexes = [
            # Finds a user's latest attempt at a question without sorting: the id breaks
            # ties between equal submission times, as the "latest" queries do.
            models.Index(fields=["owner", "question", "submitted", "id"]),
            models.Index(fields=["owner", "submitted"]),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.position} of {self.interview}"

    def get_absolute_url(self) -> str:
        return reverse(
            "questions:attempt",
            kwargs={"pk": self.interview_id, "position": self.position},
        )

    @property
    def is_open(self) -> bool:
        """Shown to the user and still waiting for an answer."""
        return self.status == AttemptStatus.PENDING and self.started is not None

    @property
    def has_answer(self) -> bool:
        return self.status in (AttemptStatus.ANSWERED, AttemptStatus.TIMED_OUT)

    @property
    def seconds_used(self) -> int | None:
        """Seconds from showing the question to its answer; a timed-out one used all its time."""
        if self.started is None or self.submitted is None:
            return None
        used = max(0, round((self.submitted - self.started).total_seconds()))
        if self.timed_out and self.seconds_allowed is not None:
            used = min(used, self.seconds_allowed)
        return used

    @property
    def missed_points(self) -> list[str]:
        covered = set(self.covered_points or [])
        return [p["term"] for p in self.talking_points if p.get("term") not in covered]
