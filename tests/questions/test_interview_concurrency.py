"""Races settled by PostgreSQL: simultaneous submits, ratings, first views and starts.

Each test sends the same request from several threads at once (each thread with its
own database connection) and checks that exactly one of them took effect.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from questions.models import (
    Attempt,
    AttemptStatus,
    InterviewMode,
    InterviewStatus,
    MockInterview,
    ReviewCard,
)
from questions.services.interviews import attempt_begin, attempt_submit
from tests.questions.interview_support import HX, make_questions, start, url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are checked on PostgreSQL")


def race(user, requests):
    """Run ``requests`` (callables taking a logged-in Client) together; their results."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)
    errors: list[BaseException] = []

    def worker(index, request):
        try:
            client = Client()
            client.force_login(user)
            barrier.wait(timeout=10)
            results[index] = request(client)
        except BaseException as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(index, request))
        for index, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


@pytest.fixture
def interview(user, bank):
    make_questions(bank, 3)
    interview = start(user, bank, count=2)
    attempt_begin(attempt=interview.attempts.get(position=1))
    return interview


def test_concurrent_submits_store_one_answer(user, interview):
    submit = url("attempt_submit", interview, 1)
    texts = [f"Answer number {n} names a Region" for n in range(THREADS)]

    responses = race(
        user, [lambda c, text=text: c.post(submit, {"answer": text}, **HX) for text in texts]
    )

    rows = Attempt.objects.filter(interview=interview, position=1)
    assert rows.count() == 1
    attempt = rows.get()
    assert attempt.status == AttemptStatus.ANSWERED
    assert attempt.answer in texts
    assert attempt.draft == attempt.answer
    assert Attempt.objects.filter(interview=interview).count() == 2
    # Every request, the winner's and the late ones, shows the one stored answer.
    shown = {n for r in responses for n in range(THREADS) if texts[n][:16] in r.content.decode()}
    assert shown == {texts.index(attempt.answer)}


def test_concurrent_late_submits_review_the_card_once(user, interview):
    attempt = interview.attempts.get(position=1)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=attempt.started)
    submit = url("attempt_submit", interview, 1)

    race(user, [lambda c: c.post(submit, {"answer": "Regions"})] * THREADS)

    attempt.refresh_from_db()
    assert (attempt.status, attempt.answer) == (AttemptStatus.TIMED_OUT, "Regions")
    assert ReviewCard.objects.get(owner=user, question=attempt.question).reviews == 1


def test_concurrent_submits_after_the_grace_all_keep_the_draft(user, interview):
    attempt = interview.attempts.get(position=1)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=attempt.started - timedelta(minutes=1), draft="Regions"
    )
    submit = url("attempt_submit", interview, 1)

    responses = race(
        user,
        [
            lambda c, n=n: c.post(submit, {"answer": f"Late answer {n}"}, **HX)
            for n in range(THREADS)
        ],
    )

    attempt.refresh_from_db()
    assert (attempt.status, attempt.answer, attempt.draft) == (
        AttemptStatus.TIMED_OUT,
        "Regions",
        "Regions",
    )
    assert all(r.status_code == 200 for r in responses)
    assert all("your answer as it stood then was recorded" in r.content.decode() for r in responses)
    assert ReviewCard.objects.get(owner=user, question=attempt.question).reviews == 1


def test_concurrent_ratings_keep_the_first_and_review_once(user, interview):
    attempt = attempt_submit(attempt=interview.attempts.get(position=1), text="Regions")
    rate = url("attempt_rate", interview, 1)

    race(
        user,
        [lambda c, n=n: c.post(rate, {"rating": str(n % 4 + 1)}) for n in range(THREADS)],
    )

    attempt.refresh_from_db()
    assert attempt.self_rating in {1, 2, 3, 4}
    assert ReviewCard.objects.get(owner=user, question=attempt.question).reviews == 1


def test_two_tabs_opening_a_question_together_agree_on_one_deadline(user, bank):
    make_questions(bank, 2)
    interview = start(user, bank, count=1)

    race(user, [lambda c: c.get(interview.get_absolute_url())] * THREADS)

    attempt = interview.attempts.get()
    assert attempt.started is not None
    assert (attempt.deadline - attempt.started).total_seconds() == attempt.seconds_allowed


def test_concurrent_starts_leave_one_interview_in_progress(user, bank):
    make_questions(bank, 3)

    interviews = race(
        user,
        [lambda c: start(user, bank, mode=InterviewMode.PRACTICE, count=2) for _ in range(THREADS)],
    )

    assert len({i.pk for i in interviews}) == THREADS
    running = MockInterview.objects.filter(owner=user, status=InterviewStatus.IN_PROGRESS)
    assert running.count() == 1
    assert MockInterview.objects.filter(status=InterviewStatus.ABANDONED).count() == THREADS - 1
