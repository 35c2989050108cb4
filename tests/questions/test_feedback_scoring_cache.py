"""An answer is scored once: the submit stores its score, the feedback it answers with
marks the answer from that same scoring, and showing the feedback again reads the
cached result (keyed by exactly what scoring reads, so it can never be stale)."""

import pytest

from questions import scoring
from questions.models import InterviewMode
from tests.questions.interview_support import HX, STRONG_ANSWER, make_questions, start, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    counted = []
    real = scoring.score_answer

    def counting(*args, **kwargs):
        counted.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr("questions.scoring_cache.score_answer", counting)
    return counted


@pytest.fixture
def interview(user, bank, client_logged_in):
    make_questions(bank, 2)
    interview = start(user, bank, mode=InterviewMode.PRACTICE, count=2)
    client_logged_in.get(interview.get_absolute_url())
    return interview


def test_a_submitted_answer_is_scored_once_and_its_feedback_reads_the_cache(
    client_logged_in, interview, calls
):
    response = client_logged_in.post(
        url("attempt_submit", interview, 1), {"answer": STRONG_ANSWER}, **HX
    )
    assert response.status_code == 200
    assert calls == [STRONG_ANSWER]

    for _ in range(2):
        page = client_logged_in.get(url("attempt", interview, 1))
        assert page.status_code == 200
    assert calls == [STRONG_ANSWER]  # the stored result, not a new scoring


def test_a_changed_snapshot_is_scored_again(client_logged_in, interview, calls):
    client_logged_in.post(url("attempt_submit", interview, 1), {"answer": STRONG_ANSWER}, **HX)
    attempt = interview.attempts.get(position=1)
    attempt.talking_points = [{"term": "Availability Zones", "synonyms": []}]
    attempt.save()

    client_logged_in.get(url("attempt", interview, 1))

    assert calls == [STRONG_ANSWER, STRONG_ANSWER]
