"""Importing arbitrary files: JSON of random shapes and wrong types in every field, the
seed's plain text and Anki's notes with awkward text, and bytes that are no text at all —
through the admin (upload, preview, confirm) and through ``manage.py import_questions``.

The properties: no 5xx and no traceback, only a preview, a list of problems or a
``CommandError``; a preview writes nothing; an import reported as failed writes nothing
(every row as it was), and one reported as done writes exactly what its report counts.
"""

import io
import json
import re
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from questions.models import Bank, Question, Tag
from tests.factories import QuestionFactory, TagFactory
from tests.properties.strategies import (
    LIMIT,
    PROPERTY_SETTINGS,
    anki_text,
    form_text,
    json_file,
    rolled_back,
    seed_text,
    signed_in,
    valid_document,
)

IMPORT = reverse("admin:questions_question_import")
SUMMARY = re.compile(r"(\d+) created, (\d+) updated, (\d+) unchanged(?:; tags: (\d+) created)?")

# Inputs that have broken or strained the importers: nesting deeper than any bank, a
# number too large for any column, lone surrogates and NUL escaped in JSON (no text column
# holds them), Markdown of thousands of "[", long runs of spaces in seed text.
HARD_INPUTS = {
    "deep-nesting": "[" * 100_000 + "]" * 100_000,
    "huge-number": (
        '{"format": "interviewprep-questions", "version": 1, "bank": {"slug": "s", "name": "S"}, '
        '"questions": [{"level": "junior", "prompt": "P?", "answer": "A.", "number": 1'
        + "0" * 400
        + "}]}"
    ),
    "lone-surrogates": (
        '{"format": "interviewprep-questions", "version": 1, "bank": {"slug": "s", "name": "S"}, '
        '"questions": [{"level": "junior", "prompt": "P\\ud800?", "answer": "A\\udfff."}]}'
    ),
    "nul-escape": (
        '{"format": "interviewprep-questions", "version": 1, "bank": {"slug": "s", "name": "S"}, '
        '"questions": [{"level": "junior", "prompt": "P?", "answer": "Object\\u0000storage."}]}'
    ),
    "many-brackets": "Freshers\n\n1.\n\nWhy?\n\nAnswer\n\n" + "[" * 20_000 + "\n",
    "long-space-run": "Freshers\n\n1.\n\nWhy?\n\nAnswer\n\nword" + " " * 60_000 + "word\n",
}
file_text = st.one_of(json_file, seed_text, anki_text, form_text)
file_bytes = st.one_of(
    file_text.map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.binary(max_size=200),
    file_text.map(lambda text: b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")),
    file_text.map(lambda text: text.encode("utf-16", "surrogatepass")),
)
filenames = st.sampled_from(
    ["bank.json", "bank.txt", "notes.txt", "answers.md", "bank", "../../bank.json", "ü.JSON"]
)
formats = st.sampled_from(["", "json", "text", "anki", "xml"])
bank_slugs = st.sampled_from(["", "aws", "gcp", "Not a slug!", "x" * 101, "aws\x00"])


def _upload(texts, filename: str, formats: list[str], banks: list[str]) -> st.SearchStrategy:
    return st.tuples(
        texts.map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.just(filename),
        st.sampled_from(formats),
        st.sampled_from(banks),
    )


# (content, filename, format, bank slug): a file whose name, format and bank fit its
# content (most are imported, or refused for what is in them), or any mix at all.
uploads = st.one_of(
    _upload(valid_document.map(json.dumps), "bank.json", ["", "json"], ["", "aws", "gcp"]),
    _upload(json_file, "bank.json", ["", "json"], ["", "aws"]),
    _upload(seed_text, "bank.txt", ["", "text"], ["aws", "gcp"]),
    _upload(anki_text, "notes.txt", ["", "anki"], ["aws", "gcp"]),
    st.tuples(file_bytes, filenames, formats, bank_slugs),
)


def rows() -> dict[str, list[dict]]:
    """Everything an import may write: banks, tags, questions, their tags and history."""
    return {
        "banks": list(Bank.objects.order_by("pk").values()),
        "tags": list(Tag.objects.order_by("pk").values()),
        "questions": list(Question.objects.order_by("pk").values()),
        "question_tags": list(Question.tags.through.objects.order_by("pk").values()),
        "history": list(Question.history.order_by("pk").values("pk")),
    }


def assert_wrote(before: dict, *, created: int, updated: int, tags: int, bank: bool) -> None:
    """The rows changed as the import's report says: so many questions created and
    updated (one history record each), so many tags and banks created, nothing else."""
    after = rows()
    old = {row["id"]: row for row in before["questions"]}
    changed = [row for row in after["questions"] if row["id"] in old and row != old[row["id"]]]
    assert len(after["questions"]) - len(old) == created
    assert len(changed) == updated
    assert len(after["history"]) - len(before["history"]) == created + updated
    assert len(after["tags"]) - len(before["tags"]) == tags
    assert len(after["banks"]) - len(before["banks"]) == int(bank)


def admin_import(
    editor, content: bytes, *, filename: str, format: str, bank: str, confirm: bool
) -> str:
    """Upload, preview and (with ``confirm``) confirm a file in the admin, checking that
    each step answers with a page and writes only what it reports; says how it ended."""
    client = signed_in(editor)
    before = rows()
    upload = SimpleUploadedFile(filename, content, content_type="application/octet-stream")

    preview = client.post(IMPORT, {"file": upload, "format": format, "bank": bank})

    assert preview.status_code == 200, preview.status_code
    assert rows() == before, "a preview wrote to the database"
    context = preview.context
    if context.get("problems"):
        assert "nothing was imported" in preview.content.decode()
    if "token" not in context:
        assert context.get("problems") or context["form"].errors or context.get("report")
        return "refused"
    report = context["report"]
    if not confirm:
        return "previewed"

    done = client.post(IMPORT, {"_confirm": "1", "token": context["token"]})

    assert done.status_code in (200, 302), done.status_code
    if done.status_code == 302:
        assert_wrote(
            before,
            created=report.created,
            updated=report.updated,
            tags=len(report.tags_created),
            bank=report.bank_action == "create",
        )
        return "imported"
    assert rows() == before, "a confirmation that reported a problem wrote something"
    return "refused at confirmation"


def command_import(path: Path, *, format: str, bank: str, dry_run: bool) -> str:
    """``manage.py import_questions``: a CommandError and nothing written, or the summary
    of what it wrote; says how it ended."""
    before = rows()
    out = io.StringIO()
    options = {"format": format or None, "bank": bank or None, "dry_run": dry_run}

    try:
        call_command("import_questions", str(path), stdout=out, **options)
    except CommandError as error:
        assert "nothing was imported" in str(error)
        assert rows() == before, "a failed import wrote something"
        return "refused"

    summary = out.getvalue()
    created, updated, _, tags = SUMMARY.search(summary).groups()
    if dry_run:
        assert rows() == before, "a dry run wrote something"
        return "dry run"
    assert_wrote(
        before,
        created=int(created),
        updated=int(updated),
        tags=int(tags or 0),
        bank="(new)" in summary,
    )
    return "imported"


@pytest.fixture
def aws(bank):
    """The bank files may update: a tag and two questions."""
    tag = TagFactory(bank=bank, name="Compute", slug="compute")
    QuestionFactory(bank=bank, slug="what-is-ec2", prompt="What is EC2?", tags=[tag])
    QuestionFactory(bank=bank, slug="why", prompt="Why?")
    return bank


@PROPERTY_SETTINGS
@given(upload=uploads, confirm=st.booleans())
def test_an_admin_import_writes_everything_it_previewed_or_nothing(editor, aws, upload, confirm):
    content, filename, format, bank = upload
    with rolled_back(editor):
        event(
            admin_import(
                editor, content, filename=filename, format=format, bank=bank, confirm=confirm
            )
        )


@PROPERTY_SETTINGS
@given(upload=uploads, dry_run=st.booleans())
def test_the_import_command_writes_what_it_reports_or_nothing(tmp_path, aws, upload, dry_run):
    content, filename, format, bank = upload
    with rolled_back():
        path = tmp_path / filename.replace("/", "_")
        path.write_bytes(content)
        event(command_import(path, format=format, bank=bank, dry_run=dry_run))


@pytest.mark.parametrize("name", sorted(HARD_INPUTS))
def test_hard_inputs_are_imported_or_refused_in_time(tmp_path, editor, aws, name):
    text = HARD_INPUTS[name]
    filename = "bank.json" if text.startswith(("[", "{")) else "bank.txt"
    path = tmp_path / filename
    path.write_bytes(text.encode("utf-8", "surrogatepass"))

    started = time.monotonic()
    with rolled_back(editor):
        admin_import(
            editor, path.read_bytes(), filename=filename, format="", bank="aws", confirm=True
        )
    in_admin = time.monotonic() - started
    with rolled_back():
        command_import(path, format="", bank="aws", dry_run=False)
    by_command = time.monotonic() - started - in_admin

    assert in_admin < LIMIT.total_seconds(), f"the admin took {in_admin:.1f} s"
    assert by_command < LIMIT.total_seconds(), f"the command took {by_command:.1f} s"
