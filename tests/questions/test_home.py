from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from questions.models import InterviewStatus, MockInterview, ReviewCard
from tests.factories import AttemptFactory, MockInterviewFactory, QuestionFactory
from tests.questions.interview_support import make_questions, start

pytestmark = pytest.mark.django_db


def test_visitors_get_the_landing_page(client, bank):
    response = client.get(reverse("questions:home"))
    assert response.status_code == 200
    assert "Create a free account" in response.content.decode()


def test_a_new_user_is_told_how_to_start(client_logged_in, question):
    body = client_logged_in.get(reverse("questions:home")).content.decode()
    assert "Welcome, alice" in body
    assert "Start here" in body
    assert "3 minutes for each freshers &amp; intermediate question" in body
    assert "Start a 3-question mock interview" in body


def test_the_quick_start_button_starts_a_three_question_mock_interview(
    client_logged_in, user, bank
):
    make_questions(bank, 5)
    body = client_logged_in.get(reverse("questions:home")).content.decode()
    assert f'name="seconds_junior" value="{user.default_seconds_junior}"' in body
    response = client_logged_in.post(
        reverse("questions:practice"),
        {
            "bank": bank.slug,
            "mode": "mock",
            "count": "3",
            "seconds_junior": str(user.default_seconds_junior),
            "seconds_senior": str(user.default_seconds_senior),
        },
    )
    interview = MockInterview.objects.get(owner=user)
    assert response.status_code == 302
    assert response.url == interview.get_absolute_url()
    assert interview.question_count == 3
    assert interview.attempts.count() == 3


def test_a_running_interview_is_offered_for_resuming(client_logged_in, user, bank):
    make_questions(bank, 3)
    interview = start(user, bank)
    body = client_logged_in.get(reverse("questions:home")).content.decode()
    assert "Interview in progress" in body
    assert interview.get_absolute_url() in body
    assert "Start here" not in body


def test_a_returning_user_sees_streak_due_reviews_and_progress(client_logged_in, user, bank):
    interview = MockInterviewFactory(owner=user, bank=bank, status=InterviewStatus.COMPLETED)
    attempt = AttemptFactory(interview=interview, submitted=timezone.now())
    ReviewCard.objects.create(
        owner=user, question=attempt.question, due=timezone.now() - timedelta(hours=1)
    )
    body = client_logged_in.get(reverse("questions:home")).content.decode()
    assert "Welcome back, alice" in body
    assert "Practice streak" in body
    assert "1 day" in body
    assert "Due for review in AWS" in body
    assert reverse("questions:review_due") in body
    assert "Start here" not in body


def test_it_shows_only_the_users_own_interviews(client_logged_in, other_user, bank):
    interview = MockInterviewFactory(owner=other_user, bank=bank)
    AttemptFactory(interview=interview)
    body = client_logged_in.get(reverse("questions:home")).content.decode()
    assert "Start here" in body
    assert interview.get_summary_url() not in body


@pytest.mark.parametrize("interviews", [1, 30])
def test_query_count_is_constant(
    client_logged_in, user, bank, django_assert_max_num_queries, interviews
):
    question = QuestionFactory(bank=bank)
    for _ in range(interviews):
        interview = MockInterviewFactory(owner=user, bank=bank)
        AttemptFactory(interview=interview, question=question)
    with django_assert_max_num_queries(10):
        response = client_logged_in.get(reverse("questions:home"))
    assert response.status_code == 200
