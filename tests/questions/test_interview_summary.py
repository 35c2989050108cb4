"""The summary of a finished interview, and "retry the ones I missed"."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from questions.models import AttemptStatus, InterviewMode, InterviewStatus, MockInterview
from questions.selectors.interviews import interview_summary
from tests.factories import AttemptFactory, MockInterviewFactory, QuestionFactory
from tests.questions.interview_support import make_questions, make_tag, start, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(user, bank):
    """Three questions: one answered well, one timed out, one skipped."""
    compute, storage = make_tag(bank, "Compute"), make_tag(bank, "Storage")
    interview = MockInterviewFactory(owner=user, bank=bank, question_count=3)
    started = timezone.now() - timedelta(minutes=30)
    AttemptFactory(
        interview=interview,
        position=1,
        question=QuestionFactory(bank=bank, tags=[compute], prompt="Explain EC2 pricing."),
        started=started,
        submitted=started + timedelta(seconds=95),
        seconds_allowed=180,
        coverage=80,
        self_rating=3,
    )
    AttemptFactory(
        interview=interview,
        position=2,
        question=QuestionFactory(bank=bank, tags=[compute, storage], prompt="Explain EBS."),
        started=started,
        submitted=started + timedelta(seconds=400),
        seconds_allowed=300,
        status=AttemptStatus.TIMED_OUT,
        timed_out=True,
        coverage=40,
        self_rating=1,
    )
    AttemptFactory(
        interview=interview,
        position=3,
        question=QuestionFactory(bank=bank, tags=[storage], prompt="Explain S3 tiers."),
        started=started,
        submitted=started + timedelta(seconds=10),
        seconds_allowed=180,
        status=AttemptStatus.SKIPPED,
        answer="",
        coverage=0,
        covered_points=[],
        self_rating=None,
    )
    return interview


def test_the_summary_totals_are_computed_from_the_attempts(finished):
    summary = interview_summary(interview=finished)

    assert summary.total == 3
    # Each question counts once: answered in time, timed out (answer kept) or skipped.
    assert (summary.answered, summary.timed_out, summary.skipped) == (1, 1, 1)
    assert summary.average_coverage == 40  # (80 + 40 + 0) / 3
    assert summary.average_rating == 2.0  # (3 + 1) / 2
    assert summary.seconds_used == 95 + 300 + 10  # a timed-out answer used its time
    assert summary.seconds_allowed == 180 + 300 + 180
    assert summary.missed == 2


def test_the_page_counts_answered_timed_out_and_skipped_apart(client_logged_in, finished):
    html = client_logged_in.get(finished.get_summary_url()).content.decode()

    assert "3 questions asked: 1 answered in time, 1 timed out, 1 skipped." in html
    assert "answered in time" in html and "timed out (answer kept)" in html
    # No "2 / 3 answered" that counts a time-out as answered.
    assert '<span class="stat-of"> / 3</span>' not in html


def test_two_questions_one_timed_out_are_not_two_answered(client_logged_in, user, bank):
    interview = MockInterviewFactory(owner=user, bank=bank, question_count=2)
    AttemptFactory(interview=interview, position=1)
    AttemptFactory(interview=interview, position=2, status=AttemptStatus.TIMED_OUT, timed_out=True)

    summary = interview_summary(interview=interview)
    html = client_logged_in.get(interview.get_summary_url()).content.decode()

    assert (summary.answered, summary.timed_out, summary.skipped) == (1, 1, 0)
    assert "2 questions asked: 1 answered in time, 1 timed out, 0 skipped." in html


def test_an_untimed_interview_does_not_speak_of_time_running_out(client_logged_in, user, bank):
    interview = MockInterviewFactory(
        owner=user, bank=bank, question_count=1, mode=InterviewMode.PRACTICE
    )
    AttemptFactory(interview=interview, position=1, seconds_allowed=None)

    html = client_logged_in.get(interview.get_summary_url()).content.decode()

    assert "timed out (answer kept)" not in html
    assert "answered in time" not in html
    assert "1 question asked: 1 answered, 0 timed out, 0 skipped." in html


def test_the_per_topic_breakdown_puts_the_weakest_first(finished):
    tags = interview_summary(interview=finished).tags

    rows = [(t.name, t.questions, t.average_coverage, t.missed) for t in tags]
    assert rows == [("Storage", 2, 20, 2), ("Compute", 2, 60, 1)]


def test_the_summary_page_lists_each_question_with_its_results(client_logged_in, finished):
    response = client_logged_in.get(finished.get_summary_url())

    assert response.status_code == 200
    html = response.content.decode()
    for prompt in ("Explain EC2 pricing.", "Explain EBS.", "Explain S3 tiers."):
        assert prompt in html
    assert "1:35" in html and "3:00" in html  # time used against time allowed
    assert '5:00<span class="muted"> / 5:00' in html
    assert "Timed out" in html and "Skipped" in html and "Answered" in html
    assert "80%" in html and "Good" in html and "Again" in html
    assert "By topic" in html and "Storage" in html
    assert "Retry the 2 questions I missed" in html
    assert url("attempt", finished, 2) in html


def test_a_running_interview_has_no_summary_yet(client_logged_in, user, bank):
    make_questions(bank, 1)
    running = start(user, bank, count=1)

    response = client_logged_in.get(running.get_summary_url())

    assert response.status_code == 302
    assert response["Location"] == running.get_absolute_url()


def test_retry_starts_an_interview_on_the_missed_questions(client_logged_in, user, finished):
    missed = set(finished.attempts.filter(position__in=[2, 3]).values_list("question", flat=True))

    response = client_logged_in.post(url("interview_retry", finished))

    retry = MockInterview.objects.get(owner=user, status=InterviewStatus.IN_PROGRESS)
    assert response.status_code == 302
    assert response["Location"] == retry.get_absolute_url()
    assert set(retry.attempts.values_list("question_id", flat=True)) == missed
    assert retry.mode == InterviewMode.MOCK


def test_retry_with_nothing_missed_says_so(client_logged_in, user, bank):
    interview = MockInterviewFactory(owner=user, bank=bank, question_count=1)
    AttemptFactory(interview=interview, position=1, coverage=100, self_rating=4)

    page = client_logged_in.get(interview.get_summary_url()).content.decode()
    response = client_logged_in.post(url("interview_retry", interview), follow=True)

    assert "Retry the" not in page
    assert "Nothing missed" in page
    assert "Nothing to retry" in response.content.decode()
    assert not MockInterview.objects.filter(status=InterviewStatus.IN_PROGRESS).exists()


def test_retry_of_a_running_interview_leads_back_to_it(client_logged_in, user, bank):
    make_questions(bank, 1)
    running = start(user, bank, count=1)

    response = client_logged_in.post(url("interview_retry", running))

    assert response["Location"] == running.get_absolute_url()
    assert MockInterview.objects.count() == 1


def test_the_summary_shows_what_was_asked_even_after_the_question_changed(
    client_logged_in, finished
):
    question = finished.attempts.get(position=1).question
    question.prompt = "A completely different prompt"
    question.is_active = False
    question.save()

    html = client_logged_in.get(finished.get_summary_url()).content.decode()
    detail = client_logged_in.get(url("attempt", finished, 1)).content.decode()

    assert "Explain EC2 pricing." in html and "Explain EC2 pricing." in detail
    assert "completely different" not in html + detail


def test_an_abandoned_interview_says_so(client_logged_in, user, bank):
    interview = MockInterviewFactory(owner=user, bank=bank, status=InterviewStatus.ABANDONED)
    AttemptFactory(interview=interview, position=1)

    html = client_logged_in.get(interview.get_summary_url()).content.decode()

    assert "Ended when a new interview started" in html
    assert "4 not reached" in html


@pytest.mark.parametrize("size", [1, 60])
def test_the_summary_makes_a_constant_number_of_queries(
    client_logged_in, user, bank, size, django_assert_max_num_queries
):
    tags = [make_tag(bank, f"Topic {n}") for n in range(5)]
    interview = MockInterviewFactory(owner=user, bank=bank, question_count=size)
    for position in range(1, size + 1):
        AttemptFactory(
            interview=interview,
            position=position,
            question=QuestionFactory(bank=bank, tags=tags[: position % 5 + 1]),
        )

    with django_assert_max_num_queries(7):
        response = client_logged_in.get(interview.get_summary_url())

    assert response.status_code == 200


def test_home_links_to_the_last_interview_summary(client_logged_in, finished):
    finished.finished = timezone.now()
    finished.save()

    html = client_logged_in.get(reverse("questions:home")).content.decode()

    assert "Your last interview: 3 questions, 40% coverage on average." in html
    assert finished.get_summary_url() in html
