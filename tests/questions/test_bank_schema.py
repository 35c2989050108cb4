"""The JSON Schema of the bank format: served, valid, true to the importer and the exporter."""

import copy
import json
import time
from pathlib import Path

import jsonschema
import pytest
from django.urls import reverse

from questions.models import Bank, Level, Question, Tag, TagKind
from questions.services.exporting import bank_export_data
from questions.services.importing import (
    BANK_SCHEMA_FILE,
    MAX_ANSWER_LENGTH,
    MAX_CLAIM_LENGTH,
    MAX_DESCRIPTION_LENGTH,
    MAX_PROMPT_LENGTH,
    MAX_QUESTION_NUMBER,
    MAX_QUESTIONS,
    MAX_SCHEMA_ERRORS,
    MAX_SYNONYMS,
    MAX_TAGS,
    MAX_TALKING_POINTS,
    MAX_TERM_LENGTH,
    bank_schema,
    check_talking_points,
    parse_questions_file,
    questions_import,
)
from tests.factories import BankFactory, QuestionFactory, TagFactory
from tests.questions.test_import_json import problems_for

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/schemas/bank.schema.json"

BASE = {
    "format": "interviewprep-questions",
    "version": 1,
    "bank": {"slug": "k8s", "name": "Kubernetes", "description": "Containers at scale."},
    "tags": [{"slug": "pods", "name": "Pods", "kind": "service"}],
    "questions": [
        {
            "slug": "what-is-a-pod",
            "number": 1,
            "level": "junior",
            "prompt": "What is a Pod?",
            "answer": "The smallest deployable unit.",
            "tags": ["pods"],
            "talking_points": [{"term": "container", "synonyms": ["containers"]}],
            "active": True,
        },
        {
            "level": "senior",
            "prompt": "How does the scheduler place Pods?",
            "answer": "Filtering, then scoring.",
        },
    ],
}


def document(**changes):
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def schema_errors(data) -> list[str]:
    """What a plain 2020-12 validator (an editor's) says about ``data``."""
    validator = jsonschema.Draft202012Validator(bank_schema())
    return [error.message for error in validator.iter_errors(data)]


# --------------------------------------------------------------------------- served


def test_the_schema_is_served_to_anyone_as_schema_json(client):
    response = client.get(SCHEMA_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.content == BANK_SCHEMA_FILE.read_bytes()
    assert reverse("questions:bank_schema") == SCHEMA_URL


def test_the_served_schema_is_a_valid_2020_12_schema(client):
    schema = json.loads(client.get(SCHEMA_URL).content)

    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_URL
    assert schema["title"]


def test_the_schema_view_answers_head_and_refuses_post(client):
    assert client.head(SCHEMA_URL).status_code == 200
    assert client.post(SCHEMA_URL).status_code == 405


def test_every_field_of_the_schema_has_a_description():
    def undescribed(node, path):
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if "description" not in sub and "$ref" not in sub:
                    yield f"{path}/properties/{name}"
                yield from undescribed(sub, f"{path}/properties/{name}")
            if isinstance(node.get("items"), dict):
                yield from undescribed(node["items"], f"{path}/items")
            for name, sub in node.get("$defs", {}).items():
                if "description" not in sub:
                    yield f"{path}/$defs/{name}"
                yield from undescribed(sub, f"{path}/$defs/{name}")

    assert list(undescribed(bank_schema(), "#")) == []


def test_the_schema_limits_are_the_importers_and_the_models():
    schema = bank_schema()
    props = schema["properties"]
    bank, tag = props["bank"]["properties"], props["tags"]["items"]["properties"]
    question = props["questions"]["items"]["properties"]
    point = schema["$defs"]["talking_point"]

    assert bank["slug"]["maxLength"] == Bank._meta.get_field("slug").max_length
    assert bank["name"]["maxLength"] == Bank._meta.get_field("name").max_length
    assert bank["description"]["maxLength"] == MAX_DESCRIPTION_LENGTH
    assert tag["slug"]["maxLength"] == Tag._meta.get_field("slug").max_length
    assert tag["name"]["maxLength"] == Tag._meta.get_field("name").max_length
    assert tag["kind"]["enum"] == list(TagKind.values)
    assert props["tags"]["maxItems"] == question["tags"]["maxItems"] == MAX_TAGS
    assert question["tags"]["items"]["maxLength"] == Tag._meta.get_field("slug").max_length
    assert props["questions"]["maxItems"] == MAX_QUESTIONS
    assert question["slug"]["maxLength"] == Question._meta.get_field("slug").max_length
    assert question["number"]["maximum"] == MAX_QUESTION_NUMBER
    assert question["level"]["enum"] == list(Level.values)
    assert question["prompt"]["maxLength"] == MAX_PROMPT_LENGTH
    assert question["answer"]["maxLength"] == MAX_ANSWER_LENGTH
    assert schema["$defs"]["talking_points"]["maxItems"] == MAX_TALKING_POINTS
    assert point["then"]["properties"]["term"]["maxLength"] == MAX_CLAIM_LENGTH
    assert point["else"]["properties"]["term"]["maxLength"] == MAX_TERM_LENGTH
    assert point["properties"]["synonyms"]["maxItems"] == MAX_SYNONYMS
    assert point["properties"]["synonyms"]["items"]["maxLength"] == MAX_TERM_LENGTH


# --------------------------------------------------------------------------- what validates


def test_the_aws_fixture_validates():
    assert schema_errors(json.loads(Path("fixtures/aws.json").read_text(encoding="utf-8"))) == []


def test_an_export_carries_schema_and_validates():
    bank = BankFactory(slug="cloud", name="Cloud", description="Line one.\nLine two.")
    ec2 = TagFactory(bank=bank, slug="ec2", name="EC2", kind=TagKind.SERVICE)
    QuestionFactory(
        bank=bank,
        tags=[ec2],
        talking_points=[
            {"term": "Availability Zone", "synonyms": ["AZ"]},
            {"term": "A claim of the model answer, " + "long " * 50, "synonyms": [], "claim": True},
        ],
    )
    QuestionFactory(bank=bank, is_active=False, talking_points=[])

    data = bank_export_data(bank=bank)

    assert next(iter(data)) == "$schema" and data["$schema"] == SCHEMA_URL
    assert schema_errors(data) == []


def test_an_export_names_the_full_schema_url_when_given():
    data = bank_export_data(bank=BankFactory(), schema_url="https://prep.example.com" + SCHEMA_URL)

    assert data["$schema"] == "https://prep.example.com/schemas/bank.schema.json"


def test_the_importer_accepts_schema_and_the_documented_defaults():
    data = document(**{"$schema": "https://prep.example.com" + SCHEMA_URL})
    data["questions"][1]["number"] = 2.0  # a whole number, as JSON Schema counts

    report = questions_import(document=parse_questions_file(json.dumps(data), filename="x.json"))

    assert schema_errors(data) == []
    assert report.created == 2
    derived = Question.objects.get(number=2)
    assert derived.slug == "how-does-the-scheduler-place-pods"
    assert derived.is_active and derived.talking_points == [] and not derived.tags.exists()


def test_a_claim_may_be_longer_than_a_term():
    data = document()
    claim = "c" * MAX_CLAIM_LENGTH
    data["questions"][0]["talking_points"] = [{"term": claim, "synonyms": [], "claim": True}]

    questions_import(document=parse_questions_file(json.dumps(data), filename="x.json"))

    assert schema_errors(data) == []
    assert Question.objects.get(slug="what-is-a-pod").talking_points == [
        {"term": claim, "synonyms": [], "claim": True}
    ]


# --------------------------------------------------------------------------- what does not


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.update({"$schema": 7}), 'file: "$schema" must be a string'),
        (lambda d: d.pop("format"), 'file: "format" must be "interviewprep-questions"'),
        (lambda d: d.update(bank=None), "bank: is missing"),
        (lambda d: d.update(bank=[]), "bank: must be an object with slug, name and description"),
        (lambda d: d["bank"].pop("slug"), 'bank: "slug" is missing'),
        (lambda d: d["bank"].update(slug=""), 'bank: "slug" is empty'),
        (lambda d: d["bank"].update(owner="me"), 'bank: unknown field "owner"'),
        (lambda d: d["bank"].update(name="Kube\nrnetes"), 'bank: "name" must be on one line'),
        (lambda d: d["bank"].update(name=" "), 'bank: "name" is empty'),
        (
            lambda d: d["bank"].update(description="d" * 2001),
            'bank: "description" is longer than 2000 characters',
        ),
        (lambda d: d.update(tags=None), "tags: must be a list"),
        (lambda d: d["tags"][0].pop("name"), "tag 'pods': \"name\" is missing"),
        (lambda d: d["tags"][0].update(colour="red"), "tag 'pods': unknown field \"colour\""),
        (lambda d: d.update(questions="all"), "questions: must be a list"),
        (
            lambda d: d.update(questions=[d["questions"][1]] * (MAX_QUESTIONS + 1)),
            f"questions: holds more than {MAX_QUESTIONS} questions",
        ),
        (
            lambda d: d["questions"][1].update(level=None),
            'question #2: "level" must be one of: junior, senior',
        ),
        (
            lambda d: d["questions"][1].pop("answer"),
            'question #2: "answer" is missing',
        ),
        (
            lambda d: d["questions"][0].update(number=1.5),
            "question #1 'what-is-a-pod': \"number\" must be a whole number of 1 or more",
        ),
        (
            lambda d: d["questions"][0].update(number=2**31),
            f"question #1 'what-is-a-pod': \"number\" must be at most {MAX_QUESTION_NUMBER}",
        ),
        (
            lambda d: d["questions"][0].update(tags=["pods", 3]),
            "question #1 'what-is-a-pod': \"tags\" must be a list of tag slugs",
        ),
        (
            lambda d: d["questions"][0].update(tags=["no spaces"]),
            'question #1 \'what-is-a-pod\': "tags" "no spaces" is not a tag slug',
        ),
        (
            lambda d: d["questions"][0].update(tags=["pods"] * (MAX_TAGS + 1)),
            f"question #1 'what-is-a-pod': \"tags\" lists more than {MAX_TAGS} tags",
        ),
        (
            lambda d: d["questions"][0].update(talking_points=[{"term": "AZ"}] * 41),
            "question #1 'what-is-a-pod': has more than 40 talking points",
        ),
        (
            lambda d: d["questions"][0].update(talking_points=[{"synonyms": []}]),
            "question #1 'what-is-a-pod': talking point #1 term is missing",
        ),
        (
            lambda d: d["questions"][0].update(talking_points=[{"term": "AZ", "claim": "yes"}]),
            "question #1 'what-is-a-pod': talking point #1 \"claim\" must be true or false",
        ),
        (
            lambda d: d["questions"][0].update(talking_points=[{"term": "c" * 301, "claim": True}]),
            "question #1 'what-is-a-pod': talking point #1 term is longer than 300 characters",
        ),
        (
            lambda d: d["questions"][0].update(
                talking_points=[{"term": "t" * 101, "claim": False}]
            ),
            "question #1 'what-is-a-pod': talking point #1 term is longer than 100 characters",
        ),
        (
            lambda d: d["questions"][0].update(
                talking_points=[{"term": "AZ", "synonyms": ["s"] * 21}]
            ),
            "question #1 'what-is-a-pod': talking point #1 (\"AZ\") has more than 20 synonyms",
        ),
        (
            lambda d: d["questions"][0].update(
                talking_points=[{"term": "AZ", "synonyms": ["zone\nregion"]}]
            ),
            'talking point #1 ("AZ") synonym "zone\nregion" must be one line without "|"',
        ),
        (
            lambda d: d["questions"][0].update(
                talking_points=[{"term": "AZ", "synonyms": ["s" * 101]}]
            ),
            'talking point #1 ("AZ") synonym is longer than 100 characters',
        ),
        (
            lambda d: d["questions"][1].update(talking_points=[{"term": " "}]),
            "question #2: talking point #1 term is empty",
        ),
    ],
)
def test_each_schema_error_names_the_question_or_part_and_the_field(mutate, expected):
    data = document()
    mutate(data)

    problems = problems_for(data)

    assert any(expected in p for p in problems), problems
    assert schema_errors(data) != []  # an editor flags it too


def test_semantic_problems_are_checked_where_the_schema_cannot():
    data = document()
    data["tags"].append({"slug": "pods-2", "name": "PODS", "kind": "domain"})
    data["questions"][0]["talking_points"] = [{"term": "AZ"}, {"term": "az"}]

    problems = problems_for(data)

    assert schema_errors(data) == []
    assert "tag 'pods-2': name \"PODS\" is used by another tag in this file" in problems
    assert "question #1 'what-is-a-pod': talking point #2 repeats the term \"az\"" in problems


def test_problems_are_listed_in_the_files_order():
    data = document(extra=1)
    data["questions"][1]["level"] = "lead"
    data["questions"][0]["active"] = "yes"
    data["questions"][0].pop("prompt")
    data["bank"]["name"] = ""

    problems = problems_for(data)

    assert problems == [
        'file: unknown field "extra"',
        'bank: "name" is empty',
        "question #1 'what-is-a-pod': \"prompt\" is missing",
        "question #1 'what-is-a-pod': \"active\" must be true or false",
        'question #2: "level" must be one of: junior, senior',
    ]


def test_text_talking_points_are_checked_against_the_same_schema():
    check = check_talking_points(
        [{"term": "AZ", "synonyms": ["zone", " zone ", "az"]}, {"term": "x|y", "synonyms": []}]
    )

    assert check.errors == ('talking point #2 term "x|y" must be one line without "|"',)
    assert check.points[0] == {"term": "AZ", "synonyms": ["zone"]}


# --------------------------------------------------------------------------- junk


def test_deeply_nested_json_is_reported_not_crashed_on():
    assert problems_for("[" * 100_000 + "]" * 100_000) == [
        "file: is nested too deeply: a question bank is a few levels of objects and lists"
    ]


def test_deep_junk_inside_a_valid_shape_is_reported_not_crashed_on():
    depth = 990  # parses, but deeper than the interpreter can print inside the validator
    data = document()
    text = json.dumps(data).replace('"tags": ["pods"]', '"tags": ' + "[" * depth + "]" * depth)

    problems = problems_for(text)

    assert len(problems) == 1 and problems[0].startswith(("file: ", "question #1 'what-is-a-pod':"))


def test_a_file_of_junk_lists_a_bounded_number_of_problems():
    data = document()
    data["questions"] = [{"level": "x", "prompt": 1, "answer": 2}] * MAX_QUESTIONS

    problems = problems_for(data)

    assert len(problems) == MAX_SCHEMA_ERRORS + 1
    assert problems[-1] == f"file: has more problems than the first {MAX_SCHEMA_ERRORS} listed"


def test_large_mixed_lists_and_long_lines_are_checked_in_linear_time():
    data = document()
    # jsonschema's own uniqueItems compares every pair of a mixed list (~10^9 comparisons here).
    data["questions"][0]["tags"] = [n if n % 2 else f"tag-{n}" for n in range(60_000)]
    data["bank"]["name"] = "n" * 1_000_000 + "\nx"  # no backtracking in the one-line pattern
    started = time.monotonic()

    problems = problems_for(data)

    assert time.monotonic() - started < 10
    assert 'bank: "name" must be on one line' in problems
    assert "question #1 'what-is-a-pod': \"tags\" must be a list of tag slugs" in problems
