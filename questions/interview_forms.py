"""Forms of the mock interview: the practice settings, an answer, a self-rating."""

from django import forms

from accounts.formatting import duration_words
from accounts.models import User
from questions.models import InterviewMode, Level, SelfRating, Tag
from questions.services.interviews import (
    MAX_NOTE_LENGTH,
    MAX_QUESTIONS,
    MAX_SECONDS,
    MIN_QUESTIONS,
    MIN_SECONDS,
)

# Ten seconds to thirty minutes: at least ten times either default either way (WCAG 2.2.1).
TIME_STEPS = (
    10, 15, 20, 30, 45, 60, 90, 120, 150, 180, 240, 300, 360, 420, 480, 600, 720, 900,
    1200, 1500, 1800,
)  # fmt: skip


def time_choices(*extra: int) -> list[tuple[int, str]]:
    values = sorted({*TIME_STEPS, *(v for v in extra if MIN_SECONDS <= v <= MAX_SECONDS)})
    return [(value, duration_words(value)) for value in values]


def _counted(label: str, count: int | None) -> str:
    return label if count is None else f"{label} ({count})"


class PracticeForm(forms.Form):
    """What to practise and how: the settings a new interview starts with."""

    mode = forms.ChoiceField(
        label="Mode",
        choices=InterviewMode.choices,
        initial=InterviewMode.MOCK,
        widget=forms.RadioSelect,
    )
    count = forms.IntegerField(
        label="Number of questions",
        min_value=MIN_QUESTIONS,
        max_value=MAX_QUESTIONS,
        help_text=f"{MIN_QUESTIONS} to {MAX_QUESTIONS}.",
    )
    levels = forms.MultipleChoiceField(
        label="Level",
        choices=Level.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every level.",
    )
    tags = forms.MultipleChoiceField(
        label="Topics",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Questions on any of the ticked topics. None ticked: every topic.",
    )
    seconds_junior = forms.TypedChoiceField(label="Freshers & intermediate questions", coerce=int)
    seconds_senior = forms.TypedChoiceField(label="Senior questions", coerce=int)
    include_due = forms.BooleanField(
        label="Include questions due for review",
        required=False,
        help_text="Questions your review schedule says are due come first.",
    )

    def __init__(
        self,
        *args,
        user: User,
        tags: list[Tag],
        level_counts: dict[str, int] | None = None,
        **kwargs,
    ) -> None:
        kwargs.setdefault(
            "initial",
            {
                "mode": InterviewMode.MOCK,
                "count": user.default_question_count,
                "seconds_junior": user.default_seconds_junior,
                "seconds_senior": user.default_seconds_senior,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["tags"].choices = [(tag.slug, _counted(tag.name, tag.n)) for tag in tags]
        if level_counts is not None:
            self.fields["levels"].choices = [
                (value, _counted(label, level_counts.get(value, 0)))
                for value, label in Level.choices
            ]
        choices = time_choices(user.default_seconds_junior, user.default_seconds_senior)
        self.fields["seconds_junior"].choices = choices
        self.fields["seconds_senior"].choices = choices


class AnswerField(forms.CharField):
    """Text as typed, less NUL characters (which no database column can hold)."""

    def to_python(self, value) -> str:
        return super().to_python(value).replace("\x00", "")


class AnswerForm(forms.Form):
    """The text typed for one question, exactly as typed.

    Its length is checked by the service, so an over-long answer gets the same message
    whichever way it arrives.
    """

    answer = AnswerField(
        label="Your answer",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "true"}),
    )

    def clean_answer(self) -> str:
        # Browsers send a textarea's line breaks as CRLF; count them as one character.
        return self.cleaned_data["answer"].replace("\r\n", "\n")


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How did it go?",
        choices=SelfRating.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how it went: Again, Hard, Good or Easy."},
    )
    note = forms.CharField(
        label="Note to self (optional)",
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
