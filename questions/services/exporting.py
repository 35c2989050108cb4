"""Exporting a question bank in the formats ``importing`` reads (docs/question-format.md).

``bank_export_json`` writes everything (bank, tags, every question with its tags,
talking points and active flag), with a ``"$schema"`` key naming the format's JSON
Schema: importing it into an empty database reproduces the bank. ``bank_export_text``
writes the seed's plain-text shape: levels, prompts and answers, plus each question's
slug, tags and talking points on ``Slug:``, ``Tags:`` and ``Talking points:`` lines, so it
re-imports to the same questions (the active flag and the tag definitions are JSON-only).
"""

import json
from typing import Any

from django.urls import reverse

from questions.models import Bank, Question
from questions.services.importing import FORMAT_NAME, FORMAT_VERSION
from questions.services.seedtext import format_seed_text


class ExportError(Exception):
    """The bank cannot be written in the asked format; the message says why."""


def _questions(bank: Bank):
    return Question.objects.filter(bank=bank).order_by("number", "pk").prefetch_related("tags")


def _ordered_tag_slugs(question: Question) -> list[str]:
    # Tags in the bank's own order (kind, then name), like the "tags" list.
    return [t.slug for t in sorted(question.tags.all(), key=lambda t: (t.kind, t.name, t.slug))]


def bank_export_data(*, bank: Bank, schema_url: str | None = None) -> dict[str, Any]:
    """The bank as the ``json`` format's document.

    ``"$schema"`` points editors to the format's JSON Schema: ``schema_url`` when the
    caller knows the site's full URL of it, otherwise its path on the site.
    """
    return {
        "$schema": schema_url or reverse("questions:bank_schema"),
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "bank": {"slug": bank.slug, "name": bank.name, "description": bank.description},
        "tags": [
            {"slug": tag.slug, "name": tag.name, "kind": tag.kind}
            for tag in bank.tags.order_by("kind", "name", "slug")
        ],
        "questions": [
            {
                "slug": question.slug,
                "number": question.number,
                "level": question.level,
                "prompt": question.prompt,
                "answer": question.answer,
                "tags": _ordered_tag_slugs(question),
                "talking_points": question.talking_points,
                "active": question.is_active,
            }
            for question in _questions(bank)
        ],
    }


def bank_export_json(*, bank: Bank, schema_url: str | None = None) -> str:
    data = bank_export_data(bank=bank, schema_url=schema_url)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def bank_export_text(*, bank: Bank) -> str:
    """The bank in the seed's shape; raises ExportError for a question it cannot carry."""
    try:
        return format_seed_text(title=bank.name, questions=list(_questions(bank)))
    except ValueError as exc:
        raise ExportError(f"The bank cannot be written as plain text: {exc}") from None


def bank_export(*, bank: Bank, format: str, schema_url: str | None = None) -> str:
    if format == "json":
        return bank_export_json(bank=bank, schema_url=schema_url)
    if format == "text":
        return bank_export_text(bank=bank)
    raise ValueError(f"unknown export format: {format}")
