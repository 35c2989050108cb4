from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from questions.models import AttemptStatus, InterviewMode, InterviewStatus
from tests.factories import AttemptFactory, MockInterviewFactory, QuestionFactory
from tests.questions.history_data import bulk_history

pytestmark = pytest.mark.django_db

URL = reverse("questions:history")
QUESTIONS_URL = reverse("questions:history_questions")
MAX_QUERIES = 8


def _interview(owner, bank, *, started, **fields):
    interview = MockInterviewFactory(owner=owner, bank=bank, **fields)
    interview.started = started
    interview.save(update_fields=["started"])
    return interview


def test_it_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_requires_get(client_logged_in):
    assert client_logged_in.post(URL).status_code == 405


def test_a_user_without_history_is_told_how_to_start(client_logged_in):
    response = client_logged_in.get(URL)
    assertContains(response, "Nothing here yet")
    assertContains(response, f'href="{reverse("questions:practice")}"')
    assertNotContains(response, "<table")


def test_it_lists_interviews_newest_first_with_their_totals(client_logged_in, user, bank):
    q1, q2, q3 = (QuestionFactory(bank=bank) for _ in range(3))
    older = _interview(user, bank, started=datetime(2025, 5, 1, 9, 0, tzinfo=UTC), question_count=2)
    start = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)
    AttemptFactory(
        interview=older,
        question=q1,
        started=start,
        submitted=start + timedelta(seconds=95),
        coverage=40,
        self_rating=2,
    )
    AttemptFactory(
        interview=older,
        question=q2,
        started=start + timedelta(minutes=2),
        submitted=start + timedelta(minutes=4),
        coverage=90,
        self_rating=4,
    )
    newer = _interview(
        user,
        bank,
        started=datetime(2025, 5, 3, 20, 15, tzinfo=UTC),
        mode=InterviewMode.PRACTICE,
        question_count=3,
        status=InterviewStatus.ABANDONED,
    )
    AttemptFactory(
        interview=newer,
        question=q3,
        started=datetime(2025, 5, 3, 20, 15, tzinfo=UTC),
        submitted=datetime(2025, 5, 3, 20, 16, tzinfo=UTC),
        coverage=70,
        self_rating=1,
        deadline=None,
        seconds_allowed=None,
    )

    response = client_logged_in.get(URL)

    html = response.content.decode()
    assert html.index("Sat 3 May 2025, 20:15") < html.index("Thu 1 May 2025, 09:00")
    assertContains(response, f'href="{older.get_absolute_url()}"')
    assertContains(response, f'href="{newer.get_absolute_url()}"')
    assertContains(response, "2 interviews, newest first.")
    # The older one: 2 of 2 answered, (40 + 90) / 2 = 65 %, 95 s + 120 s = 3 min 35 s.
    assertContains(response, "65%")
    assertContains(response, "3 min 35 s")
    assertContains(response, "Hard 1")
    assertContains(response, "Easy 1")
    # The newer one: 1 of 3, ended early, practice, 60 s.
    assertContains(response, "1 of 3")
    assertContains(response, "Ended early")
    assertContains(response, "Practice")
    assertContains(response, "1 min 00 s")
    assertContains(response, "Again 1")


def test_each_interview_counts_answered_timed_out_and_skipped_apart(client_logged_in, user, bank):
    interview = _interview(
        user, bank, started=datetime(2025, 5, 1, 9, 0, tzinfo=UTC), question_count=4
    )
    AttemptFactory(interview=interview, position=1)
    AttemptFactory(interview=interview, position=2, status=AttemptStatus.TIMED_OUT, timed_out=True)
    AttemptFactory(interview=interview, position=3, status=AttemptStatus.SKIPPED, coverage=0)
    clean = _interview(user, bank, started=datetime(2025, 5, 2, 9, 0, tzinfo=UTC), question_count=1)
    AttemptFactory(interview=clean, position=1)

    response = client_logged_in.get(URL)

    assertContains(response, "3 of 4")
    assertContains(response, "1 answered, 1 timed out, 1 skipped")
    # Zero time-outs and skips are left out of a row rather than listed.
    assertContains(response, '<span class="outcome-line small">1 answered</span>')


def test_dates_are_shown_in_the_users_time_zone(client_logged_in, user, bank):
    user.timezone = "America/Los_Angeles"
    user.save()
    _interview(user, bank, started=datetime(2025, 7, 1, 3, 30, tzinfo=UTC))
    response = client_logged_in.get(URL)
    assertContains(response, "Mon 30 Jun 2025, 20:30")
    assertContains(response, "Times in America/Los_Angeles")


def test_interviews_in_progress_are_marked(client_logged_in, user, bank):
    _interview(user, bank, started=datetime(2025, 5, 1, tzinfo=UTC), status="in_progress")
    assertContains(client_logged_in.get(URL), "In progress")


def test_another_users_interviews_are_not_listed(client_logged_in, other_user, bank):
    theirs = _interview(other_user, bank, started=datetime(2025, 5, 1, 9, 0, tzinfo=UTC))
    AttemptFactory(interview=theirs)
    response = client_logged_in.get(URL)
    assertNotContains(response, theirs.get_absolute_url())
    assertContains(response, "Nothing here yet")


def test_it_is_paginated_twenty_to_a_page(client_logged_in, user, bank):
    first = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    for day in range(21):
        _interview(user, bank, started=first + timedelta(days=day))
    page_one = client_logged_in.get(URL)
    assertContains(page_one, "Page 1 of 2")
    assertContains(page_one, "Tue 21 Jan 2025")
    assertNotContains(page_one, "Wed 1 Jan 2025")
    page_two = client_logged_in.get(URL, {"page": 2})
    assertContains(page_two, "Wed 1 Jan 2025")
    assertNotContains(page_two, "Tue 21 Jan 2025")
    assert client_logged_in.get(URL, {"page": "x' OR 1=1"}).status_code == 200


def test_the_questions_view_links_each_practised_question_to_its_history(
    client_logged_in, user, bank
):
    practised = QuestionFactory(bank=bank, prompt="What is a VPC endpoint?")
    QuestionFactory(bank=bank, prompt="What is an untouched question?")
    interview = _interview(user, bank, started=datetime(2025, 5, 1, tzinfo=UTC))
    AttemptFactory(interview=interview, question=practised, coverage=55)
    response = client_logged_in.get(QUESTIONS_URL)
    assertContains(response, "What is a VPC endpoint?")
    assertNotContains(response, "What is an untouched question?")
    assertContains(
        response, reverse("questions:question_history", kwargs={"question_id": practised.pk})
    )
    assertContains(response, "55%")


def test_pending_attempts_do_not_make_a_question_practised(client_logged_in, user, bank):
    interview = _interview(user, bank, started=datetime(2025, 5, 1, tzinfo=UTC))
    AttemptFactory(interview=interview, status=AttemptStatus.PENDING, coverage=None)
    assertContains(client_logged_in.get(QUESTIONS_URL), "Nothing here yet")


@pytest.mark.parametrize("attempts", [1, 500])
def test_the_history_costs_the_same_queries_whatever_its_size(
    client_logged_in, user, bank, attempts, django_assert_max_num_queries
):
    questions = [QuestionFactory(bank=bank) for _ in range(25)]
    bulk_history(user=user, bank=bank, attempts=attempts, questions=questions)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client_logged_in.get(URL)
    assert response.status_code == 200
    assertContains(response, "Average coverage")


@pytest.mark.parametrize("attempts", [1, 500])
def test_the_questions_view_costs_the_same_queries_whatever_its_size(
    client_logged_in, user, bank, attempts, django_assert_max_num_queries
):
    questions = [QuestionFactory(bank=bank) for _ in range(25)]
    bulk_history(user=user, bank=bank, attempts=attempts, questions=questions)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client_logged_in.get(QUESTIONS_URL)
    assertContains(response, "Last practised")
