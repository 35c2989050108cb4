"""A mock interview in a real browser: the timer, autosave, resume, keyboard, no JavaScript."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from questions.models import AttemptStatus, InterviewStatus, Level, MockInterview
from tests.e2e.conftest import DESKTOP, assert_fits, login
from tests.factories import PASSWORD, QuestionFactory, TagFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
FIRST_PART = "Spread the instances over several Availability Zones"
SECOND_PART = " and keep a copy in another Region for disaster recovery"


@pytest.fixture
def questions(bank):
    compute = TagFactory(bank=bank, name="Compute", slug="compute")
    storage = TagFactory(bank=bank, name="Storage", slug="storage")
    return [
        QuestionFactory(
            bank=bank,
            level=Level.JUNIOR,
            tags=[compute],
            prompt="How do you make a web application on EC2 highly available?",
            answer=(
                "Run it in **several Availability Zones** behind a load balancer.\n\n"
                "| Layer | Service |\n|---|---|\n| Traffic | Elastic Load Balancing |\n"
                "| Compute | Auto Scaling group |\n"
            ),
        ),
        QuestionFactory(
            bank=bank,
            level=Level.JUNIOR,
            tags=[storage],
            prompt="How would you protect S3 data against accidental deletion?",
        ),
    ]


def _start(page, live_server, *, seconds: str, count: str = "2", mode: str = "Mock interview"):
    page.goto(f"{live_server.url}/practice/")
    page.get_by_label(mode).check()
    page.get_by_label("Number of questions").fill(count)
    page.get_by_label("Freshers & intermediate questions").select_option(label=seconds)
    page.get_by_role("button", name="Start interview").click()
    page.wait_for_url(re.compile(r"/interviews/\d+/$"))
    return MockInterview.objects.get(status=InterviewStatus.IN_PROGRESS)


def _clock_seconds(page) -> int:
    minutes, seconds = page.get_by_role("timer").inner_text().split(":")
    return int(minutes) * 60 + int(seconds)


def test_a_timed_interview_runs_out_keeps_the_text_and_ends_in_a_summary(
    page, live_server, user, questions
):
    login(page, live_server, user.username, PASSWORD)
    page.goto(f"{live_server.url}/practice/")
    page.screenshot(path=SCREENSHOTS / "interview-practice-desktop.png", full_page=True)
    interview = _start(page, live_server, seconds="10 seconds")

    # Question 1: the clock runs out while the answer is still being typed.
    expect(page.get_by_role("timer")).to_be_visible()
    answer_box = page.get_by_label("Your answer")
    expect(answer_box).to_be_focused()
    answer_box.fill(FIRST_PART)
    page.screenshot(path=SCREENSHOTS / "interview-run-desktop.png", full_page=True)
    page.wait_for_function(
        "() => document.querySelector('[data-timer-clock]').textContent.trim() === '0:02'",
        timeout=12_000,
    )
    answer_box.press("End")
    page.keyboard.type(SECOND_PART, delay=120)  # still typing when time is up

    expect(page.get_by_role("heading", name="Time ran out: your answer was kept")).to_be_visible(
        timeout=15_000
    )
    first = interview.attempts.get(position=1)
    assert first.status == AttemptStatus.TIMED_OUT and first.timed_out
    assert first.answer.startswith(FIRST_PART)
    assert first.seconds_used == 10
    expect(page.locator(".user-answer")).to_contain_text(FIRST_PART[:30])
    expect(page.locator(".point.covered")).to_contain_text("Availability Zone")
    page.screenshot(path=SCREENSHOTS / "interview-feedback-desktop.png", full_page=True)

    # Rate with the keyboard: 3 is Good.
    page.get_by_role("heading", name=re.compile("Time ran out")).click()
    page.keyboard.press("3")
    expect(page.get_by_role("radio", name="Good")).to_be_checked()
    page.get_by_role("button", name="Next question").click()

    # Question 2 arrives without a page load, and Ctrl+Enter submits it.
    second_prompt = interview.attempts.get(position=2).prompt
    expect(page.get_by_role("heading", level=1)).to_have_text(second_prompt)
    assert re.search(r"/interviews/\d+/$", page.url)
    answer_box = page.get_by_label("Your answer")
    answer_box.fill("Turn on versioning in the Region and use MFA delete.")
    answer_box.press("Control+Enter")
    expect(page.get_by_role("heading", name="Answer recorded")).to_be_visible()
    page.keyboard.press("4")
    expect(page.get_by_role("radio", name="Easy")).to_be_checked()
    page.get_by_role("button", name="Finish and see the summary").click()

    page.wait_for_url(f"{live_server.url}{interview.get_summary_url()}")
    expect(page.get_by_role("heading", name="Interview summary")).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("Timed out")
    page.screenshot(path=SCREENSHOTS / "interview-summary-desktop.png", full_page=True)
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.COMPLETED
    ratings = list(interview.attempts.order_by("position").values_list("self_rating", flat=True))
    assert ratings == [3, 4]


def test_a_refresh_mid_question_keeps_the_remaining_time(page, live_server, user, questions):
    login(page, live_server, user.username, PASSWORD)
    interview = _start(page, live_server, seconds="10 minutes")
    deadline = interview.attempts.get(position=1).deadline
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^(10:00|9:5\d)$"))

    page.wait_for_timeout(3_000)  # a real browser's clock has to move
    page.reload()

    assert _clock_seconds(page) <= 597
    assert _clock_seconds(page) >= 590
    assert interview.attempts.get(position=1).deadline == deadline


def test_closing_the_page_and_coming_back_resumes_with_the_saved_draft(
    context, page, live_server, user, questions
):
    login(page, live_server, user.username, PASSWORD)
    interview = _start(page, live_server, seconds="5 minutes")
    page.get_by_label("Your answer").fill("Availability Zones first, then")
    expect(page.locator("#save-status")).to_have_text("Saved", timeout=5_000)
    left_before = _clock_seconds(page)
    page.close()

    reopened = context.new_page()
    reopened.goto(f"{live_server.url}/")
    reopened.get_by_role("link", name="Resume interview").click()

    reopened.wait_for_url(f"{live_server.url}{interview.get_absolute_url()}")
    expect(reopened.get_by_label("Your answer")).to_have_value("Availability Zones first, then")
    assert _clock_seconds(reopened) <= left_before
    assert interview.attempts.filter(started__isnull=False).count() == 1


def test_the_answer_typed_just_before_leaving_is_not_lost(
    context, page, live_server, user, questions
):
    login(page, live_server, user.username, PASSWORD)
    interview = _start(page, live_server, seconds="5 minutes")
    page.get_by_label("Your answer").fill("Typed and gone at once")
    page.goto(f"{live_server.url}/bank/")  # leave before the autosave delay

    page.wait_for_timeout(500)
    assert interview.attempts.get(position=1).draft == "Typed and gone at once"


def test_the_whole_interview_works_without_javascript(browser, live_server, user, questions):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, live_server, user.username, PASSWORD)
        interview = _start(page, live_server, seconds="3 minutes", mode="Practice")
        expect(page.get_by_text("Untimed")).to_be_visible()

        page.get_by_label("Your answer").fill("Several Availability Zones and a Region.")
        page.get_by_role("button", name="Reveal model answer").click()
        expect(page.get_by_role("heading", name="Model answer")).to_be_visible()
        expect(page.get_by_label("Your answer")).to_have_value(
            "Several Availability Zones and a Region."
        )
        page.get_by_role("button", name="Submit answer").click()

        expect(page.get_by_role("heading", name="Answer recorded")).to_be_visible()
        page.get_by_role("radio", name="Hard").check()
        page.get_by_role("button", name="Next question").click()

        expect(page.get_by_label("Your answer")).to_be_visible()
        page.get_by_role("button", name="Skip").click()
        page.wait_for_url(f"{live_server.url}{interview.get_summary_url()}")
        expect(page.get_by_role("heading", name="Interview summary")).to_be_visible()
    finally:
        context.close()

    attempts = list(interview.attempts.order_by("position"))
    assert [a.status for a in attempts] == [AttemptStatus.ANSWERED, AttemptStatus.SKIPPED]
    assert attempts[0].self_rating == 2
    assert attempts[0].coverage == 100


def test_the_interview_pages_at_phone_width(phone_page, live_server, user, questions):
    page = phone_page
    login(page, live_server, user.username, PASSWORD)
    page.goto(f"{live_server.url}/practice/")
    page.screenshot(path=SCREENSHOTS / "interview-practice-phone.png", full_page=True)
    interview = _start(page, live_server, seconds="3 minutes")
    page.get_by_label("Your answer").fill("Use several Availability Zones.")
    page.screenshot(path=SCREENSHOTS / "interview-run-phone.png", full_page=True)
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_role("heading", name="Answer recorded")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "interview-feedback-phone.png")
    page.get_by_text("Good", exact=True).click()
    page.get_by_role("button", name="Next question").click()
    expect(page.get_by_label("Your answer")).to_be_visible()
    page.get_by_role("button", name="End interview").click()
    page.wait_for_url(f"{live_server.url}{interview.get_summary_url()}")
    page.screenshot(path=SCREENSHOTS / "interview-summary-phone.png", full_page=True)

    for path in (interview.get_summary_url(), "/practice/"):
        page.goto(f"{live_server.url}{path}")
        assert_fits(page)
