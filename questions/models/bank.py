from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from questions.rendering import render_markdown
from questions.talking_points import derive_points, points_for


class Level(models.TextChoices):
    JUNIOR = "junior", "Freshers & intermediate"
    SENIOR = "senior", "Senior"


class TagKind(models.TextChoices):
    SERVICE = "service", "Service"
    DOMAIN = "domain", "Domain"


class Bank(models.Model):
    """A named collection of questions (AWS, Kubernetes, system design, …)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    content_version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Goes up whenever a question or tag of the bank changes; keys the cached "
        "facet counts (questions/signals.py).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # content_version only moves forward, through questions/signals.py: saving a bank
        # loaded before some change (in the admin, say) must not write back an older number.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "content_version"
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("questions:bank", kwargs={"bank_slug": self.slug})

    @property
    def content_key(self) -> str:
        """Names the bank's questions and tags as they are now, for the keys of cached
        reads: it changes with every edit, and a bank made later under a reused id gets
        another one."""
        return f"{self.pk}-{self.created.timestamp():.6f}-{self.content_version}"


class Tag(models.Model):
    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=60)
    kind = models.CharField(max_length=10, choices=TagKind.choices, default=TagKind.DOMAIN)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "slug"], name="questions_tag_bank_slug_unique"),
            models.UniqueConstraint(fields=["bank", "name"], name="questions_tag_bank_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class QuestionQuerySet(models.QuerySet):
    def active(self) -> "QuestionQuerySet":
        return self.filter(is_active=True)


class Question(models.Model):
    """One interview question with its model answer (Markdown) and talking points.

    ``talking_points`` is a list of ``{"term": str, "synonyms": [str, ...]}``: the short
    terms a strong answer mentions, curated by editors. A question without them is scored
    against points derived from its model answer (``scoring_points``).
    """

    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="questions")
    slug = models.SlugField(max_length=120)
    number = models.PositiveIntegerField(
        default=0, help_text="Position in the bank; questions are listed in this order."
    )
    prompt = models.TextField()
    answer = models.TextField("model answer", help_text="Markdown: headings, lists, tables, code.")
    answer_html = models.TextField(editable=False, blank=True)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.JUNIOR)
    tags = models.ManyToManyField(Tag, related_name="questions", blank=True)
    talking_points = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField("active", default=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["answer_html"], m2m_fields=[tags])

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["bank", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "slug"], name="questions_question_bank_slug_unique"
            ),
        ]
        indexes = [models.Index(fields=["bank", "is_active", "level"])]

    def __str__(self) -> str:
        return self.prompt if len(self.prompt) <= 80 else self.prompt[:79] + "…"

    def save(self, *args, **kwargs) -> None:
        if getattr(self, "_rendered_answer", None) != self.answer:
            self.render_answer()
        if kwargs.get("update_fields") is not None and "answer" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "answer_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("questions:detail", kwargs={"bank_slug": self.bank.slug, "slug": self.slug})

    def render_answer(self, html: str | None = None) -> None:
        """Set answer_html: the model answer rendered, or ``html`` when the caller has it.

        Saving renders an answer not rendered since it last changed. Rendering is the slow
        part of a save: a caller that saves inside a transaction (which, on SQLite, holds
        the write lock) renders first.
        """
        self.answer_html = render_markdown(self.answer) if html is None else html
        self._rendered_answer = self.answer

    @property
    def derived_points(self) -> list[dict]:
        """Talking points derived from the model answer (claims the prompt does not give)."""
        return derive_points(self.answer, self.prompt)

    @property
    def scoring_points(self) -> list[dict]:
        """The points answers are scored against: the curated ones, else derived ones."""
        return points_for(
            talking_points=self.talking_points, answer=self.answer, prompt=self.prompt
        )
