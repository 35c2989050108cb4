"""Practise one question in a real browser: one click on the question's page starts an
interview on it; after the answer and its feedback, finishing leads back to the page the
click came from (the question, its history, a summary), at desktop and phone width and
without JavaScript."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from questions.models import AttemptStatus, InterviewMode, InterviewStatus, MockInterview, Question
from tests.e2e.conftest import DESKTOP, PHONE, assert_fits, login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
SLUG = "spot-instances-batch-ml"  # a senior question with one of the longest prompts
ANSWER = (
    "Run the batch jobs on Spot Instances through AWS Batch with a mix of instance types, "
    "checkpoint the training to S3 so an interruption loses little, and keep a small "
    "On-Demand base for the work that cannot wait."
)
INTERVIEW_URL = re.compile(r"/interviews/\d+/$")


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"practise-question-{name}.png"), full_page=True)


def _answer_and_finish(page, *, back_to: str, phone: bool = False) -> None:
    """Answer the question on screen, look at the feedback, rate it and finish."""
    page.get_by_role("textbox", name="Your answer").fill(ANSWER)
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_role("heading", name="Answer recorded")).to_be_visible()
    expect(page.get_by_role("heading", name="Model answer")).to_be_visible()
    if phone:
        assert_fits(page)
    page.get_by_role("radio", name=re.compile(r"^Good")).check()
    page.get_by_role("button", name=f"Finish and go back to {back_to}").click()


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_one_click_on_a_question_practises_it_and_comes_back(
    browser, live_server, user, aws_bank, width
):
    phone = width == "phone"
    context = browser.new_context(
        viewport=PHONE if phone else DESKTOP, is_mobile=phone, has_touch=phone
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    question = Question.objects.get(bank=aws_bank, slug=SLUG)
    question_url = live_server.url + question.get_absolute_url()
    try:
        login(page, live_server, user.username, PASSWORD)
        page.goto(question_url)
        practise = page.get_by_role("region", name="Practise this question")
        expect(practise).to_contain_text("you come back to this page")
        if phone:
            assert_fits(page)
        _shot(page, f"question-{width}")

        practise.get_by_role("button", name="Practise this question, timed (5 minutes)").click()

        page.wait_for_url(INTERVIEW_URL)
        expect(page.get_by_role("heading", level=1)).to_have_text(question.prompt)
        expect(page.get_by_role("timer")).to_be_visible()
        expect(page.get_by_text("Question 1 of 1")).to_be_visible()
        interview = MockInterview.objects.get(owner=user, status=InterviewStatus.IN_PROGRESS)
        assert interview.mode == InterviewMode.MOCK
        assert interview.attempts.get().seconds_allowed == user.default_seconds_senior

        _answer_and_finish(page, back_to="the question", phone=phone)

        page.wait_for_url(question_url)
        expect(page.get_by_role("list").filter(has_text="Practice recorded")).to_contain_text(
            "of the talking points covered"
        )
        expect(page.get_by_role("heading", level=1)).to_have_text(question.prompt)
        if phone:
            assert_fits(page)
        interview.refresh_from_db()
        attempt = interview.attempts.get()
        assert interview.status == InterviewStatus.COMPLETED
        assert (attempt.status, attempt.self_rating) == (AttemptStatus.ANSWERED, 3)
        assert MockInterview.objects.filter(owner=user).count() == 1

        # The summary of that interview says where it came from, and leads back there.
        page.goto(live_server.url + interview.get_summary_url())
        expect(page.locator(".outcome-line")).to_have_text(
            "1 question asked: 1 answered in time, 0 timed out, 0 skipped."
        )
        if phone:
            assert_fits(page)
        _shot(page, f"summary-{width}")
        page.get_by_role("link", name="Back to the question").click()
        page.wait_for_url(question_url)
    finally:
        context.close()
    assert not errors, errors


def test_practising_from_the_history_and_a_summary_comes_back_to_each(
    page, live_server, user, aws_bank
):
    question = Question.objects.get(bank=aws_bank, slug=SLUG)
    history = live_server.url + reverse(
        "questions:question_history", kwargs={"question_id": question.pk}
    )
    login(page, live_server, user.username, PASSWORD)

    page.goto(history)
    expect(
        page.get_by_role("heading", name="You have not answered this question yet")
    ).to_be_visible()
    page.get_by_role("button", name="Practise it untimed").click()
    page.wait_for_url(INTERVIEW_URL)
    expect(page.get_by_text("Untimed")).to_be_visible()
    _answer_and_finish(page, back_to="your answers to this question")
    page.wait_for_url(history)
    expect(page.get_by_role("heading", name="Attempt 1")).to_be_visible()
    expect(page.get_by_text("1 answered, 0 timed out, 0 skipped")).to_be_visible()

    first = MockInterview.objects.get(owner=user)
    page.goto(live_server.url + first.get_summary_url())
    page.get_by_role("button", name="Practise this one again (question 1)").click()
    page.wait_for_url(INTERVIEW_URL)
    _answer_and_finish(page, back_to="the summary you came from")
    page.wait_for_url(live_server.url + first.get_summary_url())
    expect(page.get_by_text("Practice recorded")).to_be_visible()
    assert MockInterview.objects.filter(owner=user).count() == 2
    assert not MockInterview.objects.filter(status=InterviewStatus.IN_PROGRESS).exists()


def test_a_double_click_starts_one_interview(page, live_server, user, aws_bank):
    question = Question.objects.get(bank=aws_bank, slug=SLUG)
    login(page, live_server, user.username, PASSWORD)
    page.goto(live_server.url + question.get_absolute_url())

    page.get_by_role("button", name="Practise it untimed").dblclick()

    page.wait_for_url(INTERVIEW_URL)
    expect(page.get_by_role("textbox", name="Your answer")).to_be_visible()
    interview = MockInterview.objects.get(owner=user)  # one, and not abandoned
    assert interview.status == InterviewStatus.IN_PROGRESS
    assert page.url == live_server.url + interview.get_absolute_url()


def test_it_works_without_javascript(nojs_page, live_server, user, aws_bank):
    page = nojs_page
    question = Question.objects.get(bank=aws_bank, slug=SLUG)
    question_url = live_server.url + question.get_absolute_url()
    login(page, live_server, user.username, PASSWORD)
    page.goto(question_url + "?reveal=1")

    page.get_by_role("button", name=re.compile(r"^Practise this question, timed")).click()
    page.wait_for_url(INTERVIEW_URL)
    _answer_and_finish(page, back_to="the question")

    page.wait_for_url(question_url + "?reveal=1")
    expect(page.get_by_text("Practice recorded")).to_be_visible()
    assert MockInterview.objects.get(owner=user).status == InterviewStatus.COMPLETED
