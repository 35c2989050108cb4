"""A user's own practice data as CSV or JSON: every interview and every attempt.

Both formats stream: rows are produced while the database is read in chunks, so a
long history never sits in memory whole. Times are ISO 8601 in the user's time zone.
"""

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import User
from questions.models import Attempt, MockInterview, SelfRating
from questions.selectors.history import point_names, time_used

CHUNK_SIZE = 200
CSV_COLUMNS = [
    "interview_id",
    "bank",
    "mode",
    "interview_status",
    "interview_started",
    "interview_finished",
    "position",
    "question_id",
    "prompt",
    "level",
    "tags",
    "status",
    "started",
    "submitted",
    "seconds_allowed",
    "seconds_used",
    "timed_out",
    "answer",
    "coverage",
    "covered_points",
    "self_rating",
    "note",
]
# A spreadsheet would run a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _when(value: datetime | None, user: User) -> str | None:
    return value.astimezone(user.tzinfo).isoformat() if value is not None else None


def _rating_label(value: int | None) -> str | None:
    return SelfRating(value).label if value is not None else None


def _interviews(user: User) -> QuerySet[MockInterview]:
    attempts = Attempt.objects.annotate(used=time_used()).order_by("position")
    return (
        MockInterview.objects.filter(owner=user)
        .select_related("bank")
        .prefetch_related(Prefetch("attempts", queryset=attempts))
        .order_by("started", "pk")
    )


def _interview_data(interview: MockInterview, user: User) -> dict[str, Any]:
    return {
        "id": interview.pk,
        "bank": interview.bank.name,
        "mode": interview.mode,
        "status": interview.status,
        "started": _when(interview.started, user),
        "finished": _when(interview.finished, user),
        "question_count": interview.question_count,
        "levels": interview.levels,
        "tags": interview.tag_slugs,
        "seconds_junior": interview.seconds_junior,
        "seconds_senior": interview.seconds_senior,
        "extra_time": str(interview.extra_time),
    }


def _attempt_data(attempt: Attempt, user: User) -> dict[str, Any]:
    used = attempt.used
    return {
        "position": attempt.position,
        "question_id": attempt.question_id,
        "prompt": attempt.prompt,
        "level": attempt.level,
        "tags": attempt.tag_slugs,
        "status": attempt.status,
        "started": _when(attempt.started, user),
        "submitted": _when(attempt.submitted, user),
        "seconds_allowed": attempt.seconds_allowed,
        "seconds_used": round(used.total_seconds()) if used is not None else None,
        "timed_out": attempt.timed_out,
        "answer": attempt.answer,
        "coverage": attempt.coverage,
        "covered_points": point_names(attempt.covered_points),
        "self_rating": _rating_label(attempt.self_rating),
        "note": attempt.note,
    }


def export_json_chunks(*, user: User, now: datetime | None = None) -> Iterator[str]:
    """The export as a JSON document, in pieces: ``{"exported", "user", "interviews"}``."""
    head = {
        "exported": _when(now or timezone.now(), user),
        "user": {"username": user.username, "time_zone": user.timezone},
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "interviews": ['
    for i, interview in enumerate(_interviews(user).iterator(chunk_size=CHUNK_SIZE)):
        data = _interview_data(interview, user)
        data["attempts"] = [_attempt_data(a, user) for a in interview.attempts.all()]
        yield ("" if i == 0 else ", ") + json.dumps(data, ensure_ascii=False)
    yield "]}\n"


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_csv_rows(*, user: User) -> Iterator[list[Any]]:
    """The header, then one row per attempt (interviews oldest first, in question order)."""
    yield CSV_COLUMNS
    for interview in _interviews(user).iterator(chunk_size=CHUNK_SIZE):
        head = _interview_data(interview, user)
        for attempt in interview.attempts.all():
            data = _attempt_data(attempt, user)
            row = {
                "interview_id": head["id"],
                "bank": head["bank"],
                "mode": head["mode"],
                "interview_status": head["status"],
                "interview_started": head["started"],
                "interview_finished": head["finished"],
                **data,
                "tags": " ".join(data["tags"]),
                "covered_points": "; ".join(data["covered_points"]),
                "timed_out": "yes" if data["timed_out"] else "no",
            }
            yield [_cell(row[column]) for column in CSV_COLUMNS]


class _Echo:
    """A file-like object whose ``write`` hands the line back, for streaming csv."""

    def write(self, value: str) -> str:
        return value


def export_csv_lines(*, user: User) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in export_csv_rows(user=user):
        yield writer.writerow(row)
