"""Feedback after each answer: the answer beside the model answer, points, rating."""

import re

import pytest

from questions.models import AttemptStatus, Question
from tests.factories import QuestionFactory
from tests.questions.interview_support import HX, STRONG_ANSWER, start, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def interview(user, bank, client_logged_in):
    for _ in range(2):  # asked in random order: both alike
        QuestionFactory(
            bank=bank,
            answer="Use **Multi-AZ** deployments.\n\n| Option | Use |\n|---|---|\n| A | B |\n",
            talking_points=[
                {"term": "Availability Zone", "synonyms": ["AZ"]},
                {"term": "Region", "synonyms": []},
                {"term": "failover", "synonyms": []},
            ],
        )
    interview = start(user, bank, count=2)
    client_logged_in.get(interview.get_absolute_url())
    return interview


def submit(client, interview, text, **headers):
    attempt = interview.attempts.get(position=1)
    return client.post(url("attempt_submit", interview, 1), {"answer": text}, **headers), attempt


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_feedback_shows_the_answer_beside_the_model_answer(client_logged_in, interview, headers):
    response, attempt = submit(client_logged_in, interview, "Several AZs in a Region.", **headers)
    if not headers:
        response = client_logged_in.get(response["Location"])

    html = response.content.decode()
    assert 'class="two-col comparison"' in html
    assert "Your answer" in html and "Model answer" in html
    assert attempt.model_answer_html in html
    assert "<table>" in html  # the model answer keeps its formatting
    assert "67%" in html
    assert "(2 of 3)" in html


def test_talking_points_are_marked_covered_or_missed(client_logged_in, interview):
    response, _ = submit(client_logged_in, interview, "Several AZs in a Region.", **HX)

    html = response.content.decode()
    covered = re.findall(r'<li class="point covered">.*?</span> (.*?) <span', html)
    missed = re.findall(r'<li class="point missed">.*?</span> (.*?) <span', html)
    assert covered == ["Availability Zone", "Region"]
    assert missed == ["failover"]
    assert "(covered)" in html and "(missed)" in html


def test_the_sentence_that_covered_a_point_is_highlighted_in_the_answer(
    client_logged_in, interview
):
    response, _ = submit(
        client_logged_in, interview, "Several AZs in a Region. Nothing else to add.", **HX
    )

    html = response.content.decode()
    assert '<mark title="Covers: Availability Zone; Region">Several AZs in a Region.</mark>' in html
    assert "</mark> Nothing else to add." in html


def test_the_answer_is_shown_as_inert_text(client_logged_in, interview):
    evil = "<script>alert(1)</script> <img src=x onerror=alert(2)> Region"

    response, _ = submit(client_logged_in, interview, evil, **HX)

    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_rating_offers_four_labelled_choices_with_keys(client_logged_in, interview):
    response, _ = submit(client_logged_in, interview, STRONG_ANSWER, **HX)

    html = response.content.decode()
    for value, label in ((1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy")):
        assert f'value="{value}" data-key="{value}"' in html
        assert f"<strong>{label}</strong>" in html
    assert "Keys 1–4" in html
    assert "Note to self (optional)" in html
    assert "Next question" in html


def test_a_missing_rating_is_asked_for_again_with_the_note_kept(client_logged_in, interview):
    submit(client_logged_in, interview, STRONG_ANSWER)

    response = client_logged_in.post(url("attempt_rate", interview, 1), {"note": "my note"}, **HX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose how it went: Again, Hard, Good or Easy." in html
    assert 'role="alert"' in html
    assert "my note</textarea>" in html
    assert interview.attempts.get(position=1).rated is None


@pytest.mark.parametrize("rating", ["0", "5", "good", ""])
def test_a_rating_outside_one_to_four_is_refused(client_logged_in, interview, rating):
    submit(client_logged_in, interview, STRONG_ANSWER)

    response = client_logged_in.post(url("attempt_rate", interview, 1), {"rating": rating})

    assert response.status_code == 200
    assert interview.attempts.get(position=1).self_rating is None


def test_a_too_long_note_is_refused(client_logged_in, interview):
    submit(client_logged_in, interview, STRONG_ANSWER)

    response = client_logged_in.post(
        url("attempt_rate", interview, 1), {"rating": "3", "note": "n" * 2001}
    )

    assert response.status_code == 200
    assert interview.attempts.get(position=1).rated is None


def test_the_rating_and_note_are_stored_then_shown_read_only(client_logged_in, interview):
    submit(client_logged_in, interview, STRONG_ANSWER)
    client_logged_in.post(url("attempt_rate", interview, 1), {"rating": "3", "note": "Say RTO"})

    page = client_logged_in.get(url("attempt", interview, 1)).content.decode()

    attempt = interview.attempts.get(position=1)
    assert (attempt.self_rating, attempt.note) == (3, "Say RTO")
    assert attempt.rated is not None
    assert "Rated Good" in page
    assert "Say RTO" in page
    assert 'name="rating"' not in page
    assert "Continue the interview" in page


def test_a_skipped_question_shows_the_model_answer_without_a_rating(client_logged_in, interview):
    client_logged_in.post(url("attempt_skip", interview, 1), {"answer": ""})

    page = client_logged_in.get(url("attempt", interview, 1)).content.decode()

    attempt = interview.attempts.get(position=1)
    assert attempt.status == AttemptStatus.SKIPPED
    assert "Question 1 skipped" in page
    assert "You skipped this question." in page
    assert attempt.model_answer_html in page
    assert 'name="rating"' not in page


def test_feedback_shows_the_question_as_it_was_asked(client_logged_in, interview):
    submit(client_logged_in, interview, STRONG_ANSWER)
    attempt = interview.attempts.get(position=1)
    question = Question.objects.get(pk=attempt.question_id)
    original_prompt, original_html = attempt.prompt, attempt.model_answer_html
    question.prompt = "A rewritten prompt"
    question.answer = "A rewritten answer"
    question.talking_points = [{"term": "something new", "synonyms": []}]
    question.save()

    page = client_logged_in.get(url("attempt", interview, 1)).content.decode()

    assert original_prompt in page and original_html in page
    assert "A rewritten" not in page
    assert "something new" not in page


def test_a_question_without_curated_points_is_scored_against_derived_claims(
    client_logged_in, user, bank
):
    QuestionFactory(
        bank=bank,
        prompt="What does a read replica do?",
        answer="It serves read-heavy reporting queries so the primary only handles writes.",
        talking_points=[],
    )
    interview = start(user, bank, count=1)
    client_logged_in.get(interview.get_absolute_url())
    attempt = interview.attempts.get()
    assert attempt.talking_points[0]["claim"] is True

    response, _ = submit(
        client_logged_in, interview, "Reporting queries go to it, so the primary just writes.", **HX
    )

    attempt.refresh_from_db()
    assert attempt.coverage >= 50
    assert "point covered" in response.content.decode()
