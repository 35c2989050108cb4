"""A bank imported without talking points gets feedback: points derived from its answers."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from questions.models import Question
from questions.scoring import score_answer
from questions.services.importing import (
    ImportValidationError,
    parse_questions_file,
    questions_import,
)

pytestmark = pytest.mark.django_db

ANSWER = (
    "A Pod is the smallest deployable unit: one or more containers that share a network "
    "namespace and storage volumes.\n\n"
    "- The scheduler places a Pod on a node as a whole.\n"
)


def bank(points=None, **question):
    item = {
        "slug": "what-is-a-pod",
        "number": 1,
        "level": "junior",
        "prompt": "What is a Pod in Kubernetes?",
        "answer": ANSWER,
        "tags": [],
        **question,
    }
    if points is not None:
        item["talking_points"] = points
    return {
        "format": "interviewprep-questions",
        "version": 1,
        "bank": {"slug": "k8s", "name": "Kubernetes"},
        "tags": [],
        "questions": [item],
    }


def run_import(tmp_path, data) -> str:
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = StringIO()
    call_command("import_questions", str(path), stdout=out)
    return out.getvalue()


def test_a_file_without_talking_points_imports_and_scores_against_derived_points(tmp_path):
    run_import(tmp_path, bank())

    question = Question.objects.get(slug="what-is-a-pod")
    assert question.talking_points == []
    points = question.scoring_points
    assert [p["claim"] for p in points] == [True] * len(points)
    assert points[0]["term"].startswith("A Pod is the smallest deployable unit")
    good = score_answer(
        "The smallest thing you deploy: a group of containers sharing networking and disks.",
        points,
        prompt=question.prompt,
    )
    assert good.score >= 50
    assert score_answer(question.prompt, points, prompt=question.prompt).score <= 10


def test_curated_claims_import_with_their_flag(tmp_path):
    claim = {
        "term": "Containers in a Pod share a network namespace.",
        "synonyms": [],
        "claim": True,
    }

    run_import(tmp_path, bank([claim, {"term": "container", "synonyms": []}]))

    question = Question.objects.get(slug="what-is-a-pod")
    assert question.talking_points[0] == claim
    assert "claim" not in question.talking_points[1]


def test_a_claim_may_be_longer_than_a_term_but_not_unbounded():
    long_term = {"term": "x" * 150, "synonyms": []}
    long_claim = {"term": "x " * 75, "synonyms": [], "claim": True}
    too_long_claim = {"term": "x" * 301, "synonyms": [], "claim": True}
    bad_flag = {"term": "pods", "synonyms": [], "claim": "yes"}

    for points, expected in [
        ([long_term], "longer than 100 characters"),
        ([too_long_claim], "longer than 300 characters"),
        ([bad_flag], '"claim" must be true or false'),
    ]:
        with pytest.raises(ImportValidationError) as error:
            questions_import(document=parse_questions_file(json.dumps(bank(points)), filename="b"))
        assert any(expected in str(p) for p in error.value.problems), error.value.problems
    questions_import(document=parse_questions_file(json.dumps(bank([long_claim])), filename="b"))
