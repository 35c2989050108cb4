"""Review history and track progress in a real browser: after two interviews run
through the interface, the history and the dashboard show them."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.conftest import assert_fits, login
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
ANSWERS = [
    "Spread the instances over several Availability Zones in one Region, behind a load "
    "balancer with health checks, and use Auto Scaling to replace failed instances.",
    "I am not sure.",
    "Use IAM roles with least privilege, MFA for people, and rotate access keys.",
]


def _run_interview(
    page, live_server, *, mode: str, count: int, ratings: list[str], study: bool = False
) -> None:
    """Run an interview; with ``study`` (practice mode) the first answer is written after
    reading the model answer, so it covers its talking points."""
    page.goto(f"{live_server.url}/practice/")
    page.get_by_label(mode, exact=True).check()
    page.get_by_label("Number of questions").fill(str(count))
    page.get_by_role("button", name=re.compile(r"^Start")).click()
    for i, rating in enumerate(ratings):
        answer_box = page.get_by_role("textbox", name="Your answer")
        expect(answer_box).to_be_visible()
        answer = ANSWERS[i % len(ANSWERS)]
        if study and i == 0:
            page.get_by_role("button", name="Reveal model answer").click()
            model = page.locator("#model-answer .prose")
            expect(model).to_be_visible()
            answer = model.inner_text()[:4000]
        answer_box.fill(answer)
        # Pause like a person would, until the autosave has stored the draft.
        expect(page.locator("#save-status")).to_have_text("Saved")
        page.get_by_role("button", name="Submit answer").click()
        page.get_by_role("radio", name=re.compile(f"^{rating}")).check()
        last = i == len(ratings) - 1
        next_name = "Finish and see the summary" if last else "Next question"
        page.get_by_role("button", name=next_name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ummary")


def _shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    assert_fits(page)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_history_and_dashboard_show_two_interviews_run_in_the_browser(
    page, phone_page, live_server, aws_bank
):
    user = UserFactory(username="carol", timezone="Europe/Berlin")
    login(page, live_server, user.username, PASSWORD)

    page.goto(f"{live_server.url}/progress/")
    expect(page.get_by_text("Your progress starts with your first interview")).to_be_visible()
    page.get_by_role("link", name="Start practising").click()
    expect(page).to_have_url(f"{live_server.url}/practice/")

    _run_interview(
        page, live_server, mode="Practice", count=2, ratings=["Good", "Again"], study=True
    )
    _run_interview(page, live_server, mode="Mock interview", count=1, ratings=["Hard"])

    # History: both interviews, newest first, each opening its summary.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(page.get_by_text("2 interviews, newest first.")).to_be_visible()
    rows = page.locator(".history-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Mock interview")
    expect(rows.nth(0)).to_contain_text("Hard 1")
    expect(rows.nth(1)).to_contain_text("Practice")
    expect(rows.nth(1)).to_contain_text("Good 1")
    expect(rows.nth(1)).to_contain_text("Again 1")
    _shoot(page, "progress-history-desktop")
    page.emulate_media(color_scheme="dark")
    _shoot(page, "progress-history-dark-desktop")
    page.emulate_media(color_scheme="light")

    rows.nth(1).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ummary")

    # One question's history: the answer given, beside the model answer of the time.
    page.goto(f"{live_server.url}/history/questions/")
    expect(page.locator(".questions-table tbody tr")).to_have_count(3)
    page.locator(".questions-table tbody tr").first.get_by_role("link").click()
    expect(page.get_by_text("Your answers to", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Attempt 1"))).to_be_visible()
    expect(page.get_by_text("Model answer, as it was then")).to_be_visible()
    _shoot(page, "progress-question-history-desktop")

    # Dashboard: streak, totals, coverage, charts with their tables, weakest topics.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress").click()
    expect(page.get_by_text("3 answers in 2 interviews")).to_be_visible()
    expect(page.get_by_text("You practised today.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"You have practised 3 of 60 questions"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Average coverage"))).to_be_visible()
    page.get_by_text("Show the numbers").click()
    expect(page.locator(".chart-data table").first).to_be_visible()
    expect(page.get_by_text("Your weakest topics:")).to_be_visible()
    _shoot(page, "progress-dashboard-desktop")
    page.emulate_media(color_scheme="dark")
    _shoot(page, "progress-dashboard-dark-desktop")
    page.emulate_media(color_scheme="light")

    # Phone: the same pages, no sideways scrolling.
    login(phone_page, live_server, user.username, PASSWORD)
    phone_page.goto(f"{live_server.url}/progress/")
    expect(phone_page.get_by_text("3 answers in 2 interviews")).to_be_visible()
    _shoot(phone_page, "progress-dashboard-phone")
    phone_page.emulate_media(color_scheme="dark")
    _shoot(phone_page, "progress-dashboard-dark-phone")
    phone_page.emulate_media(color_scheme="light")
    phone_page.goto(f"{live_server.url}/history/")
    expect(phone_page.get_by_text("2 interviews, newest first.")).to_be_visible()
    _shoot(phone_page, "progress-history-phone")

    # One click on the weakest topics starts an interview on them.
    page.get_by_label("Practice (untimed)").check()
    page.get_by_role("button", name="Practise my weakest topics").click()
    expect(page.get_by_role("textbox", name="Your answer")).to_be_visible()
