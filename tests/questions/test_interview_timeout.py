"""The server keeps the time: deadlines, refreshes, second tabs, time running out."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from questions.models import Attempt, AttemptStatus, InterviewStatus, ReviewCard
from questions.services.interviews import GRACE, interview_settle
from tests.questions.interview_support import HX, STRONG_ANSWER, make_questions, start, url

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)


def at(seconds: float):
    return time_machine.travel(T0 + timedelta(seconds=seconds), tick=False)


@pytest.fixture
def interview(user, bank):
    make_questions(bank, 3)
    with at(-60):
        return start(user, bank, count=2, seconds_junior=60)


def remaining_ms(html: str) -> int:
    return int(html.split('data-remaining-ms="')[1].split('"')[0])


def test_a_refresh_shows_the_true_remaining_time(client_logged_in, interview):
    with at(0):
        first = client_logged_in.get(interview.get_absolute_url()).content.decode()
    with at(25):
        refreshed = client_logged_in.get(interview.get_absolute_url()).content.decode()

    assert remaining_ms(first) == 60_000
    assert remaining_ms(refreshed) == 35_000
    assert "data-timer-clock>0:35<" in refreshed
    attempt = interview.attempts.get(position=1)
    assert attempt.started == T0
    assert attempt.deadline == T0 + timedelta(seconds=60)


def test_a_second_tab_gets_the_same_deadline(user, client_logged_in, interview):
    second_tab = Client()
    second_tab.force_login(user)

    with at(0):
        client_logged_in.get(interview.get_absolute_url())
    with at(40):
        other = second_tab.get(interview.get_absolute_url(), **HX).content.decode()

    assert remaining_ms(other) == 20_000
    assert interview.attempts.get(position=1).deadline == T0 + timedelta(seconds=60)


def test_the_page_sent_at_the_deadline_is_kept_and_marked_timed_out(client_logged_in, interview):
    with at(0):
        client_logged_in.get(interview.get_absolute_url())
    with at(60.4):  # the countdown ended and the page submitted by itself
        response = client_logged_in.post(
            url("attempt_submit", interview, 1), {"answer": STRONG_ANSWER}, **HX
        )

    html = response.content.decode()
    assert "Time ran out: your answer was kept" in html
    assert "Timed out" in html
    attempt = interview.attempts.get(position=1)
    assert (attempt.status, attempt.timed_out, attempt.answer) == (
        AttemptStatus.TIMED_OUT,
        True,
        STRONG_ANSWER,
    )
    assert attempt.coverage == 100
    assert attempt.seconds_used == 60


def test_an_answer_in_time_is_not_timed_out(client_logged_in, interview):
    with at(0):
        client_logged_in.get(interview.get_absolute_url())
    with at(59.9):
        client_logged_in.post(url("attempt_submit", interview, 1), {"answer": "Regions"})

    attempt = interview.attempts.get(position=1)
    assert (attempt.status, attempt.timed_out) == (AttemptStatus.ANSWERED, False)
    assert attempt.seconds_used == 60


def test_an_answer_arriving_within_the_grace_is_stored(client_logged_in, interview):
    with at(0):
        client_logged_in.get(interview.get_absolute_url())
        client_logged_in.post(url("attempt_draft", interview, 1), {"answer": "early draft"}, **HX)
    with at(60 + GRACE.total_seconds()):
        client_logged_in.post(url("attempt_submit", interview, 1), {"answer": "the full answer"})

    attempt = interview.attempts.get(position=1)
    assert attempt.status == AttemptStatus.TIMED_OUT
    assert attempt.answer == "the full answer"


def test_an_answer_arriving_after_the_grace_leaves_the_draft_recorded(client_logged_in, interview):
    with at(0):
        client_logged_in.get(interview.get_absolute_url())
        client_logged_in.post(url("attempt_draft", interview, 1), {"answer": "early draft"}, **HX)
    with at(60 + GRACE.total_seconds() + 30):
        client_logged_in.post(url("attempt_submit", interview, 1), {"answer": "the full answer"})

    attempt = interview.attempts.get(position=1)
    assert attempt.status == AttemptStatus.TIMED_OUT
    assert attempt.answer == "early draft"


def test_nothing_is_settled_within_the_grace_period(interview):
    attempt = interview.attempts.get(position=1)
    Attempt.objects.filter(pk=attempt.pk).update(
        started=T0, deadline=T0 + timedelta(seconds=60), draft="draft"
    )

    with at(60 + GRACE.total_seconds() - 0.5):
        assert interview_settle(interview=interview) == []

    assert interview.attempts.get(position=1).status == AttemptStatus.PENDING


def test_when_nothing_arrives_the_last_draft_becomes_the_timed_out_answer(
    client_logged_in, user, interview
):
    with at(0):
        client_logged_in.get(interview.get_absolute_url())
    with at(20):
        client_logged_in.post(
            url("attempt_draft", interview, 1), {"answer": "Availability Zones"}, **HX
        )
    # The tab was closed. The next request of anything of this interview settles it.
    with at(600):
        response = client_logged_in.get(interview.get_absolute_url())

    attempt = interview.attempts.get(position=1)
    assert attempt.status == AttemptStatus.TIMED_OUT
    assert attempt.timed_out is True
    assert attempt.answer == "Availability Zones"
    assert attempt.coverage == 50
    assert attempt.seconds_used == 60
    html = response.content.decode()
    assert "Time ran out: your answer was kept" in html
    assert "Availability Zones" in html
    card = ReviewCard.objects.get(owner=user, question=attempt.question)
    assert card.reviews == 1


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "interview_summary"),
        ("get", "attempt"),
        ("post", "attempt_draft"),
        ("post", "attempt_skip"),
        ("post", "interview_end"),
    ],
)
def test_every_interview_view_settles_expired_questions_first(
    client_logged_in, interview, method, name
):
    with at(0):
        client_logged_in.get(interview.get_absolute_url())
        client_logged_in.post(url("attempt_draft", interview, 1), {"answer": "Regions"}, **HX)
    position = 1 if name.startswith("attempt") else None

    with at(3600):
        getattr(client_logged_in, method)(url(name, interview, position), {})

    attempt = interview.attempts.get(position=1)
    assert attempt.status == AttemptStatus.TIMED_OUT
    assert attempt.answer == "Regions"


def test_a_late_answer_after_settling_does_not_replace_the_draft(client_logged_in, interview):
    with at(0):
        client_logged_in.get(interview.get_absolute_url())
        client_logged_in.post(url("attempt_draft", interview, 1), {"answer": "Regions"}, **HX)
    with at(120):
        client_logged_in.get(interview.get_absolute_url())  # settles with the draft
        client_logged_in.post(url("attempt_submit", interview, 1), {"answer": STRONG_ANSWER})
        client_logged_in.post(url("attempt_rate", interview, 1), {"rating": "1"})
        client_logged_in.post(url("attempt_submit", interview, 1), {"answer": "after rating"})

    attempt = interview.attempts.get(position=1)
    assert attempt.status == AttemptStatus.TIMED_OUT
    assert attempt.answer == "Regions"
    assert attempt.coverage == 50


def test_closing_the_browser_and_coming_back_resumes_where_it_was(user, bank, interview):
    first_visit = Client()
    first_visit.force_login(user)
    with at(0):
        first_visit.get(interview.get_absolute_url())
        first_visit.post(url("attempt_submit", interview, 1), {"answer": "Regions"})
        first_visit.post(url("attempt_rate", interview, 1), {"rating": "3"})
        first_visit.get(interview.get_absolute_url())  # question 2 shown at T0
        first_visit.post(url("attempt_draft", interview, 2), {"answer": "typed before"}, **HX)

    comeback = Client()
    comeback.force_login(user)
    with at(30):
        home = comeback.get(reverse("questions:home")).content.decode()
        resumed = comeback.get(interview.get_absolute_url()).content.decode()

    assert "Resume interview" in home
    assert "Question <strong>2</strong> of 2" in resumed
    assert "typed before</textarea>" in resumed
    assert remaining_ms(resumed) == 30_000


def test_a_question_that_ran_out_while_away_is_timed_out_on_return(user, interview):
    away = Client()
    away.force_login(user)
    with at(0):
        away.get(interview.get_absolute_url())
        away.post(url("attempt_draft", interview, 1), {"answer": "Regions"}, **HX)
    with at(86_400):
        back = away.get(interview.get_absolute_url()).content.decode()
        away.post(url("attempt_rate", interview, 1), {"rating": "2"})
        next_page = away.get(interview.get_absolute_url()).content.decode()

    assert "Time ran out" in back
    assert "Question <strong>2</strong> of 2" in next_page
    assert remaining_ms(next_page) == 60_000
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.IN_PROGRESS


def test_practice_questions_never_time_out(client_logged_in, user, bank):
    make_questions(bank, 1)
    with at(0):
        practice = start(user, bank, mode="practice", count=1)
        client_logged_in.get(practice.get_absolute_url())
    with at(86_400 * 3):
        client_logged_in.get(practice.get_absolute_url())
        client_logged_in.post(url("attempt_submit", practice, 1), {"answer": "Regions"})

    attempt = practice.attempts.get()
    assert attempt.deadline is None
    assert (attempt.status, attempt.timed_out) == (AttemptStatus.ANSWERED, False)
