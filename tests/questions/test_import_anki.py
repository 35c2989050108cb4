"""import_questions and the admin import with Anki's "Notes in Plain Text" export."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from questions.models import Bank, Level, Question, Tag, TagKind
from questions.services.anki_text import html_to_markdown
from questions.services.importing import (
    MAX_ANSWER_LENGTH,
    ImportValidationError,
    detect_format,
    parse_questions_file,
    questions_import,
)
from tests.factories import BankFactory, TagFactory
from tests.questions.editors import make_editor

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:questions_question_import")

# As Anki 2.1.55+ writes it: headers, then front<TAB>back<TAB>tags; fields holding a tab, a
# line break or a quote are quoted with "" for a quote.
ANKI_EXPORT = (
    "#separator:tab\n"
    "#html:true\n"
    "#tags column:3\n"
    "What is a <b>Pod</b>?\t"
    "The smallest deployable unit.<br>It groups containers:"
    "<ul><li>a shared <b>network</b> namespace</li><li>shared <i>volumes</i></li></ul>"
    '<img src="pod.png" onerror="alert(1)"><script>alert("x")</script>\t'
    "k8s::workloads pods\n"
    '"How do you debug\tCrashLoopBackOff?"\t'
    '"Read the ""previous"" logs:\n<br><code>kubectl logs --previous</code>"\t'
    "k8s::debugging senior\n"
    "What does the kubelet do?\tIt starts the Pods scheduled on its node.\t\n"
)


def write(tmp_path: Path, text: str, name: str = "deck.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_questions", str(path), *args, stdout=out)
    return out.getvalue()


def problems_for(text: str, bank: str | None = "k8s") -> list[str]:
    with pytest.raises(ImportValidationError) as exc:
        questions_import(document=parse_questions_file(text, format="anki"), bank_slug=bank)
    return [str(p) for p in exc.value.problems]


def test_it_imports_an_anki_export_as_a_bank(tmp_path):
    output = run(write(tmp_path, ANKI_EXPORT), "--bank", "k8s")

    bank = Bank.objects.get(slug="k8s")
    pod, crash, kubelet = bank.questions.order_by("number")
    assert pod.prompt == "What is a Pod?"
    assert pod.slug == "what-is-a-pod"
    assert pod.level == Level.JUNIOR
    assert pod.answer == (
        "The smallest deployable unit.  \nIt groups containers:\n\n"
        "- a shared **network** namespace\n- shared *volumes*"
    )
    assert "<li>a shared <strong>network</strong> namespace</li>" in pod.answer_html
    assert sorted(t.slug for t in pod.tags.all()) == ["k8s-workloads", "pods"]
    assert crash.prompt == "How do you debug CrashLoopBackOff?"
    assert crash.level == Level.SENIOR
    assert crash.answer == 'Read the "previous" logs:  \n`kubectl logs --previous`'
    assert [t.slug for t in crash.tags.all()] == ["k8s-debugging"]
    assert kubelet.answer == "It starts the Pods scheduled on its node."
    assert not kubelet.tags.exists() and kubelet.talking_points == []
    tag = Tag.objects.get(bank=bank, slug="k8s-workloads")
    assert (tag.name, tag.kind) == ("k8s::workloads", TagKind.DOMAIN)
    assert "3 created" in output and "tags: 3 created" in output


def test_images_scripts_and_handlers_do_not_survive(tmp_path):
    run(write(tmp_path, ANKI_EXPORT), "--bank", "k8s")

    pod = Question.objects.get(slug="what-is-a-pod")
    for text in (pod.answer, pod.answer_html):
        assert "<img" not in text and "pod.png" not in text
        assert "script" not in text and "alert" not in text and "onerror" not in text


def test_text_that_spells_html_or_markdown_is_shown_as_written():
    markdown = html_to_markdown("2 * 3 &lt;script&gt;x&lt;/script&gt;<div># not a heading</div>")

    assert markdown == "2 \\* 3 &lt;script>x&lt;/script>\n\n\\# not a heading"


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = write(tmp_path, ANKI_EXPORT)
    run(path, "--bank", "k8s")
    before = {q.slug: (q.updated, q.history.count()) for q in Question.objects.all()}

    output = run(path, "--bank", "k8s")

    assert {q.slug: (q.updated, q.history.count()) for q in Question.objects.all()} == before
    assert "0 created, 0 updated, 3 unchanged" in output


def test_a_tag_the_bank_already_has_keeps_its_name_and_kind(tmp_path):
    bank = BankFactory(slug="k8s", name="Kubernetes")
    TagFactory(bank=bank, slug="pods", name="Pods", kind=TagKind.SERVICE)

    run(write(tmp_path, ANKI_EXPORT), "--bank", "k8s")

    tag = Tag.objects.get(bank=bank, slug="pods")
    assert (tag.name, tag.kind) == ("Pods", TagKind.SERVICE)
    assert tag.questions.get().slug == "what-is-a-pod"


def test_dry_run_writes_nothing(tmp_path):
    output = run(write(tmp_path, ANKI_EXPORT), "--bank", "k8s", "--dry-run")

    assert output.startswith("Dry run, nothing written")
    assert "3 created" in output
    assert not Bank.objects.filter(slug="k8s").exists()
    assert not Tag.objects.exists()


def test_it_asks_for_a_bank(tmp_path):
    with pytest.raises(CommandError, match="a text file names no bank"):
        run(write(tmp_path, ANKI_EXPORT))


def test_other_separators_quoting_and_plain_text_are_read():
    text = (
        "#separator:Semicolon\n#html:false\n#notetype column:1\n#deck column:2\n"
        '#tags column:5\nBasic;Default;"A; B?";"line one\nline two";aws::s3\n'
    )

    document = parse_questions_file(text)

    assert document.format == "anki"
    (question,) = document.questions
    assert question.prompt == "A; B?"
    assert question.answer == "line one  \nline two"
    assert question.tags == ("aws-s3",)


@pytest.mark.parametrize(
    ("text", "filename", "expected"),
    [
        (ANKI_EXPORT, "deck.txt", "anki"),
        ("#separator:comma\nA,B\n", None, "anki"),
        ("Front\tBack\ttag\n", "deck.txt", "anki"),
        ("Senior\n\n1.\n\nA?\tB\n\nAnswer\n\nC.\n", "bank.txt", "text"),
        ("Senior\n\n1.\n\nA?\n\nAnswer\n\nC.\n", None, "text"),
        ('{"format": "interviewprep-questions"}', None, "json"),
        (ANKI_EXPORT, "deck.json", "json"),
    ],
)
def test_the_format_is_detected(text, filename, expected):
    assert detect_format(text, filename=filename) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("A?\tB.\tt\tx\n", "line 1 (note 1): has 4 column(s) separated by tab; expected 2 or 3"),
        ("#tags column:3\nA?\tB.\n", "line 2 (note 1): has 2 column(s) separated by tab"),
        ("A?\tB.\n<b> </b>\tB.\n", "line 2 (note 2): the front is empty"),
        ("A?\t<img src=x.png>\n", "line 1 (note 1): the back is empty"),
        (
            "A?\t" + "x" * (MAX_ANSWER_LENGTH + 1) + "\n",
            f"line 1 (note 1): the back is longer than {MAX_ANSWER_LENGTH} characters",
        ),
        ("A?\tB.\tsenior junior\n", "line 1 (note 1): is tagged both junior and senior"),
        ("A?\tB.\t日本\n", 'line 1 (note 1): tag "日本" has no letters or digits'),
        ('A?\t"B.\n', "line 1: a quoted field is never closed"),
        ('A?\t"B"x\n', "line 1: text follows a closing quote"),
        ("#separator:nothing\nA?\tB.\n", "line 1: #separator: must be one of tab"),
        ("#html:maybe\nA?\tB.\n", "line 1: #html: must be true or false"),
        ("A?\tB.\nC?\tD\ud800.\n", "line 2: contains a lone surrogate (U+D800)"),
        ("A?" + "\t" * (2 * 1024 * 1024), "line 1: has more than 64 columns: not a note"),
        ("\t" * (2 * 1024 * 1024), "file: is empty"),
    ],
)
def test_bad_input_is_listed_by_line_and_nothing_is_imported(text, problem):
    problems = problems_for(text)

    assert any(p.startswith(problem) for p in problems), problems
    assert not Bank.objects.exists()


def test_every_bad_note_is_listed_and_the_good_ones_are_not_imported():
    problems = problems_for("A?\tB.\n\tB.\nC?\tD.\tx\ty\n")

    assert problems == [
        "line 2 (note 2): the front is empty",
        "line 3 (note 3): has 4 column(s) separated by tab; expected 2 or 3 "
        "(front, back, optional tags)",
    ]
    assert not Question.objects.exists()


def test_a_binary_file_is_refused(tmp_path):
    path = tmp_path / "deck.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xd8")

    with pytest.raises(CommandError, match="is not UTF-8 text"):
        run(path, "--bank", "k8s", "--format", "anki")
    assert not Bank.objects.exists()


def test_a_large_file_of_bad_notes_lists_the_first_hundred_problems():
    problems = problems_for("\tB.\n" * 700_000)

    assert len(problems) == 101
    assert problems[0] == "line 1 (note 1): the front is empty"
    assert problems[-1] == "file: has more problems than the first 100 listed"


def test_more_notes_than_a_bank_holds_are_refused():
    problems = problems_for("A?\tB.\n" * 2001)

    assert "file: holds more than 2000 questions" in problems


# ---- the admin import


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def upload(text: str, name: str = "Kubernetes.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def test_the_admin_offers_the_anki_format(editor_client):
    content = editor_client.get(IMPORT).content.decode()

    assert '<option value="anki">Anki notes (plain text)</option>' in content


def test_the_admin_previews_and_confirms_an_anki_export(editor_client):
    preview = editor_client.post(IMPORT, {"file": upload(ANKI_EXPORT), "bank": "k8s"})

    assert preview.status_code == 200
    report = preview.context["report"]
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    content = preview.content.decode()
    assert "What is a Pod?" in content and 'name="_confirm"' in content
    assert not Bank.objects.filter(slug="k8s").exists()

    editor_client.post(IMPORT, {"_confirm": "1", "token": preview.context["token"]})

    bank = Bank.objects.get(slug="k8s")
    assert bank.questions.count() == 3
    record = Question.objects.get(slug="what-is-a-pod").history.first()
    assert record.history_change_reason == "Imported from Kubernetes.txt"


def test_the_admin_lists_problems_of_a_bad_anki_file(editor_client):
    response = editor_client.post(
        IMPORT, {"file": upload("A?\tB.\n\tB.\n"), "format": "anki", "bank": "k8s"}
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Kubernetes.txt: 1 problem — nothing was imported" in content
    assert "<strong>line 2 (note 2)</strong>: the front is empty" in content
    assert 'name="_confirm"' not in content
    assert not Bank.objects.filter(slug="k8s").exists()
