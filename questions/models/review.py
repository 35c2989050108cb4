from django.conf import settings
from django.db import models


class ReviewCard(models.Model):
    """The spaced-repetition card of one user for one question (FSRS state as JSON)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    question = models.ForeignKey(
        "questions.Question", on_delete=models.CASCADE, related_name="review_cards"
    )
    card = models.JSONField(default=dict)
    due = models.DateTimeField(db_index=True)
    last_review = models.DateTimeField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "question"], name="questions_reviewcard_owner_question_unique"
            ),
        ]
        indexes = [models.Index(fields=["owner", "due"])]

    def __str__(self) -> str:
        return f"Card {self.owner_id}/{self.question_id} due {self.due:%Y-%m-%d}"
