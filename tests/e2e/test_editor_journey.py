"""An editor keeps the bank in a real browser: edit an answer, see it live, import a file."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from questions.models import Question
from tests.factories import PASSWORD, BankFactory, QuestionFactory, TagFactory
from tests.questions.editors import make_editor

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


def _admin_login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Questions", exact=True).first).to_be_visible()


@pytest.fixture
def editor(transactional_db):
    return make_editor()


@pytest.fixture
def bank_question(transactional_db):
    bank = BankFactory()
    tag = TagFactory(bank=bank, slug="ec2", name="EC2")
    return QuestionFactory(
        bank=bank,
        slug="ec2-vs-lambda",
        number=1,
        prompt="What are the key differences between Amazon EC2 and AWS Lambda?",
        answer="EC2 gives you servers.",
        tags=[tag],
    )


def test_an_editor_edits_an_answer_and_sees_it_on_the_site(
    page, live_server, editor, bank_question
):
    _admin_login(page, live_server, editor.username)

    page.locator("tr.model-question").get_by_role("link", name="Questions").first.click()
    page.get_by_role("link", name=bank_question.prompt).click()
    answer = page.get_by_label("Model answer:")
    answer.fill(
        "EC2 gives you **servers**; Lambda runs **functions**.\n\n"
        "| | EC2 | Lambda |\n|---|---|---|\n| Billing | per second | per request |\n\n"
        "<script>alert('x')</script>"
    )
    page.get_by_label("Talking points:").fill("Availability Zone | AZ\ncold start")
    page.get_by_role("button", name="Save and continue editing").first.click()

    expect(page.get_by_text("was changed successfully")).to_be_visible()
    preview = page.locator(".answer-preview")
    expect(preview.locator("strong").first).to_have_text("servers")
    expect(preview.locator("table")).to_be_visible()
    expect(preview.locator("script")).to_have_count(0)
    expect(page.get_by_role("link", name="Preview as candidate")).to_be_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "admin-question-change-desktop.png"), full_page=True)

    page.goto(f"{live_server.url}{bank_question.get_absolute_url()}?reveal=1")
    expect(page.locator("#answer").get_by_text("per request")).to_be_visible()
    expect(page.locator("#answer strong").first).to_have_text("servers")

    page.goto(f"{live_server.url}/admin/questions/question/{bank_question.pk}/history/")
    expect(page.get_by_role("cell", name=editor.username)).to_be_visible()
    expect(page.locator(".history-changes").first).to_contain_text("Model answer")
    page.screenshot(path=str(SCREENSHOTS / "admin-question-history-desktop.png"), full_page=True)

    question = Question.objects.get(pk=bank_question.pk)
    assert question.talking_points == [
        {"term": "Availability Zone", "synonyms": ["AZ"]},
        {"term": "cold start", "synonyms": []},
    ]


def test_an_editor_imports_a_file_through_the_preview(
    page, live_server, editor, bank_question, tmp_path
):
    bank_file = {
        "format": "interviewprep-questions",
        "version": 1,
        "bank": {"slug": "aws", "name": "AWS", "description": bank_question.bank.description},
        "tags": [
            {"slug": "ec2", "name": "EC2", "kind": "domain"},
            {"slug": "s3", "name": "S3", "kind": "service"},
        ],
        "questions": [
            {
                "slug": "ec2-vs-lambda",
                "number": 1,
                "level": "junior",
                "prompt": bank_question.prompt,
                "answer": "EC2 gives you servers; Lambda runs functions.",
                "tags": ["ec2"],
                "talking_points": [],
            },
            {
                "slug": "s3-durability",
                "number": 2,
                "level": "junior",
                "prompt": "How does Amazon S3 ensure data durability?",
                "answer": "Redundancy across **Availability Zones** and checksums.",
                "tags": ["s3"],
                "talking_points": [{"term": "Availability Zone", "synonyms": ["AZ"]}],
            },
        ],
    }
    path = tmp_path / "aws-update.json"
    path.write_text(json.dumps(bank_file), encoding="utf-8")
    _admin_login(page, live_server, editor.username)

    page.goto(f"{live_server.url}/admin/questions/question/")
    page.get_by_role("link", name="Import questions").click()
    page.get_by_label("File:").set_input_files(str(path))
    page.get_by_role("button", name="Preview import").click()

    expect(page.get_by_role("heading", name="Preview of aws-update.json")).to_be_visible()
    table = page.get_by_role("table", name="What happens to each question of the file")
    expect(table.get_by_role("row")).to_have_count(3)
    expect(table.get_by_role("row", name="S3 ensure data durability")).to_contain_text("create")
    expect(table.get_by_role("row", name="EC2 and AWS Lambda")).to_contain_text("answer")
    assert Question.objects.count() == 1  # nothing written yet
    page.screenshot(path=str(SCREENSHOTS / "admin-import-preview-desktop.png"), full_page=True)

    page.get_by_role("button", name="Confirm import").click()

    expect(page.get_by_text("1 created, 1 updated, 0 unchanged")).to_be_visible()
    expect(
        page.get_by_role("link", name="How does Amazon S3 ensure data durability?")
    ).to_be_visible()
    assert Question.objects.get(slug="s3-durability").answer_html.startswith("<p>Redundancy")


def test_an_import_with_errors_is_explained_and_writes_nothing(
    page, live_server, editor, bank_question, tmp_path
):
    path = tmp_path / "broken.txt"
    path.write_text("1.\n\nWhat?\n\nAnswer\n\nThis.\n", encoding="utf-8")
    _admin_login(page, live_server, editor.username)

    page.goto(f"{live_server.url}/admin/questions/question/import/")
    page.get_by_label("File:").set_input_files(str(path))
    page.get_by_label("Import into bank:").fill("aws")
    page.get_by_role("button", name="Preview import").click()

    expect(page.get_by_role("heading", name="nothing was imported")).to_be_visible()
    expect(page.get_by_text("comes before any level heading")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "admin-import-errors-desktop.png"), full_page=True)
    assert Question.objects.count() == 1
