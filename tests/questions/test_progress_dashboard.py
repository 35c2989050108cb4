from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from questions.models import (
    AttemptStatus,
    InterviewMode,
    InterviewStatus,
    Level,
    MockInterview,
    ReviewCard,
)
from tests.factories import (
    AttemptFactory,
    BankFactory,
    MockInterviewFactory,
    QuestionFactory,
    TagFactory,
)
from tests.questions.history_data import bulk_history

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("midday")]

URL = reverse("questions:progress")
REVIEW_URL = reverse("questions:review_due")
WEAKEST_URL = reverse("questions:practise_weakest")
MAX_QUERIES = 12


@pytest.fixture
def practised(user, bank):
    """Four topics; the user answered one question of each of three, at 20/40/60/90 %."""
    tags = [
        TagFactory(bank=bank, name=name, slug=name.lower())
        for name in ("Lambda", "S3", "VPC", "IAM")
    ]
    questions = [
        QuestionFactory(bank=bank, tags=[tag], level=Level.SENIOR if i == 3 else Level.JUNIOR)
        for i, tag in enumerate(tags)
        for _ in range(2)
    ]
    interview = MockInterviewFactory(owner=user, bank=bank, question_count=4)
    now = timezone.now()
    for question, coverage, rating in zip(
        questions[::2], (40, 20, 90, 60), (2, 1, 4, 3), strict=True
    ):
        AttemptFactory(
            interview=interview,
            question=question,
            coverage=coverage,
            self_rating=rating,
            started=now - timedelta(minutes=10),
            submitted=now - timedelta(minutes=8),
        )
    return {"tags": tags, "questions": questions, "interview": interview}


def test_it_requires_login(client):
    assert client.get(URL).status_code == 302


def test_it_requires_get(client_logged_in):
    assert client_logged_in.post(URL).status_code == 405


def test_a_user_without_history_is_told_how_to_start(client_logged_in, bank):
    response = client_logged_in.get(URL)
    assertContains(response, "Your progress starts with your first interview")
    assertContains(response, f'href="{reverse("questions:practice")}"')
    assertNotContains(response, "<svg")
    assertNotContains(response, "Review due questions")


def test_it_shows_the_numbers_at_a_glance(client_logged_in, practised):
    response = client_logged_in.get(URL)
    assertContains(response, "Practice streak")
    assertContains(response, "1 day")
    assertContains(response, "You practised today.")
    assertContains(response, "8 min 00 s")  # four attempts of two minutes
    assertContains(response, "4 answers in 1 interview")
    assertContains(response, "Questions practised")
    assertContains(response, "4 answered, 0 timed out, 0 skipped")
    assertContains(response, "52%")  # (40 + 20 + 90 + 60) / 4 = 52.5, rounded half to even


def test_timed_out_and_skipped_questions_are_not_counted_as_answered(
    client_logged_in, user, practised
):
    interview = practised["interview"]
    interview.attempts.filter(question=practised["questions"][0]).update(
        status=AttemptStatus.TIMED_OUT, timed_out=True
    )
    interview.attempts.filter(question=practised["questions"][2]).update(
        status=AttemptStatus.SKIPPED
    )

    response = client_logged_in.get(URL)

    html = response.content.decode()
    card = html[html.index("Questions practised") :]
    assert '<dd class="stat">4</dd>' in card[:200]
    assertContains(response, "2 answered, 1 timed out, 1 skipped")
    # A timed-out answer is kept, so it is an answer; a skip is not.
    assertContains(response, "3 answers in 1 interview")


def test_it_shows_the_coverage_of_the_bank_per_level(client_logged_in, practised):
    response = client_logged_in.get(URL)
    assertContains(response, "You have practised <strong>4 of 8</strong> questions.")
    assertContains(response, "3 of 6")  # freshers & intermediate
    assertContains(response, "1 of 2")  # senior


def test_topics_are_listed_weakest_first_with_chart_and_table(client_logged_in, practised):
    response = client_logged_in.get(URL)
    html = response.content.decode()
    chart = html[html.index('class="bar-rows mastery-rows"') :]
    order = [chart.index(name) for name in ("S3", "Lambda", "IAM", "VPC")]
    assert order == sorted(order)
    assertContains(response, "Every topic as a table")
    assertContains(response, '<th scope="row">S3</th>')
    assertContains(response, "Your weakest topics: <strong>S3</strong> (20%)")


def test_the_charts_are_svg_with_a_text_alternative(client_logged_in, practised):
    response = client_logged_in.get(URL)
    assertContains(response, 'role="img" aria-label="Average coverage of your answers per day"')
    assertContains(response, "Average self-rating per day")
    assertContains(response, "<summary>Show the numbers</summary>")
    assertNotContains(response, "<script>")


def test_due_questions_are_counted_and_offered_for_review(client_logged_in, user, practised):
    for question in practised["questions"][:3]:
        ReviewCard.objects.create(
            owner=user, question=question, due=timezone.now() - timedelta(hours=1), card={}
        )
    response = client_logged_in.get(URL)
    assertContains(response, "<strong>3 questions</strong> are due for review today")
    assertContains(response, "Review due questions")


def test_with_nothing_due_the_next_review_date_is_shown(client_logged_in, user, practised):
    with time_machine.travel("2025-06-02 12:00Z", tick=False):
        ReviewCard.objects.create(
            owner=user,
            question=practised["questions"][0],
            due=timezone.now() + timedelta(days=3),
            card={},
        )
        response = client_logged_in.get(URL)
    assertContains(response, "Nothing is due for review today")
    assertContains(response, "Thursday 5 June")
    assertNotContains(response, "Review due questions")


def test_several_banks_get_a_picker_with_due_counts(client_logged_in, user, practised, bank):
    other = BankFactory(name="Kubernetes", slug="kubernetes")
    k8s = QuestionFactory(bank=other)
    ReviewCard.objects.create(
        owner=user, question=k8s, due=timezone.now() - timedelta(days=1), card={}
    )
    response = client_logged_in.get(URL)
    assertContains(response, '<label for="progress-bank">Question bank</label>')
    assertContains(response, "Kubernetes (1 due)")
    assertContains(response, "Coverage of the AWS bank")
    switched = client_logged_in.get(URL, {"bank": "kubernetes"})
    assertContains(switched, "Coverage of the Kubernetes bank")
    assertContains(switched, "No answers in Kubernetes yet.")
    assertContains(client_logged_in.get(URL, {"bank": "nope"}), "Coverage of the AWS bank")


def test_a_single_bank_has_no_picker(client_logged_in, practised):
    assertNotContains(client_logged_in.get(URL), "progress-bank")


def test_review_due_starts_an_interview_of_the_due_questions(client_logged_in, user, practised):
    due = practised["questions"][1:4]
    for i, question in enumerate(due):
        ReviewCard.objects.create(
            owner=user, question=question, due=timezone.now() - timedelta(days=i), card={}
        )
    ReviewCard.objects.create(
        owner=user,
        question=practised["questions"][5],
        due=timezone.now() + timedelta(days=5),
        card={},
    )
    response = client_logged_in.post(REVIEW_URL, {"bank": "aws", "mode": "practice"})
    interview = MockInterview.objects.filter(owner=user).latest("pk")
    assertRedirects(response, interview.get_absolute_url(), fetch_redirect_response=False)
    assert interview.mode == InterviewMode.PRACTICE
    assert interview.status == InterviewStatus.IN_PROGRESS
    assert {a.question_id for a in interview.attempts.all()} == {q.pk for q in due}


def test_review_due_with_nothing_due_explains_and_changes_nothing(
    client_logged_in, user, practised
):
    before = MockInterview.objects.count()
    response = client_logged_in.post(REVIEW_URL, {"bank": "aws"}, follow=True)
    assertContains(response, "Nothing in AWS is due for review today.")
    assert MockInterview.objects.count() == before


def test_practise_weakest_starts_an_interview_on_the_three_weakest_topics(
    client_logged_in, user, practised
):
    response = client_logged_in.post(WEAKEST_URL, {"bank": "aws", "mode": "mock"})
    interview = MockInterview.objects.filter(owner=user).latest("pk")
    assertRedirects(response, interview.get_absolute_url(), fetch_redirect_response=False)
    assert interview.mode == InterviewMode.MOCK
    assert interview.tag_slugs == ["iam", "lambda", "s3"]
    question_tags = {t.slug for a in interview.attempts.all() for t in a.question.tags.all()}
    assert question_tags <= {"iam", "lambda", "s3"}
    assert interview.attempts.count() == min(user.default_question_count, 6)


def test_practise_weakest_without_practice_explains(client_logged_in, bank):
    QuestionFactory(bank=bank, tags=[TagFactory(bank=bank)])
    response = client_logged_in.post(WEAKEST_URL, {"bank": "aws"}, follow=True)
    assertContains(response, "Practise a few questions in AWS first")
    assert not MockInterview.objects.exists()


@pytest.mark.parametrize("view", [REVIEW_URL, WEAKEST_URL])
def test_the_start_buttons_require_post_a_real_bank_and_mode(client_logged_in, bank, view):
    assert client_logged_in.get(view).status_code == 405
    for data in ({"bank": "../etc"}, {"bank": "aws", "mode": "sprint"}):
        response = client_logged_in.post(view, data, follow=True)
        assertContains(response, "Choose a question bank and a mode")
    assert not MockInterview.objects.exists()


@pytest.mark.parametrize("attempts", [1, 500])
def test_it_costs_the_same_queries_whatever_the_history(
    client_logged_in, user, bank, attempts, django_assert_max_num_queries
):
    tags = [TagFactory(bank=bank) for _ in range(6)]
    questions = [QuestionFactory(bank=bank, tags=[tags[i % 6]]) for i in range(30)]
    bulk_history(user=user, bank=bank, attempts=attempts, questions=questions)
    BankFactory(name="Kubernetes", slug="kubernetes")
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client_logged_in.get(URL)
    assertContains(response, "Topics, weakest first")
