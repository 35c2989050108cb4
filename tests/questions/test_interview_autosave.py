"""Autosave of the answer being typed, and the 20,000-character limit."""

import pytest
from django.contrib.messages import get_messages

from questions.models import AttemptStatus
from questions.services.interviews import attempt_save_draft
from tests.questions.interview_support import HX, make_questions, start, url

pytestmark = pytest.mark.django_db

TOO_LONG = "a" * 20_001


@pytest.fixture
def interview(user, bank, client_logged_in):
    make_questions(bank, 2)
    interview = start(user, bank, count=2)
    client_logged_in.get(interview.get_absolute_url())  # shows question 1
    return interview


def test_autosave_stores_the_draft_and_answers_with_a_quiet_indicator(client_logged_in, interview):
    response = client_logged_in.post(
        url("attempt_draft", interview, 1), {"answer": "First thoughts"}, **HX
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith('<p id="save-status"')
    assert ">Saved<" in html
    assert 'role="alert"' not in html
    attempt = interview.attempts.get(position=1)
    assert attempt.draft == "First thoughts"
    assert attempt.draft_saved is not None
    assert attempt.status == AttemptStatus.PENDING


def test_the_draft_is_shown_again_after_a_reload(client_logged_in, interview):
    client_logged_in.post(url("attempt_draft", interview, 1), {"answer": "Keep <me> & this"}, **HX)

    html = client_logged_in.get(interview.get_absolute_url()).content.decode()

    assert "Keep &lt;me&gt; &amp; this</textarea>" in html


def test_save_draft_without_javascript_redirects_back_with_a_message(client_logged_in, interview):
    response = client_logged_in.post(url("attempt_draft", interview, 1), {"answer": "by hand"})

    assert response.status_code == 302
    assert response["Location"] == interview.get_absolute_url()
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Draft saved."]
    assert interview.attempts.get(position=1).draft == "by hand"


def test_whitespace_and_line_breaks_are_kept_as_typed(client_logged_in, interview):
    text = "  - first\r\n  - second\n\n"

    client_logged_in.post(url("attempt_draft", interview, 1), {"answer": text}, **HX)

    assert interview.attempts.get(position=1).draft == text.replace("\r\n", "\n")


def test_an_over_long_autosave_says_so_and_keeps_the_last_draft(client_logged_in, interview):
    client_logged_in.post(url("attempt_draft", interview, 1), {"answer": "short draft"}, **HX)

    response = client_logged_in.post(url("attempt_draft", interview, 1), {"answer": TOO_LONG}, **HX)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Not saved" in html and "20,001" in html and "20,000" in html
    assert interview.attempts.get(position=1).draft == "short draft"


def test_an_over_long_save_without_javascript_re_renders_the_text(client_logged_in, interview):
    client_logged_in.post(url("attempt_draft", interview, 1), {"answer": "short draft"})

    response = client_logged_in.post(url("attempt_draft", interview, 1), {"answer": TOO_LONG})

    assert response.status_code == 200
    html = response.content.decode()
    assert "the limit is 20,000" in html
    assert TOO_LONG + "</textarea>" in html
    assert interview.attempts.get(position=1).draft == "short draft"


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_an_over_long_answer_gets_a_clear_message_and_nothing_is_lost(
    client_logged_in, interview, headers
):
    client_logged_in.post(url("attempt_draft", interview, 1), {"answer": "short draft"}, **HX)

    response = client_logged_in.post(
        url("attempt_submit", interview, 1), {"answer": TOO_LONG}, **headers
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Your answer is 20,001 characters long; the limit is 20,000" in html
    assert 'role="alert"' in html and 'aria-invalid="true"' in html
    assert TOO_LONG + "</textarea>" in html
    attempt = interview.attempts.get(position=1)
    assert attempt.status == AttemptStatus.PENDING
    assert attempt.draft == "short draft"


def test_autosave_for_a_question_already_answered_changes_nothing(client_logged_in, interview):
    client_logged_in.post(url("attempt_submit", interview, 1), {"answer": "Regions"})

    response = client_logged_in.post(url("attempt_draft", interview, 1), {"answer": "later"}, **HX)

    assert response["HX-Redirect"] == interview.get_absolute_url()
    attempt = interview.attempts.get(position=1)
    assert (attempt.answer, attempt.draft) == ("Regions", "Regions")


def test_autosave_for_a_question_not_shown_yet_stores_nothing(client_logged_in, interview):
    response = client_logged_in.post(url("attempt_draft", interview, 2), {"answer": "ahead"}, **HX)

    assert response["HX-Redirect"] == interview.get_absolute_url()
    assert interview.attempts.get(position=2).draft == ""


def test_saving_the_same_text_again_does_not_write(interview):
    attempt = interview.attempts.get(position=1)
    attempt_save_draft(attempt=attempt, text="same")
    saved_at = interview.attempts.get(position=1).draft_saved

    assert attempt_save_draft(attempt=attempt, text="same") is True

    assert interview.attempts.get(position=1).draft_saved == saved_at


def test_nul_characters_are_dropped_not_an_error(client_logged_in, interview):
    response = client_logged_in.post(
        url("attempt_draft", interview, 1), {"answer": "Avail\x00ability"}, **HX
    )

    assert response.status_code == 200
    assert interview.attempts.get(position=1).draft == "Availability"


def test_a_save_without_any_text_leaves_the_draft_alone(client_logged_in, interview):
    client_logged_in.post(url("attempt_draft", interview, 1), {"answer": "kept"}, **HX)

    response = client_logged_in.post(url("attempt_draft", interview, 1), {}, **HX)

    assert response.status_code == 200
    assert interview.attempts.get(position=1).draft == "kept"


def test_an_autosave_in_time_is_one_update(
    client_logged_in, interview, other_user, django_assert_max_num_queries
):
    # The session, the user and the UPDATE of the draft.
    with django_assert_max_num_queries(3):
        response = client_logged_in.post(
            url("attempt_draft", interview, 1), {"answer": "quick"}, **HX
        )

    assert ">Saved<" in response.content.decode()
    assert interview.attempts.get(position=1).draft == "quick"


def test_an_autosave_to_another_users_interview_is_404_and_writes_nothing(
    client, interview, other_user
):
    client.force_login(other_user)

    response = client.post(url("attempt_draft", interview, 1), {"answer": "intruder"}, **HX)

    assert response.status_code == 404
    assert interview.attempts.get(position=1).draft == ""
