"""Forms for the question admin: talking points as text, and the import/export pages."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from questions.models import Bank, Question
from questions.rendering import markdown_problem
from questions.services.importing import (
    MAX_SYNONYMS,
    MAX_TALKING_POINTS,
    talking_point_term_error,
)
from questions.talking_points import derive_points

ADMIN_IMPORT_MAX_BYTES = 2 * 1024 * 1024
HISTORY_RECORD_ATTRIBUTE = SIMPLE_HISTORY_REVERSE_ATTR_NAME


CLAIM_PREFIX = "claim:"


def talking_points_to_text(points: Any) -> str:
    """``[{"term": "Availability Zone", "synonyms": ["AZ"]}]`` → ``Availability Zone | AZ``.

    A claim (scored by meaning, with partial credit) is written ``claim: the sentence``.
    """
    if not isinstance(points, list):
        return ""
    lines = []
    for point in points:
        if isinstance(point, dict) and point.get("term"):
            line = " | ".join([point["term"], *point.get("synonyms", [])])
            lines.append(f"{CLAIM_PREFIX} {line}" if point.get("claim") is True else line)
    return "\n".join(lines)


def talking_points_from_text(text: str) -> list[dict[str, Any]]:
    """Parse one talking point per line, ``term | synonym | synonym``; blank lines are skipped.

    Raises ValidationError naming each bad line.
    """
    errors: list[str] = []
    points: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        claim = line.strip().casefold().startswith(CLAIM_PREFIX)
        if claim:
            line = line.strip()[len(CLAIM_PREFIX) :]
        parts = [part.strip() for part in line.split("|")]
        term, synonyms = parts[0], [s for s in parts[1:] if s]
        if not term:
            errors.append(f"Line {number}: the term before the first “|” is missing.")
            continue
        for value in [term, *synonyms]:
            problem = talking_point_term_error(value, claim=claim and value is term)
            if problem:
                errors.append(f"Line {number}: “{value[:40]}” {problem}.")
        if len(synonyms) > MAX_SYNONYMS:
            errors.append(f"Line {number}: more than {MAX_SYNONYMS} synonyms.")
        key = term.casefold()
        if key in seen:
            errors.append(f"Line {number}: “{term}” is already on line {seen[key]}.")
        seen.setdefault(key, number)
        unique_synonyms = []
        for synonym in synonyms:
            if synonym.casefold() != key and synonym not in unique_synonyms:
                unique_synonyms.append(synonym)
        point = {"term": term, "synonyms": unique_synonyms}
        if claim:
            point["claim"] = True
        points.append(point)
    if len(points) > MAX_TALKING_POINTS:
        errors.append(f"At most {MAX_TALKING_POINTS} talking points.")
    if errors:
        raise ValidationError(errors)
    return points


class TalkingPointsField(forms.CharField):
    """Edits the talking-point JSON list as a textarea with one point per line."""

    widget = forms.Textarea(attrs={"rows": 10, "cols": 80, "class": "vLargeTextField"})
    default_help_text = (
        "One talking point per line: the term, then its synonyms or abbreviations, "
        "separated by “|”. Example: Availability Zone | AZ | availability zones. "
        "A line that starts with “claim:” is a sentence scored by meaning, with partial "
        "credit. Left empty, answers are scored against points derived from the model "
        "answer (shown below)."
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", self.default_help_text)
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, list):
            return talking_points_to_text(value)
        return value or ""

    def to_python(self, value: Any) -> list[dict[str, Any]]:
        if isinstance(value, list):
            return value
        return talking_points_from_text(super().to_python(value))

    def validate(self, value: list[dict[str, Any]]) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            new = self.to_python(data)
        except ValidationError:
            return True
        return (initial or []) != new


# The ids a 64-bit primary key can hold; SQLite raises OverflowError on any other number.
_ID_RANGE = range(-(2**63), 2**63)
_INTEGER = re.compile(r"-?[0-9]+")


def _refuse_ids_out_of_range(field: forms.Field, values) -> None:
    for value in values:
        text = str(value).strip()
        # More than 19 digits is out of range (and int() refuses thousands of digits).
        if _INTEGER.fullmatch(text) and (len(text) > 20 or int(text) not in _ID_RANGE):
            raise ValidationError(
                field.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


class BoundedModelChoiceField(forms.ModelChoiceField):
    """A choice by id that refuses ids no table can hold as "not one of the choices"."""

    def to_python(self, value):
        if value not in self.empty_values:
            _refuse_ids_out_of_range(self, [value])
        return super().to_python(value)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Choices by id that refuse ids no table can hold as "not one of the choices"."""

    def _check_values(self, value):
        _refuse_ids_out_of_range(self, value)
        return super()._check_values(value)


class QuestionAdminForm(forms.ModelForm):
    talking_points = TalkingPointsField()
    use_derived_points = forms.BooleanField(
        label="Curate the derived points",
        required=False,
        help_text="Copy the points derived from the model answer (shown below) into the "
        "talking points, to keep or edit them. Only when the talking points are empty.",
    )

    class Meta:
        model = Question
        fields = [
            "bank", "number", "level", "slug", "is_active", "prompt", "answer", "tags",
            "talking_points",
        ]  # fmt: skip
        field_classes = {"bank": BoundedModelChoiceField, "tags": BoundedModelMultipleChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Reverting to a history record: its fields come with the instance, but its tags
        # must be read from the record (the instance would give today's tags).
        record = getattr(self.instance, HISTORY_RECORD_ATTRIBUTE, None)
        if record is not None and "tags" in self.fields and not self.is_bound:
            self.initial["tags"] = [row.tag_id for row in record.tags.all()]

    def clean_answer(self) -> str:
        answer = self.cleaned_data["answer"]
        problem = markdown_problem(answer)
        if problem is not None:
            raise ValidationError(f"The model answer {problem}.")
        return answer

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("use_derived_points"):
            if cleaned.get("talking_points"):
                self.add_error(
                    "use_derived_points",
                    "The talking points are not empty: clear them first, or leave this "
                    "unticked to keep them.",
                )
            elif "answer" in cleaned:
                cleaned["talking_points"] = derive_points(
                    cleaned.get("answer") or "", cleaned.get("prompt") or ""
                )
        bank = cleaned.get("bank")
        tags = cleaned.get("tags")
        if bank is not None and tags:
            foreign = [tag.name for tag in tags if tag.bank_id != bank.pk]
            if foreign:
                self.add_error(
                    "tags",
                    f"These tags belong to another bank: {', '.join(foreign)}. "
                    f"Pick tags of the bank “{bank}”.",
                )
        return cleaned


FORMAT_CHOICES = [
    ("", "Detect from the file"),
    ("json", "JSON"),
    ("text", "Plain text (seed)"),
    ("anki", "Anki notes (plain text)"),
]


class QuestionImportForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="A JSON file (interviewprep-questions), a plain-text file in the seed's "
        "shape or Anki's “Notes in Plain Text” export; UTF-8, at most 2 MB. "
        "See docs/question-format.md.",
    )
    format = forms.ChoiceField(label="Format", choices=FORMAT_CHOICES, required=False)
    bank = forms.SlugField(
        label="Import into bank",
        required=False,
        max_length=Bank._meta.get_field("slug").max_length,
        help_text="A bank slug; leave empty to use the bank the file names (a text or Anki "
        "file names none). A new slug creates the bank.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > ADMIN_IMPORT_MAX_BYTES:
            raise ValidationError(
                f"The file is {upload.size // 1024} KB; at most "
                f"{ADMIN_IMPORT_MAX_BYTES // (1024 * 1024)} MB can be imported here "
                "(use the import_questions command for larger files)."
            )
        return upload


class QuestionExportForm(forms.Form):
    bank = forms.ModelChoiceField(
        label="Bank", queryset=Bank.objects.order_by("name"), to_field_name="slug"
    )
    format = forms.ChoiceField(
        label="Format", choices=[("json", "JSON"), ("text", "Plain text (seed)")]
    )
