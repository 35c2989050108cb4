"""Browsing the bank in a real browser: sign up, search, filter, paginate, reveal answers —
with htmx, without JavaScript, and on a phone."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from questions.models import Level, Question
from questions.selectors.bank import BankFilters, questions_for_bank
from tests.e2e.conftest import DESKTOP, PHONE, assert_fits, login
from tests.factories import PASSWORD, BankFactory, QuestionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
NEW_PASSWORD = "a-long-and-unusual-passphrase-7"
TABLE_QUESTION = "ec2-pricing-models"  # "How to decide?" table
WIDE_TABLE_QUESTION = "fargate-vs-ecs-on-ec2"  # the widest comparison table
CODE_QUESTION = "sts-cross-account-access"  # a JSON trust policy and Python/boto3


def _matching(bank, **filters) -> int:
    return questions_for_bank(bank=bank, filters=BankFilters(**filters)).count()


def _mark_page(page) -> None:
    """Tag the loaded document: the mark survives htmx swaps but not a page load."""
    page.evaluate("window.__samePage = true")


def _still_same_page(page) -> bool:
    return page.evaluate("window.__samePage === true")


def _results(page):
    return page.locator("#results")


def _status(page):
    return page.get_by_role("status")


def _listed_prompts(page) -> list[str]:
    return _results(page).get_by_role("listitem").get_by_role("link").all_inner_texts()


def _question(aws_bank, slug: str) -> Question:
    return Question.objects.get(bank=aws_bank, slug=slug)


def _filter_panel_toggle(page):
    return page.locator("summary", has_text="Level and topics")


CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/signup/confirm/[^\s]+/)")


def test_a_new_user_signs_up_and_browses_searches_and_filters_the_bank(
    page, live_server, aws_bank, mailoutbox
):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Email address").fill("erin@example.com")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    [message] = mailoutbox
    page.goto(live_server.url + CONFIRM_LINK.search(message.body).group(1))
    page.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(f"{live_server.url}/")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Bank").click()
    expect(page).to_have_url(live_server.url + aws_bank.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("AWS questions")
    expect(_status(page)).to_have_text("60 questions. Page 1 of 3.")
    expect(_results(page).get_by_role("listitem")).to_have_count(20)
    expect(page.get_by_label("Freshers & intermediate (30)")).to_be_visible()
    expect(page.get_by_label("Senior (30)")).to_be_visible()
    lambda_count = aws_bank.tags.get(slug="lambda").questions.count()
    expect(page.get_by_label(f"Lambda ({lambda_count})", exact=True)).to_be_visible()
    _mark_page(page)

    # Search: results swap in place and the address records the search.
    page.get_by_role("searchbox", name="Search questions and answers").fill("cold start")
    page.wait_for_url(re.compile(r"\?q=cold(\+|%20)start$"))
    found = _matching(aws_bank, query="cold start")
    assert 0 < found < 20
    expect(_status(page)).to_have_text(f"{found} of 60 questions match “cold start”.")
    expect(_results(page).get_by_role("listitem")).to_have_count(found)
    expected = questions_for_bank(bank=aws_bank, filters=BankFilters(query="cold start"))
    assert _listed_prompts(page) == [q.prompt for q in expected]
    assert _still_same_page(page)

    # Back restores the unfiltered list and an empty search box.
    page.go_back()
    expect(page).to_have_url(live_server.url + aws_bank.get_absolute_url())
    expect(_status(page)).to_have_text("60 questions. Page 1 of 3.")
    expect(page.get_by_role("searchbox")).to_have_value("")
    assert _still_same_page(page)

    # Filter by level, then also by a topic.
    page.get_by_role("checkbox", name="Senior").check()
    page.wait_for_url(re.compile(r"\?q=&level=senior$"))
    expect(_status(page)).to_have_text("30 of 60 questions match. Page 1 of 2.")
    levels = _results(page).locator(".level").all_inner_texts()
    assert len(levels) == 20
    assert {text.lower() for text in levels} == {"senior"}

    lambda_box = page.get_by_role("checkbox", name=f"Lambda ({lambda_count})", exact=True)
    lambda_box.check()
    page.wait_for_url(re.compile(r"\?q=&level=senior&tag=lambda$"))
    senior_lambda = _matching(aws_bank, levels=(Level.SENIOR,), tags=("lambda",))
    assert 0 < senior_lambda < 30
    expect(_status(page)).to_have_text(f"{senior_lambda} of 60 questions match.")
    for item in _results(page).get_by_role("listitem").all():
        expect(item.locator(".tag", has_text=re.compile(r"^Lambda$"))).to_have_count(1)
    assert _still_same_page(page)

    # Back to the level filter alone: the form shows the filters the list is filtered by.
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?q=&level=senior$"))
    expect(_status(page)).to_have_text("30 of 60 questions match. Page 1 of 2.")
    expect(page.get_by_role("checkbox", name="Senior")).to_be_checked()
    expect(lambda_box).not_to_be_checked()

    # Paginate, keeping the filter.
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next page →").click()
    expect(page).to_have_url(re.compile(r"\?q=&level=senior&page=2$"))
    expect(_status(page)).to_have_text("30 of 60 questions match. Page 2 of 2.")
    expect(_results(page).get_by_role("list")).to_have_attribute("start", "21")
    expect(_results(page).get_by_role("listitem")).to_have_count(10)
    expect(page.get_by_role("checkbox", name="Senior")).to_be_checked()

    # Open a question from the list.
    last = Question.objects.get(bank=aws_bank, number=60)
    _results(page).get_by_role("link", name=last.prompt).click()
    expect(page).to_have_url(live_server.url + last.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(last.prompt)
    expect(page.get_by_role("button", name="Reveal answer")).to_have_count(0)
    expect(page.get_by_role("link", name="Reveal answer")).to_be_visible()


def test_a_history_restore_from_the_server_shows_the_whole_page(page, live_server, user, aws_bank):
    login(page, live_server, user.username, PASSWORD)
    page.goto(live_server.url + aws_bank.get_absolute_url())
    page.get_by_role("checkbox", name="Senior").check()
    page.wait_for_url(re.compile(r"\?q=&level=senior$"))
    # Forget htmx's snapshots, so going back asks the server for the page.
    page.evaluate("sessionStorage.removeItem('htmx-history-cache')")

    page.go_back()

    expect(page).to_have_url(live_server.url + aws_bank.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("AWS questions")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(1)
    expect(page.get_by_role("searchbox")).to_have_count(1)
    expect(_status(page)).to_have_text("60 questions. Page 1 of 3.")
    expect(page.get_by_role("checkbox", name="Senior")).not_to_be_checked()


def test_reveal_answer_swaps_in_a_table_without_a_page_load(page, live_server, user, aws_bank):
    question = _question(aws_bank, TABLE_QUESTION)
    login(page, live_server, user.username, PASSWORD)
    page.goto(live_server.url + question.get_absolute_url())
    expect(page.get_by_role("table")).to_have_count(0)
    _mark_page(page)

    page.get_by_role("link", name="Reveal answer").click()

    answer = page.get_by_role("region", name="Model answer")
    table = answer.get_by_role("table")
    expect(table).to_be_visible()
    expect(table.get_by_role("columnheader", name="Workload Type")).to_be_visible()
    expect(table.get_by_role("cell", name="Dedicated Hosts")).to_be_visible()
    expect(answer.get_by_role("heading", name="1. On-Demand Instances")).to_be_visible()
    assert _still_same_page(page)
    expect(page).to_have_url(live_server.url + question.get_absolute_url())
    # Focus moves to the answer, which is scrolled to the top of the window.
    expect(answer).to_be_focused()
    top = answer.evaluate("el => el.getBoundingClientRect().top")
    assert -2 <= top <= 40


def test_reveal_answer_shows_code_blocks_with_their_line_breaks(page, live_server, user, aws_bank):
    question = _question(aws_bank, CODE_QUESTION)
    login(page, live_server, user.username, PASSWORD)
    page.goto(live_server.url + question.get_absolute_url())
    _mark_page(page)

    page.get_by_role("link", name="Reveal answer").click()

    answer = page.get_by_role("region", name="Model answer")
    expect(answer.locator("pre > code.language-python")).to_have_count(1)
    expect(answer.locator("pre > code.language-json")).to_have_count(2)
    python = answer.locator("pre > code.language-python").inner_text()
    assert "import boto3\n" in python
    assert "response = sts.assume_role(\n" in python
    expect(answer.locator("pre > code.language-json").first).to_contain_text('"sts:AssumeRole"')
    assert _still_same_page(page)


def test_with_several_banks_each_bank_is_one_link_away(page, live_server, user, aws_bank):
    other = BankFactory(name="Kubernetes", slug="kubernetes")
    QuestionFactory(bank=other, prompt="What does a Kubernetes Deployment manage?")
    login(page, live_server, user.username, PASSWORD)
    page.goto(live_server.url + aws_bank.get_absolute_url())
    banks = page.get_by_role("navigation", name="Question banks")
    expect(banks.get_by_role("link", name="AWS")).to_have_attribute("aria-current", "page")

    banks.get_by_role("link", name="Kubernetes").click()

    expect(page).to_have_url(live_server.url + other.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Kubernetes questions")
    expect(_status(page)).to_have_text("1 question.")
    expect(_results(page).get_by_role("link")).to_have_text(
        "What does a Kubernetes Deployment manage?"
    )


def test_the_bank_works_without_javascript(nojs_page, live_server, user, aws_bank):
    page = nojs_page
    login(page, live_server, user.username, PASSWORD)
    page.goto(live_server.url + aws_bank.get_absolute_url())
    expect(_status(page)).to_have_text("60 questions. Page 1 of 3.")

    page.get_by_role("searchbox", name="Search questions and answers").fill("table")
    page.get_by_role("checkbox", name="Freshers & intermediate").check()
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"\?q=table&level=junior$"))
    found = _matching(aws_bank, query="table", levels=(Level.JUNIOR,))
    expect(_status(page)).to_have_text(f"{found} of 60 questions match “table”.")
    expect(page.get_by_role("searchbox")).to_have_value("table")
    expect(page.get_by_role("checkbox", name="Freshers & intermediate")).to_be_checked()

    question = _question(aws_bank, TABLE_QUESTION)
    page.goto(live_server.url + question.get_absolute_url())
    page.get_by_role("link", name="Reveal answer").click()

    expect(page).to_have_url(live_server.url + question.get_absolute_url() + "?reveal=1#answer")
    answer = page.get_by_role("region", name="Model answer")
    expect(answer.get_by_role("table")).to_be_visible()
    expect(page.get_by_role("link", name="Reveal answer")).to_have_count(0)

    page.get_by_role("link", name="AWS questions").click()
    page.get_by_role("link", name="Next page →").click()
    expect(page).to_have_url(re.compile(r"\?page=2$"))
    expect(_status(page)).to_have_text("60 questions. Page 2 of 3.")


def test_on_a_phone_the_nav_works_and_nothing_scrolls_sideways(
    phone_page, live_server, user, aws_bank
):
    page = phone_page
    login(page, live_server, user.username, PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Bank", "Practice", "History", "Progress", "Account"):
        expect(nav.get_by_role("link", name=name)).to_be_in_viewport()
    expect(nav.get_by_role("button", name="Log out")).to_be_in_viewport()

    nav.get_by_role("link", name="Bank").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("AWS questions")
    assert_fits(page)
    # The level and topic filters start folded away, so the list is on the first screen.
    expect(page.get_by_role("checkbox", name="Senior")).to_be_hidden()
    expect(_results(page).get_by_role("link").first).to_be_in_viewport()
    page.get_by_role("searchbox", name="Search questions and answers").fill("Fargate")
    page.wait_for_url(re.compile(r"\?q=Fargate$"))
    assert_fits(page)
    _filter_panel_toggle(page).tap()
    page.get_by_role("checkbox", name="Senior").tap()
    page.wait_for_url(re.compile(r"\?q=Fargate&level=senior$"))
    found = _matching(aws_bank, query="Fargate", levels=(Level.SENIOR,))
    expect(_status(page)).to_have_text(f"{found} of 60 questions match “Fargate”.")
    assert_fits(page)

    with_tables = [q for q in Question.objects.filter(bank=aws_bank) if "<table" in q.answer_html]
    assert len(with_tables) == 9
    assert WIDE_TABLE_QUESTION in {q.slug for q in with_tables}
    for question in with_tables:
        page.goto(live_server.url + question.get_absolute_url() + "?reveal=1")
        expect(page.get_by_role("table").first).to_be_visible()
        assert_fits(page)

    question = _question(aws_bank, WIDE_TABLE_QUESTION)
    page.goto(live_server.url + question.get_absolute_url())
    page.get_by_role("link", name="Reveal answer").tap()
    table = page.get_by_role("region", name="Model answer").get_by_role("table")
    expect(table).to_be_visible()
    assert_fits(page)
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_screenshots_of_the_bank(browser, live_server, user, aws_bank, width, scheme):
    viewport = DESKTOP if width == "desktop" else PHONE
    context = browser.new_context(viewport=viewport, is_mobile=width == "phone")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.emulate_media(color_scheme=scheme)
    suffix = f"{'-dark' if scheme == 'dark' else ''}-{width}"
    SCREENSHOTS.mkdir(exist_ok=True)
    try:
        login(page, live_server, user.username, PASSWORD)

        page.goto(live_server.url + aws_bank.get_absolute_url())
        expect(_results(page).get_by_role("listitem")).to_have_count(20)
        assert_fits(page)
        page.screenshot(path=SCREENSHOTS / f"bank-list{suffix}.png")

        if width == "phone":
            _filter_panel_toggle(page).click()
        page.get_by_role("checkbox", name="Senior").check()
        page.get_by_role("searchbox", name="Search questions and answers").fill("Lambda")
        page.wait_for_url(re.compile(r"\?q=Lambda&level=senior$"))
        expect(_status(page)).to_contain_text("questions match “Lambda”")
        if width == "phone":
            _filter_panel_toggle(page).click()
            expect(page.get_by_role("checkbox", name="Senior")).to_be_hidden()
        assert_fits(page)
        page.screenshot(path=SCREENSHOTS / f"bank-filtered{suffix}.png")

        for slug, kind in ((TABLE_QUESTION, "table"), (CODE_QUESTION, "code")):
            question = _question(aws_bank, slug)
            page.goto(live_server.url + question.get_absolute_url())
            page.get_by_role("link", name="Reveal answer").click()
            answer = page.get_by_role("region", name="Model answer")
            shown = answer.get_by_role("table") if kind == "table" else answer.locator("pre").first
            expect(shown).to_be_visible()
            shown.scroll_into_view_if_needed()
            assert_fits(page)
            page.screenshot(path=SCREENSHOTS / f"bank-question-{kind}{suffix}.png")
    finally:
        context.close()
