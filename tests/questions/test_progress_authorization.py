"""History, progress and export show each user their own practice and nobody else's."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertNotContains

from questions.models import MockInterview, ReviewCard
from tests.factories import AttemptFactory, MockInterviewFactory, QuestionFactory

pytestmark = pytest.mark.django_db

SECRET = "Alice-only answer text"


@pytest.fixture
def alices_practice(user, bank):
    question = QuestionFactory(bank=bank)
    interview = MockInterviewFactory(owner=user, bank=bank)
    AttemptFactory(interview=interview, question=question, answer=SECRET, note=SECRET)
    ReviewCard.objects.create(owner=user, question=question, due=interview.started, card={})
    return interview, question


def pages(question) -> list[str]:
    return [
        reverse("questions:history"),
        reverse("questions:history_questions"),
        reverse("questions:question_history", kwargs={"question_id": question.pk}),
        reverse("questions:progress"),
        reverse("questions:export") + "?format=csv",
        reverse("questions:export") + "?format=json",
    ]


def test_every_page_requires_login(client, alices_practice):
    _, question = alices_practice
    for url in pages(question):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login"))
    for url in (reverse("questions:review_due"), reverse("questions:practise_weakest")):
        assert client.post(url, {"bank": "aws"}).status_code == 302


def test_another_user_sees_none_of_it(client, other_user, alices_practice):
    interview, question = alices_practice
    client.force_login(other_user)
    for url in pages(question):
        response = client.get(url)
        assert response.status_code == 200, url
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        assert SECRET not in body, url
        assert interview.get_absolute_url() not in body, url
    assertNotContains(client.get(reverse("questions:progress")), "due for review today:")


def test_another_users_due_cards_do_not_start_a_review(client, other_user, alices_practice):
    client.force_login(other_user)
    client.post(reverse("questions:review_due"), {"bank": "aws"})
    client.post(reverse("questions:practise_weakest"), {"bank": "aws"})
    assert not MockInterview.objects.filter(owner=other_user).exists()


def test_the_interview_a_history_row_opens_is_the_owners_alone(client, other_user, alices_practice):
    interview, _ = alices_practice
    client.force_login(other_user)
    assert client.get(interview.get_absolute_url()).status_code == 404
