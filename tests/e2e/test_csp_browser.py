"""The main pages under the real Content-Security-Policy in chromium: htmx, the app's
scripts and styles all run, and the browser reports no CSP violation."""

import pytest
from playwright.sync_api import expect

from questions.models import InterviewMode, SelfRating
from questions.services.interviews import interview_start
from tests.e2e.conftest import login
from tests.factories import AttemptFactory, MockInterviewFactory

pytestmark = pytest.mark.e2e

# Added before any page script runs (outside the page's CSP): records every violation.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture
def csp_page(page):
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def assert_no_violations(page) -> None:
    assert page.evaluate("window.__cspViolations") == []


def assert_htmx_loaded(page) -> None:
    assert page.evaluate("typeof window.htmx") == "object"


@pytest.fixture
def rich_question(aws_bank):
    """A real question, preferably one whose model answer has a table and a code block."""
    questions = aws_bank.questions.order_by("number")
    return (
        questions.filter(answer_html__contains="<table")
        .filter(answer_html__contains="<pre")
        .first()
        or questions.filter(answer_html__contains="<table").first()
        or questions.first()
    )


@pytest.fixture
def practised_user(user, aws_bank):
    """A user with finished interviews (so history and progress draw their charts)."""
    questions = list(aws_bank.questions.order_by("number")[:12])
    for start in range(0, 12, 4):
        interview = MockInterviewFactory(owner=user, bank=aws_bank, question_count=4)
        for position, question in enumerate(questions[start : start + 4], start=1):
            AttemptFactory(
                interview=interview,
                question=question,
                position=position,
                coverage=25 * position,
                covered_points=[],
                self_rating=SelfRating(position),
            )
    return user


def test_public_pages_run_under_the_csp(csp_page, live_server, transactional_db):
    for path in ("/", "/accounts/login/", "/accounts/signup/"):
        response = csp_page.goto(live_server.url + path)
        assert response.status == 200
        assert "'nonce-" in response.headers["content-security-policy"]
        assert_htmx_loaded(csp_page)
        assert_no_violations(csp_page)


def test_signed_in_pages_run_under_the_csp(
    csp_page, live_server, transactional_db, practised_user, password, rich_question
):
    login(csp_page, live_server, practised_user.username, password)
    assert_no_violations(csp_page)

    csp_page.goto(live_server.url + rich_question.bank.get_absolute_url())
    expect(csp_page.get_by_role("heading", level=1)).to_be_visible()
    assert_htmx_loaded(csp_page)
    assert_no_violations(csp_page)

    csp_page.goto(live_server.url + rich_question.get_absolute_url())
    csp_page.get_by_role("link", name="Reveal answer").click()
    expect(csp_page.locator("#answer .prose")).to_be_visible()
    # The swap came from htmx, not a page load: the URL is unchanged.
    assert "reveal=1" not in csp_page.url
    assert_no_violations(csp_page)

    for path in ("/practice/", "/history/", "/progress/", "/accounts/settings/"):
        csp_page.goto(live_server.url + path)
        assert_htmx_loaded(csp_page)
        assert_no_violations(csp_page)


def test_a_running_interview_runs_under_the_csp(
    csp_page, live_server, transactional_db, user, password, aws_bank
):
    interview = interview_start(user=user, bank=aws_bank, mode=InterviewMode.MOCK, count=2)
    login(csp_page, live_server, user.username, password)

    csp_page.goto(live_server.url + interview.get_absolute_url())
    csp_page.get_by_label("Your answer").fill("Use an Auto Scaling group across two AZs.")
    csp_page.get_by_role("button", name="Save draft").click()

    # Saved through htmx (the swap of the save status), with the timer script running.
    expect(csp_page.locator("#save-status")).to_have_text("Saved")

    assert_htmx_loaded(csp_page)
    assert_no_violations(csp_page)


def test_the_bank_search_swaps_results_under_the_csp(
    csp_page, live_server, transactional_db, user, password, aws_bank
):
    login(csp_page, live_server, user.username, password)
    csp_page.goto(live_server.url + aws_bank.get_absolute_url())
    csp_page.evaluate("window.__samePage = true")

    csp_page.get_by_role("searchbox").fill("Lambda")
    csp_page.wait_for_url("**q=Lambda**")

    expect(csp_page.locator("#results")).to_contain_text("Lambda")
    # htmx swapped the results in place: the page was not reloaded.
    assert csp_page.evaluate("window.__samePage") is True
    assert_no_violations(csp_page)


def test_the_404_page_runs_under_the_csp(context, live_server, transactional_db):
    # Not the `page` fixture: chromium logs the 404 status itself as a console error.
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    response = page.goto(live_server.url + "/no/such/page/")

    assert response.status == 404
    expect(page.get_by_role("heading", name="We could not find that page")).to_be_visible()
    assert_htmx_loaded(page)
    assert_no_violations(page)
    assert [e for e in errors if "status of 404" not in e] == []
