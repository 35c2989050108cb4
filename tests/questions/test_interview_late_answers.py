"""Text that arrives after a question's time is up: taken within the grace, refused after it.

The probe this guards against: the model answer, posted to the submit URL 46 seconds after
the deadline, replaced the timed-out answer and scored 100 %.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from questions.models import Attempt, AttemptStatus, InterviewMode, ReviewCard
from questions.services.interviews import (
    GRACE,
    TimeWasUp,
    attempt_begin,
    attempt_rate,
    attempt_save_draft,
    attempt_skip,
    attempt_submit,
    interview_settle,
)
from tests.questions.interview_support import HX, STRONG_ANSWER, make_questions, start, url

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)  # question 1 is shown; 60 seconds to answer
DEADLINE = 60
AFTER_GRACE = DEADLINE + GRACE.total_seconds() + 1
DRAFT = "Regions"  # half the talking points: coverage 50
TIME_WAS_UP = "Time was up at 21:01; your answer as it stood then was recorded."


def at(seconds: float):
    return time_machine.travel(T0 + timedelta(seconds=seconds), tick=False)


def moment(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def interview(user, bank):
    make_questions(bank, 3)
    with at(-60):
        interview = start(user, bank, count=2, seconds_junior=DEADLINE)
    attempt_begin(attempt=interview.attempts.get(position=1), now=T0)
    return interview


@pytest.fixture
def attempt(interview) -> Attempt:
    """Question 1, with a draft autosaved in time."""
    first = interview.attempts.get(position=1)
    attempt_save_draft(attempt=first, text=DRAFT, now=moment(30))
    return first


def stored(interview) -> Attempt:
    return interview.attempts.get(position=1)


def page_after(client, name: str, interview, data: dict, headers: dict):
    """The page the user sees after posting ``data`` to ``name``: the htmx step, or where
    the plain form's redirect leads."""
    response = client.post(url(name, interview, 1), data, **headers)
    if headers:
        return response
    return client.get(response["Location"])


# --- the services ---------------------------------------------------------------------


def test_an_answer_within_the_grace_is_taken_and_marked_timed_out(attempt):
    recorded = attempt_submit(attempt=attempt, text=STRONG_ANSWER, now=moment(DEADLINE + 4.9))

    assert (recorded.status, recorded.answer, recorded.coverage) == (
        AttemptStatus.TIMED_OUT,
        STRONG_ANSWER,
        100,
    )


def test_an_answer_after_the_grace_is_refused_and_the_draft_recorded(user, attempt):
    with pytest.raises(TimeWasUp) as refused:
        attempt_submit(attempt=attempt, text=STRONG_ANSWER, now=moment(AFTER_GRACE))

    assert refused.value.attempt.answer == DRAFT
    kept = Attempt.objects.get(pk=attempt.pk)
    assert (kept.status, kept.timed_out, kept.answer, kept.draft, kept.coverage) == (
        AttemptStatus.TIMED_OUT,
        True,
        DRAFT,
        DRAFT,
        50,
    )
    assert ReviewCard.objects.get(owner=user, question=kept.question).reviews == 1


def test_an_answer_settled_by_the_sweeper_is_never_replaced_later(attempt, interview):
    interview_settle(interview=interview, now=moment(AFTER_GRACE))

    with pytest.raises(TimeWasUp):
        attempt_submit(attempt=attempt, text=STRONG_ANSWER, now=moment(DEADLINE + 46))
    with pytest.raises(TimeWasUp):
        attempt_save_draft(attempt=attempt, text=STRONG_ANSWER, now=moment(DEADLINE + 46))

    kept = stored(interview)
    assert (kept.answer, kept.draft, kept.coverage) == (DRAFT, DRAFT, 50)


def test_the_same_text_after_the_grace_is_no_news(attempt):
    recorded = attempt_submit(attempt=attempt, text=DRAFT, now=moment(AFTER_GRACE))

    assert (recorded.status, recorded.answer) == (AttemptStatus.TIMED_OUT, DRAFT)


def test_text_sent_within_the_grace_replaces_a_draft_settled_meanwhile(attempt, interview):
    # Another request settled the question first; this one had arrived within the grace
    # and waited for the row lock.
    interview_settle(interview=interview, now=moment(AFTER_GRACE))

    recorded = attempt_submit(attempt=attempt, text=STRONG_ANSWER, now=moment(DEADLINE + 3))

    assert (recorded.answer, recorded.coverage) == (STRONG_ANSWER, 100)


def test_an_answer_submitted_within_the_grace_is_not_replaced_by_a_second_one(attempt):
    attempt_submit(attempt=attempt, text="Availability Zones", now=moment(DEADLINE + 1))

    again = attempt_submit(attempt=attempt, text=STRONG_ANSWER, now=moment(DEADLINE + 3))

    assert again.answer == "Availability Zones"
    assert stored(attempt.interview).answer == "Availability Zones"


def test_a_rated_answer_is_never_replaced(attempt, interview):
    interview_settle(interview=interview, now=moment(AFTER_GRACE))
    attempt_rate(attempt=attempt, rating=1, now=moment(AFTER_GRACE))

    attempt_submit(attempt=attempt, text=STRONG_ANSWER, now=moment(DEADLINE + 3))

    assert stored(interview).answer == DRAFT


def test_an_autosave_within_the_grace_is_the_draft_recorded(attempt, interview):
    assert attempt_save_draft(attempt=attempt, text="Regions and AZs", now=moment(DEADLINE + 4))

    interview_settle(interview=interview, now=moment(DEADLINE + 600))

    assert stored(interview).answer == "Regions and AZs"


def test_an_autosave_after_the_grace_closes_the_question_and_keeps_the_draft(attempt, interview):
    with pytest.raises(TimeWasUp):
        attempt_save_draft(attempt=attempt, text=STRONG_ANSWER, now=moment(AFTER_GRACE))

    kept = stored(interview)
    assert (kept.status, kept.answer, kept.draft) == (AttemptStatus.TIMED_OUT, DRAFT, DRAFT)


def test_an_over_long_autosave_after_the_grace_still_closes_the_question(attempt, interview):
    with pytest.raises(TimeWasUp):
        attempt_save_draft(attempt=attempt, text="x" * 20_001, now=moment(AFTER_GRACE))

    assert stored(interview).answer == DRAFT


def test_a_skip_after_the_grace_records_the_draft_as_timed_out(attempt):
    recorded = attempt_skip(attempt=attempt, now=moment(AFTER_GRACE))

    assert (recorded.status, recorded.answer) == (AttemptStatus.TIMED_OUT, DRAFT)


def test_a_skip_within_the_grace_is_a_skip(attempt):
    recorded = attempt_skip(attempt=attempt, now=moment(DEADLINE + 2))

    assert (recorded.status, recorded.answer, recorded.draft) == (AttemptStatus.SKIPPED, "", DRAFT)


def test_a_skipped_question_takes_no_late_text(attempt):
    attempt_skip(attempt=attempt, now=moment(DEADLINE + 2))

    attempt_submit(attempt=attempt, text=STRONG_ANSWER, now=moment(DEADLINE + 3))

    assert stored(attempt.interview).status == AttemptStatus.SKIPPED


# --- through the views ----------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_the_model_answer_posted_46_seconds_late_is_refused_with_a_message(
    client_logged_in, interview, attempt, headers
):
    with at(DEADLINE + 46):
        page = page_after(
            client_logged_in, "attempt_submit", interview, {"answer": STRONG_ANSWER}, headers
        )

    kept = stored(interview)
    assert (kept.status, kept.answer, kept.coverage) == (AttemptStatus.TIMED_OUT, DRAFT, 50)
    html = page.content.decode()
    assert page.status_code == 200
    assert TIME_WAS_UP in html
    assert "Time ran out: your answer was kept" in html
    assert "50%" in html


def test_the_message_gives_the_time_in_the_users_time_zone(
    client_logged_in, user, interview, attempt
):
    user.timezone = "Asia/Kolkata"
    user.save()

    with at(DEADLINE + 46):
        response = client_logged_in.post(
            url("attempt_submit", interview, 1), {"answer": STRONG_ANSWER}, **HX
        )

    assert "Time was up at 02:31;" in response.content.decode()


def test_a_double_submit_after_the_grace_shows_the_recorded_answer(
    client_logged_in, interview, attempt
):
    with at(DEADLINE + 2):
        first = client_logged_in.post(
            url("attempt_submit", interview, 1), {"answer": "Availability Zones"}, **HX
        )
    with at(DEADLINE + 30):
        second = client_logged_in.post(
            url("attempt_submit", interview, 1), {"answer": STRONG_ANSWER}, **HX
        )

    assert first.status_code == second.status_code == 200
    assert "Availability Zones" in second.content.decode()
    assert TIME_WAS_UP in second.content.decode()
    assert stored(interview).answer == "Availability Zones"


def test_a_second_tab_cannot_replace_an_answer_whose_feedback_was_shown(
    user, client_logged_in, interview, attempt
):
    second_tab = Client()
    second_tab.force_login(user)
    with at(DEADLINE + 1):
        feedback = client_logged_in.post(
            url("attempt_submit", interview, 1), {"answer": "Availability Zones"}, **HX
        )
    with at(DEADLINE + 3):  # still within the grace, with the model answer on screen
        second_tab.post(url("attempt_submit", interview, 1), {"answer": STRONG_ANSWER}, **HX)
        second_tab.post(url("attempt_draft", interview, 1), {"answer": STRONG_ANSWER}, **HX)

    assert attempt.model_answer_html in feedback.content.decode()
    kept = stored(interview)
    assert (kept.answer, kept.draft) == ("Availability Zones", "Availability Zones")


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_an_autosave_after_the_grace_keeps_the_recorded_draft_and_says_why(
    client_logged_in, interview, attempt, headers
):
    with at(AFTER_GRACE + 10):
        response = client_logged_in.post(
            url("attempt_draft", interview, 1), {"answer": STRONG_ANSWER}, **headers
        )
        location = response["HX-Redirect"] if headers else response["Location"]
        page = client_logged_in.get(location)

    assert location == interview.get_absolute_url()
    assert TIME_WAS_UP in page.content.decode()
    kept = stored(interview)
    assert (kept.status, kept.answer, kept.draft) == (AttemptStatus.TIMED_OUT, DRAFT, DRAFT)


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_skip_after_the_grace_records_the_draft_and_says_why(
    client_logged_in, interview, attempt, headers
):
    with at(AFTER_GRACE + 10):
        page = page_after(
            client_logged_in, "attempt_skip", interview, {"answer": STRONG_ANSWER}, headers
        )

    assert page.status_code == 200
    assert TIME_WAS_UP in page.content.decode()
    kept = stored(interview)
    assert (kept.status, kept.answer) == (AttemptStatus.TIMED_OUT, DRAFT)


def test_ending_the_interview_after_the_grace_records_the_draft_not_the_text_sent(
    client_logged_in, interview, attempt
):
    with at(AFTER_GRACE + 10):
        response = client_logged_in.post(url("interview_end", interview), {"answer": STRONG_ANSWER})

    assert response["Location"] == interview.get_summary_url()
    assert stored(interview).answer == DRAFT


def test_rating_a_timed_out_answer_leaves_it_as_recorded(client_logged_in, interview, attempt):
    with at(AFTER_GRACE):
        client_logged_in.get(interview.get_absolute_url())  # settles with the draft
        response = client_logged_in.post(
            url("attempt_rate", interview, 1), {"rating": "4", "answer": STRONG_ANSWER}, **HX
        )

    assert response.status_code == 200
    kept = stored(interview)
    assert (kept.answer, kept.self_rating) == (DRAFT, 4)


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_practice_answers_after_the_model_answer_count_once(client_logged_in, user, bank, headers):
    make_questions(bank, 1)
    practice = start(user, bank, mode=InterviewMode.PRACTICE, count=1)
    with at(0):
        client_logged_in.get(practice.get_absolute_url())
        client_logged_in.get(url("attempt_reveal", practice, 1), **HX)
    with at(86_400):  # untimed: never late
        client_logged_in.post(url("attempt_submit", practice, 1), {"answer": "Regions"}, **headers)
        client_logged_in.post(
            url("attempt_submit", practice, 1), {"answer": STRONG_ANSWER}, **headers
        )

    kept = practice.attempts.get()
    assert (kept.status, kept.answer, kept.timed_out) == (AttemptStatus.ANSWERED, "Regions", False)
