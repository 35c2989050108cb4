"""import_questions with the JSON format: validation, atomicity, idempotency, reports."""

import copy
import json
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from questions.models import Bank, Question, Tag
from questions.services.importing import (
    ImportValidationError,
    parse_questions_file,
    questions_import,
)
from tests.factories import BankFactory, QuestionFactory, TagFactory

pytestmark = pytest.mark.django_db

BASE = {
    "format": "interviewprep-questions",
    "version": 1,
    "bank": {"slug": "k8s", "name": "Kubernetes", "description": "Containers at scale."},
    "tags": [
        {"slug": "pods", "name": "Pods", "kind": "service"},
        {"slug": "scheduling", "name": "Scheduling", "kind": "domain"},
    ],
    "questions": [
        {
            "slug": "what-is-a-pod",
            "number": 1,
            "level": "junior",
            "prompt": "What is a Pod?",
            "answer": "The smallest deployable unit.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
            "tags": ["pods"],
            "talking_points": [{"term": "container", "synonyms": ["containers"]}],
            "active": True,
        },
        {
            "slug": "pod-scheduling",
            "number": 2,
            "level": "senior",
            "prompt": "How does the scheduler place Pods?",
            "answer": "Filtering, then scoring.",
            "tags": ["pods", "scheduling"],
            "talking_points": [
                {"term": "node affinity", "synonyms": []},
                {"term": "taints and tolerations", "synonyms": ["taint", "toleration"]},
            ],
            "active": False,
        },
        {
            "slug": "what-is-a-node",
            "number": 3,
            "level": "junior",
            "prompt": "What is a node?",
            "answer": "A worker machine.",
            "tags": [],
            "talking_points": [],
            "active": True,
        },
    ],
}


def document(**changes):
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def write(tmp_path: Path, data, name: str = "bank.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def run(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_questions", str(path), *args, stdout=out)
    return out.getvalue()


def problems_for(data) -> list[str]:
    text = data if isinstance(data, str) else json.dumps(data)
    with pytest.raises(ImportValidationError) as exc:
        questions_import(document=parse_questions_file(text, filename="x.json"))
    return [str(p) for p in exc.value.problems]


def test_it_imports_bank_tags_and_questions(tmp_path):
    output = run(write(tmp_path, document()))

    bank = Bank.objects.get(slug="k8s")
    assert (bank.name, bank.description) == ("Kubernetes", "Containers at scale.")
    assert dict(Tag.objects.filter(bank=bank).values_list("slug", "kind")) == {
        "pods": "service",
        "scheduling": "domain",
    }
    pod = Question.objects.get(bank=bank, slug="what-is-a-pod")
    assert pod.prompt == "What is a Pod?"
    assert pod.level == "junior" and pod.number == 1 and pod.is_active
    assert pod.talking_points == [{"term": "container", "synonyms": ["containers"]}]
    assert "<table>" in pod.answer_html  # saved through Question.save(), so rendered
    scheduling = Question.objects.get(bank=bank, slug="pod-scheduling")
    assert not scheduling.is_active
    assert sorted(scheduling.tags.values_list("slug", flat=True)) == ["pods", "scheduling"]
    assert "3 created, 0 updated, 0 unchanged" in output


def test_reimporting_an_unchanged_file_changes_nothing(tmp_path):
    path = write(tmp_path, document())
    run(path)
    before = {q.slug: (q.updated, q.history.count()) for q in Question.objects.all()}

    output = run(path)

    after = {q.slug: (q.updated, q.history.count()) for q in Question.objects.all()}
    assert after == before
    assert "0 created, 0 updated, 3 unchanged" in output


def test_a_changed_question_is_updated_by_slug(tmp_path):
    run(write(tmp_path, document()))
    pod = Question.objects.get(slug="what-is-a-pod")
    untouched = Question.objects.get(slug="what-is-a-node")
    untouched_updated = untouched.updated
    data = document()
    data["questions"][0]["answer"] = "A group of **containers**."
    data["questions"][0]["tags"] = ["pods", "scheduling"]

    output = run(write(tmp_path, data, "v2.json"), "-v", "2")

    pod.refresh_from_db()
    assert pod.answer == "A group of **containers**."
    assert "<strong>containers</strong>" in pod.answer_html
    assert sorted(pod.tags.values_list("slug", flat=True)) == ["pods", "scheduling"]
    assert pod.history.count() == 2
    assert pod.history.first().history_change_reason == "Imported from v2.json"
    assert "update: what-is-a-pod (answer, tags)" in output
    assert "0 created, 1 updated, 2 unchanged" in output
    untouched.refresh_from_db()
    assert untouched.updated == untouched_updated
    assert Question.objects.count() == 3


def test_a_new_question_history_records_its_tags(tmp_path):
    run(write(tmp_path, document()))

    question = Question.objects.get(slug="pod-scheduling")
    (record,) = question.history.all()
    assert record.history_type == "+"
    assert sorted(row.tag.slug for row in record.tags.all()) == ["pods", "scheduling"]


def test_questions_missing_from_the_file_are_left_alone(tmp_path):
    run(write(tmp_path, document()))
    data = document()
    data["questions"] = data["questions"][:1]

    output = run(write(tmp_path, data, "one.json"))

    assert Question.objects.filter(bank__slug="k8s").count() == 3
    assert Question.objects.get(slug="what-is-a-node").is_active
    assert "2 question(s) in the bank but not in the file left as is" in output


def test_dry_run_reports_and_writes_nothing(tmp_path):
    output = run(write(tmp_path, document()), "--dry-run")

    assert "Dry run" in output and "3 created" in output
    assert not Bank.objects.filter(slug="k8s").exists()
    assert not Tag.objects.exists()
    assert not Question.objects.exists()


def test_dry_run_reports_updates_without_writing(tmp_path):
    run(write(tmp_path, document()))
    data = document()
    data["questions"][2]["prompt"] = "What is a Kubernetes node?"

    output = run(write(tmp_path, data, "v2.json"), "--dry-run")

    assert "0 created, 1 updated, 2 unchanged" in output
    assert Question.objects.get(slug="what-is-a-node").prompt == "What is a node?"


def test_bank_option_imports_into_another_bank_and_creates_it(tmp_path):
    BankFactory(slug="aws", name="AWS")
    output = run(write(tmp_path, document()), "--bank", "k8s-2025")

    bank = Bank.objects.get(slug="k8s-2025")
    assert bank.questions.count() == 3
    assert not Bank.objects.filter(slug="k8s").exists()
    assert "bank 'k8s-2025' (new)" in output


def test_bank_option_on_an_existing_bank_keeps_its_name(tmp_path):
    existing = BankFactory(slug="kube", name="Kube", description="Ours.")

    run(write(tmp_path, document()), "--bank", "kube")

    existing.refresh_from_db()
    assert (existing.name, existing.description) == ("Kube", "Ours.")
    assert existing.questions.count() == 3


def test_bank_option_renames_a_new_bank_whose_name_is_taken(tmp_path):
    run(write(tmp_path, document()))

    run(write(tmp_path, document()), "--bank", "k8s-copy")

    assert Bank.objects.get(slug="k8s-copy").name == "Kubernetes (k8s-copy)"


def test_a_changed_bank_name_and_tag_are_updated(tmp_path):
    run(write(tmp_path, document()))
    data = document()
    data["bank"]["description"] = "Orchestration."
    data["tags"][0]["name"] = "Pod"

    output = run(write(tmp_path, data, "v2.json"))

    assert Bank.objects.get(slug="k8s").description == "Orchestration."
    assert Tag.objects.get(slug="pods").name == "Pod"
    assert "tags: 0 created, 1 updated" in output


def test_questions_may_refer_to_tags_already_in_the_bank(tmp_path):
    bank = BankFactory(slug="k8s", name="Kubernetes", description="Containers at scale.")
    TagFactory(bank=bank, slug="networking", name="Networking")
    data = document()
    data["questions"][2]["tags"] = ["networking"]

    run(write(tmp_path, data))

    assert Question.objects.get(slug="what-is-a-node").tags.get().slug == "networking"


def test_a_slug_may_be_left_out_and_is_derived_from_the_prompt(tmp_path):
    data = document()
    del data["questions"][2]["slug"]
    path = write(tmp_path, data)

    run(path)
    output = run(path)

    assert Question.objects.filter(slug="what-is-a-node").exists()
    assert "3 unchanged" in output


def test_the_command_fails_with_every_problem_and_writes_nothing(tmp_path):
    data = document()
    data["questions"][0]["level"] = "expert"
    data["questions"][2]["tags"] = ["ghost"]

    with pytest.raises(CommandError) as exc:
        run(write(tmp_path, data))

    message = str(exc.value)
    assert "2 problem(s), nothing was imported" in message
    assert "question #1 'what-is-a-pod': \"level\" must be one of: junior, senior" in message
    assert "question #3 'what-is-a-node': refers to unknown tag(s): ghost" in message
    assert not Question.objects.exists() and not Bank.objects.exists()


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        run(tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.update(format="other"), 'file: "format" must be "interviewprep-questions"'),
        (lambda d: d.update(version=2), 'file: "version" must be 1'),
        (lambda d: d.update(extra=1), 'file: unknown field "extra"'),
        (lambda d: d.pop("bank"), "bank: is missing"),
        (lambda d: d["bank"].update(slug="no spaces"), 'bank: "slug" "no spaces" may contain'),
        (lambda d: d["bank"].update(name=""), 'bank: "name" is empty'),
        (lambda d: d["bank"].update(name="x" * 101), 'bank: "name" is longer than 100'),
        (lambda d: d.update(tags={}), "tags: must be a list"),
        (lambda d: d["tags"][0].update(kind="product"), "tag 'pods': \"kind\" must be one of"),
        (lambda d: d["tags"][1].update(slug="pods"), "tag 'pods': slug is used by another tag"),
        (lambda d: d["tags"][1].update(name="Pods"), 'name "Pods" is used by another tag'),
        (lambda d: d["tags"][0].update(name="n" * 61), "tag 'pods': \"name\" is longer than 60"),
        (lambda d: d["tags"].append("pods"), "tag #3: must be an object"),
        (lambda d: d.update(questions=[]), "questions: is empty"),
        (lambda d: d.pop("questions"), "questions: is missing"),
        (lambda d: d["questions"].append(7), "question #4: must be an object"),
        (
            lambda d: d["questions"][1].update(slug="what-is-a-pod"),
            "question #2 'what-is-a-pod': slug is used by another question in this file",
        ),
        (
            lambda d: d["questions"][0].update(slug="Bad Slug!"),
            'question #1 \'Bad Slug!\': "slug" "Bad Slug!" may contain only',
        ),
        (
            lambda d: d["questions"][0].update(slug="s" * 121),
            '"slug" is longer than 120 characters',
        ),
        (lambda d: d["questions"][0].pop("level"), "'what-is-a-pod': \"level\" is missing"),
        (lambda d: d["questions"][0].update(level="lead"), '"level" must be one of'),
        (lambda d: d["questions"][0].update(prompt="  "), "'what-is-a-pod': \"prompt\" is empty"),
        (lambda d: d["questions"][0].pop("prompt"), '"prompt" is missing'),
        (lambda d: d["questions"][0].update(answer=""), "'what-is-a-pod': \"answer\" is empty"),
        (lambda d: d["questions"][0].update(answer=["a"]), '"answer" must be a string'),
        (lambda d: d["questions"][0].update(prompt="p" * 2001), '"prompt" is longer than 2000'),
        (lambda d: d["questions"][0].update(number=0), '"number" must be a whole number'),
        (lambda d: d["questions"][0].update(number="1"), '"number" must be a whole number'),
        (lambda d: d["questions"][0].update(number=True), '"number" must be a whole number'),
        (lambda d: d["questions"][0].update(active="yes"), '"active" must be true or false'),
        (lambda d: d["questions"][0].update(tags="pods"), '"tags" must be a list of tag slugs'),
        (lambda d: d["questions"][0].update(tags=["pods", "pods"]), "more than once: pods"),
        (lambda d: d["questions"][0].update(tags=["nope"]), "refers to unknown tag(s): nope"),
        (lambda d: d["questions"][0].update(hint="x"), 'unknown field "hint"'),
        (
            lambda d: d["questions"][0].update(talking_points="AZ"),
            '"talking_points" must be a list',
        ),
        (
            lambda d: d["questions"][0].update(talking_points=["AZ"]),
            'talking point #1 must be an object with "term" and "synonyms"',
        ),
        (
            lambda d: d["questions"][0].update(talking_points=[{"term": ""}]),
            "talking point #1 term is empty",
        ),
        (
            lambda d: d["questions"][0].update(talking_points=[{"term": "a | b"}]),
            'talking point #1 term "a | b" must be one line without "|"',
        ),
        (
            lambda d: d["questions"][0].update(talking_points=[{"term": "AZ", "synonyms": "zone"}]),
            'talking point #1 ("AZ") synonyms must be a list of strings',
        ),
        (
            lambda d: d["questions"][0].update(talking_points=[{"term": "AZ", "synonyms": [3]}]),
            'talking point #1 ("AZ") synonym must be a string',
        ),
        (
            lambda d: d["questions"][0].update(
                talking_points=[{"term": "AZ"}, {"term": "az", "synonyms": []}]
            ),
            'talking point #2 repeats the term "az"',
        ),
        (
            lambda d: d["questions"][0].update(talking_points=[{"term": "AZ", "weight": 2}]),
            "talking point #1 has unknown field(s): weight",
        ),
        (
            lambda d: d["questions"][0].update(talking_points=[{"term": "t" * 101}]),
            "talking point #1 term is longer than 100 characters",
        ),
    ],
)
def test_each_validation_error_names_what_is_wrong(mutate, expected):
    data = document()
    mutate(data)

    problems = problems_for(data)

    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"format": ', "line 1: is not valid JSON"),
        ("[1, 2]", "file: must be a JSON object"),
        ("", "file: is empty"),
        ('{"a": "\x00"}', "file: contains NUL characters"),
    ],
)
def test_unreadable_files_are_explained(content, expected):
    assert expected in problems_for(content)[0]


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(json.dumps(document()).replace("Pod?", "Pöd?").encode("latin-1"))

    with pytest.raises(CommandError, match="is not UTF-8 text"):
        run(path)


def test_tag_name_used_by_another_tag_of_the_bank_is_an_error(tmp_path):
    bank = BankFactory(slug="k8s", name="Kubernetes")
    TagFactory(bank=bank, slug="pod", name="Pods")

    problems = problems_for(document())

    assert "tag 'pods': name \"Pods\" is already used by tag 'pod' in this bank" in problems


def test_bank_name_used_by_another_bank_is_an_error():
    BankFactory(slug="kubernetes", name="Kubernetes")

    problems = problems_for(document())

    assert any('name "Kubernetes" is already used by another bank' in p for p in problems)


def test_a_failure_in_the_middle_rolls_everything_back(tmp_path):
    bank = BankFactory(slug="k8s", name="Kubernetes", description="Containers at scale.")
    QuestionFactory(bank=bank, slug="what-is-a-node", prompt="Old prompt", answer="Old.")
    real_save = Question.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(self.slug)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_save(self, *args, **kwargs)

    with (
        mock.patch.object(Question, "save", failing_save),
        pytest.raises(RuntimeError, match="disk full"),
    ):
        run(write(tmp_path, document()))

    assert calls == ["what-is-a-pod", "pod-scheduling"]
    assert list(Question.objects.values_list("slug", "prompt")) == [
        ("what-is-a-node", "Old prompt")
    ]
    assert not Tag.objects.filter(bank=bank).exists()


def test_the_real_aws_fixture_imports_and_reimports_unchanged():
    path = Path("fixtures/aws.json")
    first = run(path)
    second = run(path)

    assert "60 created" in first
    assert "0 created, 0 updated, 60 unchanged" in second


def test_tags_may_swap_names(tmp_path):
    run(write(tmp_path, document()))
    data = document()
    data["tags"][0]["name"], data["tags"][1]["name"] = "Scheduling", "Pods"

    output = run(write(tmp_path, data, "swap.json"))

    assert dict(Tag.objects.values_list("slug", "name")) == {
        "pods": "Scheduling",
        "scheduling": "Pods",
    }
    assert "tags: 0 created, 2 updated" in output


def test_questions_without_slug_match_the_bank_by_prompt_once(tmp_path):
    bank = BankFactory(slug="k8s", name="Kubernetes", description="Containers at scale.")
    QuestionFactory(bank=bank, slug="pod-basics", prompt="What is a  POD?", answer="Old.")
    data = document()
    for question in data["questions"][:2]:
        del question["slug"]
        question["prompt"] = "What is a Pod?"

    run(write(tmp_path, data))

    assert sorted(Question.objects.values_list("slug", flat=True)) == [
        "pod-basics",
        "what-is-a-node",
        "what-is-a-pod",
    ]
    assert Question.objects.get(slug="pod-basics").number == 1
    assert Question.objects.get(slug="what-is-a-pod").number == 2
