"""The admin import flow (upload → preview → confirm) and the admin export."""

import json

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from questions.admin_forms import ADMIN_IMPORT_MAX_BYTES
from questions.admin_import import SESSION_KEY
from questions.models import Bank, Question
from tests.factories import BankFactory, QuestionFactory, UserFactory
from tests.questions.editors import make_editor

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:questions_question_import")
EXPORT = reverse("admin:questions_question_export")

BANK_FILE = {
    "format": "interviewprep-questions",
    "version": 1,
    "bank": {"slug": "gcp", "name": "Google Cloud", "description": ""},
    "tags": [{"slug": "gke", "name": "GKE", "kind": "service"}],
    "questions": [
        {
            "slug": "what-is-gke",
            "number": 1,
            "level": "junior",
            "prompt": "What is GKE?",
            "answer": "Managed Kubernetes.",
            "tags": ["gke"],
            "talking_points": [{"term": "control plane", "synonyms": []}],
            "active": True,
        },
        {
            "slug": "gke-autopilot",
            "number": 2,
            "level": "senior",
            "prompt": "When would you choose Autopilot?",
            "answer": "When you do not want to manage nodes.",
            "tags": [],
            "talking_points": [],
            "active": True,
        },
    ],
}


def upload(data, name: str = "gcp.json") -> SimpleUploadedFile:
    content = data if isinstance(data, bytes) else json.dumps(data).encode()
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_upload_page_has_a_labelled_form(editor_client):
    response = editor_client.get(IMPORT)

    content = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_file">File:</label>' in content
    assert '<label for="id_bank">Import into bank:</label>' in content
    assert 'enctype="multipart/form-data"' in content


def test_upload_shows_a_preview_and_writes_nothing(editor_client):
    response = editor_client.post(IMPORT, {"file": upload(BANK_FILE)})

    assert response.status_code == 200
    report = response.context["report"]
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    content = response.content.decode()
    assert "Preview of gcp.json" in content
    assert "What is GKE?" in content and "When would you choose Autopilot?" in content
    assert 'name="_confirm"' in content
    assert not Bank.objects.filter(slug="gcp").exists()
    assert editor_client.session[SESSION_KEY]["token"] == response.context["token"]


def test_confirm_imports_what_the_preview_showed(editor_client):
    preview = editor_client.post(IMPORT, {"file": upload(BANK_FILE)})

    response = editor_client.post(
        IMPORT, {"_confirm": "1", "token": preview.context["token"]}, follow=True
    )

    bank = Bank.objects.get(slug="gcp")
    assert bank.questions.count() == 2
    assert response.redirect_chain[-1][0].endswith(f"?bank__id__exact={bank.pk}")
    assert any("2 created, 0 updated, 0 unchanged" in m for m in messages_of(response))
    assert SESSION_KEY not in editor_client.session
    question = Question.objects.get(slug="what-is-gke")
    record = question.history.first()
    assert record.history_user.username == "editor"
    assert record.history_change_reason == "Imported from gcp.json"


def test_the_preview_lists_updates_with_the_changed_fields(editor_client):
    editor_client.post(
        IMPORT,
        {
            "_confirm": "1",
            "token": editor_client.post(IMPORT, {"file": upload(BANK_FILE)}).context["token"],
        },
    )
    changed = json.loads(json.dumps(BANK_FILE))
    changed["questions"][1]["answer"] = "When nodes are not your job."

    response = editor_client.post(IMPORT, {"file": upload(changed)})

    report = response.context["report"]
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert report.questions[1].changed_fields == ("answer",)
    assert "import-row-update" in response.content.decode()


def test_a_file_that_changes_nothing_offers_no_confirm(editor_client):
    token = editor_client.post(IMPORT, {"file": upload(BANK_FILE)}).context["token"]
    editor_client.post(IMPORT, {"_confirm": "1", "token": token})

    response = editor_client.post(IMPORT, {"file": upload(BANK_FILE)})

    content = response.content.decode()
    assert "The bank already matches this file" in content
    assert 'name="_confirm"' not in content


def test_validation_errors_are_listed_and_nothing_can_be_confirmed(editor_client):
    broken = json.loads(json.dumps(BANK_FILE))
    broken["questions"][0]["level"] = "principal"
    broken["questions"][1]["tags"] = ["ghost"]

    response = editor_client.post(IMPORT, {"file": upload(broken)})

    assert response.status_code == 200
    content = response.content.decode()
    assert "gcp.json: 2 problems — nothing was imported" in content
    assert "question #1 &#x27;what-is-gke&#x27;" in content
    assert "refers to unknown tag(s): ghost" in content
    assert 'name="_confirm"' not in content
    assert SESSION_KEY not in editor_client.session
    assert not Bank.objects.filter(slug="gcp").exists()


def test_a_file_that_is_not_json_or_utf8_is_explained(editor_client):
    response = editor_client.post(IMPORT, {"file": upload(b"\xff\xfe\x00garbage", "x.json")})

    assert "is not UTF-8 text" in response.content.decode()


def test_a_file_too_large_is_refused_before_reading(editor_client):
    big = b"{" + b" " * (ADMIN_IMPORT_MAX_BYTES + 1) + b"}"

    response = editor_client.post(IMPORT, {"file": upload(big)})

    assert response.status_code == 200
    assert "at most 2 MB can be imported here" in response.content.decode()


def test_a_text_file_imports_into_the_chosen_bank(editor_client):
    text = (
        "Freshers\n\n1.\n\nWhat is Cloud Run?\n\nAnswer\n\nServerless containers.\n\n"
        "Senior\n\n1.\n\nHow do you cut cold starts?\n\nAnswer\n\nMinimum instances.\n"
    )
    preview = editor_client.post(IMPORT, {"file": upload(text.encode(), "gcp.txt"), "bank": "gcp"})
    assert preview.context["report"].created == 2

    editor_client.post(IMPORT, {"_confirm": "1", "token": preview.context["token"]})

    assert list(
        Question.objects.filter(bank__slug="gcp").order_by("number").values_list("level", flat=True)
    ) == ["junior", "senior"]


def test_a_text_file_without_a_bank_asks_for_one(editor_client):
    text = b"Senior\n\n1.\n\nA?\n\nAnswer\n\nB.\n"

    response = editor_client.post(IMPORT, {"file": upload(text, "x.txt")})

    assert "a text file names no bank" in response.content.decode()


def test_a_stale_or_forged_token_imports_nothing(editor_client):
    editor_client.post(IMPORT, {"file": upload(BANK_FILE)})

    response = editor_client.post(IMPORT, {"_confirm": "1", "token": "forged"}, follow=True)

    assert any("expired or was replaced" in m for m in messages_of(response))
    assert not Bank.objects.filter(slug="gcp").exists()


def test_confirm_without_a_preview_imports_nothing(editor_client):
    response = editor_client.post(IMPORT, {"_confirm": "1", "token": "x"})

    assert response.status_code == 302
    assert not Bank.objects.filter(slug="gcp").exists()


def test_a_bank_changed_since_the_preview_shows_a_new_preview(editor_client):
    token = editor_client.post(IMPORT, {"file": upload(BANK_FILE)}).context["token"]
    bank = BankFactory(slug="gcp", name="Google Cloud", description="")
    QuestionFactory(bank=bank, slug="what-is-gke", prompt="Old?", answer="Old.")

    response = editor_client.post(IMPORT, {"_confirm": "1", "token": token})

    assert response.status_code == 200
    assert response.context["changed_since_preview"]
    assert "The bank changed since you saw the preview" in response.content.decode()
    assert Question.objects.get(slug="what-is-gke").prompt == "Old?"
    # Confirming the new preview imports it.
    editor_client.post(IMPORT, {"_confirm": "1", "token": token})
    assert Question.objects.get(slug="what-is-gke").prompt == "What is GKE?"


def test_cancel_forgets_the_upload(editor_client):
    editor_client.post(IMPORT, {"file": upload(BANK_FILE)})

    response = editor_client.post(IMPORT, {"_cancel": "1"}, follow=True)

    assert any("Import cancelled" in m for m in messages_of(response))
    assert SESSION_KEY not in editor_client.session
    assert not Bank.objects.filter(slug="gcp").exists()


def test_staff_without_question_permissions_cannot_import(client):
    client.force_login(UserFactory(username="helpdesk", is_staff=True))

    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"file": upload(BANK_FILE)}).status_code == 403
    assert not Bank.objects.filter(slug="gcp").exists()


def test_a_normal_user_is_sent_to_the_admin_login(client, user):
    client.force_login(user)

    for url in (IMPORT, EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_export_downloads_json(editor_client, question):
    response = editor_client.get(EXPORT, {"bank": "aws", "format": "json"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="aws-questions.json"'
    data = json.loads(response.content)
    assert [q["slug"] for q in data["questions"]] == [question.slug]


def test_export_downloads_text(editor_client, question):
    response = editor_client.get(EXPORT, {"bank": "aws", "format": "text"})

    assert response["Content-Disposition"] == 'attachment; filename="aws-questions.txt"'
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert question.prompt in response.content.decode()


def test_export_page_offers_the_banks(editor_client, question):
    response = editor_client.get(EXPORT)

    assert response.status_code == 200
    assert '<label for="id_bank">Bank:</label>' in response.content.decode()


def test_export_of_an_unknown_bank_shows_the_form_again(editor_client, question):
    response = editor_client.get(EXPORT, {"bank": "nope", "format": "json"})

    assert response.status_code == 200
    assert response.context["form"].errors["bank"]


def test_a_text_export_that_cannot_be_written_is_explained(editor_client, bank):
    QuestionFactory(bank=bank, answer="Steps:\n\n2.\n\nThen this.")

    response = editor_client.get(EXPORT, {"bank": "aws", "format": "text"})

    assert response.status_code == 200
    assert "Export it as JSON instead." in response.content.decode()
