"""Bench data and the request plan, made with the ORM in the bench database.

Run by bench/run.py as ``python -m bench.seed --attempts N`` with the bench's
environment; prints the plan as JSON: every page of bench/pages.py resolved to a
request with its cookies, plus the number of queries it costs for a user with few
attempts and for the user with N attempts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import django

if TYPE_CHECKING:
    from accounts.models import User
    from questions.models import Attempt, Bank, MockInterview, Question

# Django is set up by main() before anything below touches the ORM, so the app's
# modules are imported inside the functions.

BIG_USER = "bench"
SMALL_USER = "bench-small"
SMALL_ATTEMPTS = 20
PER_INTERVIEW = 10
ANSWER_VOCABULARY = (
    "use an Auto Scaling group across two Availability Zones behind an Application Load "
    "Balancer keep state in DynamoDB or RDS Multi-AZ cache reads with ElastiCache and watch "
    "CloudWatch alarms least privilege IAM roles encryption with KMS and backups tested"
)


@dataclass
class BenchData:
    """What a page of bench/pages.py builds its URL and form from."""

    user: User
    bank: Bank
    question: Question
    interview: MockInterview  # in progress
    attempt: Attempt  # its open question
    answered: Attempt  # its first question, answered: the feedback step


def attempt_outcome(*, seconds: int, rng: random.Random) -> tuple[str, int]:
    """How a seeded attempt ended, and the seconds it took: about 90 % answered, 7 % timed
    out, 3 % skipped."""
    from questions.models import AttemptStatus

    roll = rng.random()
    if roll < 0.03:
        status = AttemptStatus.SKIPPED
    elif roll < 0.10:
        status = AttemptStatus.TIMED_OUT
    else:
        status = AttemptStatus.ANSWERED
    used = seconds if status == AttemptStatus.TIMED_OUT else rng.randint(40, seconds)
    return status, used


def client_environ(request: dict) -> dict[str, str]:
    """The WSGI environ of Django's test client for a planned ``request``."""
    extra = {
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT": "text/html",
        "HTTP_COOKIE": request["headers"].get("Cookie", ""),
    }
    if "HX-Request" in request["headers"]:
        extra["HTTP_HX_REQUEST"] = "true"
    if "X-CSRFToken" in request["headers"]:
        extra["HTTP_X_CSRFTOKEN"] = request["headers"]["X-CSRFToken"]
    return extra


def _attempt_rows(*, user, questions, count: int, rng: random.Random):
    from django.utils import timezone

    from questions.models import (
        Attempt,
        AttemptStatus,
        InterviewMode,
        InterviewStatus,
        Level,
        MockInterview,
    )

    now = timezone.now()
    total = -(-count // PER_INTERVIEW)
    # One interview of PER_INTERVIEW questions every few days over the last 200 days.
    starts = [now - timedelta(days=200) + timedelta(days=200) * i / total for i in range(total)]
    interviews = MockInterview.objects.bulk_create(
        MockInterview(
            owner=user,
            bank_id=questions[0].bank_id,
            mode=InterviewMode.MOCK,
            status=InterviewStatus.COMPLETED,
            question_count=PER_INTERVIEW,
            seconds_junior=180,
            seconds_senior=300,
            finished=started + timedelta(minutes=4 * PER_INTERVIEW),
        )
        for started in starts
    )
    # started is auto_now_add, so bulk_create stamped every row with now: set it again.
    for interview, started in zip(interviews, starts, strict=True):
        interview.started = started
    MockInterview.objects.bulk_update(interviews, ["started"])

    words = ANSWER_VOCABULARY.split()
    attempts = []
    for index in range(count):
        interview = interviews[index // PER_INTERVIEW]
        position = index % PER_INTERVIEW + 1
        question = questions[(index // PER_INTERVIEW * 7 + position) % len(questions)]
        seconds = 180 if question.level == Level.JUNIOR else 300
        started = interview.started + timedelta(minutes=4 * (position - 1))
        points = [p["term"] for p in question.talking_points]
        covered = rng.sample(points, rng.randint(0, len(points))) if points else []
        status, used = attempt_outcome(seconds=seconds, rng=rng)
        answer = "" if status == AttemptStatus.SKIPPED else " ".join(rng.choices(words, k=60))
        attempts.append(
            Attempt(
                interview=interview,
                owner=user,
                question=question,
                position=position,
                prompt=question.prompt,
                model_answer=question.answer,
                model_answer_html=question.answer_html,
                talking_points=question.talking_points,
                level=question.level,
                tag_slugs=[tag.slug for tag in question.tags.all()],
                seconds_allowed=seconds,
                started=started,
                deadline=started + timedelta(seconds=seconds),
                submitted=started + timedelta(seconds=used),
                status=status,
                answer=answer,
                timed_out=status == AttemptStatus.TIMED_OUT,
                coverage=(
                    None
                    if status == AttemptStatus.SKIPPED
                    else round(100 * len(covered) / max(len(points), 1))
                ),
                covered_points=covered,
                self_rating=None if status == AttemptStatus.SKIPPED else rng.randint(1, 4),
                rated=started + timedelta(seconds=used + 20),
            )
        )
    Attempt.objects.bulk_create(attempts, batch_size=1000)
    return attempts


def _review_cards(*, user, attempts) -> None:
    from fsrs import Card, Rating, Scheduler

    from questions.models import ReviewCard

    scheduler = Scheduler()
    latest = {}
    for attempt in attempts:
        if attempt.self_rating:
            latest[attempt.question_id] = attempt
    cards = []
    for question_id, attempt in latest.items():
        card, _ = scheduler.review_card(
            Card(), Rating(attempt.self_rating), review_datetime=attempt.submitted
        )
        cards.append(
            ReviewCard(
                owner=user,
                question_id=question_id,
                card=card.to_dict(),
                due=card.due,
                last_review=attempt.submitted,
                reviews=1,
            )
        )
    ReviewCard.objects.bulk_create(cards)


def running_interview(*, user, bank):
    """An untimed interview in progress, as the app runs it: its first question answered
    (the feedback step), its second open."""
    from questions.models import InterviewMode
    from questions.services.interviews import attempt_begin, attempt_submit, interview_start

    interview = interview_start(user=user, bank=bank, mode=InterviewMode.PRACTICE, count=10)
    first, second = interview.attempts.order_by("position")[:2]
    answered = attempt_submit(attempt=attempt_begin(attempt=first), text=ANSWER_VOCABULARY)
    return interview, attempt_begin(attempt=second), answered


def seed_user(*, username: str, attempts: int, bank, rng: random.Random) -> BenchData:
    """A user with ``attempts`` past attempts, review cards and a running interview."""
    from django.contrib.auth import get_user_model

    from questions.models import Question

    User = get_user_model()  # noqa: N806
    User.objects.filter(username=username).delete()
    user = User.objects.create_user(username=username, email=f"{username}@example.com")
    questions = list(
        Question.objects.active().filter(bank=bank).order_by("number").prefetch_related("tags")
    )
    if not questions:
        raise SystemExit(f"the bank {bank.slug!r} has no active questions")
    if attempts:
        rows = _attempt_rows(user=user, questions=questions, count=attempts, rng=rng)
        _review_cards(user=user, attempts=rows)
    interview, attempt, answered = running_interview(user=user, bank=bank)
    return BenchData(
        user=user,
        bank=bank,
        question=questions[0],
        interview=interview,
        attempt=attempt,
        answered=answered,
    )


def signed_in_cookies(user) -> dict[str, str]:
    """A real session for ``user`` (stored by the session engine) and a CSRF cookie."""
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return {
        settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
        settings.CSRF_COOKIE_NAME: _get_new_csrf_string(),
    }


def request_for(page, data: BenchData, cookies: dict[str, str]) -> dict:
    from django.conf import settings
    from django.urls import reverse

    headers = {"Accept": "text/html"}
    if page.signed_in:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    if page.htmx:
        headers["HX-Request"] = "true"
    body = ""
    if page.method == "POST":
        body = urlencode(page.form(data) if page.form else {}, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["X-CSRFToken"] = cookies[settings.CSRF_COOKIE_NAME]
    return {
        "method": page.method,
        "path": reverse(page.url_name, kwargs=page.kwargs(data)),
        "headers": headers,
        "body": body,
    }


def count_queries(request: dict) -> int:
    """Queries of one request, served in this process by Django's test client.

    The request is sent twice and the second one counted: the first fills the caches
    (facet counts, cached sessions), as the warm-up does before every measurement.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(raise_request_exception=False)
    extra = client_environ(request)
    sent = []

    def send() -> None:
        sent.append(None)
        if request["method"] == "POST":
            # A fresh number each time, as bench/load.py sends, so every POST writes.
            client.post(
                request["path"],
                request["body"].replace("__N__", f"counted-{len(sent)}"),
                content_type="application/x-www-form-urlencoded",
                **extra,
            )
        else:
            client.get(request["path"], **extra)

    send()
    with CaptureQueriesContext(connection) as queries:
        send()
    return len(queries)


def plan(*, attempts: int, bank_slug: str, clients: int, seed: int = 20250101) -> dict:
    from django.db import connection

    from bench.pages import PAGES
    from questions.models import Bank

    rng = random.Random(seed)
    bank = Bank.objects.get(slug=bank_slug)
    large = seed_user(username=BIG_USER, attempts=attempts, bank=bank, rng=rng)
    small = seed_user(username=SMALL_USER, attempts=SMALL_ATTEMPTS, bank=bank, rng=rng)
    users = [(data, signed_in_cookies(data.user)) for data in (large, small)]
    if any(page.own_user for page in PAGES):
        users += [
            (data, signed_in_cookies(data.user))
            for data in (
                seed_user(username=f"bench-client-{n:02}", attempts=0, bank=bank, rng=rng)
                for n in range(1, clients + 1)
            )
        ]
    (large_data, large_cookies), (small_data, small_cookies) = users[:2]

    pages = []
    for page in PAGES:
        queries_large = count_queries(request_for(page, large_data, large_cookies))
        queries_small = count_queries(request_for(page, small_data, small_cookies))
        if page.own_user:
            requests = [request_for(page, data, cookies) for data, cookies in users[2:]]
        else:
            requests = [request_for(page, large_data, large_cookies)]
        pages.append(
            {
                "name": page.name,
                "requests": requests,
                "expect": list(page.expect),
                "baseline": page.baseline,
                "min_ratio": page.min_ratio,
                "max_p95_ms": page.max_p95_ms,
                "queries": {"few_attempts": queries_small, "many_attempts": queries_large},
            }
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    return {
        "django": django.get_version(),
        "database": database,
        "attempts": attempts,
        "pages": pages,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--attempts", type=int, default=5000)
    parser.add_argument("--bank", default="aws", help="slug of the bank to practise on")
    parser.add_argument("--clients", type=int, default=16, help="users for per-client pages")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewprep.settings")
    django.setup()
    result = plan(attempts=args.attempts, bank_slug=args.bank, clients=args.clients)
    json.dump(result, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
