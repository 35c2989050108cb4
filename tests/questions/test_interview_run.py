"""Running an interview over HTTP: one question at a time, with htmx and without."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questions.models import AttemptStatus, InterviewMode, InterviewStatus, MockInterview
from questions.services.interviews import attempt_begin, interview_end
from tests.questions.interview_support import (
    HX,
    STRONG_ANSWER,
    make_questions,
    start,
    url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def interview(user, bank):
    make_questions(bank, 3)
    return start(user, bank, count=2, seconds_junior=120)


def test_the_run_page_shows_the_first_question_and_starts_its_clock(client_logged_in, interview):
    with time_machine.travel(timezone.now(), tick=False):
        response = client_logged_in.get(interview.get_absolute_url())

    first = interview.attempts.get(position=1)
    assert response.status_code == 200
    html = response.content.decode()
    assert first.prompt in html
    assert "Question <strong>1</strong> of 2" in html
    assert 'role="timer"' in html
    assert 'data-remaining-ms="120000"' in html
    assert 'aria-live="polite"' in html
    assert '<label for="answer">Your answer</label>' in html
    for button in ("Submit answer", "Skip", "Save draft", "End interview"):
        assert button in html
    first.refresh_from_db()
    assert first.started is not None
    assert (first.deadline - first.started).total_seconds() == 120


def test_with_htmx_the_run_page_answers_with_the_step_only(client_logged_in, interview):
    response = client_logged_in.get(interview.get_absolute_url(), **HX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="interview-step"' in html
    assert "<title>Question 1 of 2 · interviewprep</title>" in html
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_the_resume_banner_links_to_the_running_interview(client_logged_in, interview):
    home = client_logged_in.get(reverse("questions:home")).content.decode()
    run = client_logged_in.get(interview.get_absolute_url()).content.decode()

    practice = client_logged_in.get(reverse("questions:practice")).content.decode()
    bank_page = client_logged_in.get(reverse("questions:bank_index"), follow=True)

    assert "Interview in progress" in home
    assert "question 1 of 2" in home
    assert home.count(interview.get_absolute_url()) == 1  # the card, not also the banner
    assert "Resume interview" not in run
    assert practice.count(interview.get_absolute_url()) == 1
    assert interview.get_absolute_url() in bank_page.content.decode()


def test_a_full_interview_without_javascript(client_logged_in, interview):
    client = client_logged_in
    first = interview.attempts.get(position=1)
    client.get(interview.get_absolute_url())

    response = client.post(url("attempt_submit", interview, 1), {"answer": STRONG_ANSWER})
    assert response.status_code == 302
    assert response["Location"] == url("attempt", interview, 1)

    feedback = client.get(response["Location"]).content.decode()
    assert "Model answer" in feedback and "100%" in feedback
    assert 'name="rating"' in feedback

    response = client.post(url("attempt_rate", interview, 1), {"rating": "4", "note": ""})
    assert response.status_code == 302
    assert response["Location"] == interview.get_absolute_url()

    second_page = client.get(interview.get_absolute_url()).content.decode()
    assert "Question <strong>2</strong> of 2" in second_page

    response = client.post(url("attempt_skip", interview, 2), {"answer": ""})
    assert response["Location"] == interview.get_absolute_url()
    response = client.get(interview.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == interview.get_summary_url()

    interview.refresh_from_db()
    first.refresh_from_db()
    assert interview.status == InterviewStatus.COMPLETED
    assert (first.status, first.self_rating, first.coverage) == (AttemptStatus.ANSWERED, 4, 100)


def test_a_full_interview_with_htmx(client_logged_in, interview):
    client = client_logged_in
    client.get(interview.get_absolute_url(), **HX)

    feedback = client.post(url("attempt_submit", interview, 1), {"answer": STRONG_ANSWER}, **HX)
    assert feedback.status_code == 200
    html = feedback.content.decode()
    assert "<html" not in html and "Answer recorded" in html
    assert 'class="two-col comparison"' in html

    second = client.post(url("attempt_rate", interview, 1), {"rating": "3"}, **HX)
    html = second.content.decode()
    assert "Question <strong>2</strong> of 2" in html
    assert "<title>Question 2 of 2 · interviewprep</title>" in html

    feedback = client.post(url("attempt_submit", interview, 2), {"answer": "Regions"}, **HX)
    assert "Finish and see the summary" in feedback.content.decode()

    done = client.post(url("attempt_rate", interview, 2), {"rating": "2"}, **HX)
    assert done.status_code == 200
    assert done["HX-Redirect"] == interview.get_summary_url()
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.COMPLETED


def test_skip_with_htmx_shows_the_next_question_and_keeps_the_text(client_logged_in, interview):
    client_logged_in.get(interview.get_absolute_url())

    response = client_logged_in.post(
        url("attempt_skip", interview, 1), {"answer": "half a thought"}, **HX
    )

    assert "Question <strong>2</strong> of 2" in response.content.decode()
    skipped = interview.attempts.get(position=1)
    assert (skipped.status, skipped.draft, skipped.answer) == (
        AttemptStatus.SKIPPED,
        "half a thought",
        "",
    )


def test_submitting_twice_changes_nothing_and_shows_the_feedback(client_logged_in, interview):
    client_logged_in.get(interview.get_absolute_url())
    client_logged_in.post(url("attempt_submit", interview, 1), {"answer": "Regions"})

    again = client_logged_in.post(url("attempt_submit", interview, 1), {"answer": STRONG_ANSWER})
    again_htmx = client_logged_in.post(
        url("attempt_submit", interview, 1), {"answer": "third"}, **HX
    )

    attempt = interview.attempts.get(position=1)
    assert attempt.answer == "Regions"
    assert attempt.coverage == 50
    assert again["Location"] == url("attempt", interview, 1)
    assert "Answer recorded" in again_htmx.content.decode()
    assert interview.attempts.count() == 2


def test_rating_twice_changes_nothing(client_logged_in, interview):
    client_logged_in.get(interview.get_absolute_url())
    client_logged_in.post(url("attempt_submit", interview, 1), {"answer": "Regions"})
    client_logged_in.post(url("attempt_rate", interview, 1), {"rating": "2", "note": "first"})

    client_logged_in.post(url("attempt_rate", interview, 1), {"rating": "4", "note": "second"})

    attempt = interview.attempts.get(position=1)
    assert (attempt.self_rating, attempt.note) == (2, "first")


def test_an_empty_answer_in_time_asks_for_text_or_a_skip(client_logged_in, interview):
    client_logged_in.get(interview.get_absolute_url())

    response = client_logged_in.post(url("attempt_submit", interview, 1), {"answer": "  "}, **HX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Write an answer first, or press Skip" in html
    assert 'aria-invalid="true"' in html
    assert interview.attempts.get(position=1).status == AttemptStatus.PENDING


def test_a_question_not_shown_yet_cannot_be_answered(client_logged_in, interview):
    client_logged_in.get(interview.get_absolute_url())

    response = client_logged_in.post(url("attempt_submit", interview, 2), {"answer": "early"})

    assert response.status_code == 302
    assert response["Location"] == interview.get_absolute_url()
    assert interview.attempts.get(position=2).status == AttemptStatus.PENDING


def test_the_feedback_page_of_an_unanswered_question_leads_to_the_run_page(
    client_logged_in, interview
):
    response = client_logged_in.get(url("attempt", interview, 2))

    assert response.status_code == 302
    assert response["Location"] == interview.get_absolute_url()


def test_end_interview_keeps_the_text_on_screen_and_shows_the_summary(client_logged_in, interview):
    client_logged_in.get(interview.get_absolute_url())

    response = client_logged_in.post(url("interview_end", interview), {"answer": STRONG_ANSWER})

    assert response["Location"] == interview.get_summary_url()
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.COMPLETED
    kept = interview.attempts.get()
    assert (kept.answer, kept.status, kept.coverage) == (STRONG_ANSWER, AttemptStatus.ANSWERED, 100)


def test_end_interview_with_htmx_redirects_the_page(client_logged_in, interview):
    response = client_logged_in.post(url("interview_end", interview), **HX)

    assert response["HX-Redirect"] == interview.get_summary_url()


def test_practice_mode_reveals_the_model_answer_any_time(client_logged_in, user, bank):
    make_questions(bank, 1)
    practice = start(user, bank, mode=InterviewMode.PRACTICE, count=1)
    page = client_logged_in.get(practice.get_absolute_url()).content.decode()
    attempt = practice.attempts.get()

    partial = client_logged_in.get(url("attempt_reveal", practice, 1), **HX)
    plain = client_logged_in.get(url("attempt_reveal", practice, 1))
    no_js = client_logged_in.post(
        url("attempt_draft", practice, 1), {"answer": "typed so far", "reveal": "1"}
    )
    revealed_page = client_logged_in.get(no_js["Location"]).content.decode()

    assert "Untimed" in page and 'role="timer"' not in page
    assert "Reveal model answer" in page
    assert attempt.model_answer_html in partial.content.decode()
    assert plain["Location"].endswith("?reveal=1#model-answer")
    assert no_js["Location"].endswith("?reveal=1#model-answer")
    assert attempt.model_answer_html in revealed_page
    assert "typed so far" in revealed_page


def test_mock_interviews_do_not_reveal_before_the_answer(client_logged_in, interview):
    page = client_logged_in.get(interview.get_absolute_url()).content.decode()
    response = client_logged_in.get(url("attempt_reveal", interview, 1), **HX)
    no_js = client_logged_in.get(interview.get_absolute_url() + "?reveal=1").content.decode()

    attempt = interview.attempts.get(position=1)
    assert "Reveal model answer" not in page
    assert response.status_code == 404
    assert attempt.model_answer_html not in no_js


def _every_url(interview):
    return [
        ("get", url("interview", interview)),
        ("get", url("interview_summary", interview)),
        ("get", url("attempt", interview, 1)),
        ("get", url("attempt_reveal", interview, 1)),
        ("post", url("attempt_submit", interview, 1)),
        ("post", url("attempt_draft", interview, 1)),
        ("post", url("attempt_skip", interview, 1)),
        ("post", url("attempt_rate", interview, 1)),
        ("post", url("interview_end", interview)),
        ("post", url("interview_retry", interview)),
    ]


def test_another_users_interview_is_a_404_everywhere_and_unchanged(client, other_user, interview):
    client.force_login(other_user)

    for method, address in _every_url(interview):
        response = getattr(client, method)(address, {"answer": "mine now", "rating": "4"})
        assert response.status_code == 404, address
        response = getattr(client, method)(address, {"answer": "mine now"}, **HX)
        assert response.status_code == 404, address

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.IN_PROGRESS
    assert not interview.attempts.exclude(draft="").exists()
    assert not interview.attempts.filter(started__isnull=False).exists()


@pytest.mark.parametrize("position", [0, 3, 99])
def test_tampered_positions_are_a_404(client_logged_in, interview, position):
    for name in ("attempt", "attempt_submit", "attempt_draft", "attempt_skip", "attempt_rate"):
        address = url(name, interview, position)
        method = client_logged_in.get if name == "attempt" else client_logged_in.post
        assert method(address, {"answer": "x"}).status_code == 404


def test_an_unknown_interview_is_a_404(client_logged_in):
    response = client_logged_in.get(reverse("questions:interview", kwargs={"pk": 999}))
    assert response.status_code == 404


def test_posts_to_a_finished_interview_lead_to_its_summary_and_change_nothing(
    client_logged_in, interview
):
    first = interview.attempts.get(position=1)
    attempt_begin(attempt=first)
    interview_end(interview=interview)
    before = list(interview.attempts.values())

    for name, position in (
        ("attempt_submit", 1),
        ("attempt_draft", 1),
        ("attempt_skip", 1),
        ("attempt_rate", 1),
        ("interview_end", None),
    ):
        response = client_logged_in.post(
            url(name, interview, position), {"answer": "late", "rating": "4"}
        )
        assert response.status_code == 302
        assert response["Location"] == interview.get_summary_url()
        htmx = client_logged_in.post(url(name, interview, position), {"answer": "late"}, **HX)
        assert htmx["HX-Redirect"] == interview.get_summary_url()

    assert list(interview.attempts.values()) == before
    run = client_logged_in.get(interview.get_absolute_url())
    assert run["Location"] == interview.get_summary_url()


def test_every_post_needs_the_csrf_token(user, interview):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(interview.get_absolute_url())

    for name, position in (("attempt_submit", 1), ("attempt_draft", 1), ("interview_end", None)):
        response = client.post(url(name, interview, position), {"answer": "x"}, **HX)
        assert response.status_code == 403

    assert interview.attempts.get(position=1).draft == ""
    assert MockInterview.objects.get(pk=interview.pk).status == InterviewStatus.IN_PROGRESS


def test_htmx_posts_with_the_csrf_header_are_accepted(user, interview):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(interview.get_absolute_url()).content.decode()
    token = page.split('"X-CSRFToken": "')[1].split('"')[0]

    response = client.post(
        url("attempt_draft", interview, 1), {"answer": "saved"}, HTTP_X_CSRFTOKEN=token, **HX
    )

    assert response.status_code == 200
    assert interview.attempts.get(position=1).draft == "saved"


def test_get_is_not_allowed_on_writes(client_logged_in, interview):
    for name in ("attempt_submit", "attempt_draft", "attempt_skip", "attempt_rate"):
        assert client_logged_in.get(url(name, interview, 1)).status_code == 405
    assert client_logged_in.get(url("interview_end", interview)).status_code == 405


@pytest.mark.parametrize("questions", [1, 40])
def test_the_run_page_makes_a_constant_number_of_queries(
    client_logged_in, user, bank, questions, django_assert_max_num_queries
):
    make_questions(bank, questions)
    interview = start(user, bank, count=questions)
    client_logged_in.get(interview.get_absolute_url())  # the clock starts on the first view

    with django_assert_max_num_queries(6):
        response = client_logged_in.get(interview.get_absolute_url())
    with django_assert_max_num_queries(6):
        client_logged_in.get(interview.get_absolute_url(), **HX)

    assert response.status_code == 200


def test_autosave_makes_a_constant_small_number_of_queries(
    client_logged_in, interview, django_assert_max_num_queries
):
    client_logged_in.get(interview.get_absolute_url())

    with django_assert_max_num_queries(9):
        response = client_logged_in.post(url("attempt_draft", interview, 1), {"answer": "a"}, **HX)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/interviews/99999999999999999999/"),
        ("get", "/interviews/9223372036854775808/summary/"),
        ("post", "/interviews/99999999999999999999/end/"),
        ("get", "/interviews/{pk}/questions/99999999/"),
        ("post", "/interviews/{pk}/questions/99999999/submit/"),
    ],
)
def test_ids_beyond_the_database_range_are_a_404(client_logged_in, interview, method, path):
    response = getattr(client_logged_in, method)(path.format(pk=interview.pk), {"answer": "x"})

    assert response.status_code == 404


def test_the_question_says_how_long_it_has_with_extra_time(client_logged_in, user, bank):
    user.extra_time = "1.5"
    user.save()
    make_questions(bank, 1)
    interview = start(user, bank, count=1, seconds_junior=180)

    html = client_logged_in.get(interview.get_absolute_url()).content.decode()

    assert "You have 4 minutes 30 seconds for this question, extra time included." in html
