"""The practice page: choosing what to practise and starting an interview."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from questions.models import (
    AttemptStatus,
    InterviewMode,
    InterviewStatus,
    Level,
    MockInterview,
    ReviewCard,
)
from questions.services.interviews import attempt_begin, attempt_save_draft
from tests.factories import BankFactory, QuestionFactory
from tests.questions.interview_support import HX, make_questions, make_tag, start

pytestmark = pytest.mark.django_db

PRACTICE = reverse("questions:practice")


def form_data(bank, **changes):
    data = {
        "bank": bank.slug,
        "mode": InterviewMode.MOCK,
        "count": "3",
        "seconds_junior": "180",
        "seconds_senior": "300",
    }
    data.update(changes)
    return data


def test_it_requires_login(client):
    response = client.get(PRACTICE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_form_starts_from_the_users_settings(client_logged_in, user, bank):
    user.default_question_count, user.default_seconds_junior = 7, 200
    user.save()
    make_questions(bank, 2)

    response = client_logged_in.get(PRACTICE)

    assert response.status_code == 200
    form = response.context["form"]
    assert form["count"].value() == 7
    assert form["seconds_junior"].value() == 200
    assert form["mode"].value() == InterviewMode.MOCK
    html = response.content.decode()
    assert 'value="200" selected' in html  # a time not in the usual steps is offered too
    assert "3 minutes 20 seconds" in html
    for label in (
        "Number of questions",
        "Mock interview",
        "Practice",
        "Senior questions",
        "Time per question",
    ):
        assert label in html


def test_time_choices_run_from_ten_seconds_to_thirty_minutes(client_logged_in, bank):
    make_questions(bank, 1)

    response = client_logged_in.get(PRACTICE)

    values = [v for v, _ in response.context["form"].fields["seconds_junior"].choices]
    assert values[0] == 10
    assert values[-1] == 1800


def test_the_extra_time_accommodation_is_shown_and_applied(client_logged_in, user, bank):
    user.extra_time = "2.0"
    user.save()
    QuestionFactory(bank=bank, level=Level.JUNIOR)

    page = client_logged_in.get(PRACTICE).content.decode()
    response = client_logged_in.post(PRACTICE, form_data(bank, seconds_junior="60"))

    assert "Extra time ×2" in page
    assert "multiplied by 2" in page
    interview = MockInterview.objects.get(owner=user)
    assert response.status_code == 302
    assert interview.attempts.get().seconds_allowed == 120


def test_a_valid_form_starts_an_interview_and_opens_it(client_logged_in, user, bank):
    tag = make_tag(bank, "Storage")
    wanted = QuestionFactory(bank=bank, level=Level.SENIOR, tags=[tag])
    QuestionFactory(bank=bank, level=Level.JUNIOR, tags=[tag])

    response = client_logged_in.post(
        PRACTICE,
        form_data(bank, count="2", levels=[Level.SENIOR], tags=["storage"], seconds_senior="600"),
    )

    interview = MockInterview.objects.get(owner=user)
    assert response.status_code == 302
    assert response["Location"] == interview.get_absolute_url()
    assert interview.mode == InterviewMode.MOCK
    assert interview.levels == [Level.SENIOR]
    assert interview.tag_slugs == ["storage"]
    attempt = interview.attempts.get()
    assert (attempt.question_id, attempt.seconds_allowed) == (wanted.pk, 600)


def test_practice_mode_starts_an_untimed_interview(client_logged_in, user, bank):
    make_questions(bank, 2)

    client_logged_in.post(PRACTICE, form_data(bank, mode=InterviewMode.PRACTICE))

    interview = MockInterview.objects.get(owner=user)
    assert interview.mode == InterviewMode.PRACTICE
    assert set(interview.attempts.values_list("seconds_allowed", flat=True)) == {None}


def test_nothing_matching_re_renders_the_form_with_a_message_and_the_input(
    client_logged_in, user, bank
):
    QuestionFactory(bank=bank, level=Level.JUNIOR, tags=[make_tag(bank, "Storage")])
    QuestionFactory(bank=bank, level=Level.SENIOR, tags=[make_tag(bank, "Compute")])

    response = client_logged_in.post(
        PRACTICE, form_data(bank, count="12", levels=[Level.SENIOR], tags=["storage"])
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "No active question matches these choices" in html
    assert 'role="alert"' in html
    assert 'value="12"' in html
    assert re.search(r'<input[^>]*value="storage"[^>]*checked', html)
    assert re.search(r'<input[^>]*value="senior"[^>]*checked', html)
    form = response.context["form"]
    assert form.cleaned_data["tags"] == ["storage"]
    assert not MockInterview.objects.filter(owner=user).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("count", "0"), ("count", "61"), ("count", "many"), ("seconds_junior", "5"), ("mode", "exam")],
)
def test_values_out_of_range_are_errors_not_interviews(client_logged_in, user, bank, field, value):
    make_questions(bank, 2)

    response = client_logged_in.post(PRACTICE, form_data(bank, **{field: value}))

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not MockInterview.objects.filter(owner=user).exists()


def test_unknown_tags_are_errors(client_logged_in, user, bank):
    make_questions(bank, 2)

    response = client_logged_in.post(PRACTICE, form_data(bank, tags=["<script>"]))

    assert response.status_code == 200
    assert response.context["form"].errors["tags"]
    assert "<script>" not in response.content.decode().split('id="practice-form"')[1]


def test_a_bank_picker_appears_with_several_banks_and_switches_the_topics(
    client_logged_in, user, bank
):
    azure = BankFactory(name="Azure", slug="azure")
    QuestionFactory(bank=bank, tags=[make_tag(bank, "Lambda")])
    QuestionFactory(bank=azure, tags=[make_tag(azure, "Functions")])

    first = client_logged_in.get(PRACTICE).content.decode()
    switched = client_logged_in.get(PRACTICE, {"bank": "azure"})
    partial = client_logged_in.get(PRACTICE, {"bank": "azure"}, **HX)
    client_logged_in.post(PRACTICE, form_data(azure, count="1"))

    assert 'id="bank"' in first and "Lambda" in first
    assert "Functions" in switched.content.decode()
    assert "Lambda" not in switched.content.decode()
    assert partial.content.decode().lstrip().startswith("<form")
    assert "Functions" in partial.content.decode()
    assert MockInterview.objects.get(owner=user).bank == azure


def test_a_single_bank_needs_no_picker(client_logged_in, bank):
    make_questions(bank, 1)

    html = client_logged_in.get(PRACTICE).content.decode()

    assert 'id="bank"' not in html


def test_no_bank_yet_says_so(client_logged_in):
    response = client_logged_in.get(PRACTICE)

    assert response.status_code == 200
    assert "no question bank yet" in response.content.decode()


def test_a_running_interview_is_offered_for_resuming(client_logged_in, user, bank):
    make_questions(bank, 2)
    running = start(user, bank, count=1)

    html = client_logged_in.get(PRACTICE).content.decode()

    assert "You have an interview in progress" in html
    assert running.get_absolute_url() in html


def test_starting_while_one_runs_abandons_it_and_keeps_its_answers(client_logged_in, user, bank):
    make_questions(bank, 3)
    old = start(user, bank, count=2)
    first = old.attempts.get(position=1)
    attempt_begin(attempt=first)
    attempt_save_draft(attempt=first, text="Regions matter")

    client_logged_in.post(PRACTICE, form_data(bank, count="1"))

    old.refresh_from_db()
    assert old.status == InterviewStatus.ABANDONED
    assert old.attempts.get().status == AttemptStatus.ANSWERED
    assert old.attempts.get().answer == "Regions matter"
    assert MockInterview.objects.filter(owner=user, status=InterviewStatus.IN_PROGRESS).count() == 1


def test_due_questions_can_be_mixed_in(client_logged_in, user, bank):
    questions = make_questions(bank, 4)
    due = questions[2]
    ReviewCard.objects.create(owner=user, question=due, due=timezone.now() - timedelta(days=1))
    for question in questions:
        if question != due:
            ReviewCard.objects.create(
                owner=user, question=question, due=timezone.now() + timedelta(days=9)
            )
    # Make the due question look strong, so only "include due" can put it first.
    from tests.factories import AttemptFactory

    AttemptFactory(interview__owner=user, question=due, coverage=100, self_rating=4)

    page = client_logged_in.get(PRACTICE).content.decode()
    client_logged_in.post(PRACTICE, form_data(bank, count="1", include_due="on"))

    assert "Include questions due for review" in page
    assert "(1 due)" in page
    interview = MockInterview.objects.get(owner=user, status=InterviewStatus.IN_PROGRESS)
    assert interview.attempts.get().question_id == due.pk


def test_the_practice_page_makes_a_constant_number_of_queries(
    client_logged_in, bank, django_assert_max_num_queries
):
    tags = [make_tag(bank, f"Topic {n}") for n in range(12)]
    for n in range(40):
        QuestionFactory(bank=bank, tags=tags[n % 12 : n % 12 + 2])

    with django_assert_max_num_queries(10):
        response = client_logged_in.get(PRACTICE)

    assert response.status_code == 200
