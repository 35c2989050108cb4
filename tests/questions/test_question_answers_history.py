"""One question's history for its user: every answer given, oldest first, beside the
model answer as it was at the time."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from questions.models import AttemptStatus
from tests.factories import AttemptFactory, MockInterviewFactory, QuestionFactory
from tests.questions.history_data import bulk_history

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10


def url_for(question) -> str:
    return reverse("questions:question_history", kwargs={"question_id": question.pk})


def _attempt(user, question, when, **fields):
    interview = MockInterviewFactory(owner=user, bank=question.bank)
    return AttemptFactory(
        interview=interview,
        question=question,
        started=when,
        submitted=when + timedelta(seconds=100),
        **fields,
    )


@pytest.fixture
def two_attempts(user, question):
    first = _attempt(
        user,
        question,
        datetime(2025, 4, 1, 8, 0, tzinfo=UTC),
        answer="Something about data centres.",
        coverage=0,
        covered_points=[],
        self_rating=1,
        note="Learn what an AZ is.",
    )
    question.answer = "A Region holds several **Availability Zones** (rewritten)."
    question.save()
    second = _attempt(
        user,
        question,
        datetime(2025, 4, 9, 8, 0, tzinfo=UTC),
        answer="Each Region has several Availability Zones.",
        coverage=100,
        covered_points=["Availability Zone", "Region"],
        self_rating=4,
    )
    return first, second


def test_it_shows_every_answer_oldest_first_with_its_result(
    client_logged_in, question, two_attempts
):
    response = client_logged_in.get(url_for(question))
    html = response.content.decode()
    assert html.index("Something about data centres.") < html.index(
        "Each Region has several Availability Zones."
    )
    assertContains(response, "Attempt 1")
    assertContains(response, "Attempt 2")
    assertContains(response, "Tue 1 Apr 2025, 08:01")
    assertContains(response, "Wed 9 Apr 2025, 08:01")
    assertContains(response, "Coverage 0%")
    assertContains(response, "Coverage 100%")
    assertContains(response, "Rated Again")
    assertContains(response, "Rated Easy")
    assertContains(response, "Learn what an AZ is.")
    assertContains(response, "1 min 40 s of 3 min 00 s")


def test_dates_are_in_the_users_time_zone(client_logged_in, user, question, two_attempts):
    user.timezone = "Asia/Kolkata"  # UTC+5:30
    user.save()
    assertContains(client_logged_in.get(url_for(question)), "Tue 1 Apr 2025, 13:31")


def test_each_attempt_shows_the_model_answer_as_it_was_then(
    client_logged_in, question, two_attempts
):
    first, second = two_attempts
    response = client_logged_in.get(url_for(question))
    assertContains(response, first.model_answer_html)
    assertContains(response, second.model_answer_html)
    assert first.model_answer_html != second.model_answer_html
    assertContains(response, "The model answer has been edited since.", count=1)


def test_talking_points_are_marked_covered_or_missed(client_logged_in, question, two_attempts):
    response = client_logged_in.get(url_for(question))
    assertContains(response, 'Availability Zone<span class="visually-hidden"> (missed)', count=1)
    assertContains(response, 'Availability Zone<span class="visually-hidden"> (covered)', count=1)


def test_the_record_and_the_chart_sum_up_the_progress(client_logged_in, question, two_attempts):
    response = client_logged_in.get(url_for(question))
    assertContains(response, "Best coverage")
    assertContains(response, "50%")  # average of 0 and 100
    assertContains(response, "2.5 / 4")
    assertContains(response, '<svg class="chart line-chart series-coverage"')
    assertContains(response, "<summary>Show the numbers</summary>")


def test_a_single_attempt_has_no_chart(client_logged_in, user, question):
    _attempt(user, question, datetime(2025, 4, 1, 8, 0, tzinfo=UTC))
    response = client_logged_in.get(url_for(question))
    assertContains(response, "Attempt 1")
    assertNotContains(response, "line-chart")


def test_pending_attempts_are_left_out(client_logged_in, user, question):
    _attempt(user, question, datetime(2025, 4, 1, tzinfo=UTC), status=AttemptStatus.PENDING)
    assertContains(client_logged_in.get(url_for(question)), "You have not answered this question")


def test_a_question_never_answered_gets_a_friendly_empty_state(client_logged_in, question):
    response = client_logged_in.get(url_for(question))
    assertContains(response, "You have not answered this question yet")
    assertContains(response, reverse("questions:practice"))


def test_another_users_answers_are_never_shown(client_logged_in, other_user, question):
    _attempt(other_user, question, datetime(2025, 4, 1, tzinfo=UTC), answer="Bob's secret answer.")
    response = client_logged_in.get(url_for(question))
    assertNotContains(response, "secret answer")
    assertContains(response, "You have not answered this question yet")


def test_an_unknown_question_is_a_404(client_logged_in):
    assert client_logged_in.get("/history/questions/987654/").status_code == 404


def test_an_inactive_question_is_a_404_unless_the_user_answered_it(client_logged_in, user, bank):
    retired = QuestionFactory(bank=bank, is_active=False)
    assert client_logged_in.get(url_for(retired)).status_code == 404
    _attempt(user, retired, datetime(2025, 4, 1, tzinfo=UTC), answer="My old answer.")
    response = client_logged_in.get(url_for(retired))
    assertContains(response, "My old answer.")
    assertNotContains(response, "Open the question")


def test_the_answer_is_shown_as_text_not_html(client_logged_in, user, question):
    _attempt(user, question, datetime(2025, 4, 1, tzinfo=UTC), answer="<script>alert(1)</script>")
    response = client_logged_in.get(url_for(question))
    assertNotContains(response, "<script>alert(1)</script>")
    assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")


def test_the_question_page_links_to_its_history(client_logged_in, question):
    response = client_logged_in.get(question.get_absolute_url())
    assertContains(response, f'href="{url_for(question)}"')


def test_it_requires_login(client, question):
    assert client.get(url_for(question)).status_code == 302


def test_it_requires_get(client_logged_in, question):
    assert client_logged_in.post(url_for(question)).status_code == 405


def test_it_is_paginated_ten_attempts_to_a_page(client_logged_in, user, bank):
    question = QuestionFactory(bank=bank)
    bulk_history(user=user, bank=bank, attempts=12, questions=[question])
    page_one = client_logged_in.get(url_for(question))
    assertContains(page_one, "Attempt 10")
    assertNotContains(page_one, "Attempt 11")
    page_two = client_logged_in.get(url_for(question), {"page": 2})
    assertContains(page_two, "Attempt 11")
    assertContains(page_two, "Attempt 12")
    assertContains(page_two, "← Earlier")


@pytest.mark.parametrize("attempts", [1, 500])
def test_it_costs_the_same_queries_whatever_the_history(
    client_logged_in, user, bank, attempts, django_assert_max_num_queries
):
    questions = [QuestionFactory(bank=bank) for _ in range(2)]
    bulk_history(user=user, bank=bank, attempts=attempts, questions=questions)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client_logged_in.get(url_for(questions[0]))
    assertContains(response, "Attempt 1")
