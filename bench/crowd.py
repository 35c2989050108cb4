"""A crowd of users with their practice history, for `make bench` at scale.

Run by bench/run.py (``--crowd USERS:ATTEMPTS``) as ``python -m bench.crowd`` with the
bench's environment, on PostgreSQL: USERS users share ATTEMPTS finished attempts, a few
users with thousands and most with a few dozen (attempts per user fall off as a power
of the user's rank, as activity does in practice apps). Users and interviews go in with
bulk inserts, attempts and review cards with COPY, in chunks of users, with a progress
bar on stderr. Prints a JSON summary: users, attempts, the heaviest user's count, the
median and mean.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta

import django
from psycopg.types.json import Jsonb

from bench.seed import ANSWER_VOCABULARY, attempt_outcome

PER_INTERVIEW = 10
CHUNK_USERS = 250
SKEW = 0.9  # attempts of the user of rank r are proportional to 1 / r**SKEW


def attempts_per_user(users: int, attempts: int) -> list[int]:
    """``attempts`` shared over ``users``: heaviest first, every user at least one."""
    weights = [1 / (rank**SKEW) for rank in range(1, users + 1)]
    scale = (attempts - users) / sum(weights)
    counts = [1 + int(weight * scale) for weight in weights]
    for index in range(attempts - sum(counts)):  # what rounding left over
        counts[index % users] += 1
    return counts


class Progress:
    def __init__(self, total: int, label: str) -> None:
        self.total, self.label, self.done = total, label, 0
        self.began = self.shown = time.monotonic()

    def add(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if now - self.shown >= 0.5 or self.done >= self.total:
            self.shown = now
            width = 30
            filled = width * self.done // max(self.total, 1)
            sys.stderr.write(
                f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                f"{self.done:,}/{self.total:,} ({100 * self.done // max(self.total, 1)}%) "
                f"{now - self.began:.0f} s"
            )
            if self.done >= self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


def copy_rows(model, rows) -> None:
    """Write ``rows`` (dicts of field name to a value ready for the database) into the
    table of ``model`` with PostgreSQL's COPY; fields left out take their defaults."""
    from django.db import connection

    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    names = list(first)
    fields = {field.name: field for field in model._meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(fields[name].column) for name in names)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        copy.write_row(list(first.values()))
        for row in rows:
            copy.write_row(list(row.values()))


def seed_chunk(*, users, counts, questions, snapshots, now, rng, progress) -> None:
    from fsrs import Card

    from questions.models import (
        Attempt,
        AttemptStatus,
        InterviewMode,
        InterviewStatus,
        MockInterview,
        ReviewCard,
    )

    plans = []
    interviews = []
    for user, count in zip(users, counts, strict=True):
        days = rng.randint(7, 365)
        total = -(-count // PER_INTERVIEW)
        for index in range(total):
            started = now - timedelta(days=days) + timedelta(days=days) * index / total
            interviews.append(
                MockInterview(
                    owner_id=user.pk,
                    bank_id=questions[0].bank_id,
                    mode=InterviewMode.MOCK,
                    status=InterviewStatus.COMPLETED,
                    question_count=PER_INTERVIEW,
                    seconds_junior=180,
                    seconds_senior=300,
                    finished=started + timedelta(minutes=4 * PER_INTERVIEW),
                )
            )
            plans.append((user, started, min(PER_INTERVIEW, count - index * PER_INTERVIEW)))
    MockInterview.objects.bulk_create(interviews, batch_size=2000)
    for interview, (_, started, _) in zip(interviews, plans, strict=True):
        interview.started = started
    MockInterview.objects.bulk_update(interviews, ["started"], batch_size=2000)

    latest: dict[tuple[int, int], tuple] = {}

    def attempts():
        for interview, (user, started_at, size) in zip(interviews, plans, strict=True):
            offset = rng.randrange(len(questions))
            for position in range(1, size + 1):
                question = questions[(offset + position * 7) % len(questions)]
                snapshot = snapshots[question.pk]
                seconds = snapshot["seconds"]
                started = started_at + timedelta(minutes=4 * (position - 1))
                status, used = attempt_outcome(seconds=seconds, rng=rng)
                points = snapshot["terms"]
                covered = rng.sample(points, rng.randint(0, len(points))) if points else []
                rating = None if status == AttemptStatus.SKIPPED else rng.randint(1, 4)
                submitted = started + timedelta(seconds=used)
                if rating:
                    latest[(user.pk, question.pk)] = (rating, submitted)
                yield {
                    "interview": interview.pk,
                    "owner": user.pk,
                    "question": question.pk,
                    "position": position,
                    "prompt": question.prompt,
                    "model_answer": question.answer,
                    "model_answer_html": question.answer_html,
                    "talking_points": snapshot["points"],
                    "level": question.level,
                    "tag_slugs": snapshot["tags"],
                    "seconds_allowed": seconds,
                    "started": started,
                    "deadline": started + timedelta(seconds=seconds),
                    "submitted": submitted,
                    "status": status,
                    "answer": "" if status == AttemptStatus.SKIPPED else snapshot["answer"],
                    "draft": "",
                    "timed_out": status == AttemptStatus.TIMED_OUT,
                    "coverage": None
                    if status == AttemptStatus.SKIPPED
                    else round(100 * len(covered) / max(len(points), 1)),
                    "covered_points": Jsonb(covered),
                    "self_rating": rating,
                    "note": "",
                    "rated": submitted + timedelta(seconds=20) if rating else None,
                }
                progress.add(1)

    copy_rows(Attempt, attempts())
    template = Card().to_dict()
    copy_rows(
        ReviewCard,
        (
            {
                "owner": user_id,
                "question": question_id,
                "card": Jsonb({**template, "due": (when + timedelta(days=rating * 3)).isoformat()}),
                "due": when + timedelta(days=rating * 3),
                "last_review": when,
                "reviews": 1,
            }
            for (user_id, question_id), (rating, when) in latest.items()
        ),
    )


def seed_crowd(*, users: int, attempts: int, bank_slug: str, seed: int = 20250102) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from questions.models import Level, Question

    if connection.vendor != "postgresql":
        raise SystemExit("bench: the crowd is seeded on PostgreSQL only")
    User = get_user_model()  # noqa: N806
    rng = random.Random(seed)
    questions = list(
        Question.objects.active()
        .filter(bank__slug=bank_slug)
        .order_by("number")
        .prefetch_related("tags")
    )
    words = ANSWER_VOCABULARY.split()
    snapshots = {
        question.pk: {
            "points": Jsonb(question.scoring_points),
            "terms": [point["term"] for point in question.scoring_points],
            "tags": Jsonb(sorted(tag.slug for tag in question.tags.all())),
            "seconds": 180 if question.level == Level.JUNIOR else 300,
            "answer": " ".join(rng.choices(words, k=60)),
        }
        for question in questions
    }
    counts = attempts_per_user(users, attempts)
    now = timezone.now()
    progress = Progress(attempts, "crowd: attempts")
    made = Progress(users, "crowd: users")
    for start in range(0, users, CHUNK_USERS):
        chunk_counts = counts[start : start + CHUNK_USERS]
        with transaction.atomic():
            chunk_users = User.objects.bulk_create(
                User(
                    username=f"crowd-{start + index:05}",
                    email=f"crowd-{start + index:05}@example.com",
                    password="!",  # no usable password: nobody signs in as the crowd
                )
                for index in range(len(chunk_counts))
            )
            seed_chunk(
                users=chunk_users,
                counts=chunk_counts,
                questions=questions,
                snapshots=snapshots,
                now=now,
                rng=rng,
                progress=progress,
            )
        made.add(len(chunk_users))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "users": users,
        "attempts": attempts,
        "heaviest": counts[0],
        "median": statistics.median(counts),
        "mean": round(attempts / users, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--bank", default="aws")
    args = parser.parse_args()
    if args.attempts < args.users:
        raise SystemExit("bench: the crowd needs at least one attempt per user")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewprep.settings")
    django.setup()
    summary = seed_crowd(users=args.users, attempts=args.attempts, bank_slug=args.bank)
    json.dump(summary, sys.stdout)


if __name__ == "__main__":
    main()
