"""Answer feedback in a real browser: derived claims for an uncurated question, partly
covered and contradicted points, the covering sentence highlighted, at desktop and phone
width."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from questions.models import Attempt, Level
from tests.e2e.conftest import assert_fits, login
from tests.factories import PASSWORD, QuestionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
ANSWER = (
    "They are extra copies of the primary database that get changes shipped to them in "
    "the background, a little behind. Reporting queries go to the copies so the primary "
    "only handles writes."
)


@pytest.fixture
def uncurated(bank):
    return QuestionFactory(
        bank=bank,
        level=Level.JUNIOR,
        prompt="What are Amazon RDS Read Replicas?",
        answer=(
            "Read replicas are read-only copies kept up to date by asynchronous replication, "
            "so they can lag behind the primary.\n\n"
            "- Point reporting and other read-heavy queries at them to take load off the "
            "primary database.\n"
        ),
        talking_points=[],
    )


def _answer_one(page, live_server, text):
    page.goto(f"{live_server.url}/practice/")
    page.get_by_label("Practice", exact=True).check()
    page.get_by_label("Number of questions").fill("1")
    page.get_by_role("button", name="Start interview").click()
    page.wait_for_url(re.compile(r"/interviews/\d+/$"))
    page.get_by_label("Your answer").fill(text)
    page.get_by_role("button", name=re.compile("Submit")).click()
    expect(page.get_by_role("heading", name="Answer recorded")).to_be_visible()


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_an_uncurated_question_gets_feedback_on_derived_claims(
    browser, live_server, user, uncurated, width
):
    size = {"width": 1280, "height": 900} if width == "desktop" else {"width": 390, "height": 844}
    context = browser.new_context(viewport=size, base_url=live_server.url)
    page = context.new_page()
    try:
        login(page, live_server, user.username, PASSWORD)
        _answer_one(page, live_server, ANSWER)

        points = page.locator(".talking-points .point")
        expect(points).to_have_count(2)
        expect(points.first).to_contain_text("read-only copies kept up to date")
        attempt = Attempt.objects.get(owner=user)
        assert attempt.coverage >= 50
        expect(page.locator(".result .stat").first).to_have_text(f"{attempt.coverage}%")
        marked = page.locator(".user-answer mark")
        expect(marked.first).to_be_visible()
        assert marked.first.get_attribute("title").startswith("Covers: ")
        assert_fits(page)
        page.screenshot(path=SCREENSHOTS / f"feedback-derived-{width}.png", full_page=True)
    finally:
        context.close()


def test_an_opposite_claim_is_shown_as_contradicted(page, live_server, user, bank):
    QuestionFactory(
        bank=bank,
        prompt="How are RDS read replicas kept up to date?",
        answer="By asynchronous replication from the primary.",
        talking_points=[{"term": "asynchronous replication", "synonyms": []}],
    )
    login(page, live_server, user.username, PASSWORD)

    _answer_one(page, live_server, "With synchronous replication, always in step.")

    point = page.locator(".point.contradicted")
    expect(point).to_contain_text("asynchronous replication")
    expect(point).to_contain_text("your answer says the opposite")
    expect(page.locator(".result .stat").first).to_have_text("0%")
