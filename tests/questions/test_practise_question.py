"""Practise one question: a one-question interview started from the question's page, its
history or an interview summary, which leads back there when it is finished."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from questions.models import AttemptStatus, InterviewMode, InterviewStatus, Level, MockInterview
from questions.services.interviews import (
    InterviewInProgress,
    interview_start_for_question,
    question_seconds,
)
from tests.factories import AttemptFactory, MockInterviewFactory, QuestionFactory
from tests.questions.interview_support import HX, STRONG_ANSWER, make_questions, start, url

pytestmark = pytest.mark.django_db


def practise_url(question) -> str:
    return reverse("questions:practise_question", kwargs={"question_id": question.pk})


def history_url(question) -> str:
    return reverse("questions:question_history", kwargs={"question_id": question.pk})


def practise(client, question, *, mode=InterviewMode.MOCK, next=None, **extra):
    data = {"mode": mode, **extra}
    data["next"] = question.get_absolute_url() if next is None else next
    return client.post(practise_url(question), data)


def running(user) -> MockInterview:
    return MockInterview.objects.get(owner=user, status=InterviewStatus.IN_PROGRESS)


def answer_and_rate(client, interview, **headers):
    """Answer the one question of ``interview`` and rate it; the response to the rating."""
    client.get(interview.get_absolute_url(), **headers)
    client.post(url("attempt_submit", interview, 1), {"answer": STRONG_ANSWER}, **headers)
    return client.post(url("attempt_rate", interview, 1), {"rating": "3"}, **headers)


# --- starting -------------------------------------------------------------------------


def test_it_requires_login(client, question):
    response = client.post(practise_url(question), {"mode": InterviewMode.MOCK})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not MockInterview.objects.exists()


def test_it_requires_post(client_logged_in, question):
    assert client_logged_in.get(practise_url(question)).status_code == 405
    assert not MockInterview.objects.exists()


def test_it_needs_the_csrf_token(user, question):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    assert practise(client, question).status_code == 403
    assert not MockInterview.objects.exists()


def test_it_starts_a_timed_one_question_interview_with_the_users_time(client_logged_in, user, bank):
    user.default_seconds_senior, user.extra_time = 240, "1.5"
    user.save()
    question = QuestionFactory(bank=bank, level=Level.SENIOR)
    make_questions(bank, 3)

    response = practise(client_logged_in, question)

    interview = running(user)
    assert response.status_code == 302
    assert response["Location"] == interview.get_absolute_url()
    assert (interview.mode, interview.question_count) == (InterviewMode.MOCK, 1)
    attempt = interview.attempts.get()
    assert attempt.question_id == question.pk
    assert attempt.seconds_allowed == 360 == question_seconds(user=user, question=question)


def test_practice_mode_starts_it_untimed(client_logged_in, user, question):
    practise(client_logged_in, question, mode=InterviewMode.PRACTICE)

    interview = running(user)
    assert interview.mode == InterviewMode.PRACTICE
    assert interview.attempts.get().seconds_allowed is None


def test_an_unknown_mode_changes_nothing_and_says_so(client_logged_in, question):
    response = client_logged_in.post(
        practise_url(question), {"mode": "sprint", "next": question.get_absolute_url()}, follow=True
    )

    assertContains(response, "Choose timed or untimed practice.")
    assert not MockInterview.objects.exists()


def test_an_unknown_question_is_a_404(client_logged_in, question):
    response = client_logged_in.post(
        reverse("questions:practise_question", kwargs={"question_id": question.pk + 100}),
        {"mode": InterviewMode.MOCK},
    )
    assert response.status_code == 404


def test_an_inactive_question_cannot_be_practised_and_the_page_says_why(
    client_logged_in, user, question
):
    AttemptFactory(
        interview=MockInterviewFactory(owner=user, bank=question.bank), question=question
    )
    question.is_active = False
    question.save()

    from_history = practise(client_logged_in, question, next=history_url(question))
    from_its_page = practise(client_logged_in, question)  # a page loaded before it was retired

    assert from_history["Location"] == history_url(question)
    assert from_its_page["Location"] == question.bank.get_absolute_url()  # its page is a 404
    page = client_logged_in.get(history_url(question))
    assertContains(page, "retired from the bank")
    assert not MockInterview.objects.filter(status=InterviewStatus.IN_PROGRESS).exists()


def test_the_service_refuses_an_inactive_question(user, question):
    from questions.services.interviews import NoQuestionsMatch

    question.is_active = False
    question.save()
    with pytest.raises(NoQuestionsMatch):
        interview_start_for_question(user=user, question=question, mode=InterviewMode.MOCK)
    assert not MockInterview.objects.exists()


# --- one interview at a time ----------------------------------------------------------


def test_a_double_click_starts_one_interview(client_logged_in, user, question):
    first = practise(client_logged_in, question)
    second = practise(client_logged_in, question)

    interview = MockInterview.objects.get(owner=user)  # exactly one, none abandoned
    assert first["Location"] == second["Location"] == interview.get_absolute_url()
    assert interview.status == InterviewStatus.IN_PROGRESS


def test_two_clicks_at_the_same_moment_start_one_interview(user, question, transactional_db):
    """Two requests racing on two connections: the user lock lets one start, the other
    finds it running and resumes it."""
    barrier = threading.Barrier(2)
    results: list = []

    def click():
        try:
            barrier.wait()
            results.append(
                interview_start_for_question(user=user, question=question, mode="mock").pk
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert MockInterview.objects.filter(owner=user).count() == 1
    assert len(results) == 2 and results[0] == results[1]


def test_clicking_again_after_answering_resumes_the_same_interview(
    client_logged_in, user, question
):
    practise(client_logged_in, question)
    interview = running(user)
    client_logged_in.get(interview.get_absolute_url())
    client_logged_in.post(url("attempt_submit", interview, 1), {"answer": STRONG_ANSWER})

    response = practise(client_logged_in, question)

    assert response["Location"] == interview.get_absolute_url()
    assert MockInterview.objects.filter(owner=user).count() == 1


def test_another_interview_in_progress_is_not_ended_without_asking(
    client_logged_in, user, bank, question
):
    make_questions(bank, 3)
    other = start(user, bank, count=3)

    response = practise(client_logged_in, question)
    page = client_logged_in.get(response["Location"])

    assert response["Location"] == question.get_absolute_url()
    assertContains(page, "You have an interview in progress")
    assertContains(page, "Resume it instead")
    assertContains(page, f'name="replace" value="{other.pk}"')
    assert running(user) == other
    assert MockInterview.objects.count() == 1


def test_a_running_interview_is_ended_when_the_user_chose_to_replace_it(
    client_logged_in, user, bank, question
):
    make_questions(bank, 3)
    other = start(user, bank, count=3)

    response = practise(client_logged_in, question, replace=str(other.pk))

    new = running(user)
    other.refresh_from_db()
    assert response["Location"] == new.get_absolute_url()
    assert other.status == InterviewStatus.ABANDONED
    assert new.attempts.get().question_id == question.pk


def test_the_same_question_in_the_other_mode_is_another_interview(client_logged_in, user, question):
    practise(client_logged_in, question, mode=InterviewMode.MOCK)
    timed = running(user)

    refused = practise(client_logged_in, question, mode=InterviewMode.PRACTICE)
    replaced = practise(
        client_logged_in, question, mode=InterviewMode.PRACTICE, replace=str(timed.pk)
    )

    assert refused["Location"] == question.get_absolute_url()
    assert running(user).mode == InterviewMode.PRACTICE
    assert replaced["Location"] == running(user).get_absolute_url()


def test_another_users_interviews_are_neither_resumed_nor_ended(
    client_logged_in, user, other_user, question
):
    theirs = interview_start_for_question(user=other_user, question=question, mode="mock")

    response = practise(client_logged_in, question, replace=str(theirs.pk))

    mine = running(user)
    theirs.refresh_from_db()
    assert mine != theirs
    assert response["Location"] == mine.get_absolute_url()
    assert theirs.status == InterviewStatus.IN_PROGRESS
    assert client_logged_in.get(theirs.get_absolute_url()).status_code == 404


def test_the_service_raises_for_another_interview_in_progress(user, bank, question):
    make_questions(bank, 2)
    other = start(user, bank, count=2)

    with pytest.raises(InterviewInProgress) as raised:
        interview_start_for_question(user=user, question=question, mode="mock")
    assert raised.value.interview == other
    assert MockInterview.objects.count() == 1


# --- back where it started ------------------------------------------------------------


def test_finishing_leads_back_to_the_question_page(client_logged_in, user, question):
    practise(client_logged_in, question)
    interview = running(user)
    client_logged_in.get(interview.get_absolute_url())
    feedback = client_logged_in.post(
        url("attempt_submit", interview, 1), {"answer": STRONG_ANSWER}, follow=True
    )
    assertContains(feedback, "Finish and go back to the question")

    done = client_logged_in.post(url("attempt_rate", interview, 1), {"rating": "3"}, follow=True)

    assert done.redirect_chain[-1][0] == question.get_absolute_url()
    assertContains(done, "Practice recorded: 100% of the talking points covered.")
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.COMPLETED


def test_finishing_with_htmx_leads_back_too(client_logged_in, user, question):
    practise(client_logged_in, question, next=history_url(question) + "?page=1")
    interview = running(user)

    done = answer_and_rate(client_logged_in, interview, **HX)

    assert done["HX-Redirect"] == history_url(question) + "?page=1"


def test_skipping_the_question_also_leads_back(client_logged_in, user, question):
    practise(client_logged_in, question)
    interview = running(user)
    client_logged_in.get(interview.get_absolute_url())

    done = client_logged_in.post(url("attempt_skip", interview, 1), {"answer": ""}, follow=True)

    assert done.redirect_chain[-1][0] == question.get_absolute_url()
    assertContains(done, "Question skipped")
    assert interview.attempts.get().status == AttemptStatus.SKIPPED


def test_the_summary_links_back_to_where_it_started(client_logged_in, user, question):
    practise(client_logged_in, question, next=history_url(question))
    interview = running(user)
    answer_and_rate(client_logged_in, interview)

    summary = client_logged_in.get(interview.get_summary_url())

    assertContains(summary, f'<a class="button" href="{history_url(question)}">')
    assertContains(summary, "Back to your answers to this question")


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example/phish",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "/\x00/evil.example",
        " //evil.example",
        "http://testserver.evil.example/",
        "",
    ],
)
def test_next_never_leads_off_the_site(client_logged_in, user, question, next_url):
    practise(client_logged_in, question, next=next_url)
    interview = running(user)

    done = answer_and_rate(client_logged_in, interview)

    assert done.status_code == 302
    assert done["Location"] == interview.get_absolute_url()
    back = client_logged_in.get(done["Location"])
    assert back["Location"] == question.get_absolute_url()  # the safe default
    assert "evil" not in str(client_logged_in.session.items())


def test_an_interview_started_elsewhere_still_ends_on_its_summary(client_logged_in, user, bank):
    make_questions(bank, 1)
    interview = start(user, bank, count=1)

    done = answer_and_rate(client_logged_in, interview)
    run = client_logged_in.get(done["Location"])

    assert run["Location"] == interview.get_summary_url()
    assertNotContains(client_logged_in.get(interview.get_summary_url()), "Back to")


def test_where_an_interview_returns_is_not_shared_with_another_user(
    client_logged_in, user, other_user, question
):
    practise(client_logged_in, question, next=history_url(question))
    interview = running(user)
    answer_and_rate(client_logged_in, interview)
    other = Client()
    other.force_login(other_user)

    assert other.get(interview.get_summary_url()).status_code == 404
    assert "interview_returns" not in other.session


# --- the buttons ----------------------------------------------------------------------


def test_the_question_page_offers_timed_and_untimed_practice(client_logged_in, question):
    response = client_logged_in.get(question.get_absolute_url() + "?reveal=1")

    assertContains(response, f'action="{practise_url(question)}"')
    assertContains(response, "Practise this question, timed (3 minutes)")
    assertContains(response, "Practise it untimed")
    assertContains(response, f'name="next" value="{question.get_absolute_url()}?reveal=1"')
    assertNotContains(response, 'name="replace"')


def test_the_question_page_warns_about_an_interview_in_progress(
    client_logged_in, user, bank, question
):
    make_questions(bank, 2)
    other = start(user, bank, count=2)

    response = client_logged_in.get(question.get_absolute_url())

    assertContains(response, "Starting this question ends it")
    assertContains(response, f'name="replace" value="{other.pk}"')


def test_the_question_history_offers_practice_while_the_question_is_active(
    client_logged_in, user, question
):
    AttemptFactory(
        interview=MockInterviewFactory(owner=user, bank=question.bank), question=question
    )

    active = client_logged_in.get(history_url(question))
    question.is_active = False
    question.save()
    retired = client_logged_in.get(history_url(question))

    assertContains(active, f'action="{practise_url(question)}"')
    assertContains(active, "Practise this question, timed (3 minutes)")
    assertContains(active, f'name="next" value="{history_url(question)}"')
    assertNotContains(retired, f'action="{practise_url(question)}"')
    assertContains(retired, "retired from the bank")


def test_the_summary_offers_each_active_question_again(client_logged_in, user, bank):
    interview = MockInterviewFactory(
        owner=user, bank=bank, question_count=2, mode=InterviewMode.PRACTICE
    )
    kept = AttemptFactory(interview=interview, position=1)
    retired = AttemptFactory(interview=interview, position=2)
    retired.question.is_active = False
    retired.question.save()

    response = client_logged_in.get(interview.get_summary_url())

    assertContains(response, "Practise this one again", count=1)
    assertContains(response, f'action="{practise_url(kept.question)}"')
    assertNotContains(response, f'action="{practise_url(retired.question)}"')
    assertContains(response, "Retired from the bank")
    assertContains(response, f'name="next" value="{interview.get_summary_url()}"')
    assertContains(response, f'name="mode" value="{InterviewMode.PRACTICE}"')


def test_practising_again_from_a_summary_returns_to_that_summary(client_logged_in, user, bank):
    old = MockInterviewFactory(owner=user, bank=bank, question_count=1)
    attempt = AttemptFactory(interview=old, position=1)

    practise(client_logged_in, attempt.question, next=old.get_summary_url())
    new = running(user)
    done = answer_and_rate(client_logged_in, new)

    assert client_logged_in.get(done["Location"])["Location"] == old.get_summary_url()
    assert new.attempts.get().question_id == attempt.question_id


@pytest.mark.parametrize("size", [1, 60])
def test_the_summary_with_its_buttons_makes_a_constant_number_of_queries(
    client_logged_in, user, bank, size, django_assert_max_num_queries
):
    interview = MockInterviewFactory(owner=user, bank=bank, question_count=size)
    for position in range(1, size + 1):
        AttemptFactory(interview=interview, position=position)
    make_questions(bank, 2)
    start(user, bank, count=2)  # an interview in progress: every row offers to replace it

    with django_assert_max_num_queries(7):
        response = client_logged_in.get(interview.get_summary_url())

    assertContains(response, "Practise this one again", count=size)


def test_the_question_page_offers_it_without_another_query(
    client_logged_in, user, bank, question, django_assert_max_num_queries
):
    """The interview in progress is the one the resume banner reads already: session,
    user, question, its tags, previous, next, interview in progress."""
    make_questions(bank, 2)
    start(user, bank, count=2)

    with django_assert_max_num_queries(7):
        response = client_logged_in.get(question.get_absolute_url())

    assertContains(response, "Starting this question ends it")
