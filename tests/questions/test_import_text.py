"""import_questions with the seed's plain-text shape."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from questions.models import Bank, Level, Question
from questions.services.importing import (
    ImportValidationError,
    detect_format,
    parse_questions_file,
    questions_import,
)
from tests.factories import BankFactory, QuestionFactory, TagFactory

pytestmark = pytest.mark.django_db

SEED_LIKE = """\
Kubernetes interview questions

Questions for Freshers and Intermediate Levels

1.

What is a Pod?

Answer

The smallest deployable unit in Kubernetes.

  • One or more containers
  • A shared network namespace

2.

What does the kubelet do?

Answer

It runs on every node and starts the Pods scheduled there.

Kubernetes questions for senior engineers

1.

A Deployment is stuck in CrashLoopBackOff. How do you find out why?

Answer

Read the logs of the previous container:

kubectl logs my-pod --previous
"""


def write(tmp_path: Path, text: str, name: str = "bank.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_questions", str(path), *args, stdout=out)
    return out.getvalue()


def problems_for(text: str, bank: str = "k8s") -> list[str]:
    with pytest.raises(ImportValidationError) as exc:
        questions_import(document=parse_questions_file(text, format="text"), bank_slug=bank)
    return [str(p) for p in exc.value.problems]


def test_it_imports_a_seed_shaped_page_with_levels_and_markdown(tmp_path):
    output = run(write(tmp_path, SEED_LIKE), "--bank", "k8s")

    bank = Bank.objects.get(slug="k8s")
    assert bank.name == "K8S"
    questions = list(bank.questions.order_by("number"))
    assert [(q.number, q.level) for q in questions] == [
        (1, Level.JUNIOR),
        (2, Level.JUNIOR),
        (3, Level.SENIOR),
    ]
    pod = questions[0]
    assert pod.prompt == "What is a Pod?"
    assert pod.slug == "what-is-a-pod"
    assert "- One or more containers" in pod.answer
    assert "<li>One or more containers</li>" in pod.answer_html
    assert "```bash\nkubectl logs my-pod --previous\n```" in questions[2].answer
    assert pod.is_active and pod.talking_points == [] and not pod.tags.exists()
    assert "3 created" in output


def test_reimporting_the_same_text_changes_nothing(tmp_path):
    path = write(tmp_path, SEED_LIKE)
    run(path, "--bank", "k8s")
    before = {q.slug: (q.updated, q.history.count()) for q in Question.objects.all()}

    output = run(path, "--bank", "k8s")

    assert {q.slug: (q.updated, q.history.count()) for q in Question.objects.all()} == before
    assert "0 created, 0 updated, 3 unchanged" in output


def test_text_without_tags_keeps_the_tags_and_points_a_question_already_has(tmp_path):
    bank = BankFactory(slug="k8s", name="Kubernetes")
    tag = TagFactory(bank=bank, slug="workloads", name="Workloads")
    existing = QuestionFactory(
        bank=bank,
        slug="pods-explained",
        number=1,
        prompt="What is a Pod?",
        answer="Old answer.",
        tags=[tag],
        is_active=False,
    )

    output = run(write(tmp_path, SEED_LIKE), "--bank", "k8s", "-v", "2")

    existing.refresh_from_db()
    assert existing.answer.startswith("The smallest deployable unit")
    assert list(existing.tags.all()) == [tag]
    assert existing.talking_points == [
        {"term": "Availability Zone", "synonyms": ["AZ"]},
        {"term": "Region", "synonyms": []},
    ]
    assert not existing.is_active
    assert "update: pods-explained (answer)" in output  # matched by its prompt
    assert Question.objects.filter(bank=bank).count() == 3


def test_slug_tags_and_talking_points_lines_are_imported(tmp_path):
    bank = BankFactory(slug="k8s", name="Kubernetes")
    TagFactory(bank=bank, slug="workloads", name="Workloads")
    text = SEED_LIKE.replace(
        "What is a Pod?\n",
        "What is a Pod?\n\nSlug: pod-basics\nTags: workloads\nTalking points:\n"
        "  container | containers\n  network namespace\n",
    )

    run(write(tmp_path, text), "--bank", "k8s")

    pod = Question.objects.get(bank=bank, slug="pod-basics")
    assert list(pod.tags.values_list("slug", flat=True)) == ["workloads"]
    assert pod.talking_points == [
        {"term": "container", "synonyms": ["containers"]},
        {"term": "network namespace", "synonyms": []},
    ]


def test_derived_slugs_are_unique_for_identical_prompts(tmp_path):
    text = SEED_LIKE.replace("What does the kubelet do?", "What is a Pod?")

    run(write(tmp_path, text), "--bank", "k8s")

    slugs = list(Question.objects.order_by("number").values_list("slug", flat=True))
    assert slugs[:2] == ["what-is-a-pod", "what-is-a-pod-2"]


def test_long_prompts_get_a_slug_cut_at_a_word(tmp_path):
    prompt = "How " + "would you design a multi region active active architecture " * 4 + "?"
    text = SEED_LIKE.replace("What is a Pod?", prompt)

    run(write(tmp_path, text), "--bank", "k8s")

    slug = Question.objects.get(number=1).slug
    assert len(slug) <= 80 and not slug.endswith("-")
    assert prompt.lower().replace(" ", "-").startswith(slug)


def test_a_text_file_needs_a_bank(tmp_path):
    with pytest.raises(CommandError, match="a text file names no bank"):
        run(write(tmp_path, SEED_LIKE))
    assert not Question.objects.exists()


def test_format_is_detected_by_extension_and_content():
    assert detect_format("1.\n", filename="bank.txt") == "text"
    assert detect_format("{}", filename="bank.json") == "json"
    assert detect_format('  {"format": 1}', filename=None) == "json"
    assert detect_format("Senior\n\n1.\n", filename="upload") == "text"


def test_the_format_option_overrides_detection(tmp_path):
    path = write(tmp_path, SEED_LIKE, "bank.json")

    run(path, "--format", "text", "--bank", "k8s")

    assert Question.objects.count() == 3


def test_dry_run_writes_nothing(tmp_path):
    output = run(write(tmp_path, SEED_LIKE), "--bank", "k8s", "--dry-run")

    assert "Dry run" in output and "3 created" in output
    assert not Bank.objects.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Just prose without numbers.\n", "line 1: no questions found"),
        ("1.\n\nWhat?\n\nAnswer\n\nThis.\n", "line 1: question 1. comes before any level heading"),
        ("Senior\n\n1.\n\nWhat is it?\n", 'line 3: question 1. has no "Answer" line'),
        ("Senior\n\n1.\n\nWhat is it?\n\nAnswer\n\n", "question 1. has an empty answer"),
        (
            "Senior\n\n1.\n\nA?\n\nAnswer\n\nB.\n\n3.\n\nC?\n\nAnswer\n\nD.\n",
            "line 11: question 3. follows question 1.: expected 2.",
        ),
        (
            "Senior\n\n1.\n\nA?\n\nSlug: not a slug\n\nAnswer\n\nB.\n",
            'line 3 (question 1): Slug "not a slug" may contain only',
        ),
        (
            "Senior\n\n1.\n\nA?\n\nTags: nope\n\nAnswer\n\nB.\n",
            "line 3 (question 1): refers to unknown tag(s): nope",
        ),
        (
            "Senior\n\n1.\n\nA?\n\nSlug: same\n\nAnswer\n\nB.\n\n"
            "2.\n\nC?\n\nSlug: same\n\nAnswer\n\nD.\n",
            "line 13 (question 2): slug is used by another question in this file",
        ),
        (
            "Senior\n\n1.\n\nA?\n\nTalking points:\n  AZ\n  az\n\nAnswer\n\nB.\n",
            'line 3 (question 1): talking point #2 repeats the term "az"',
        ),
    ],
)
def test_each_problem_names_the_line(text, expected):
    problems = problems_for(text)

    assert any(expected in p for p in problems), problems


def test_every_problem_is_reported_at_once_and_nothing_is_written(tmp_path):
    text = (
        "Senior\n\n1.\n\nA?\n\nAnswer\n\nB.\n\n2.\n\nC?\n\nTags: ghost\n\nAnswer\n\nD.\n\n"
        "3.\n\nE?\n\nAnswer\n\nF.\n"
    )
    BankFactory(slug="k8s", name="Kubernetes")

    with pytest.raises(CommandError) as exc:
        run(write(tmp_path, text), "--bank", "k8s")

    assert "line 11 (question 2): refers to unknown tag(s): ghost" in str(exc.value)
    assert not Question.objects.exists()
