"""axe-core on every page of every journey, light and dark: no serious or critical violation.

axe-core's script ships inside the axe-playwright-python wheel, so this runs offline. Minor
and moderate findings are printed (run with ``-s`` to read them) but do not fail.
"""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from questions.models import Attempt, InterviewMode, Question
from questions.services.interviews import interview_start
from tests.e2e.conftest import DESKTOP, PHONE, assert_fits, login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}
AXE = Axe()
ANSWER = (
    "Spread the instances over several Availability Zones behind a load balancer with "
    "health checks, and let Auto Scaling replace failed instances."
)


class Audit:
    """Runs axe on page after page and keeps every serious or critical finding."""

    def __init__(self, page, label: str):
        self.page = page
        self.label = label
        self.blocking: list[str] = []
        self.audited: list[str] = []

    def check(self, name: str, *, context: str | None = None, rules: list[str] | None = None):
        options: dict = {"resultTypes": ["violations"]}
        if rules:
            options["runOnly"] = {"type": "rule", "values": rules}
        response = AXE.run(self.page, context=context, options=options).response
        assert response["url"].startswith("http"), response["url"]
        self.audited.append(name)
        for violation in response["violations"]:
            targets = [" ".join(node["target"]) for node in violation["nodes"]]
            line = (
                f"[{self.label}] {name}: {violation['id']} ({violation['impact']}): "
                f"{violation['help']} — {', '.join(targets[:5])}"
            )
            print(line)
            if violation["impact"] in BLOCKING:
                self.blocking.append(line)

    def assert_clean(self) -> None:
        assert self.blocking == [], "\n".join(self.blocking)


def _context(browser, *, scheme: str, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    context.set_default_timeout(10_000)
    return context


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_public_pages_have_no_serious_violations(
    browser, live_server, transactional_db, scheme, mailoutbox
):
    context = _context(browser, scheme=scheme)
    page = context.new_page()
    audit = Audit(page, scheme)
    try:
        page.goto(f"{live_server.url}/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        audit.check("landing")

        page.goto(f"{live_server.url}/accounts/login/")
        audit.check("login")
        page.get_by_label("Username").fill("nobody")
        page.get_by_label("Password").fill("wrong-password")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_text("do not match an account")).to_be_visible()
        audit.check("login with an error")

        page.goto(f"{live_server.url}/accounts/signup/")
        audit.check("signup")
        page.get_by_label("Username").fill("x")
        page.get_by_label("Email address").fill("not-an-email")
        page.get_by_label("Password", exact=True).fill("123")
        page.get_by_label("Confirm password").fill("456")
        page.get_by_role("button", name="Create account").click()
        expect(page.locator("[aria-invalid='true']").first).to_be_visible()
        audit.check("signup with errors")

        page.get_by_label("Username").fill(f"new-{scheme}")
        page.get_by_label("Email address").fill(f"new-{scheme}@example.com")
        page.get_by_label("Password", exact=True).fill("a-long-and-unusual-passphrase-7")
        page.get_by_label("Confirm password").fill("a-long-and-unusual-passphrase-7")
        page.get_by_role("button", name="Create account").click()
        expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
        audit.check("signup sent")
        [message] = mailoutbox
        link = re.search(r"https?://[^/\s]+(/accounts/signup/confirm/[^\s]+/)", message.body)
        page.goto(live_server.url + link.group(1))
        expect(page.get_by_role("button", name="Create my account")).to_be_visible()
        audit.check("signup confirm")

        page.goto(f"{live_server.url}/accounts/password/reset/")
        audit.check("password reset")
    finally:
        context.close()
    assert len(audit.audited) == 8
    audit.assert_clean()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_bank_and_account_pages_have_no_serious_violations(
    browser, live_server, user, aws_bank, scheme, width
):
    context = _context(browser, scheme=scheme, viewport=DESKTOP if width == "desktop" else PHONE)
    page = context.new_page()
    audit = Audit(page, f"{scheme}, {width}")
    try:
        login(page, live_server, user.username, PASSWORD)
        audit.check("home")

        page.goto(live_server.url + aws_bank.get_absolute_url())
        audit.check("bank list")
        if width == "phone":
            page.locator("summary", has_text="Level and topics").click()
            audit.check("bank list, filters unfolded")
        page.get_by_role("checkbox", name="Senior").check()
        page.get_by_role("searchbox", name="Search questions and answers").fill("Lambda")
        page.wait_for_url(re.compile(r"\?q=Lambda&level=senior$"))
        expect(page.get_by_role("status")).to_contain_text("match “Lambda”")
        audit.check("bank list filtered by htmx")
        page.get_by_role("searchbox", name="Search questions and answers").fill("zzzz-nothing")
        expect(page.get_by_text("No question matches “zzzz-nothing”.")).to_be_visible()
        audit.check("bank list with no match")

        for slug in ("fargate-vs-ecs-on-ec2", "spot-instances-batch-ml"):
            question = Question.objects.get(bank=aws_bank, slug=slug)
            page.goto(live_server.url + question.get_absolute_url())
            audit.check(f"question {slug}")
            page.get_by_role("link", name="Reveal answer").click()
            expect(
                page.get_by_role("region", name="Model answer").locator(".prose")
            ).to_be_visible()
            audit.check(f"question {slug}, answer revealed")

        for name, path in (
            ("settings", "/accounts/settings/"),
            ("password change", "/accounts/password/change/"),
            ("account deletion", "/accounts/delete/"),
            ("data export", "/account/export/"),
        ):
            page.goto(live_server.url + path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            audit.check(name)
    finally:
        context.close()
    assert len(audit.audited) == (13 if width == "phone" else 12)
    audit.assert_clean()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_practice_interview_and_progress_pages_have_no_serious_violations(
    browser, live_server, user, aws_bank, scheme
):
    context = _context(browser, scheme=scheme)
    page = context.new_page()
    audit = Audit(page, scheme)
    try:
        login(page, live_server, user.username, PASSWORD)
        page.goto(f"{live_server.url}/progress/")
        audit.check("progress, before any interview")
        page.goto(f"{live_server.url}/history/")
        audit.check("history, before any interview")

        page.goto(f"{live_server.url}/practice/")
        audit.check("practice")
        page.get_by_label("Mock interview", exact=True).check()
        page.get_by_label("Number of questions").fill("2")
        page.get_by_role("button", name=re.compile(r"^Start")).click()

        for position in (1, 2):
            answer_box = page.get_by_role("textbox", name="Your answer")
            expect(answer_box).to_be_visible()
            audit.check(f"interview question {position}")
            answer_box.fill(ANSWER)
            # Pause like a person would, until the autosave has stored the draft.
            expect(page.locator("#save-status")).to_have_text("Saved")
            page.get_by_role("button", name="Submit answer").click()
            expect(page.get_by_role("radio", name=re.compile(r"^Good"))).to_be_visible()
            audit.check(f"interview feedback {position}")
            page.get_by_role("radio", name=re.compile(r"^Good")).check()
            last = position == 2
            page.get_by_role(
                "button", name="Finish and see the summary" if last else "Next question"
            ).click()

        expect(page.get_by_role("heading", level=1)).to_contain_text("ummary")
        audit.check("interview summary")

        for name, path in (
            ("history", "/history/"),
            ("history by question", "/history/questions/"),
            ("progress", "/progress/"),
        ):
            page.goto(live_server.url + path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            audit.check(name)

        answered = Attempt.objects.filter(owner=user).earliest("position")
        page.goto(
            live_server.url
            + reverse("questions:question_history", kwargs={"question_id": answered.question_id})
        )
        expect(page.get_by_text(answered.question.prompt).first).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        audit.check("one question's history")
    finally:
        context.close()
    assert len(audit.audited) == 12
    audit.assert_clean()


def test_every_model_answer_reads_on_a_phone_without_violations(
    browser, live_server, user, aws_bank
):
    """All 60 answers, axe limited to the answer: tables, code and lists on a phone."""
    context = _context(browser, scheme="light", viewport=PHONE)
    page = context.new_page()
    audit = Audit(page, "phone")
    try:
        login(page, live_server, user.username, PASSWORD)
        for question in Question.objects.filter(bank=aws_bank).order_by("number"):
            page.goto(live_server.url + question.get_absolute_url() + "?reveal=1")
            expect(page.locator("#answer .prose")).to_be_visible()
            audit.check(f"answer {question.number}", context="#answer")
    finally:
        context.close()
    assert len(audit.audited) == 60
    audit.assert_clean()


# Table wrappers whose table is wider than they are (and so would scroll sideways).
SCROLLING_TABLES = """[...document.querySelectorAll('.table-wrap')]
    .filter(wrap => wrap.scrollWidth > wrap.clientWidth + 1)
    .map(wrap => wrap.closest('section, details')?.querySelector('h2, summary')?.textContent)"""


def _longest_questions(bank, count: int = 3) -> list[Question]:
    """The questions of ``bank`` with the longest prompts and the longest model answers."""
    questions = list(Question.objects.active().filter(bank=bank).prefetch_related("tags"))
    by_prompt = sorted(questions, key=lambda q: len(q.prompt), reverse=True)[:count]
    by_answer = sorted(questions, key=lambda q: len(q.answer), reverse=True)[:count]
    return list(dict.fromkeys(by_prompt + by_answer))


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_pages_filled_with_the_longest_content_have_no_serious_violations(
    browser, live_server, user, aws_bank, scheme, width
):
    """The interview, its summary, history and progress with the AWS bank's longest prompts
    and model answers, answered at length: one answered, one timed out, one skipped. On a
    phone no page may scroll sideways either (a table too wide for it reflows)."""
    questions = _longest_questions(aws_bank)
    assert len(questions) >= 4  # two lists of three that share some questions
    interview = interview_start(
        user=user,
        bank=aws_bank,
        mode=InterviewMode.MOCK,
        count=len(questions),
        question_ids=[q.pk for q in questions],
    )
    phone = width == "phone"
    context = _context(browser, scheme=scheme, viewport=PHONE if phone else DESKTOP)
    page = context.new_page()
    audit = Audit(page, f"{scheme}, {width}, longest content")

    def check(name: str) -> None:
        audit.check(name)
        if phone:
            assert_fits(page)
            scrolling = page.evaluate(SCROLLING_TABLES)
            assert scrolling == [], f"{name}: tables scroll sideways on a phone: {scrolling}"

    try:
        login(page, live_server, user.username, PASSWORD)
        longest_prompt = max(questions, key=lambda q: len(q.prompt))
        page.goto(live_server.url + longest_prompt.get_absolute_url() + "?reveal=1")
        expect(page.locator("#answer .prose")).to_be_visible()
        check("question with the longest prompt, answer revealed")

        page.goto(live_server.url + interview.get_absolute_url())
        for position in range(1, len(questions) + 1):
            attempt = interview.attempts.get(position=position)
            answer_box = page.get_by_role("textbox", name="Your answer")
            expect(answer_box).to_be_visible()
            check(f"interview question {position}")
            if position == 2:
                page.get_by_role("button", name="Skip").click()
                expect(page.locator(".interview-progress")).to_contain_text(
                    f"Question {position + 1} of"
                )
                continue
            # A long answer: the model answer itself, as a candidate who knew it cold.
            answer_box.fill(attempt.question.answer)
            expect(page.locator("#save-status")).to_have_text("Saved", timeout=10_000)
            if position == 3:  # time ran out just before it was sent (within the grace)
                Attempt.objects.filter(pk=attempt.pk).update(
                    deadline=timezone.now() - timedelta(seconds=1)
                )
            page.get_by_role("button", name="Submit answer").click()
            expect(page.get_by_role("radio", name=re.compile(r"^Good"))).to_be_visible()
            check(f"interview feedback {position}")
            page.get_by_role("radio", name=re.compile(r"^Good")).check()
            page.get_by_role("button", name=re.compile(r"^(Next question|Finish)")).click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Interview summary")
        expect(page.locator(".outcome-line")).to_have_text(
            f"{len(questions)} questions asked: {len(questions) - 2} answered in time, "
            "1 timed out, 1 skipped."
        )
        check("summary of the longest questions")

        for name, path in (
            ("history", reverse("questions:history")),
            ("history by question", reverse("questions:history_questions")),
            ("progress", reverse("questions:progress")),
        ):
            page.goto(live_server.url + path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            check(name)
        for summary in ("Show the numbers", "Every topic as a table"):
            page.locator("summary", has_text=summary).click()
        expect(page.get_by_role("table", name="Mastery per topic")).to_be_visible()
        check("progress, tables unfolded")

        longest_answer = max(questions, key=lambda q: len(q.answer))
        page.goto(
            live_server.url
            + reverse("questions:question_history", kwargs={"question_id": longest_answer.pk})
        )
        expect(page.get_by_role("heading", level=1)).to_have_text(longest_answer.prompt)
        check("history of the question with the longest answer")

        # With another interview in progress, the practise buttons say what they would end.
        interview_start(user=user, bank=aws_bank, mode=InterviewMode.PRACTICE, count=2)
        page.goto(live_server.url + longest_prompt.get_absolute_url())
        expect(page.get_by_text("Starting this question ends it")).to_be_visible()
        check("question with an interview in progress")
        page.goto(live_server.url + interview.get_summary_url())
        expect(page.get_by_text("practising a question again ends it")).to_be_visible()
        check("summary with an interview in progress")
    finally:
        context.close()
    assert len(audit.audited) == 1 + (2 * len(questions) - 1) + 1 + 3 + 1 + 1 + 2
    audit.assert_clean()
