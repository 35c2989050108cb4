"""Review statistics in a real browser: a user with a year of history sees the practice
calendar, the forecast of due reviews and their retention, with their tables, at desktop
and phone widths, without sideways scrolling or serious axe violations."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from questions.models import SelfRating
from questions.services.reviews import review_attempt
from tests.e2e.conftest import DESKTOP, PHONE, assert_fits, login
from tests.e2e.test_accessibility import Audit
from tests.factories import (
    PASSWORD,
    AttemptFactory,
    BankFactory,
    MockInterviewFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RATINGS = [SelfRating.GOOD, SelfRating.HARD, SelfRating.AGAIN, SelfRating.EASY, SelfRating.GOOD]


def _a_year_of_history(user) -> None:
    """Eight questions, each answered every few weeks over the last year and reviewed."""
    bank = BankFactory()
    questions = [QuestionFactory(bank=bank) for _ in range(8)]
    now = timezone.now()
    for back in range(360, 0, -9):
        question = questions[back % len(questions)]
        when = now - timedelta(days=back, hours=back % 5)
        attempt = AttemptFactory(
            interview=MockInterviewFactory(owner=user, bank=bank),
            question=question,
            started=when - timedelta(minutes=3),
            submitted=when,
            rated=when,
            self_rating=RATINGS[back % len(RATINGS)],
        )
        review_attempt(attempt=attempt)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_year_of_practice_shows_calendar_forecast_and_retention(browser, live_server, viewport):
    user = UserFactory(username="dana", timezone="America/New_York")
    _a_year_of_history(user)
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, live_server, user.username, PASSWORD)
        page.goto(f"{live_server.url}/progress/")

        expect(page.get_by_role("heading", name="Practice and review statistics")).to_be_visible()
        calendar = page.get_by_role(
            "img", name=re.compile(r"^Calendar of practice from .*: 40 questions on 40 days")
        )
        expect(calendar).to_be_visible()
        expect(
            page.get_by_role("img", name=re.compile(r"^Reviews due per day over the next 30 days"))
        ).to_be_visible()
        expect(page.locator(".forecast-summary")).to_contain_text("overdue now")
        expect(page.get_by_text("Last 365 days", exact=True)).to_be_visible()
        expect(page.locator(".retention-grid")).to_contain_text(
            re.compile(r"\d+ of 3\d reviews recalled")
        )

        page.get_by_text("Days with practice as a table").click()
        expect(page.locator(".heatmap-table tbody tr")).to_have_count(40)
        page.get_by_text("Reviews due per day as a table").click()
        expect(page.locator(".forecast-table tbody tr")).to_have_count(31)
        page.get_by_text(re.compile(r"^Chance of recalling each question now")).click()
        expect(page.locator(".recall-table tbody tr")).to_have_count(8)

        assert_fits(page)
        box = calendar.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]

        audit = Audit(page, f"stats-{viewport['width']}")
        audit.check("progress with statistics")
        audit.assert_clean()

        # Keyboard: the tables open from their summaries.
        page.goto(f"{live_server.url}/progress/")
        summary = page.locator("summary", has_text="Days with practice as a table")
        summary.focus()
        page.keyboard.press("Enter")
        expect(page.locator(".heatmap-table")).to_be_visible()
    finally:
        context.close()
