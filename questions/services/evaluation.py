"""Agreement of the answer scores with human grades, for ``manage.py evaluate_scoring``.

Each graded answer is scored exactly as a submitted answer is: against the talking points
of a question with that prompt and model answer (derived from the model answer, since a
CSV row carries no curated points), or, when a bank is given and the row's question is
the prompt of one of its questions, against that question's own points.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from questions.models import Bank
from questions.scoring import score_answer
from questions.talking_points import derive_points

__all__ = [
    "REQUIRED_COLUMNS",
    "EvaluationError",
    "GradedAnswer",
    "Report",
    "evaluation_report",
    "graded_answers_read",
    "pearson",
    "spearman",
]

REQUIRED_COLUMNS = ("question", "reference", "answer", "grade")
MAX_ROWS = 200_000


class EvaluationError(ValueError):
    """The graded-answer file cannot be read (the message says where and why)."""


@dataclass
class GradedAnswer:
    row: dict[str, str]
    grade: float
    score: int | None = None
    from_bank: bool = False


@dataclass
class Report:
    answers: list[GradedAnswer]
    pearson: float
    spearman: float
    zero_mean: float | None
    by_kind: dict[str, float] = field(default_factory=dict)
    from_bank: int = 0

    @property
    def n(self) -> int:
        return len(self.answers)

    def summary_line(self) -> str:
        zero = "n/a" if self.zero_mean is None else f"{self.zero_mean:.1f}"
        mean = sum(a.score or 0 for a in self.answers) / self.n if self.n else 0.0
        return (
            f"n={self.n} pearson={self.pearson:.3f} spearman={self.spearman:.3f} "
            f"zero_mean={zero} mean={mean:.1f} bank_rows={self.from_bank}"
        )


def graded_answers_read(stream: TextIO) -> tuple[list[str], list[GradedAnswer]]:
    """The columns and rows of a graded-answer CSV; raises EvaluationError on bad input."""
    try:
        reader = csv.DictReader(stream)
        columns = list(reader.fieldnames or [])
        missing = [name for name in REQUIRED_COLUMNS if name not in columns]
        if missing:
            raise EvaluationError(
                f"missing column(s): {', '.join(missing)} "
                f"(the first line must name {', '.join(REQUIRED_COLUMNS)})"
            )
        answers = []
        for row in reader:
            line = reader.line_num
            if len(answers) >= MAX_ROWS:
                raise EvaluationError(f"more than {MAX_ROWS} rows; split the file")
            if None in row or any(row.get(name) is None for name in REQUIRED_COLUMNS):
                raise EvaluationError(f"line {line}: expected {len(columns)} columns")
            try:
                grade = float(row["grade"])
            except ValueError:
                raise EvaluationError(
                    f'line {line}: grade "{row["grade"][:20]}" is not a number'
                ) from None
            if not math.isfinite(grade):
                raise EvaluationError(f"line {line}: grade must be a finite number")
            answers.append(GradedAnswer(row=row, grade=grade))
    except (csv.Error, UnicodeDecodeError) as error:
        raise EvaluationError(f"not a readable UTF-8 CSV file ({error})") from None
    if not answers:
        raise EvaluationError("no graded answers in the file")
    return columns, answers


def evaluation_report(
    answers: list[GradedAnswer],
    *,
    bank: Bank | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Score every answer as the app would, then compare the scores with the grades."""
    questions = {}
    if bank is not None:
        questions = {q.prompt.strip(): q for q in bank.questions.all()}
    for done, answer in enumerate(answers, start=1):
        prompt = answer.row["question"]
        question = questions.get(prompt.strip())
        if question is not None:
            points, prompt, model = question.scoring_points, question.prompt, question.answer
            answer.from_bank = True
        else:
            model = answer.row["reference"]
            points = derive_points(model, prompt)
        answer.score = score_answer(
            answer.row["answer"], points, prompt=prompt, model_answer=model
        ).score
        if progress is not None:
            progress(done, len(answers))
    scores = [float(a.score or 0) for a in answers]
    grades = [a.grade for a in answers]
    zero = [a.score or 0 for a in answers if a.grade == 0]
    kinds: dict[str, list[int]] = {}
    for answer in answers:
        kind = (answer.row.get("kind") or "").strip()
        if kind:
            kinds.setdefault(kind, []).append(answer.score or 0)
    return Report(
        answers=answers,
        pearson=pearson(scores, grades),
        spearman=spearman(scores, grades),
        zero_mean=sum(zero) / len(zero) if zero else None,
        by_kind={kind: sum(values) / len(values) for kind, values in sorted(kinds.items())},
        from_bank=sum(a.from_bank for a in answers),
    )


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Pearson's r; 0.0 when either side has no variance."""
    n = len(xs)
    if n < 2:
        return 0.0
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    if var_x <= 0 or var_y <= 0:
        return 0.0
    return cov / math.sqrt(var_x * var_y)


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's ρ: Pearson's r of the ranks, ties sharing their average rank."""
    return pearson(_ranks(xs), _ranks(ys))


def _ranks(values: Iterable[float]) -> list[float]:
    values = list(values)
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks
