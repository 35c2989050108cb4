"""Agreement of the scores with human grades stays where docs/feedback.md says it is.

Measured with the same code as `manage.py evaluate_scoring`, on the graded sets in
fixtures/eval/ (see its README). These guard the method against regressions; they are
not tuned per question.
"""

import csv
import json
from collections import defaultdict
from functools import cache
from pathlib import Path

from questions.scoring import score_answer
from questions.services.evaluation import pearson
from questions.talking_points import derive_points

EVAL = Path(__file__).resolve().parents[2] / "fixtures" / "eval"
BANK = EVAL.parent / "aws.json"


def rows(name: str) -> list[dict]:
    with (EVAL / name).open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@cache
def aws_scores(curated: bool) -> tuple[list[dict], list[int]]:
    bank = {q["prompt"]: q for q in json.loads(BANK.read_text(encoding="utf-8"))["questions"]}
    graded = rows("aws-graded.csv")
    scores = []
    for row in graded:
        question = bank[row["question"]]
        points = (
            question["talking_points"]
            if curated
            else derive_points(row["reference"], row["question"])
        )
        coverage = score_answer(
            row["answer"], points, prompt=question["prompt"], model_answer=question["answer"]
        )
        scores.append(coverage.score)
    return graded, scores


def by_kind(graded, scores) -> dict[str, float]:
    kinds = defaultdict(list)
    for row, score in zip(graded, scores, strict=True):
        kinds[row["kind"]].append(score)
    return {kind: sum(values) / len(values) for kind, values in kinds.items()}


def test_derived_points_agree_with_the_human_grades_of_the_public_set():
    graded = rows("mohler-public.csv")
    scores = [
        score_answer(
            row["answer"],
            derive_points(row["reference"], row["question"]),
            prompt=row["question"],
            model_answer=row["reference"],
        ).score
        for row in graded
    ]

    assert len(graded) == 1074
    assert pearson(scores, [float(row["grade"]) for row in graded]) >= 0.60


def test_curated_aws_points_agree_with_the_graded_aws_answers():
    graded, scores = aws_scores(curated=True)

    assert pearson(scores, [float(row["grade"]) for row in graded]) >= 0.75
    means = by_kind(graded, scores)
    assert means["restating"] <= 5
    assert means["strong_terms"] >= means["strong_plain"] >= means["wrong_topical"] + 30
    assert means["strong_plain"] >= means["partial"] > means["restating"]


def test_derived_points_rank_the_graded_aws_answers():
    graded, scores = aws_scores(curated=False)

    assert pearson(scores, [float(row["grade"]) for row in graded]) >= 0.60
    means = by_kind(graded, scores)
    assert means["strong_plain"] > means["wrong_topical"] > means["restating"]
